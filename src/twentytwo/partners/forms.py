"""The partner portal's forms: which view of a report, whom to invite, which token to make,
which rights to import. They parse and check; the disclosure layer and the services act."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from twentytwo.audience.dayparts import DAYPARTS, DEFAULT_DAYPART
from twentytwo.audience.periods import DAY, STEPS, reportable_days
from twentytwo.partners.disclosure import (
    CURATOR_GROUPS,
    AdsQuery,
    ReportQuery,
    ads_of,
    yesterday_in_site,
)
from twentytwo.partners.models import Membership, Organisation
from twentytwo.partners.selectors import (
    organisation_cities,
    organisation_genres,
    organisation_tracks,
)

DEFAULT_DAYS = 28
EVERY = ""


def _days_check(data: dict) -> None:
    """Refuse a day outside the calendar anyone listened in, before any date arithmetic."""
    earliest, latest = reportable_days(today=yesterday_in_site())
    for name in ("first", "last"):
        day = data.get(name)
        if day is not None and not earliest <= day <= latest:
            raise forms.ValidationError(
                _("Choose days from %(earliest)s to %(latest)s.")
                % {"earliest": earliest.isoformat(), "latest": latest.isoformat()}
            )


class ViewForm(forms.Form):
    """Which view: a city or all, a genre or all, a range of days, a daypart, a step."""

    city = forms.ChoiceField(label=_("City"), required=False)
    genre = forms.ChoiceField(label=_("Genre"), required=False)
    first = forms.DateField(label=_("From"), required=False)
    last = forms.DateField(label=_("To"), required=False)
    daypart = forms.ChoiceField(
        label=_("Daypart"), choices=[(name, name) for name in DAYPARTS], required=False
    )
    step = forms.ChoiceField(
        label=_("By"), choices=[(s, s) for s in STEPS], required=False, initial=DAY
    )

    def __init__(self, data, *, organisation: Organisation) -> None:
        super().__init__(data)
        self.organisation = organisation
        self.cities = list(organisation_cities(organisation=organisation))
        self.genres = list(organisation_genres(organisation=organisation))
        self.fields["city"].choices = [(EVERY, _("every city"))] + [
            (c.slug, c.name) for c in self.cities
        ]
        self.fields["genre"].choices = [(EVERY, _("every genre"))] + [
            (str(g.pk), f"{g.name} ({g.city.name})") for g in self.genres
        ]

    def clean(self):
        data = super().clean()
        _days_check(data)
        genre = next((g for g in self.genres if str(g.pk) == data.get("genre")), None)
        city = next((c for c in self.cities if c.slug == data.get("city")), None)
        if genre and city and genre.city_id != city.pk:
            raise forms.ValidationError(_("That genre is not in that city."))
        data["genre_obj"], data["city_obj"] = genre, city or (genre.city if genre else None)
        return data

    def report_query(self) -> ReportQuery:
        """What was asked for, defaults filled in; call once the form is valid."""
        data = self.cleaned_data
        last = data.get("last") or yesterday_in_site()
        first = data.get("first") or last - timedelta(days=DEFAULT_DAYS - 1)
        genre, city = data["genre_obj"], data["city_obj"]
        curator = self.organisation.kind == Organisation.Kind.CURATOR
        if genre is not None:
            genres = (genre.pk,)
        elif curator:
            genres = tuple(g.pk for g in self.genres if city is None or g.city_id == city.pk)
        else:
            genres = None
        return ReportQuery(
            tracks=organisation_tracks(organisation=self.organisation),
            genres=genres,
            city_id=city.pk if city else None,
            first=first,
            last=last,
            daypart=data.get("daypart") or DEFAULT_DAYPART,
            step=data.get("step") or DAY,
            **({"groups": CURATOR_GROUPS} if curator else {}),
        )

    def as_query_string(self) -> str:
        """The form's choices as a query string, defaults filled in, for links."""
        query = self.report_query()
        data = self.cleaned_data
        link = QueryDict(mutable=True)
        link.update(
            {
                "city": data.get("city") or "",
                "genre": data.get("genre") or "",
                "first": query.first.isoformat(),
                "last": query.last.isoformat(),
                "daypart": query.daypart,
                "step": query.step,
            }
        )
        return link.urlencode()


class InviteForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        required=False,
        help_text=_("Leave empty to copy the link and send it yourself."),
    )
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    days = forms.IntegerField(label=_("Days it lives"), min_value=1, max_value=366, initial=90)


class RightsImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("Columns: organisation (its slug or name), and artist or label."),
    )


class AdsForm(forms.Form):
    """Which days of the organisation's ad figures (the last week up to yesterday if none)."""

    first = forms.DateField(label=_("From"), required=False)
    last = forms.DateField(label=_("To"), required=False)

    def __init__(self, data, *, organisation: Organisation) -> None:
        super().__init__(data)
        self.organisation = organisation

    def clean(self):
        data = super().clean()
        _days_check(data)
        return data

    def ads_query(self) -> AdsQuery:
        last = self.cleaned_data.get("last") or yesterday_in_site()
        first = self.cleaned_data.get("first") or last - timedelta(days=DEFAULT_DAYS - 1)
        return AdsQuery(ads=ads_of(organisation=self.organisation), first=first, last=last)
