"""The ratings dashboard: every figure from the rollups, as tables, charts and CSV.

Staff see every city and genre; a curator sees their own genres and nothing else: no other
genre's row, no city total. Who may see what is decided outside audience measurement
(web/views.py reads who is signed in and hands over a Scope of cities and genres), so this
code never learns who is asking. A "person" in every figure is one browser (the listener
cookie), not one human, and every page and every CSV file says so.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from twentytwo.audience.dayparts import DAYPARTS, DEFAULT_DAYPART, daypart_by_name
from twentytwo.audience.metrics import ALL
from twentytwo.audience.periods import DAY, MAX_DAYS, STEPS, Period, periods
from twentytwo.audience.ratings import (
    ALL_GENRES,
    BY_CURATOR,
    BY_TRACK,
    CURATOR_ROW_KEYS,
    PERSON_NOTE,
    ROW_KEYS,
    city_ratings,
    city_ratings_exact,
)
from twentytwo.catalog.models import City, Genre

DEFAULT_DAYS = 7
TOP_TRACKS = 10
# The dayparts of the genre × daypart table, in the order of the day.
TABLE_DAYPARTS = ("morning-drive", "midday", "afternoon-drive", "evening", "overnight", "mon-sun")
NO_CITY = "There is no city to report on yet."
NOT_YOURS = (
    "The ratings are for staff, and for curators over their own genres. This account is "
    "neither; staff can link it to a curator in the admin."
)
RANGE_BACKWARDS = "The first day must not be after the last."
RANGE_TOO_LONG = "Choose at most {days} days for a series by {step}."
TABLES = ("dayparts", "genres", "curators", "series", "tracks")
DAYPART_KEYS = ("genre", "daypart", "aqh", "share", "cume", "tsl_minutes")
SERIES_KEYS = ("period", "from", "to", "aqh", "cume", "tsl_minutes")
TRACK_KEYS = ("genre", "track", "plays", "completion_rate", "skip_rate", "cume", "aqh")


@dataclass(frozen=True)
class Scope:
    """What may be shown: everything (staff), or the genres of one or more curators."""

    cities: list[City]
    # None: every genre; otherwise the ids of the curator's own genres.
    genre_ids: frozenset[int] | None
    curator_ids: frozenset[int] | None

    @classmethod
    def everything(cls) -> Scope:
        return cls(cities=list(City.objects.all()), genre_ids=None, curator_ids=None)

    @classmethod
    def of_genres(cls, genres: list[Genre]) -> Scope:
        return cls(
            cities=sorted({g.city for g in genres}, key=lambda c: c.name),
            genre_ids=frozenset(g.id for g in genres),
            curator_ids=frozenset(g.curator_id for g in genres),
        )

    def genres(self, city: City) -> list[Genre]:
        genres = Genre.objects.filter(city=city).select_related("curator")
        genres = genres.order_by("position", "name")
        return [g for g in genres if self.genre_ids is None or g.id in self.genre_ids]


class RatingsFilter(forms.Form):
    city = forms.ChoiceField()
    first = forms.DateField(label="From", required=False)
    last = forms.DateField(label="To", required=False)
    daypart = forms.ChoiceField(choices=[(name, name) for name in DAYPARTS], required=False)
    genre = forms.ChoiceField(required=False)
    step = forms.ChoiceField(
        label="Series by", choices=[(s, s) for s in STEPS], required=False, initial=DAY
    )

    def __init__(self, data, *, cities: list[City], genres: list[Genre], everything: str) -> None:
        super().__init__(data)
        self.fields["city"].choices = [(c.slug, c.name) for c in cities]
        self.fields["genre"].choices = [("", everything)] + [(g.slug, g.name) for g in genres]

    def clean(self):
        data = super().clean()
        first, last = data.get("first"), data.get("last")
        step = data.get("step") or DAY
        if first and last:
            if first > last:
                raise forms.ValidationError(RANGE_BACKWARDS)
            if (last - first).days + 1 > MAX_DAYS[step]:
                raise forms.ValidationError(RANGE_TOO_LONG.format(days=MAX_DAYS[step], step=step))
        return data


@dataclass
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


def series(
    *, city: City, first: date, last: date, step: str, daypart_name: str, station
) -> list[SeriesPoint]:
    """Return AQH, cume and TSL for each day, week or month of first..last.

    `station` is a genre id, ("curator", id) for one curator's genres together, or ALL. Each
    period is reckoned on its own, so a week's cume counts a listener of several days once."""
    daypart = daypart_by_name(daypart_name)
    points = []
    for period in periods(first, last, step):
        if isinstance(station, tuple):
            _n, found, _ = city_ratings_exact(
                city=city, first=period.first, last=period.last, daypart=daypart, by=BY_CURATOR
            )
            r = found.get(station[1])
        else:
            _n, _exact, found = city_ratings_exact(
                city=city, first=period.first, last=period.last, daypart=daypart
            )
            r = found.get(station)
        points.append(
            SeriesPoint(
                period=period,
                aqh=float(round(r.aqh, 2)) if r else 0.0,
                cume=r.cume if r else 0,
                tsl_minutes=float(round(r.tsl_minutes, 1)) if r else 0.0,
            )
        )
    return points


def _default_range(city: City) -> tuple[date, date]:
    # Whole days of the city: today is not over, so the week ends yesterday.
    yesterday = timezone.now().astimezone(ZoneInfo(city.time_zone)).date() - timedelta(days=1)
    return yesterday - timedelta(days=DEFAULT_DAYS - 1), yesterday


def _csv(name: str, keys: tuple[str, ...], rows: list[dict]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    # The note travels with the numbers: a comment line before the header.
    response.write(f"# {PERSON_NOTE}\n")
    writer = csv.DictWriter(response, fieldnames=keys, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return response


def ratings_refused(request: HttpRequest) -> HttpResponse:
    """The answer to someone who may see no figure at all."""
    context = {"person": PERSON_NOTE, "error": NOT_YOURS}
    return render(request, "audience/ratings.html", context, status=403)


def ratings_page(request: HttpRequest, *, scope: Scope) -> HttpResponse:
    """The dashboard, or one of its tables as CSV, showing only what `scope` holds."""
    staff = scope.genre_ids is None
    if not scope.cities:
        return render(request, "audience/ratings.html", {"person": PERSON_NOTE, "error": NO_CITY})
    data = request.GET.copy()
    data.setdefault("city", scope.cities[0].slug)
    city = next((c for c in scope.cities if c.slug == data["city"]), scope.cities[0])
    genres = scope.genres(city)
    everything = ALL_GENRES if staff else "all my genres"
    form = RatingsFilter(data, cities=scope.cities, genres=genres, everything=everything)
    if not form.is_valid():
        context = {"person": PERSON_NOTE, "form": form, "city": city, "staff": staff}
        return render(request, "audience/ratings.html", context, status=400)
    default_first, default_last = _default_range(city)
    first = form.cleaned_data["first"] or default_first
    last = form.cleaned_data["last"] or default_last
    if first > last:
        first = last
    step = form.cleaned_data["step"] or DAY
    daypart_name = form.cleaned_data["daypart"] or DEFAULT_DAYPART
    genre = next((g for g in genres if g.slug == form.cleaned_data["genre"]), None)
    shown = {genre.slug} if genre else {g.slug for g in genres}
    export = request.GET.get("format") == "csv"
    table = request.GET.get("table", "genres")

    def visible(row: dict) -> bool:
        # The all-genres total is the city's: staff see it, a curator does not.
        return row["genre"] in shown or (staff and not genre and row["genre"] == ALL_GENRES)

    if not export or table == "dayparts":
        daypart_rows = []
        by_genre: dict[str, dict] = {}
        for name in TABLE_DAYPARTS:
            report = city_ratings(city=city, first=first, last=last, daypart=DAYPARTS[name])
            for row in filter(visible, [*report.rows, report.total]):
                daypart_rows.append({**row, "daypart": name})
                by_genre.setdefault(row["genre"], {"genre": row["genre"], "cells": []})
                by_genre[row["genre"]]["cells"].append(row)
    if export and table == "dayparts":
        return _csv("ratings-dayparts", DAYPART_KEYS, daypart_rows)

    daypart = DAYPARTS[daypart_name]
    report = city_ratings(city=city, first=first, last=last, daypart=daypart)
    genre_rows = [r for r in report.rows if visible(r)]
    total = report.total if staff and not genre else None
    if export and table == "genres":
        return _csv("ratings-genres", ROW_KEYS, [*genre_rows, *([total] if total else [])])

    curators = city_ratings(city=city, first=first, last=last, daypart=daypart, by=BY_CURATOR)
    # A curator's row covers exactly that curator's genres, and a genre has one curator.
    own = (
        None
        if staff
        else {frozenset(g.slug for g in genres if g.curator_id == c) for c in scope.curator_ids}
    )
    curator_rows = [
        r for r in curators.rows if own is None or frozenset(r["genres"].split()) in own
    ]
    curator_total = curators.total if staff else None
    if export and table == "curators":
        rows = [*curator_rows, *([curator_total] if curator_total else [])]
        return _csv("ratings-curators", CURATOR_ROW_KEYS, rows)

    if genre:
        station, series_of = genre.id, genre.name
    elif staff:
        station, series_of = ALL, ALL_GENRES
    else:
        (curator_id, *_more) = sorted(scope.curator_ids)
        curator = next(g.curator for g in genres if g.curator_id == curator_id)
        station, series_of = ("curator", curator_id), f"{curator.name}'s genres"
    points = series(
        city=city, first=first, last=last, step=step, daypart_name=daypart_name, station=station
    )
    if export and table == "series":
        return _csv(f"ratings-by-{step}", SERIES_KEYS, [p.as_row() for p in points])

    tracks = city_ratings(city=city, first=first, last=last, daypart=daypart, by=BY_TRACK).rows
    tracks = [r for r in tracks if r["genre"] in shown]
    tracks.sort(key=lambda r: (-r["plays"], -r["aqh"], r["track"]))
    tracks = tracks[:TOP_TRACKS]
    if export and table == "tracks":
        return _csv("ratings-tracks", TRACK_KEYS, tracks)

    query = request.GET.copy()
    query.pop("format", None)
    query.pop("table", None)
    query.update({"city": city.slug, "first": first.isoformat(), "last": last.isoformat()})
    query["daypart"] = daypart_name
    query["step"] = step
    return render(
        request,
        "audience/ratings.html",
        {
            "person": PERSON_NOTE,
            "staff": staff,
            "form": form,
            "city": city,
            "genre": genre,
            "first": first,
            "last": last,
            "daypart": daypart_name,
            "step": step,
            "table_dayparts": TABLE_DAYPARTS,
            "daypart_table": list(by_genre.values()),
            "report": report,
            "total": total,
            "genre_rows": genre_rows,
            "share_rows": [r for r in genre_rows if r["share"] > 0],
            "curator_rows": curator_rows,
            "curator_total": curator_total,
            "series": points,
            "series_of": series_of,
            "tracks": tracks,
            "query": query.urlencode(),
        },
    )
