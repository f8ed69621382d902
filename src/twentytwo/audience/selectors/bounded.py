"""Listening added up with each browser's part bounded: the only audience read partners get.

A figure that a partner or a curator sees is released with noise (partners/disclosure.py);
noise can hide one browser only if one browser can change the figure by a known, small
amount. So here every browser counts in a limited number of cells of each group (chosen by
a hash of the browser and the cell, not by what it listened to), and in each cell for at
most one listener, `plays` plays (at most one a quarter hour), as many ends and skips, and
`seconds` seconds. Only the sums leave this module, with the most one browser can add to
each measure of each group (its L1 sensitivity); no listener id does.

The groups of one answer, for a set of tracks over a city's days in one daypart:
- "tracks": each track over the whole range;
- "periods": all the tracks together, each day, week or month of the range;
- "genres": all the tracks together, in each genre they play in;
- "total": all the tracks together over the whole range;
- "genre_totals": every track of those genres (not only these), each genre over the range,
  so that a share of the genre can be worked out from two released figures.
A browser counts in at most `cells` cells of each group (one of "total")."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import CharField, Sum
from django.db.models.functions import Cast, Least

from twentytwo.audience.dayparts import DAYPARTS, daypart_quarter_hours
from twentytwo.audience.models import PlayedQuarterHour
from twentytwo.audience.periods import Period, periods
from twentytwo.audience.selectors.rollups import rollup_watermark
from twentytwo.catalog.models import City

MEASURES = ("listeners", "plays", "ends", "skips", "seconds")
GROUPS = ("tracks", "periods", "genres", "total", "genre_totals")
TOTAL = "total"
# Listening of a track shorter than this in a cell does not make its browser a listener.
LISTENER_SECONDS = 30


@dataclass(frozen=True)
class Bounds:
    """The most one browser adds to a figure."""

    cells: int = 4  # cells of each group it counts in
    plays: int = 3  # plays of a cell (and as many ends and skips)
    seconds: int = 3600  # seconds of listening of a cell

    def sensitivity(self, group: str) -> dict[str, int]:
        """Return, per measure, the most one browser changes the group's cells by, in all."""
        cells = 1 if group == TOTAL else self.cells
        per_cell = {
            "listeners": 1,
            "plays": self.plays,
            "ends": self.plays,
            "skips": self.plays,
            "seconds": self.seconds,
        }
        return {measure: cells * bound for measure, bound in per_cell.items()}


@dataclass(frozen=True)
class ListeningQuery:
    """Listening to some tracks (a rights holder's), or to every track of some genres (a
    curator's), or both: the tracks of these that play in those genres."""

    tracks: frozenset[int] | None
    genres: frozenset[int] | None
    first: date
    last: date
    daypart: str
    step: str
    city: City | None = None  # None: every city
    groups: tuple[str, ...] = GROUPS


@dataclass(frozen=True)
class Cell:
    group: str
    key: str  # a track or genre id, a period's name, or "total"
    listeners: int = 0
    plays: int = 0
    ends: int = 0
    skips: int = 0
    seconds: int = 0

    def measure(self, name: str) -> int:
        return getattr(self, name)


@dataclass
class BoundedListening:
    query: ListeningQuery
    bounds: Bounds
    cells: list[Cell]
    periods: list[Period]
    # Quarter hours of the daypart in each period, and in the whole range ("total").
    quarter_hours: dict[str, int] = field(default_factory=dict)

    def group(self, name: str) -> list[Cell]:
        return [cell for cell in self.cells if cell.group == name]


def _chosen(listener: str, keys: list[str], most: int) -> list[str]:
    """The cells a browser counts in: its first `most` in an order its id decides alone."""
    if len(keys) <= most:
        return keys
    return sorted(keys, key=lambda key: hashlib.blake2b(f"{listener}|{key}".encode()).digest())[
        :most
    ]


class _Tally:
    """Each browser's part of each cell, bounded, then added up."""

    def __init__(self, bounds: Bounds) -> None:
        self.bounds = bounds
        # group -> listener -> cell key -> [plays, ends, skips, seconds]
        self.parts: dict[str, dict[str, dict[str, list]]] = defaultdict(
            lambda: defaultdict(lambda: defaultdict(lambda: [0, 0, 0, 0.0]))
        )

    def add(self, group: str, listener: str, key: str, row: tuple) -> None:
        part = self.parts[group][listener][key]
        for index, value in enumerate(row):
            part[index] += value

    def cells(self, group: str) -> list[Cell]:
        b = self.bounds
        sums: dict[str, list] = defaultdict(lambda: [0, 0, 0, 0, 0])
        most = 1 if group == TOTAL else b.cells
        for listener, parts in self.parts[group].items():
            for key in _chosen(listener, sorted(parts), most):
                plays, ends, skips, seconds = parts[key]
                plays = min(plays, b.plays)
                cell = sums[key]
                cell[0] += 1 if plays or seconds >= LISTENER_SECONDS else 0
                cell[1] += plays
                cell[2] += min(ends, b.plays)
                cell[3] += min(skips, b.plays)
                cell[4] += min(int(seconds), b.seconds)
        return [Cell(group, key, *values) for key, values in sorted(sums.items())]


def _rows(query: ListeningQuery, *, genres: set[int] | None = None):
    """Each browser's listening per track, genre and day in the daypart: one play at most
    a quarter hour (and as many ends and skips), summed by the database."""
    daypart = DAYPARTS[query.daypart]
    rows = PlayedQuarterHour.objects.filter(
        local_date__gte=query.first,
        local_date__lte=query.last,
        local_minute__gte=daypart.first_hour * 60,
        local_minute__lt=daypart.last_hour * 60,
    )
    if query.city is not None:
        rows = rows.filter(city_id=query.city.id)
    if genres is not None:
        rows = rows.filter(genre_id__in=genres)
    else:
        if query.tracks is not None:
            rows = rows.filter(track_id__in=query.tracks)
        if query.genres is not None:
            rows = rows.filter(genre_id__in=query.genres)
    rows = rows.annotate(who=Cast("listener", CharField()), day=Cast("local_date", CharField()))
    rows = rows.values("who", "track_id", "genre_id", "day").annotate(
        plays_=Sum(Least("plays", 1)),
        ends_=Sum(Least("ends", 1)),
        skips_=Sum(Least("skips", 1)),
        seconds_=Sum("listening_seconds"),
    )
    return rows.values_list(
        "who", "track_id", "genre_id", "day", "plays_", "ends_", "skips_", "seconds_"
    )


def listening_final_through() -> date | None:
    """Return the last day whose listening is rolled up in every city's calendar, if any.

    Figures released of a later day would change once the rest of it is rolled up."""
    watermark = rollup_watermark()
    if watermark is None:
        return None
    zones = set(City.objects.values_list("time_zone", flat=True)) or {settings.TIME_ZONE}
    return min(watermark.astimezone(ZoneInfo(zone)).date() for zone in zones) - timedelta(days=1)


def bounded_listening(*, query: ListeningQuery, bounds: Bounds) -> BoundedListening:
    """Add up the listening of the query's tracks, each browser's part bounded."""
    cut = periods(query.first, query.last, query.step)
    period_of = {}
    for period in cut:
        for offset in range((period.last - period.first).days + 1):
            period_of[(period.first + timedelta(days=offset)).isoformat()] = period.name
    tally = _Tally(bounds)
    genres: set[int] = set()
    for who, track_id, genre_id, day, *numbers in _rows(query):
        genres.add(genre_id)
        tally.add("tracks", who, str(track_id), numbers)
        tally.add("periods", who, period_of[day], numbers)
        tally.add("genres", who, str(genre_id), numbers)
        tally.add(TOTAL, who, TOTAL, numbers)
    if genres and "genre_totals" in query.groups:
        for who, _track_id, genre_id, _day, *numbers in _rows(query, genres=genres):
            tally.add("genre_totals", who, str(genre_id), numbers)
    daypart = DAYPARTS[query.daypart]
    # Every city's day in the site's own zone when the query spans cities.
    time_zone = query.city.time_zone if query.city else settings.TIME_ZONE
    quarter_hours = {
        period.name: len(daypart_quarter_hours(period.first, period.last, daypart, time_zone))
        for period in cut
    }
    quarter_hours[TOTAL] = len(daypart_quarter_hours(query.first, query.last, daypart, time_zone))
    return BoundedListening(
        query=query,
        bounds=bounds,
        cells=[cell for group in query.groups for cell in tally.cells(group)],
        periods=cut,
        quarter_hours=quarter_hours,
    )
