"""A month's partner report at scale, against the exact staff computation of the same figures.

    python bench/partners.py                          # 10,000,000 events over 31 days
    BENCH_PARTNER_EVENTS=1000000 python bench/partners.py
    BENCH_PARTNER_VAR=/tmp/month python bench/partners.py   # keep the month, measure again

In a throwaway SQLite database under a temporary var dir (bench/audience_db.py; the demo
database is left alone; BENCH_PARTNER_VAR keeps it, and a second run measures it again):
four cities of 22 genres × 25 tracks, listening events written
straight into the database over the 3 days that end last midnight (the month's share of
the events), the real `audience_rollup` over them, and its rollups copied, as SQL, to the
28 days before, with the same listeners coming back: a month of rollups for the events
asked for, without rolling up 31 days of events (about 9,000 events a second here). A
label holds the rights to 500 of the 2,200 tracks, every track of 20 genres of the first
city. Then, three times each:

- partner report: the month's view released for the label through the disclosure layer
  (bounded sums, noise, threshold, budget, the release record), "first figure" when the
  release is stored, "total" once the portal page and its CSV, JSON and PDF are made;
- exact: the same figures (listeners, plays, ends, skips, seconds per track, day, genre and
  in total) summed exactly from the same rows, as a staff query would, with no bound,
  noise or threshold: the baseline of the ratio;
- staff ratings page: /ratings/ for the first city over the same 31 days.

Prints one JSON line per measurement (median and fastest seconds, the ratio to the exact
computation, the targets) and the process's peak RSS."""

import json
import os
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
RUNS = 3
DAYS = 31
ROLLED_DAYS = 3  # rolled up for real; the rest of the month are copies of them
# Four cities of 22 genres of 25 tracks; the label holds every track of 20 genres of the
# first city: 500 of 2,200, about a quarter of the listening.
CITIES, GENRES, TRACKS_PER_GENRE, OWNED = 4, 22, 25, 500
TARGET_SECONDS = 2.0


def helper(*args) -> dict:
    done = subprocess.run(
        [sys.executable, str(BENCH / "audience_db.py"), *map(str, args)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def timed(function, runs=RUNS) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return times


def line(name: str, times: list[float], baseline: float | None, **extra) -> None:
    median = statistics.median(times)
    figures = {"measure": name, "median_s": round(median, 3), "fastest_s": round(min(times), 3)}
    if baseline:
        figures["vs_exact"] = round(median / baseline, 2)
    print(json.dumps(figures | extra), flush=True)


FIRST_FIGURE = "partner report: first figure"
TOTAL = "partner report: total"
STAFF_PAGE = "staff ratings page, 31 days"


def partners_run(workdir: Path) -> list[dict]:
    """Run this benchmark in a process of its own (for bench/run.py); return its lines."""
    print("measuring a month's partner report (setup takes a few minutes)...", flush=True)
    import report

    return report.script_lines(
        Path(__file__).resolve(), env={"BENCH_PARTNER_VAR": str(workdir / "partners")}
    )


def verdicts(lines: list[dict]) -> list:
    import report

    measured = {figures["measure"]: figures for figures in lines if "measure" in figures}
    peak = next((figures["peak_rss_mb"] for figures in lines if "peak_rss_mb" in figures), None)
    found = [
        report.Verdict(
            f"{name}, median", measured.get(name, {}).get("median_s"), " s", TARGET_SECONDS,
            higher_is_better=False,
        )
        for name in (FIRST_FIGURE, TOTAL, STAFF_PAGE)
    ]  # fmt: skip
    found.append(
        report.Verdict(
            "peak RSS of the partner benchmark", peak, " MB", None, higher_is_better=False
        )
    )
    return found


def main() -> None:
    events = int(os.environ.get("BENCH_PARTNER_EVENTS", "10000000"))
    kept = os.environ.get("BENCH_PARTNER_VAR")
    with tempfile.TemporaryDirectory(prefix="bench-partners-") as var:
        var_dir = Path(kept or var)
        if not (var_dir / "twentytwo.sqlite3").exists():
            month_make(var_dir, events)
        measure(var_dir)


def month_make(var_dir: Path, events: int) -> None:
    (var_dir / "static").mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    helper("catalog", var_dir, GENRES, TRACKS_PER_GENRE, CITIES)
    # The cities keep UTC days, so that the rolled-up days are whole days to copy.
    with sqlite3.connect(var_dir / "twentytwo.sqlite3") as database:
        database.execute("UPDATE catalog_city SET time_zone = 'UTC'")
    written = helper("events", var_dir, events * ROLLED_DAYS // DAYS, ROLLED_DAYS)
    env = {**os.environ, "TWENTYTWO_VAR_DIR": str(var_dir), "TWENTYTWO_LOG_LEVEL": "WARNING"}
    env.pop("DATABASE_URL", None)
    rolled = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "twentytwo", "audience_rollup"], cwd=REPO, env=env, check=True,
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    rollup_seconds = time.perf_counter() - rolled
    copied = month_fill(var_dir)
    print(
        json.dumps(
            {
                "events_rolled_up": written["events"],
                "events_in_the_month": round(written["events"] * DAYS / ROLLED_DAYS),
                "rollup_rows_copied": copied,
                "days": DAYS,
                "listeners": written["listeners"],
                "write_s": written["seconds"],
                "rollup_s": round(rollup_seconds, 1),
                "setup_s": round(time.perf_counter() - started, 1),
            }
        ),
        flush=True,
    )


def month_fill(var_dir: Path) -> int:
    """Copy the rolled-up days back over the rest of the month; return the rows written."""
    tables = {
        "audience_playedquarterhour": ("slot_start", "local_date"),
        "audience_creditedquarterhour": ("slot_start", "local_date"),
        "audience_listeningquarterhour": ("slot_start", "hour_start", "local_date"),
        "audience_listeninghour": ("hour_start", "local_date"),
        "audience_listeningday": ("local_date",),
    }
    database = sqlite3.connect(var_dir / "twentytwo.sqlite3")
    database.execute("PRAGMA journal_mode=WAL")
    database.execute("PRAGMA synchronous=OFF")
    written = 0
    with database:
        first = database.execute("SELECT MIN(local_date) FROM audience_listeningday").fetchone()[0]
        for table, moments in tables.items():
            columns = [
                row[1] for row in database.execute(f"PRAGMA table_info({table})") if row[1] != "id"
            ]
            for copy in range(1, -(-DAYS // ROLLED_DAYS)):
                shift = f"-{copy * ROLLED_DAYS} days"
                chosen = [
                    (f"date({c}, '{shift}')" if c == "local_date" else f"datetime({c}, '{shift}')")
                    if c in moments
                    else c
                    for c in columns
                ]
                cursor = database.execute(
                    f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(chosen)} "
                    f"FROM {table} WHERE local_date >= ? AND date(local_date, '{shift}') >= "
                    f"date(?, '-{DAYS - ROLLED_DAYS} days')",
                    (first, first),
                )
                written += cursor.rowcount
    database.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    database.close()
    return written


def measure(var_dir: Path) -> None:
    os.environ["TWENTYTWO_VAR_DIR"] = str(var_dir)
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "twentytwo.config.settings")
    os.environ["TWENTYTWO_ALLOWED_HOSTS"] = "testserver"
    os.environ["TWENTYTWO_LOG_LEVEL"] = "WARNING"
    os.environ["TWENTYTWO_MANIFEST_STATIC"] = "false"
    os.environ["TWENTYTWO_PARTNER_MONTHLY_EPSILON"] = "1000"
    sys.path.insert(0, str(REPO / "src"))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db.models import Count, Sum
    from django.db.models.functions import Least
    from django.test import Client

    from twentytwo.accounts.services import age_statement_record
    from twentytwo.audience.models import PlayedQuarterHour
    from twentytwo.catalog.models import City, Track
    from twentytwo.partners import disclosure, exports
    from twentytwo.partners.figures import report_of
    from twentytwo.partners.models import Release, ReleasedView
    from twentytwo.partners.services.organisations import organisation_ensure, rights_set
    from twentytwo.partners.services.people import membership_grant

    city = City.objects.get(slug="bench")
    label = organisation_ensure(slug="bench-label", name="Bench Label", kind="label")
    rights_set(
        tracks=Track.objects.filter(entries__genre__city=city).order_by("pk")[:OWNED],
        organisation=label,
    )
    # Made once: a kept month (BENCH_PARTNER_VAR) is measured again as it is.
    user, new = get_user_model().objects.get_or_create(username="bench-partner")
    if new:
        age_statement_record(user=user, adult=True)
    membership_grant(organisation=label, user=user, role="admin")
    staff, new = get_user_model().objects.get_or_create(
        username="bench-staff", defaults={"is_staff": True}
    )
    if new:
        age_statement_record(user=staff, adult=True)
    last = disclosure.today_in_site() - timedelta(days=1)
    first = last - timedelta(days=DAYS - 1)
    query = disclosure.ReportQuery(
        tracks=tuple(Track.objects.filter(rights__organisation=label).values_list("pk", flat=True)),
        genres=None,
        city_id=None,
        first=first,
        last=last,
        daypart="all-day",
        step="day",
    )
    rows = PlayedQuarterHour.objects.filter(local_date__gte=first, local_date__lte=last)
    print(
        json.dumps(
            {
                "played_quarter_hours": rows.count(),
                "owned_rows": rows.filter(track_id__in=query.tracks).count(),
            }
        ),
        flush=True,
    )

    def exact():
        mine = rows.filter(track_id__in=query.tracks)
        sums = {
            "listeners": Count("listener", distinct=True),
            "plays": Sum(Least("plays", 1)),
            "ends": Sum(Least("ends", 1)),
            "skips": Sum(Least("skips", 1)),
            "seconds": Sum("listening_seconds"),
        }
        for key in ("track_id", "local_date", "genre_id"):
            list(mine.values(key).annotate(**sums))
        mine.aggregate(**sums)
        genres = mine.values("genre_id").distinct()
        list(rows.filter(genre_id__in=genres).values("genre_id").annotate(**sums))

    exact_times = timed(exact)
    baseline = statistics.median(exact_times)
    line("exact staff sums of the same figures", exact_times, None)

    client = Client()
    client.force_login(user)
    firsts, totals = [], []
    for _ in range(RUNS):
        Release.objects.all().delete()
        ReleasedView.objects.all().delete()
        started = time.perf_counter()
        released = disclosure.release(
            organisation=label, query=query, channel="portal", person=user
        )
        firsts.append(time.perf_counter() - started)
        page = client.get(f"/partners/{label.slug}/views/{released.view.key}/")
        assert page.status_code == 200, page.status_code
        report = report_of(released.view)
        exports.csv_of(report)
        exports.json_text(report, organisation=label.name)
        exports.pdf_of(report, organisation=label.name)
        totals.append(time.perf_counter() - started)
    line(FIRST_FIGURE, firsts, baseline, target_s=TARGET_SECONDS)
    line(TOTAL, totals, baseline, target_s=TARGET_SECONDS)

    client.force_login(staff)
    params = {"city": city.slug, "first": first.isoformat(), "last": last.isoformat()}
    assert client.get("/ratings/", params).status_code == 200
    line(
        STAFF_PAGE,
        timed(lambda: client.get("/ratings/", params)),
        baseline,
        target_s=TARGET_SECONDS,
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"peak_rss_mb": round(peak)}), flush=True)


if __name__ == "__main__":
    main()
