"""The ratings dashboard's figures: every table of the page, or one table for its CSV.

The exact figures of every city and genre, for staff only: who may see them is decided
outside audience measurement (web/views.py), so this code never learns who is asking.
Curators see their own genres through the partners' disclosure layer instead. Every table
is reckoned from one read of the city's rollups (CityRollups), so the queries of a page do
not grow with its dayparts or with the days, weeks or months of its series."""

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


@dataclass(frozen=True)
class RatingsQuery:
    """What the dashboard is asked for, already checked."""

    city: City
    first: date
    last: date
    daypart: str
    step: str
    genres: tuple[Genre, ...]  # every genre of the city
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
    quarter_hours: int
    daypart_table: list[dict]  # per genre: {"genre": ..., "cells": [a row per daypart]}
    genre_rows: list[dict]
    total: dict | None  # the city's; none when one genre is asked for
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

    def __init__(self, query: RatingsQuery) -> None:
        self.query = query
        self.rollups = CityRollups(city=query.city, first=query.first, last=query.last)
        self.daypart = DAYPARTS[query.daypart]
        self.shown = {query.genre.slug} if query.genre else {g.slug for g in query.genres}
        self.city_total = query.genre is None

    def _visible(self, row: dict) -> bool:
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
        return report.rows, report.total

    def series(self) -> tuple[list[SeriesPoint], str]:
        """AQH, cume and TSL for each day, week or month; each period reckoned on its own, so
        a week's cume counts a listener of several days once."""
        query, daypart = self.query, daypart_by_name(self.query.daypart)
        if query.genre:
            station, series_of = query.genre.id, query.genre.name
        else:
            station, series_of = ALL, ALL_GENRES
        points = []
        for period in periods(query.first, query.last, query.step):
            kwargs = {"daypart": daypart, "first": period.first, "last": period.last}
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


def ratings_dashboard(*, query: RatingsQuery) -> RatingsDashboard:
    """Return every figure of the dashboard's page for the query."""
    tables = _Tables(query)
    genre_rows, total = tables.genres()
    curator_rows, curator_total = tables.curators()
    series, series_of = tables.series()
    return RatingsDashboard(
        query=query,
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


def ratings_table(*, query: RatingsQuery, table: str) -> RatingsTable:
    """Return one of TABLES for the query, and reckon nothing else."""
    tables = _Tables(query)
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
