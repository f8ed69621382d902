"""The ratings of METRICS.md from credited quarter hours and summed counts, exactly.

Everything is an integer or a fractions.Fraction so that the test invariant
Σ_q C(q) = AQH × N = TSL × Cume holds exactly; rounding happens only when a report is written.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction

ALL = "all"


@dataclass
class Counts:
    """Sums over the quarter hours of a daypart for one station (or track)."""

    counted_listening_seconds: float = 0.0  # listening inside sessions of at least 1 minute
    session_starts: int = 0
    plays: int = 0
    ends: int = 0
    skips: int = 0

    def add(self, other: Counts) -> None:
        self.counted_listening_seconds += other.counted_listening_seconds
        self.session_starts += other.session_starts
        self.plays += other.plays
        self.ends += other.ends
        self.skips += other.skips


@dataclass
class Ratings:
    credited_quarter_hours: int  # Σ_q C(q)
    quarter_hours: int  # N
    aqh: Fraction
    share: Fraction  # percent
    cume: int
    exclusive_cume: int
    tsl_quarter_hours: Fraction
    tlh: Fraction  # hours
    aas: Fraction
    session_starts: int
    plays: int
    completion_rate: Fraction
    skip_rate: Fraction

    @property
    def tsl_minutes(self) -> Fraction:
        return self.tsl_quarter_hours * 15


def _ratio(part: int | Fraction, whole: int | Fraction) -> Fraction:
    return Fraction(part) / Fraction(whole) if whole else Fraction(0)


def _seconds(value: float) -> Fraction:
    # Listening seconds are sums of clock differences: microseconds are their true grain.
    return Fraction(round(value * 1_000_000), 1_000_000)


def ratings(
    *,
    credits: Iterable[tuple[Hashable, datetime, Hashable]],
    counts: dict[Hashable, Counts],
    quarter_hours: int,
) -> dict[Hashable, Ratings]:
    """Return the ratings of every station in `credits` or `counts`, and of ALL stations.

    `credits` holds (station, quarter hour, listener) for every credited listener quarter hour
    inside the daypart; `quarter_hours` is N, the number of quarter hours in the daypart."""
    credited: dict[Hashable, int] = defaultdict(int)
    listeners: set[tuple[Hashable, Hashable]] = set()
    # Credited to two stations in one quarter hour, a listener counts once in the total.
    all_stations: set[tuple[datetime, Hashable]] = set()
    for station, slot, listener in credits:
        credited[station] += 1
        listeners.add((station, listener))
        all_stations.add((slot, listener))
    return ratings_of(
        credited=credited,
        listeners=listeners,
        all_credited=len(all_stations),
        counts=counts,
        quarter_hours=quarter_hours,
    )


def ratings_of(
    *,
    credited: dict[Hashable, int],
    listeners: Iterable[tuple[Hashable, Hashable]],
    all_credited: int,
    counts: dict[Hashable, Counts],
    quarter_hours: int,
) -> dict[Hashable, Ratings]:
    """Return the ratings of every station from what the credits come to, and of ALL.

    `credited` is Σ_q C(q) per station; `listeners` holds (station, listener) for each
    listener credited to the station at least once (a pair may repeat); `all_credited` is
    the listener quarter hours credited to any station, each counted once. Sums made in the
    database arrive in this form without a row per quarter hour."""
    listeners_of: dict[Hashable, set] = defaultdict(set)
    stations_of: dict[Hashable, set] = defaultdict(set)
    for station, listener in listeners:
        listeners_of[station].add(listener)
        stations_of[listener].add(station)
    exclusive: dict[Hashable, int] = defaultdict(int)
    for stations in stations_of.values():
        if len(stations) == 1:
            exclusive[next(iter(stations))] += 1

    total_counts = Counts()
    for station_counts in counts.values():
        total_counts.add(station_counts)
    all_aqh = _ratio(all_credited, quarter_hours)
    hours = Fraction(quarter_hours, 4)

    def rate(credited: int, cume: int, exclusive_cume: int, c: Counts) -> Ratings:
        aqh = _ratio(credited, quarter_hours)
        tlh = _seconds(c.counted_listening_seconds) / 3600
        return Ratings(
            credited_quarter_hours=credited,
            quarter_hours=quarter_hours,
            aqh=aqh,
            share=_ratio(aqh * 100, all_aqh),
            cume=cume,
            exclusive_cume=exclusive_cume,
            tsl_quarter_hours=_ratio(aqh * quarter_hours, cume),
            tlh=tlh,
            aas=_ratio(tlh, hours),
            session_starts=c.session_starts,
            plays=c.plays,
            completion_rate=_ratio(c.ends, c.plays),
            skip_rate=_ratio(c.skips, c.plays),
        )

    result = {
        station: rate(
            credited.get(station, 0),
            len(listeners_of.get(station, ())),
            exclusive.get(station, 0),
            counts.get(station, Counts()),
        )
        for station in set(credited) | set(counts)
    }
    result[ALL] = rate(all_credited, len(stations_of), len(stations_of), total_counts)
    return result
