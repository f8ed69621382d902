"""Throwaway audience databases for the benchmark, each built in a process of its own.

    python bench/audience_db.py catalog <var dir> [<genres> <tracks per genre> <cities>]
    python bench/audience_db.py insert <var dir> <seconds>
    python bench/audience_db.py events <var dir> <events> <days>

Each command points TWENTYTWO_VAR_DIR at <var dir> before Django starts, so the demo
database is never touched, and prints one JSON line for bench/audience.py:

- catalog: migrate, then one city with GENRES genres of TRACKS_PER_GENRE tracks each, as raw
  rows (no audio is needed to count listening); prints the (genre, track, duration) placements.
- insert: the baseline for ingestion, the rows the beacon endpoint stores (a ping with a fresh
  event id and listener) created through Django for <seconds> each, one row at a time and
  in batches of 20; prints rows per second.
- events: <events> listening events spread over the <days> UTC days that end last midnight:
  listeners with sessions of a few tracks on one station, a start per track, a ping every
  60 s, an end or a skip, a stop at the end of the session; prints how long that took."""

import json
import os
import random
import sqlite3
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

GENRES = 4
TRACKS_PER_GENRE = 22
BATCH = 20
PING_SECONDS = 60
# A day's listening peaks in the evening: the weight of each UTC hour of the day.
HOUR_WEIGHTS = [1, 1, 1, 1, 1, 2, 3, 5, 6, 6, 5, 5, 5, 5, 5, 5, 6, 7, 8, 9, 9, 7, 4, 2]
MEAN_SESSION_SECONDS = 40 * 60
MEAN_GAP_SECONDS = 5 * 3600
SKIP_SHARE = 0.2
# Listeners come back on later days; more listeners than a day needs keeps some new each day.
LISTENERS_PER_DAY_EVENT = 1 / 60


def _django(var_dir: Path) -> None:
    os.environ["TWENTYTWO_VAR_DIR"] = str(var_dir)
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "twentytwo.config.settings")
    import django

    django.setup()


def catalog(
    var_dir: Path, genres: int = GENRES, tracks_per_genre: int = TRACKS_PER_GENRE, cities: int = 1
) -> dict:
    _django(var_dir)
    from django.core.management import call_command
    from django.utils import timezone

    from twentytwo.catalog.models import City, Genre, PlaylistEntry, Track

    call_command("migrate", verbosity=0, interactive=False)
    rng = random.Random(22)
    placements = []
    for c in range(cities):
        slug = "bench" if c == 0 else f"bench-{c}"
        city = City.objects.create(name=slug.capitalize(), slug=slug, country="NL")
        for g in range(genres):
            genre = Genre.objects.create(
                city=city, name=f"Genre {g}", slug=f"genre-{g}", position=g
            )
            for t in range(tracks_per_genre):
                track = Track.objects.create(
                    title=f"Track {c}-{g}-{t}",
                    artist="Bench",
                    audio=f"bench/{c}-{g}-{t}.mp3",
                    audio_size=5_000_000,
                    duration=float(rng.randint(150, 420)),
                    codec="mp3",
                    mime_type="audio/mpeg",
                    bitrate=128_000,
                    checksum=f"{c:016x}{g:016x}{t:032x}",
                )
                PlaylistEntry.objects.create(
                    genre=genre, track=track, position=t, added_at=timezone.now()
                )
                placements.append((genre.pk, track.pk, track.duration))
    return {"placements": placements}


def _placements() -> list[tuple[int, int, int, float]]:
    from twentytwo.catalog.models import PlaylistEntry

    return list(
        PlaylistEntry.objects.values_list(
            "genre_id", "track_id", "genre__city_id", "track__duration"
        )
    )


def insert(var_dir: Path, seconds: float) -> dict:
    """Rows per second through Django: single creates, then bulk_create in batches of 20."""
    _django(var_dir)
    from django.db import transaction
    from django.utils import timezone

    from twentytwo.audience.models import ListenEvent

    placements = _placements()
    rng = random.Random(4)

    def row() -> ListenEvent:
        genre, track, city, duration = rng.choice(placements)
        now = timezone.now()
        return ListenEvent(
            event_id=uuid.uuid4(),
            listener=uuid.UUID(int=rng.getrandbits(128)),
            kind="ping",
            city_id=city,
            genre_id=genre,
            track_id=track,
            position=rng.uniform(0, duration),
            client_time=now,
            server_time=now,
        )

    def timed(store) -> float:
        rows, started = 0, time.perf_counter()
        while time.perf_counter() - started < seconds:
            rows += store()
        return rows / (time.perf_counter() - started)

    def single() -> int:
        # What the app pays per one-event request: one row, one transaction.
        r = row()
        ListenEvent.objects.create(**{f.attname: getattr(r, f.attname) for f in r._meta.fields})
        return 1

    def batch() -> int:
        # Django's own bulk insert of a batch, skipping ids already stored.
        with transaction.atomic():
            ListenEvent.objects.bulk_create([row() for _ in range(BATCH)], ignore_conflicts=True)
        return BATCH

    return {"single_rows_per_second": timed(single), "batch_rows_per_second": timed(batch)}


def _sqlite_time(moment: float) -> str:
    # Django keeps aware datetimes in SQLite as naive UTC text.
    return str(datetime.fromtimestamp(moment, UTC).replace(tzinfo=None))


def _day_events(rng, day_start: float, budget: int, listeners: list[str], placements, serial):
    """Return about `budget` event rows of one day, in time order."""
    by_genre: dict[int, list[tuple[int, int, float]]] = {}
    for genre, track, city, duration in placements:
        by_genre.setdefault(genre, []).append((track, city, duration))
    genres = list(by_genre)
    rows = []
    hours = range(24)
    while len(rows) < budget:
        listener = rng.choice(listeners)
        t = day_start + rng.choices(hours, HOUR_WEIGHTS)[0] * 3600 + rng.uniform(0, 3600)
        while t < day_start + 86400 and len(rows) < budget:
            genre = rng.choice(genres)
            playlist = by_genre[genre]
            # Sessions still open at midnight stop there, so the day holds all its events.
            session_end = min(
                day_start + 86400, t + max(120.0, rng.expovariate(1 / MEAN_SESSION_SECONDS))
            )
            next_ping = t + PING_SECONDS
            index = rng.randrange(len(playlist))
            while t < session_end:
                track, city, duration = playlist[index % len(playlist)]
                index += 1
                track_end = t + duration
                skipped = rng.random() < SKIP_SHARE
                if skipped:
                    track_end = t + rng.uniform(5, duration)
                rows.append((listener, "start", city, genre, track, 0.0, t))
                track_started = t
                stop = min(track_end, session_end)
                while next_ping < stop:
                    rows.append(
                        (listener, "ping", city, genre, track, next_ping - track_started, next_ping)
                    )
                    next_ping += PING_SECONDS
                t = stop
                if t >= session_end:
                    rows.append((listener, "stop", city, genre, track, t - track_started, t))
                else:
                    kind = "skip" if skipped else "end"
                    rows.append((listener, kind, city, genre, track, t - track_started, t))
                    t += 0.5
            t += rng.expovariate(1 / MEAN_GAP_SECONDS)
    del rows[budget:]
    rows.sort(key=lambda r: r[6])
    out = []
    for listener, kind, city, genre, track, position, moment in rows:
        stamp = _sqlite_time(moment)
        # Ids in insertion order keep the unique index an append; rollups never read them.
        out.append(
            (f"{next(serial):016x}{rng.getrandbits(64):016x}", listener, kind, city, genre, track,
             round(position, 3), stamp, stamp)
        )  # fmt: skip
    return out


def events(var_dir: Path, count: int, days: int) -> dict:
    """Write `count` events over `days` days straight into SQLite, indexes built afterwards."""
    import itertools

    started = time.perf_counter()
    _django(var_dir)
    from django.db import connections

    placements = _placements()
    connections.close_all()
    database = sqlite3.connect(var_dir / "twentytwo.sqlite3")
    database.execute("PRAGMA journal_mode=WAL")
    database.execute("PRAGMA synchronous=OFF")
    database.execute("PRAGMA cache_size=-400000")
    indexes = database.execute(
        "SELECT name, sql FROM sqlite_master WHERE type='index' "
        "AND tbl_name='audience_listenevent' AND sql IS NOT NULL"
    ).fetchall()
    for name, _ in indexes:
        database.execute(f'DROP INDEX "{name}"')
    rng = random.Random(10)
    listeners = [
        uuid.UUID(int=rng.getrandbits(128)).hex
        for _ in range(int(count / days * LISTENERS_PER_DAY_EVENT) + 1)
    ]
    midnight = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    serial = itertools.count(1)
    written = 0
    for day in range(days):
        day_start = (midnight - timedelta(days=days - day)).timestamp()
        budget = count // days + (1 if day < count % days else 0)
        rows = _day_events(rng, day_start, budget, listeners, placements, serial)
        with database:
            database.executemany(
                "INSERT INTO audience_listenevent (event_id, listener, kind, city_id, genre_id,"
                " track_id, position, client_time, server_time) VALUES (?,?,?,?,?,?,?,?,?)",
                rows,
            )
        written += len(rows)
    generated = time.perf_counter() - started
    for _, sql in indexes:
        database.execute(sql)
    database.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    database.close()
    return {
        "events": written,
        "days": days,
        "listeners": len(listeners),
        "generate_seconds": round(generated, 2),
        "seconds": round(time.perf_counter() - started, 2),
        "database_bytes": (var_dir / "twentytwo.sqlite3").stat().st_size,
    }


def main() -> None:
    command, var_dir, *rest = sys.argv[1:]
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    var = Path(var_dir)
    if command == "catalog":
        result = catalog(var, *map(int, rest))
    elif command == "insert":
        result = insert(var, float(rest[0]))
    elif command == "events":
        result = events(var, int(rest[0]), int(rest[1]))
    else:
        raise SystemExit(f"unknown command {command!r}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
