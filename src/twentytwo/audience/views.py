"""The ratings dashboard for staff: every figure from the rollups, as tables, charts and CSV.

Access is checked by Django's own `staff_member_required`; nothing here reads who is asking.
A "person" in every figure is one browser (the listener cookie), not one human, and every page
and every CSV file says so.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django import forms
from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from twentytwo.audience.dayparts import DAYPARTS, DEFAULT_DAYPART, daypart_by_name
from twentytwo.audience.metrics import ALL
from twentytwo.audience.ratings import (
    ALL_GENRES,
    BY_TRACK,
    PERSON_NOTE,
    ROW_KEYS,
    city_ratings,
    city_ratings_exact,
)
from twentytwo.catalog.models import City, Genre

DEFAULT_DAYS = 7
MAX_DAYS = 92  # one chart point per day: a quarter is still readable
TOP_TRACKS = 10
# The dayparts of the genre × daypart table, in the order of the day.
TABLE_DAYPARTS = ("morning-drive", "midday", "afternoon-drive", "evening", "overnight", "mon-sun")
NO_CITY = "There is no city to report on yet."
RANGE_BACKWARDS = "The first day must not be after the last."
RANGE_TOO_LONG = f"Choose at most {MAX_DAYS} days."
TABLES = ("dayparts", "genres", "days", "tracks")
DAYPART_KEYS = ("genre", "daypart", "aqh", "share", "cume", "tsl_minutes")
DAY_KEYS = ("day", "aqh", "cume", "tsl_minutes")
TRACK_KEYS = ("genre", "track", "plays", "completion_rate", "skip_rate", "cume", "aqh")


class RatingsFilter(forms.Form):
    city = forms.ChoiceField()
    first = forms.DateField(label="From", required=False)
    last = forms.DateField(label="To", required=False)
    daypart = forms.ChoiceField(choices=[(name, name) for name in DAYPARTS], required=False)
    genre = forms.ChoiceField(required=False)

    def __init__(self, data, *, cities: list[City], genres: list[Genre]) -> None:
        super().__init__(data)
        self.fields["city"].choices = [(c.slug, c.name) for c in cities]
        self.fields["genre"].choices = [("", "all genres")] + [(g.slug, g.name) for g in genres]

    def clean(self):
        data = super().clean()
        first, last = data.get("first"), data.get("last")
        if first and last:
            if first > last:
                raise forms.ValidationError(RANGE_BACKWARDS)
            if (last - first).days + 1 > MAX_DAYS:
                raise forms.ValidationError(RANGE_TOO_LONG)
        return data


@dataclass
class DayPoint:
    day: date
    aqh: float
    cume: int
    tsl_minutes: float


def day_series(
    *, city: City, first: date, last: date, daypart_name: str, genre: Genre | None
) -> list[DayPoint]:
    """Return AQH, cume and TSL for every day first..last: of all genres, or of one genre."""
    daypart = daypart_by_name(daypart_name)
    points = []
    day = first
    while day <= last:
        _n, _exact, stations = city_ratings_exact(city=city, first=day, last=day, daypart=daypart)
        r = stations.get(genre.id if genre else ALL)
        points.append(
            DayPoint(
                day=day,
                aqh=float(round(r.aqh, 2)) if r else 0.0,
                cume=r.cume if r else 0,
                tsl_minutes=float(round(r.tsl_minutes, 1)) if r else 0.0,
            )
        )
        day += timedelta(days=1)
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


@require_safe
@staff_member_required
def ratings_dashboard(request: HttpRequest) -> HttpResponse:
    cities = list(City.objects.all())
    if not cities:
        return render(request, "audience/ratings.html", {"person": PERSON_NOTE, "error": NO_CITY})
    data = request.GET.copy()
    data.setdefault("city", cities[0].slug)
    city = next((c for c in cities if c.slug == data["city"]), cities[0])
    genres = list(Genre.objects.filter(city=city))
    form = RatingsFilter(data, cities=cities, genres=genres)
    if not form.is_valid():
        context = {"person": PERSON_NOTE, "form": form, "city": city}
        return render(request, "audience/ratings.html", context, status=400)
    default_first, default_last = _default_range(city)
    first = form.cleaned_data["first"] or default_first
    last = form.cleaned_data["last"] or default_last
    if first > last:
        first = last
    daypart_name = form.cleaned_data["daypart"] or DEFAULT_DAYPART
    genre = next((g for g in genres if g.slug == form.cleaned_data["genre"]), None)
    export = request.GET.get("format") == "csv"
    table = request.GET.get("table", "genres")

    if not export or table == "dayparts":
        daypart_rows = []
        by_genre: dict[str, dict] = {}
        for name in TABLE_DAYPARTS:
            report = city_ratings(city=city, first=first, last=last, daypart=DAYPARTS[name])
            for row in [*report.rows, report.total]:
                if genre and row["genre"] not in (genre.slug, ALL_GENRES):
                    continue
                daypart_rows.append({**row, "daypart": name})
                by_genre.setdefault(row["genre"], {"genre": row["genre"], "cells": []})
                by_genre[row["genre"]]["cells"].append(row)
    if export and table == "dayparts":
        return _csv("ratings-dayparts", DAYPART_KEYS, daypart_rows)

    report = city_ratings(city=city, first=first, last=last, daypart=DAYPARTS[daypart_name])
    genre_rows = [r for r in report.rows if not genre or r["genre"] == genre.slug]
    if export and table == "genres":
        return _csv("ratings-genres", ROW_KEYS, [*genre_rows, report.total])

    days = day_series(city=city, first=first, last=last, daypart_name=daypart_name, genre=genre)
    if export and table == "days":
        return _csv("ratings-days", DAY_KEYS, [p.__dict__ for p in days])

    tracks = city_ratings(
        city=city, first=first, last=last, daypart=DAYPARTS[daypart_name], by=BY_TRACK
    ).rows
    tracks = [r for r in tracks if not genre or r["genre"] == genre.slug]
    tracks.sort(key=lambda r: (-r["plays"], -r["aqh"], r["track"]))
    tracks = tracks[:TOP_TRACKS]
    if export and table == "tracks":
        return _csv("ratings-tracks", TRACK_KEYS, tracks)

    query = request.GET.copy()
    query.pop("format", None)
    query.pop("table", None)
    query.update({"city": city.slug, "first": first.isoformat(), "last": last.isoformat()})
    query["daypart"] = daypart_name
    return render(
        request,
        "audience/ratings.html",
        {
            "person": PERSON_NOTE,
            "form": form,
            "city": city,
            "genre": genre,
            "first": first,
            "last": last,
            "daypart": daypart_name,
            "table_dayparts": TABLE_DAYPARTS,
            "daypart_table": list(by_genre.values()),
            "report": report,
            "genre_rows": genre_rows,
            "share_rows": [r for r in report.rows if r["share"] > 0],
            "days": days,
            "tracks": tracks,
            "query": query.urlencode(),
        },
    )
