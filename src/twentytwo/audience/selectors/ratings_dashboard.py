"""The ratings dashboard's figures: every table of the page, or one table for its CSV.

Staff see every city and genre; a curator sees their own genres and nothing else: no other
genre's row, no city total. Who may see what is decided outside audience measurement (the
page's caller reads who is signed in and hands over a RatingsScope of cities and genres), so
this code never learns who is asking. Every table is reckoned from one read of the city's
rollups (CityRollups), so the queries of a page do not grow with its dayparts or with the
days, weeks or months of its series."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from twentytwo.audience.dayparts import DAYPARTS, daypart_by_name
from twentytwo.audience.metrics import ALL
from twentytwo.audience.periods import Period, periods
from twentytwo.audience.selectors.ratings import (
    ALL_GENRES,
    BY_CURATOR,
    BY_TRACK,
    CURATOR_ROW_KEYS,
    ROW_KEYS,
    CityRollups,
    RatingsReport,
)
from twentytwo.catalog.models import City, Genre

TOP_TRACKS = 10
# The dayparts of the genre × daypart table, in the order of the day.
TABLE_DAYPARTS = ("morning-drive", "midday", "afternoon-drive", "evening", "overnight", "mon-sun")
DAYPARTS_TABLE, GENRES_TABLE, CURATORS_TABLE, SERIES_TABLE, TRACKS_TABLE = (
    "dayparts",
    "genres",
    "curators",
    "series",
    "tracks",
)
TABLES = (DAYPARTS_TABLE, GENRES_TABLE, CURATORS_TABLE, SERIES_TABLE, TRACKS_TABLE)
DAYPART_KEYS = ("genre", "daypart", "aqh", "share", "cume", "tsl_minutes")
SERIES_KEYS = ("period", "from", "to", "aqh", "cume", "tsl_minutes")
TRACK_KEYS = ("genre", "track", "plays", "completion_rate", "skip_rate", "cume", "aqh")
MY_GENRES = "all my genres"


@dataclass(frozen=True)
class RatingsScope:
    """What may be shown: everything (staff), or the genres of one or more curators."""

    cities: list[City]
    # None: every genre; otherwise the ids of the curator's own genres.
    genre_ids: frozenset[int] | None
    curator_ids: frozenset[int] | None

    @classmethod
    def everything(cls) -> RatingsScope:
        return cls(cities=list(City.objects.all()), genre_ids=None, curator_ids=None)

    @classmethod
    def of_genres(cls, genres: list[Genre]) -> RatingsScope:
        return cls(
            cities=sorted({g.city for g in genres}, key=lambda c: c.name),
            genre_ids=frozenset(g.id for g in genres),
            curator_ids=frozenset(g.curator_id for g in genres),
        )

    @property
    def everything_shown(self) -> bool:
        return self.genre_ids is None

    def genres(self, city: City) -> list[Genre]:
        """Return the city's genres this scope shows, in the city's order."""
        genres = Genre.objects.filter(city=city).select_related("curator")
        genres = genres.order_by("position", "name")
        return [g for g in genres if self.genre_ids is None or g.id in self.genre_ids]


@dataclass(frozen=True)
class RatingsQuery:
    """What the dashboard is asked for, already checked against a scope."""

    city: City
    first: date
    last: date
    daypart: str
    step: str
    genres: tuple[Genre, ...]  # every genre of the city the scope shows
    genre: Genre | None = None  # one of them, or None for all of them


@dataclass(frozen=True)
class SeriesPoint:
    period: Period
    aqh: float
    cume: int
    tsl_minutes: float

    def as_row(self) -> dict:
        return {
            "period": self.period.name,
            "from": self.period.first.isoformat(),
            "to": self.period.last.isoformat(),
            "aqh": self.aqh,
            "cume": self.cume,
            "tsl_minutes": self.tsl_minutes,
        }


@dataclass(frozen=True)
class RatingsTable:
    """One table of the dashboard as its CSV file has it."""

    name: str
    keys: tuple[str, ...]
    rows: list[dict]


@dataclass
class RatingsDashboard:
    """Every figure of the dashboard's page."""

    query: RatingsQuery
    everything_shown: bool
    quarter_hours: int
    daypart_table: list[dict]  # per genre: {"genre": ..., "cells": [a row per daypart]}
    genre_rows: list[dict]
    total: dict | None  # the city's, shown to staff only
    curator_rows: list[dict]
    curator_total: dict | None
    series: list[SeriesPoint]
    series_of: str
    tracks: list[dict]
    table_dayparts: tuple[str, ...] = field(default=TABLE_DAYPARTS)

    @property
    def share_rows(self) -> list[dict]:
        return [row for row in self.genre_rows if row["share"] > 0]


class _Tables:
    """The tables of one query, each reckoned when first asked for, from one read."""

    def __init__(self, scope: RatingsScope, query: RatingsQuery) -> None:
        self.scope, self.query = scope, query
        self.rollups = CityRollups(city=query.city, first=query.first, last=query.last)
        self.daypart = DAYPARTS[query.daypart]
        self.shown = {query.genre.slug} if query.genre else {g.slug for g in query.genres}
        self.city_total = scope.everything_shown and query.genre is None

    def _visible(self, row: dict) -> bool:
        # The all-genres total is the city's: staff see it, a curator does not.
        return row["genre"] in self.shown or (self.city_total and row["genre"] == ALL_GENRES)

    @cached_property
    def report(self) -> RatingsReport:
        return self.rollups.report(daypart=self.daypart)

    def daypart_rows(self) -> list[dict]:
        rows = []
        for name in TABLE_DAYPARTS:
            report = self.rollups.report(daypart=DAYPARTS[name])
            rows += [{**row, "daypart": name} for row in (*report.rows, report.total)]
        return [row for row in rows if self._visible(row)]

    def daypart_table(self) -> list[dict]:
        by_genre: dict[str, dict] = {}
        for row in self.daypart_rows():
            by_genre.setdefault(row["genre"], {"genre": row["genre"], "cells": []})
            by_genre[row["genre"]]["cells"].append(row)
        return list(by_genre.values())

    def genres(self) -> tuple[list[dict], dict | None]:
        rows = [row for row in self.report.rows if self._visible(row)]
        return rows, self.report.total if self.city_total else None

    def curators(self) -> tuple[list[dict], dict | None]:
        report = self.rollups.report(daypart=self.daypart, by=BY_CURATOR)
        if self.scope.everything_shown:
            return report.rows, report.total
        # A curator's row covers exactly that curator's genres, and a genre has one curator.
        own = {
            frozenset(g.slug for g in self.query.genres if g.curator_id == curator)
            for curator in self.scope.curator_ids
        }
        return [row for row in report.rows if frozenset(row["genres"].split()) in own], None

    def series(self) -> tuple[list[SeriesPoint], str]:
        """AQH, cume and TSL for each day, week or month; each period reckoned on its own, so
        a week's cume counts a listener of several days once."""
        query, daypart = self.query, daypart_by_name(self.query.daypart)
        if query.genre:
            by, station, series_of = None, query.genre.id, query.genre.name
        elif self.scope.everything_shown:
            by, station, series_of = None, ALL, ALL_GENRES
        else:
            curator_id = min(self.scope.curator_ids)
            curator = next(g.curator for g in query.genres if g.curator_id == curator_id)
            by, station, series_of = BY_CURATOR, curator_id, f"{curator.name}'s genres"
        points = []
        for period in periods(query.first, query.last, query.step):
            kwargs = {"daypart": daypart, "first": period.first, "last": period.last}
            if by == BY_CURATOR:
                _n, found, _stations = self.rollups.exact(**kwargs, by=BY_CURATOR)
            else:
                _n, _exact, found = self.rollups.exact(**kwargs)
            r = found.get(station)
            points.append(
                SeriesPoint(
                    period=period,
                    aqh=float(round(r.aqh, 2)) if r else 0.0,
                    cume=r.cume if r else 0,
                    tsl_minutes=float(round(r.tsl_minutes, 1)) if r else 0.0,
                )
            )
        return points, series_of

    def tracks(self) -> list[dict]:
        rows = self.rollups.report(daypart=self.daypart, by=BY_TRACK).rows
        rows = [row for row in rows if row["genre"] in self.shown]
        rows.sort(key=lambda row: (-row["plays"], -row["aqh"], row["track"]))
        return rows[:TOP_TRACKS]


def ratings_dashboard(*, scope: RatingsScope, query: RatingsQuery) -> RatingsDashboard:
    """Return every figure of the dashboard's page for the query, within the scope."""
    tables = _Tables(scope, query)
    genre_rows, total = tables.genres()
    curator_rows, curator_total = tables.curators()
    series, series_of = tables.series()
    return RatingsDashboard(
        query=query,
        everything_shown=scope.everything_shown,
        quarter_hours=tables.report.quarter_hours,
        daypart_table=tables.daypart_table(),
        genre_rows=genre_rows,
        total=total,
        curator_rows=curator_rows,
        curator_total=curator_total,
        series=series,
        series_of=series_of,
        tracks=tables.tracks(),
    )


def ratings_table(*, scope: RatingsScope, query: RatingsQuery, table: str) -> RatingsTable:
    """Return one of TABLES for the query, within the scope, and reckon nothing else."""
    tables = _Tables(scope, query)
    if table == DAYPARTS_TABLE:
        return RatingsTable("ratings-dayparts", DAYPART_KEYS, tables.daypart_rows())
    if table == GENRES_TABLE:
        rows, total = tables.genres()
        return RatingsTable("ratings-genres", ROW_KEYS, [*rows, *([total] if total else [])])
    if table == CURATORS_TABLE:
        rows, total = tables.curators()
        return RatingsTable(
            "ratings-curators", CURATOR_ROW_KEYS, [*rows, *([total] if total else [])]
        )
    if table == SERIES_TABLE:
        points, _of = tables.series()
        return RatingsTable(f"ratings-by-{query.step}", SERIES_KEYS, [p.as_row() for p in points])
    if table == TRACKS_TABLE:
        return RatingsTable("ratings-tracks", TRACK_KEYS, tables.tracks())
    raise ValueError(f"unknown ratings table {table!r}")
