"""Weeks of made-up listening for the demo catalog, sent through the ingestion pipeline.

The listening has the shape of real radio: a daily rhythm (morning and evening peaks, quiet
nights), genres of very different popularity (Zipf-like, per city), listeners who come back on
several days to a favourite genre, sessions of realistic length, pings every 60 seconds of
playback, pauses (some long enough to end the session), seeks, skips and tabs closed without a
`stop`. It is generated from a seeded random stream per listener and day, and every event id is
a uuid5 of the listener, the day and the event's number: a second run produces the very same
events, which the pipeline drops as duplicates, and a run a day later adds only the new day.
"""

from __future__ import annotations

import math
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from twentytwo.audience.ingestion import Draft, IngestionResult, events_ingest
from twentytwo.catalog.models import City, PlaylistEntry

DEMO_SEED = 22
DEMO_DAYS = 21
DEMO_LISTENERS = 160
# Fixed, so that the same listener and day always give the same event ids.
DEMO_NAMESPACE = uuid.UUID("6f0c1a52-9a43-5b1e-8d2c-22b1a7c0d4e1")
# Drafts per call of the pipeline: one transaction each.
CHUNK = 2000
NO_CATALOG = "The catalog has no genre with tracks: run seed_demo first."

# Relative chance that a session starts in each hour of the city's day.
WEEKDAY_RHYTHM = (
    2,
    1,
    0.6,
    0.4,
    0.4,
    1,
    4,
    10,
    12,
    8,
    5,
    5,
    7,
    6,
    5,
    6,
    8,
    11,
    12,
    13,
    12,
    10,
    7,
    4,
)
# Weekends start late and stay up.
WEEKEND_RHYTHM = (
    4,
    2,
    1,
    0.6,
    0.4,
    0.4,
    1,
    2,
    4,
    7,
    9,
    10,
    10,
    9,
    8,
    8,
    8,
    9,
    10,
    12,
    13,
    12,
    10,
    7,
)
ZIPF_EXPONENT = 1.0
SKIP_RATE = 0.25  # of the tracks started
PAUSE_RATE = 0.08  # of the tracks started
LONG_PAUSE_RATE = 0.2  # of the pauses: long enough (over 3 minutes) to end the session
SEEK_RATE = 0.05  # of the tracks started
BOUNCE_RATE = 0.06  # of sessions: left within a minute
NO_STOP_RATE = 0.1  # of sessions: the tab died and sent no `stop`
SESSION_MEDIAN_MINUTES = 20
PING_EVERY = 60.0  # seconds of playback, restarted at every start and resume, as the player does


@dataclass(frozen=True, slots=True)
class Station:
    city_id: int
    genre_id: int
    tracks: tuple[tuple[int, float], ...]  # (track id, duration in seconds), playlist order


@dataclass(frozen=True, slots=True)
class Market:
    city_id: int
    time_zone: str
    stations: tuple[Station, ...]
    popularity: tuple[float, ...]  # one weight per station


@dataclass(frozen=True, slots=True)
class Listener:
    id: uuid.UUID
    market: Market
    favourite: Station
    loyalty: float  # chance that a session is on the favourite genre
    activity: float  # chance of listening on a given day
    clock_skew: timedelta  # how far the browser's clock is off


@dataclass
class DemoResult:
    events: int
    result: IngestionResult


def demo_markets(*, seed: int = DEMO_SEED) -> list[Market]:
    """Return every city with its genres that have current tracks, each given a popularity.

    Popularity follows Zipf's law over an order shuffled per city by the seed, so that the
    most played genre is not simply the first one on the page."""
    entries = PlaylistEntry.objects.filter(retired_at__isnull=True).order_by(
        "genre__city__position", "genre__city_id", "genre__position", "genre_id", "position", "id"
    )
    tracks: dict[tuple[int, int], list[tuple[int, float]]] = {}
    for city_id, genre_id, track_id, duration in entries.values_list(
        "genre__city_id", "genre_id", "track_id", "track__duration"
    ):
        tracks.setdefault((city_id, genre_id), []).append((track_id, duration))
    markets = []
    for city_id, time_zone, slug in City.objects.values_list("id", "time_zone", "slug"):
        stations = [
            Station(city_id, genre_id, tuple(t))
            for (c, genre_id), t in tracks.items()
            if c == city_id
        ]
        if not stations:
            continue
        ranks = list(range(1, len(stations) + 1))
        random.Random(f"{seed}:popularity:{slug}").shuffle(ranks)  # noqa: S311 (demo data, not secrets)
        popularity = tuple(1 / rank**ZIPF_EXPONENT for rank in ranks)
        markets.append(Market(city_id, time_zone, tuple(stations), popularity))
    return markets


def demo_listener(*, index: int, markets: list[Market], seed: int = DEMO_SEED) -> Listener:
    """Return the demo listener number `index`: the same one for the same seed and catalog."""
    rng = random.Random(f"{seed}:listener:{index}")  # noqa: S311 (demo data, not secrets)
    market = rng.choices(markets, weights=[len(m.stations) for m in markets])[0]
    favourite = rng.choices(market.stations, weights=market.popularity)[0]
    return Listener(
        id=uuid.uuid5(DEMO_NAMESPACE, f"{seed}:listener:{index}"),
        market=market,
        favourite=favourite,
        loyalty=rng.uniform(0.4, 0.9),
        activity=rng.betavariate(1.3, 2.6),
        clock_skew=timedelta(seconds=rng.gauss(0, 20)),
    )


def _session_length(rng: random.Random) -> float:
    if rng.random() < BOUNCE_RATE:
        return rng.uniform(15, 55)
    minutes = rng.lognormvariate(math.log(SESSION_MEDIAN_MINUTES), 0.8)
    return min(max(minutes, 1.5), 180) * 60


def _session(
    rng: random.Random, station: Station, start: datetime
) -> tuple[list[tuple[str, int, float, datetime]], datetime]:
    """Play a session on the station from `start`; return its events and when it ended.

    Events are (kind, track id, position, time)."""
    events: list[tuple[str, int, float, datetime]] = []
    budget_end = start + timedelta(seconds=_session_length(rng))
    index = rng.randrange(len(station.tracks))
    t = start
    while True:
        track_id, duration = station.tracks[index % len(station.tracks)]
        index += 1
        events.append(("start", track_id, 0.0, t))
        stop_at, outcome = duration, "end"
        if rng.random() < SKIP_RATE:
            stop_at, outcome = rng.uniform(5, max(6.0, duration * 0.8)), "skip"
        pause_at = rng.uniform(5, stop_at) if rng.random() < PAUSE_RATE else math.inf
        seek_at = rng.uniform(5, stop_at) if rng.random() < SEEK_RATE else math.inf
        position, timer = 0.0, 0.0
        while True:
            left = (budget_end - t).total_seconds()
            step, what = min(
                (max(left, 0.0), "budget"),
                (stop_at - position, "outcome"),
                (pause_at - position, "pause"),
                (seek_at - position, "seek"),
                (PING_EVERY - timer, "ping"),
            )
            t += timedelta(seconds=step)
            position += step
            timer += step
            if what == "budget":
                if rng.random() >= NO_STOP_RATE:
                    events.append(("stop", track_id, position, t))
                return events, t
            if what == "outcome":
                events.append((outcome, track_id, min(position, duration), t))
                break
            if what == "ping":
                events.append(("ping", track_id, position, t))
                timer = 0.0
            elif what == "pause":
                events.append(("pause", track_id, position, t))
                pause_at = math.inf
                long = rng.random() < LONG_PAUSE_RATE
                t += timedelta(seconds=rng.uniform(200, 900) if long else rng.uniform(10, 150))
                if t >= budget_end:
                    # Never came back: the page is closed while paused.
                    events.append(("stop", track_id, position, t))
                    return events, t
                events.append(("resume", track_id, position, t))
                timer = 0.0
            else:
                position = min(position + rng.uniform(10, 40), max(position, stop_at - 1))
                seek_at = math.inf
                if pause_at < position:
                    pause_at = math.inf  # jumped over
                events.append(("seek", track_id, position, t))


def _session_starts(rng: random.Random, day: date, zone: ZoneInfo) -> list[datetime]:
    rhythm = WEEKEND_RHYTHM if day.weekday() >= 5 else WEEKDAY_RHYTHM
    count = 1 + (rng.random() < 0.35) + (rng.random() < 0.1)
    starts = []
    for hour in rng.choices(range(24), weights=rhythm, k=count):
        local = datetime(day.year, day.month, day.day, hour, tzinfo=zone) + timedelta(
            seconds=rng.uniform(0, 3600)
        )
        starts.append(local.astimezone(UTC))
    return sorted(starts)


def listener_day_drafts(
    *, listener: Listener, day: date, now: datetime, seed: int = DEMO_SEED
) -> list[Draft]:
    """Return the drafts of one listener's listening on one day of their city, before `now`."""
    rng = random.Random(f"{seed}:{listener.id}:{day.isoformat()}")  # noqa: S311 (demo data, not secrets)
    if rng.random() >= listener.activity:
        return []
    market = listener.market
    drafts: list[Draft] = []
    busy_until: datetime | None = None
    for start in _session_starts(rng, day, ZoneInfo(market.time_zone)):
        if busy_until is not None and start < busy_until + timedelta(minutes=5):
            continue
        station = listener.favourite
        if rng.random() >= listener.loyalty:
            station = rng.choices(market.stations, weights=market.popularity)[0]
        events, busy_until = _session(rng, station, start)
        for kind, track_id, position, at in events:
            number = len(drafts)
            if at > now:
                break
            payload = {
                "id": str(uuid.uuid5(DEMO_NAMESPACE, f"{listener.id}:{day.isoformat()}:{number}")),
                "type": kind,
                "genre": station.genre_id,
                "track": track_id,
                "position": round(position, 3),
                "client_time": (at + listener.clock_skew).isoformat(),
            }
            drafts.append(Draft(payload=payload, listener=listener.id, server_time=at))
    return drafts


def demo_drafts(
    *, markets: list[Market], days: int, listeners: int, now: datetime, seed: int = DEMO_SEED
) -> Iterator[Draft]:
    """Yield the drafts of `listeners` listeners over the `days` whole days before today."""
    for index in range(listeners):
        listener = demo_listener(index=index, markets=markets, seed=seed)
        today = now.astimezone(ZoneInfo(listener.market.time_zone)).date()
        for back in range(days, 0, -1):
            yield from listener_day_drafts(
                listener=listener, day=today - timedelta(days=back), now=now, seed=seed
            )


def demo_listening_ingest(
    *,
    days: int = DEMO_DAYS,
    listeners: int = DEMO_LISTENERS,
    now: datetime,
    seed: int = DEMO_SEED,
) -> DemoResult:
    """Generate the demo listening and send it through the ingestion pipeline in chunks."""
    markets = demo_markets(seed=seed)
    if not markets:
        raise ValueError(NO_CATALOG)
    total = IngestionResult()
    events = 0
    chunk: list[Draft] = []

    def flush() -> None:
        result = events_ingest(drafts=chunk)
        total.accepted += result.accepted
        total.dropped.update(result.dropped)
        chunk.clear()

    for draft in demo_drafts(markets=markets, days=days, listeners=listeners, now=now, seed=seed):
        chunk.append(draft)
        events += 1
        if len(chunk) >= CHUNK:
            flush()
    if chunk:
        flush()
    return DemoResult(events=events, result=total)
