"""Ads: checking one before it runs, and counting what it did as sums per day and place.

A count is one row per ad, place and day, raised in the database (never read, changed and
written back), with nothing about who saw or clicked."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F

from twentytwo.audience.dayparts import DAYPARTS
from twentytwo.outreach.models import Ad, AdCount
from twentytwo.outreach.services import OutreachError

NO_PLACES = "Choose at least one place for the ad."
UNKNOWN_PLACE = "There is no place for ads called %(place)r."
UNKNOWN_DAYPART = "There is no daypart called %(daypart)r."
TAG_FOR_ADVERTISERS = "Only an advertiser's ad may load the advertiser's own tag."
TAG_ORIGIN = (
    "The tag's origin %(origin)s is not one the site allows: add it to "
    "TWENTYTWO_AD_TAG_ORIGINS, which puts it in the CSP."
)
AUDIO_NEEDS_FILE = "An audio spot needs its audio file."
AUDIO_ONLY_IN_PLAYER = "An audio spot plays between tracks only: choose the player as its place."
ADVERTISER_KIND = "%(name)s is not an advertiser organisation."
FILE_KIND = "The %(part)s must be one of: %(kinds)s."
# What an ad's files may be, and the type each is served as: never what the upload says.
IMAGE_TYPES = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg",
               "webp": "image/webp", "gif": "image/gif"}  # fmt: skip
AUDIO_TYPES = {"mp3": "audio/mpeg", "ogg": "audio/ogg", "opus": "audio/ogg", "m4a": "audio/mp4"}


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def file_type(name: str, types: dict[str, str]) -> str | None:
    return types.get(name.rsplit(".", 1)[-1].lower()) if "." in name else None


def ad_check(*, ad: Ad) -> None:
    """Refuse an ad that could not run as the site promises: raise OutreachError."""
    for part, stored, types in (
        ("picture", ad.image, IMAGE_TYPES),
        ("audio", ad.audio, AUDIO_TYPES),
    ):
        if stored and file_type(stored.name, types) is None:
            raise OutreachError(FILE_KIND % {"part": part, "kinds": ", ".join(sorted(types))})
    if not ad.places:
        raise OutreachError(NO_PLACES)
    for place in ad.places:
        if place not in Ad.Place.values:
            raise OutreachError(UNKNOWN_PLACE % {"place": place})
    for daypart in ad.dayparts or []:
        if daypart not in DAYPARTS:
            raise OutreachError(UNKNOWN_DAYPART % {"daypart": daypart})
    if ad.advertiser_id is not None and ad.advertiser.kind != "advertiser":
        raise OutreachError(ADVERTISER_KIND % {"name": ad.advertiser.name})
    if ad.tag_url:
        if ad.advertiser_id is None:
            raise OutreachError(TAG_FOR_ADVERTISERS)
        if _origin(ad.tag_url) not in settings.AD_TAG_ORIGINS:
            raise OutreachError(TAG_ORIGIN % {"origin": _origin(ad.tag_url)})
    if ad.format == Ad.Format.AUDIO:
        if not ad.audio:
            raise OutreachError(AUDIO_NEEDS_FILE)
        if ad.places != [Ad.Place.PLAYER]:
            raise OutreachError(AUDIO_ONLY_IN_PLAYER)


def ad_count(*, ad_id: int, place: str, day: date, clicked: bool = False) -> None:
    """Count one impression, or one click, of the ad in that place on that day."""
    column = "clicks" if clicked else "impressions"
    rows = AdCount.objects.filter(ad_id=ad_id, place=place, day=day)
    if rows.update(**{column: F(column) + 1}):
        return
    try:
        with transaction.atomic():
            AdCount.objects.create(ad_id=ad_id, place=place, day=day, **{column: 1})
    except IntegrityError:
        # Another request made the day's row first: raise it instead.
        rows.update(**{column: F(column) + 1})
