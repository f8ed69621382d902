"""Which ad a place shows, chosen by its context only; and the ads' counts, as sums.

The choice reads the place (home, city, genre, between tracks), the city, the genre and
the city's daypart now, and nothing of who asks: the request carries no cookie, and no
listener id or account reaches this module."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.db.models import Q, Sum
from django.utils import timezone

from twentytwo.audience.dayparts import DAYPARTS
from twentytwo.catalog.models import City, Genre
from twentytwo.outreach.models import Ad, AdCount

# The dayparts an ad may be aimed at: each hour of the day falls in exactly one.
AD_DAYPARTS = ("morning-drive", "midday", "afternoon-drive", "evening", "overnight")


def daypart_at(moment: datetime, city: City | None) -> str:
    """The daypart of the city's clock (Amsterdam's for a place with no city)."""
    local = moment.astimezone(ZoneInfo(city.time_zone if city else "Europe/Amsterdam"))
    return next(name for name in AD_DAYPARTS if DAYPARTS[name].holds(local))


def ad_choose(
    *,
    place: str,
    city: City | None = None,
    genre: Genre | None = None,
    now: datetime | None = None,
    rng: random.Random | None = None,
) -> Ad | None:
    """An ad running now for this place, city, genre and daypart, drawn by weight."""
    now = now or timezone.now()
    city = city or (genre.city if genre else None)
    running = Ad.objects.filter(starts_at__lte=now, ends_at__gt=now)
    if city is not None:
        running = running.filter(Q(cities__isnull=True) | Q(cities=city))
    else:
        running = running.filter(cities__isnull=True)
    if genre is not None:
        running = running.filter(Q(genres__isnull=True) | Q(genres=genre))
    else:
        running = running.filter(genres__isnull=True)
    daypart = daypart_at(now, city)
    candidates = [
        ad
        for ad in running.distinct().select_related("advertiser").order_by("pk")
        # Few ads run at once: their places and dayparts are read here, the same way on
        # SQLite (whose JSON has no "contains") and PostgreSQL.
        if place in ad.places and (not ad.dayparts or daypart in ad.dayparts)
    ]
    if not candidates:
        return None
    return (rng or random).choices(candidates, weights=[ad.weight or 1 for ad in candidates])[0]


@dataclass(frozen=True)
class AdTotals:
    ad_id: int
    place: str
    impressions: int
    clicks: int


def ad_totals(*, ad_ids: list[int], first: date, last: date) -> list[AdTotals]:
    """Impressions and clicks per ad and place over the days first..last, exact.

    For staff. What an advertiser sees of these goes through the partner disclosure layer."""
    rows = (
        AdCount.objects.filter(ad_id__in=ad_ids, day__gte=first, day__lte=last)
        .values("ad_id", "place")
        .annotate(impressions=Sum("impressions"), clicks=Sum("clicks"))
        .order_by("ad_id", "place")
    )
    return [AdTotals(**row) for row in rows]


@dataclass(frozen=True)
class AdPlaces:
    id: int
    name: str
    places: list[str]


def ads_with_places(*, ad_ids: list[int]) -> list[AdPlaces]:
    return [
        AdPlaces(id=pk, name=name, places=list(places))
        for pk, name, places in Ad.objects.filter(pk__in=ad_ids)
        .order_by("pk")
        .values_list("pk", "name", "places")
    ]


def ads_of_advertiser(*, organisation_id: int) -> list[AdPlaces]:
    """The ads an organisation placed, with the places each may show in."""
    ids = Ad.objects.filter(advertiser_id=organisation_id).values_list("pk", flat=True)
    return ads_with_places(ad_ids=list(ids))
