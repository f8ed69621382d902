"""The ratings dashboard's filter: which city, days, daypart, genre and step, and which table
as CSV. It only parses and checks; the selectors reckon."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone

from twentytwo.audience.dayparts import DAYPARTS, DEFAULT_DAYPART
from twentytwo.audience.periods import DAY, DAY_OUT_OF_RANGE, MAX_DAYS, STEPS, reportable_days
from twentytwo.audience.selectors.ratings import ALL_GENRES
from twentytwo.audience.selectors.ratings_dashboard import (
    GENRES_TABLE,
    TABLES,
    RatingsQuery,
)
from twentytwo.catalog.models import City, Genre

DEFAULT_DAYS = 7
HTML, CSV = "html", "csv"
RANGE_BACKWARDS = "The first day must not be after the last."
RANGE_TOO_LONG = "Choose at most {days} days for a series by {step}."


class RatingsFilter(forms.Form):
    city = forms.ChoiceField()
    first = forms.DateField(label="From", required=False)
    last = forms.DateField(label="To", required=False)
    daypart = forms.ChoiceField(choices=[(name, name) for name in DAYPARTS], required=False)
    genre = forms.ChoiceField(required=False)
    step = forms.ChoiceField(
        label="Series by", choices=[(s, s) for s in STEPS], required=False, initial=DAY
    )
    # Not drawn with the form: the page's CSV links carry them.
    format = forms.ChoiceField(
        choices=[(HTML, HTML), (CSV, CSV)], required=False, widget=forms.HiddenInput
    )
    table = forms.ChoiceField(
        choices=[(t, t) for t in TABLES], required=False, widget=forms.HiddenInput
    )

    def __init__(self, data, *, cities: list[City]) -> None:
        data = data.copy()
        data.setdefault("city", cities[0].slug)
        super().__init__(data)
        # The city asked for picks the genres to choose from; an unknown one is refused
        # below, and meanwhile the first city's genres are offered.
        self.city = next((c for c in cities if c.slug == data["city"]), cities[0])
        self.genres = list(
            Genre.objects.filter(city=self.city)
            .select_related("curator")
            .order_by("position", "name")
        )
        self.fields["city"].choices = [(c.slug, c.name) for c in cities]
        self.fields["genre"].choices = [("", ALL_GENRES)] + [(g.slug, g.name) for g in self.genres]

    def clean(self):
        data = super().clean()
        earliest, latest = reportable_days(today=timezone.now().date())
        for name in ("first", "last"):
            day = data.get(name)
            if day and not earliest <= day <= latest:
                self.add_error(name, DAY_OUT_OF_RANGE.format(earliest=earliest, latest=latest))
                data.pop(name, None)
        first, last = data.get("first"), data.get("last")
        step = data.get("step") or DAY
        if first and last:
            if first > last:
                raise forms.ValidationError(RANGE_BACKWARDS)
            if (last - first).days + 1 > MAX_DAYS[step]:
                raise forms.ValidationError(RANGE_TOO_LONG.format(days=MAX_DAYS[step], step=step))
        return data

    @property
    def wants_csv(self) -> bool:
        return self.cleaned_data.get("format") == CSV

    @property
    def csv_table(self) -> str:
        return self.cleaned_data.get("table") or GENRES_TABLE

    def ratings_query(self) -> RatingsQuery:
        """Return what was asked for, the defaults filled in; call once the form is valid."""
        data = self.cleaned_data
        default_first, default_last = _default_range(self.city)
        last = data["last"] or default_last
        first = min(data["first"] or default_first, last)
        return RatingsQuery(
            city=self.city,
            first=first,
            last=last,
            daypart=data["daypart"] or DEFAULT_DAYPART,
            step=data["step"] or DAY,
            genres=tuple(self.genres),
            genre=next((g for g in self.genres if g.slug == data["genre"]), None),
        )


def _default_range(city: City) -> tuple[date, date]:
    # Whole days of the city: today is not over, so the week ends yesterday.
    yesterday = timezone.now().astimezone(ZoneInfo(city.time_zone)).date() - timedelta(days=1)
    return yesterday - timedelta(days=DEFAULT_DAYS - 1), yesterday
