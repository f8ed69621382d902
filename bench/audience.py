"""Audience measurement: beacon ingestion over HTTP and the rollup of many events.

Ingestion: wrk POSTs ping events to /api/events on the app server (as `make demo` runs it,
on a throwaway database with a small catalog), one event per request and batches of 20, and
counts what the answers say was accepted. The baseline is Django inserting the same rows
into the same kind of database in one process, without HTTP or the ingestion pipeline.

Rollups: events written straight into a throwaway database (bench/audience_db.py), then
`python -m twentytwo audience_rollup` timed as a subprocess, with its peak RSS."""

import json
import os
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

import load
import report
import servers
import targets

DB_SCRIPT = Path(__file__).resolve().parent / "audience_db.py"
SINGLE = "beacons, 1 event/req"
BATCHED = "beacons, 20 events/req"
CONNECTIONS = 64
BATCH = 20
DAY_EVENTS = 1_000_000
TOTAL_EVENTS = 10_000_000
# When the full total would take longer than this to generate and roll up (estimated from
# the day's run), a smaller total is measured and the full one extrapolated from it.
LARGE_BUDGET_SECONDS = 300
FALLBACK_EVENTS = 3_000_000

TARGET_SINGLE_REQUESTS = 2_000
TARGET_BATCH_EVENTS = 10_000
TARGET_DAY_ROLLUP_SECONDS = 60

BEACON_NOT_ACCEPTED = "a batch of {batch} events to {url} was answered {status}: {body}"
HELPER_FAILED = "bench/audience_db.py {command} failed with code {code}:\n{output}"
ROLLUP_FAILED = "audience_rollup failed with code {code}:\n{output}"


@dataclass(frozen=True)
class RawInsert:
    """Rows per second Django stores in one process: one per create, and in batches."""

    single_rows_per_second: float
    batch_rows_per_second: float

    def as_dict(self) -> dict:
        return {
            "single_rows_per_second": round(self.single_rows_per_second, 1),
            "batch_rows_per_second": round(self.batch_rows_per_second, 1),
        }


@dataclass(frozen=True)
class Rollup:
    """One rollup run from an empty watermark over `events` events in `days` days."""

    name: str
    events: int
    days: int
    generate_seconds: float
    seconds: float
    peak_rss_bytes: int
    cpu_seconds: float
    summary: str
    # When the run is an estimate: the number of events actually measured, scaled up.
    extrapolated_from: int | None = None

    @property
    def events_per_second(self) -> float:
        return self.events / self.seconds if self.seconds else 0.0

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "events": self.events,
            "days": self.days,
            "generate_seconds": round(self.generate_seconds, 2),
            "rollup_seconds": round(self.seconds, 2),
            "rollup_cpu_seconds": round(self.cpu_seconds, 2),
            "events_per_second": round(self.events_per_second),
            "peak_rss_bytes": self.peak_rss_bytes,
            "summary": self.summary,
            "extrapolated_from": self.extrapolated_from,
        }


@dataclass
class AudienceResults:
    measurements: list[report.Measurement]
    raw: RawInsert | None
    rollups: list[Rollup]
    # Runs whose answers dropped events or that could not run: the benchmark failed.
    failures: list[str]


def _helper(command: str, *args) -> dict:
    completed = subprocess.run(
        [sys.executable, str(DB_SCRIPT), command, *map(str, args)],
        cwd=servers.REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(
            HELPER_FAILED.format(
                command=command,
                code=completed.returncode,
                output=(completed.stdout + completed.stderr)[-3000:],
            )
        )
    return json.loads(completed.stdout.strip().splitlines()[-1])


def _var_dir_copy(template: Path, var_dir: Path) -> Path:
    """A fresh var dir holding a copy of the template's database (catalog, no events)."""
    var_dir.mkdir()
    source = sqlite3.connect(template / "twentytwo.sqlite3")
    target = sqlite3.connect(var_dir / "twentytwo.sqlite3")
    with target:
        source.backup(target)
    source.close()
    target.close()
    return var_dir


def beacon_check(url: str, placements: list, batch: int) -> None:
    """Fail unless a batch of `batch` events is accepted whole: a run of drops measures nothing."""
    genre, track, duration = placements[0]
    body = {
        "events": [
            {
                "id": str(uuid.uuid4()),
                "type": "ping",
                "genre": genre,
                "track": track,
                "position": duration / 2,
            }
            for _ in range(batch)
        ]
    }
    request = urllib.request.Request(
        url + "/api/events",
        data=json.dumps(body).encode(),
        headers={
            "Content-Type": "application/json",
            "Origin": url,
            "Cookie": f"tt_listener={uuid.uuid4().hex}",
        },
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, answer = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, answer = error.code, error.read()
    parsed = json.loads(answer) if answer.startswith(b"{") else {}
    if status != 200 or parsed.get("accepted") != batch:
        raise targets.ResponseCheckFailed(
            BEACON_NOT_ACCEPTED.format(
                batch=batch, url=url, status=status, body=answer[:300].decode(errors="replace")
            )
        )


def _beacons_measure(
    app: servers.Server, placements: list, *, seconds: float, warmup: float
) -> tuple[list[report.Measurement], list[str]]:
    measurements, failures = [], []
    for name, batch in ((SINGLE, 1), (BATCHED, BATCH)):
        try:
            beacon_check(app.url, placements, batch)
        except targets.ResponseCheckFailed as error:
            print(f"  SKIPPED {name}: {error}", flush=True)
            failures.append(name)
            continue
        common = {
            "base_url": app.url,
            "placements": placements,
            "batch": batch,
            "connections": CONNECTIONS,
            "server_pid": app.pid,
        }
        if warmup > 0:
            load.wrk_beacons_run(seconds=warmup, **common)
        result = load.wrk_beacons_run(seconds=seconds, **common)
        print(
            f"  {name:<24}{result.requests_per_second:>9.0f} req/s"
            f"{result.events_per_second:>9.0f} events/s"
            f"   accepted {result.events_accepted}/{result.events}",
            flush=True,
        )
        if result.events_accepted != result.events or result.error_count:
            failures.append(name)
        measurements.append(
            report.Measurement(
                scenario=name,
                server=app.name,
                role="app",
                connections=CONNECTIONS,
                result=result,
            )
        )
    return measurements, failures


def _rollup_time(var_dir: Path) -> tuple[float, int, float, str]:
    """Run audience_rollup; return its wall time, peak RSS in bytes, CPU time and output."""
    env = {**os.environ, "TWENTYTWO_VAR_DIR": str(var_dir)}
    env.pop("DATABASE_URL", None)
    output = var_dir / "rollup.out"
    with output.open("wb") as out:
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-m", "twentytwo", "audience_rollup"],
            cwd=servers.REPO,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        # wait4 gives the child's own peak RSS (ru_maxrss, in KiB on Linux) and CPU time.
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    text = output.read_text(errors="replace").strip()
    if process.returncode != 0:
        raise RuntimeError(ROLLUP_FAILED.format(code=process.returncode, output=text[-3000:]))
    return seconds, usage.ru_maxrss * 1024, usage.ru_utime + usage.ru_stime, text


def _rollup_measure(name: str, template: Path, var_dir: Path, *, events: int) -> Rollup:
    days = max(1, round(events / DAY_EVENTS))
    _var_dir_copy(template, var_dir)
    generated = _helper("events", var_dir, events, days)
    print(
        f"  {name}: {generated['events']:,} events over {days} day(s) written in"
        f" {generated['seconds']:.0f} s; rolling up...",
        flush=True,
    )
    seconds, rss, cpu, text = _rollup_time(var_dir)
    print(f"  {name}: {seconds:.1f} s, peak RSS {rss / report.MB:.0f} MB  ({text})", flush=True)
    # The database is gigabytes; it has been measured.
    for leftover in var_dir.glob("twentytwo.sqlite3*"):
        leftover.unlink()
    return Rollup(name, generated["events"], days, generated["seconds"], seconds, rss, cpu, text)


def _rollups_measure(template: Path, workdir: Path) -> list[Rollup]:
    day = _rollup_measure("1 day", template, workdir / "rollup-day", events=DAY_EVENTS)
    requested = os.environ.get("BENCH_AUDIENCE_EVENTS")
    total = int(requested) if requested else TOTAL_EVENTS
    if total <= DAY_EVENTS:
        return [day]
    estimate = (day.generate_seconds + day.seconds) * total / day.events
    if requested or estimate <= LARGE_BUDGET_SECONDS:
        return [day, _rollup_measure("total", template, workdir / "rollup-total", events=total)]
    print(
        f"  {total:,} events would take ~{estimate:.0f} s to write and roll up; measuring"
        f" {FALLBACK_EVENTS:,} and extrapolating",
        flush=True,
    )
    part = _rollup_measure("total", template, workdir / "rollup-total", events=FALLBACK_EVENTS)
    scale = total / part.events
    return [
        day,
        part,
        Rollup(
            name="total (extrapolated)",
            events=total,
            days=round(total / DAY_EVENTS),
            generate_seconds=part.generate_seconds * scale,
            seconds=part.seconds * scale,
            # Windows of 6 hours are computed one after another: memory follows the window.
            peak_rss_bytes=part.peak_rss_bytes,
            cpu_seconds=part.cpu_seconds * scale,
            summary=f"linear from {part.events:,} events",
            extrapolated_from=part.events,
        ),
    ]


def audience_run(workdir: Path, *, seconds: float, warmup: float) -> AudienceResults:
    """Measure ingestion over HTTP, its raw baseline and the rollups, in this order."""
    template = workdir / "audience-template"
    template.mkdir()
    placements = [tuple(p) for p in _helper("catalog", template)["placements"]]
    with servers.app_server(workdir, var_dir=_var_dir_copy(template, workdir / "beacons")) as app:
        print(f"measuring beacons: 2 runs of {seconds:g} s (+{warmup:g} s warm-up)", flush=True)
        measurements, failures = _beacons_measure(app, placements, seconds=seconds, warmup=warmup)
    print(f"measuring raw Django inserts: 2 runs of {seconds:g} s", flush=True)
    raw_numbers = _helper("insert", _var_dir_copy(template, workdir / "raw"), seconds)
    raw = RawInsert(**raw_numbers)
    print(
        f"  single creates {raw.single_rows_per_second:.0f} rows/s, bulk_create of {BATCH}"
        f" {raw.batch_rows_per_second:.0f} rows/s",
        flush=True,
    )
    print("measuring rollups", flush=True)
    rollups = _rollups_measure(template, workdir)
    return AudienceResults(measurements, raw, rollups, failures)


def _figure(results: AudienceResults, scenario: str, figure: str) -> float | None:
    for row in results.measurements:
        if row.scenario == scenario:
            return getattr(row.result, figure)
    return None


def verdicts(results: AudienceResults) -> list[report.Verdict]:
    single_rps = _figure(results, SINGLE, "requests_per_second")
    batch_eps = _figure(results, BATCHED, "events_per_second")
    day = next((r for r in results.rollups if r.name == "1 day"), None)
    total = results.rollups[-1] if len(results.rollups) > 1 else None
    raw = results.raw
    return [
        report.Verdict("beacons, 1 event/req: req/s", single_rps, "", TARGET_SINGLE_REQUESTS),
        report.Verdict("beacons, 20/req: events/s", batch_eps, "", TARGET_BATCH_EVENTS),
        report.Verdict(
            "beacons 1/req, app / raw create",
            single_rps / raw.single_rows_per_second if single_rps and raw else None,
            "x",
            None,
        ),
        report.Verdict(
            "beacons 20/req, app / raw bulk_create",
            batch_eps / raw.batch_rows_per_second if batch_eps and raw else None,
            "x",
            None,
        ),
        report.Verdict(
            "rollup of a day of 1M events",
            day.seconds if day else None,
            " s",
            TARGET_DAY_ROLLUP_SECONDS,
            higher_is_better=False,
        ),
        report.Verdict(
            f"rollup of {total.events / 1e6:g}M events"
            + (" (extrapolated)" if total.extrapolated_from else "")
            if total
            else "rollup of the total",
            total.seconds if total else None,
            " s",
            None,
        ),
    ]


def as_dict(results: AudienceResults) -> dict:
    return {
        "connections": CONNECTIONS,
        "measurements": [row.as_dict() for row in results.measurements],
        "raw_insert": results.raw.as_dict() if results.raw else None,
        "rollups": [rollup.as_dict() for rollup in results.rollups],
        "failures": results.failures,
    }
