"""Listening added up with each browser's part bounded: the only audience read partners get.

A figure that a partner or a curator sees is released with noise (partners/disclosure.py);
noise can hide one browser only if one browser can change the figure by a known, small
amount. So here every browser counts in a limited number of cells of each group (those it
listened to most: its own listening alone decides), and in each cell for at most one
listener, `plays` plays (at most one a quarter hour), as many ends and skips, and
`seconds` seconds. The database does the bounding and the adding up; only the sums leave
this module, with the most one browser can add to
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

from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models import F
from django.db.models.functions import Least

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


def _base(query: ListeningQuery, *, genres: set[int] | None = None) -> tuple[str, tuple]:
    """The SQL of each browser's listening rows in the query's days and daypart: at most
    one play a quarter hour (and as many ends and skips)."""
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
    rows = rows.annotate(
        p=Least("plays", 1),
        e=Least("ends", 1),
        s=Least("skips", 1),
        sec=F("listening_seconds"),
    ).values("listener", "track_id", "genre_id", "local_date", "p", "e", "s", "sec")
    return rows.query.sql_with_params()


def _period_key(cut: list[Period], step: str) -> tuple[str, list]:
    """SQL naming the period of each row's day."""
    if step == "day":
        return "local_date", []
    branches, params = [], []
    for period in cut:
        branches.append("WHEN local_date BETWEEN %s AND %s THEN %s")
        params += [period.first.isoformat(), period.last.isoformat(), period.name]
    return f"CASE {' '.join(branches)} END", params


# One group's cells: each browser's sums per cell, its cells ranked by how much it listened
# (its own listening alone decides, so one browser still changes at most `most` cells),
# then each cell's sum of every browser's bounded part. One statement a group: SQLite sums
# several groups of one read more slowly than it reads the rows again for each.
_GROUP_SQL = """
WITH parts AS (
    SELECT listener, CAST({key} AS TEXT) AS k, SUM(p) AS p, SUM(e) AS e, SUM(s) AS s,
           SUM(sec) AS sec
    FROM ({base}) AS base
    GROUP BY listener{by}
),
ranked AS (
    SELECT k, p, e, s, sec,
           ROW_NUMBER() OVER (PARTITION BY listener ORDER BY p DESC, sec DESC, k) AS n
    FROM parts
)
SELECT k,
       SUM(CASE WHEN p > 0 OR sec >= %s THEN 1 ELSE 0 END),
       SUM({least}(p, %s)), SUM({least}(e, %s)), SUM({least}(s, %s)),
       SUM({least}({floor}, %s))
FROM ranked
WHERE n <= %s
GROUP BY k
"""


_PER_TRACK_TABLE = "bounded_per_track"
_PER_TRACK_CREATE = (
    "CREATE TEMPORARY TABLE {table} AS SELECT listener, track_id, genre_id, SUM(p) AS p, "
    "SUM(e) AS e, SUM(s) AS s, SUM(sec) AS sec FROM ({base}) AS rows "
    "GROUP BY listener, track_id, genre_id"
)
_PER_TRACK_READ = "SELECT listener, track_id, genre_id, p, e, s, sec FROM {table}"


@contextmanager
def _per_track_sums(base: tuple[str, tuple]):
    """Each browser's listening per track and genre over the range, summed once into a
    temporary table of this connection: the "tracks", "genres" and "total" groups read its
    few rows instead of summing every row of the range again each."""
    sql, params = base
    # The table's name is a constant and `sql` is the ORM's, with its values as params.
    create = _PER_TRACK_CREATE.format(table=_PER_TRACK_TABLE, base=sql)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {_PER_TRACK_TABLE}")
        cursor.execute(create, params)
        try:
            yield _PER_TRACK_READ.format(table=_PER_TRACK_TABLE), ()
        finally:
            cursor.execute(f"DROP TABLE {_PER_TRACK_TABLE}")


def _group_sums(
    group: str, base: tuple[str, tuple], key: tuple[str, list], bounds: Bounds
) -> list[Cell]:
    """Return one group's cells: `key` is the SQL naming a row's cell, and its params."""
    sql, params = base
    key_sql, key_params = key
    sqlite = connection.vendor == "sqlite"
    least = "MIN" if sqlite else "LEAST"
    # Whole seconds, cut down: SQLite's CAST truncates, PostgreSQL's rounds.
    floor = "CAST(sec AS INTEGER)" if sqlite else "CAST(FLOOR(sec) AS INTEGER)"
    # The total's key is a constant, which GROUP BY may not name.
    by = "" if group == TOTAL else f", {key_sql}"
    statement = _GROUP_SQL.format(key=key_sql, base=sql, by=by, least=least, floor=floor)
    arguments = [
        *key_params,
        *params,
        *(key_params if by else []),
        LISTENER_SECONDS,
        bounds.plays,
        bounds.plays,
        bounds.plays,
        bounds.seconds,
        1 if group == TOTAL else bounds.cells,
    ]
    with connection.cursor() as cursor:
        cursor.execute(statement, arguments)
        return [Cell(group, key, *map(int, sums)) for key, *sums in cursor.fetchall()]


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
    base = _base(query)
    per_track = [
        (group, key)
        for group, key in (
            ("tracks", ("track_id", [])),
            ("genres", ("genre_id", [])),
            (TOTAL, ("'total'", [])),
        )
        if group in query.groups
    ]
    cells = []
    if per_track:
        with _per_track_sums(base) as sums:
            for group, key in per_track:
                cells += _group_sums(group, sums, key, bounds)
    if "periods" in query.groups:
        cells += _group_sums("periods", base, _period_key(cut, query.step), bounds)
    if "genre_totals" in query.groups:
        if "genres" in query.groups:
            genres = {int(cell.key) for cell in cells if cell.group == "genres"}
        else:
            genres = set(query.genres or ())
        if genres:
            totals = _base(query, genres=genres)
            cells += _group_sums("genre_totals", totals, ("genre_id", []), bounds)
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
        cells=sorted(cells, key=lambda cell: (query.groups.index(cell.group), cell.key)),
        periods=cut,
        quarter_hours=quarter_hours,
    )
