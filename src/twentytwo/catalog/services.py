"""Writes to the catalog. Views, the admin and the demo seeder all call these."""

import hashlib
import uuid
from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from twentytwo.catalog.audio import AudioRejected, audio_probe
from twentytwo.catalog.models import BuyLink, City, Curator, Genre, PlaylistEntry, Track
from twentytwo.catalog.pictures import picture_probe

TRACK_DUPLICATE = "This audio is already in the catalog as track {track_id}."
PLAYLIST_ALREADY_HAS_TRACK = "The track is already in this playlist."
PLAYLIST_ORDER_MISMATCH = "The new order must list exactly the tracks now in the playlist."
ENTRY_ALREADY_RETIRED = "This track has already left the playlist."


class CatalogError(ValueError):
    """A catalog write was refused; `str(error)` is the message to show."""


def city_create(*, name: str, slug: str, country: str, time_zone: str, position: int = 0) -> City:
    city = City(
        name=name, slug=slug, country=country.upper(), time_zone=time_zone, position=position
    )
    city.full_clean()
    city.save()
    return city


def curator_create(
    *, name: str, slug: str, bio: str = "", photo: str = "", links: Iterable[dict] = ()
) -> Curator:
    curator = Curator(name=name, slug=slug, bio=bio, photo=photo, links=list(links))
    curator.full_clean()
    curator.save()
    return curator


def genre_create(
    *,
    city: City,
    name: str,
    slug: str,
    description: str = "",
    picture: str = "",
    curator: Curator | None = None,
    position: int = 0,
) -> Genre:
    genre = Genre(
        city=city,
        name=name,
        slug=slug,
        description=description,
        picture=picture,
        curator=curator,
        position=position,
    )
    genre.full_clean()
    genre.save()
    return genre


def _update(instance, fields: dict, allowed: set[str]):
    unknown = set(fields) - allowed
    if unknown:
        name = type(instance).__name__.lower()
        raise TypeError(f"{name}_update() cannot change {', '.join(sorted(unknown))}")
    for field, value in fields.items():
        setattr(instance, field, value)
    instance.full_clean()
    instance.save(update_fields=[*fields])
    return instance


def city_update(*, city: City, **fields) -> City:
    return _update(city, fields, {"name", "slug", "country", "time_zone", "position"})


def curator_update(*, curator: Curator, **fields) -> Curator:
    return _update(curator, fields, {"name", "slug", "bio", "photo", "links"})


def curator_accounts_set(*, curator: Curator, accounts: Iterable) -> None:
    """Let exactly these accounts see the curator's ratings."""
    curator.accounts.set(accounts)


def genre_update(*, genre: Genre, **fields) -> Genre:
    return _update(genre, fields, {"name", "slug", "description", "picture", "curator", "position"})


def picture_store(*, data: bytes, kind: str) -> str:
    """Check a picture and store it under a generated name; return the storage name."""
    extension = picture_probe(data, max_bytes=settings.PICTURE_UPLOAD_MAX_BYTES)
    return default_storage.save(
        f"pictures/{kind}/{uuid.uuid4().hex}.{extension}", ContentFile(data)
    )


def track_ingest(
    *,
    audio: bytes,
    title: str,
    artist: str,
    label: str = "",
    year: int | None = None,
    artist_bio: str = "",
    artist_links: Iterable[dict] = (),
    buy_links: Iterable[tuple[str, str]] = (),
    artwork: str = "",
) -> Track:
    """Check `audio`, store it under a generated name and create its track.

    Raises AudioRejected for bytes that are not whole, playable audio and CatalogError
    for audio already in the catalog; in both cases nothing is stored."""
    probe = audio_probe(audio, max_bytes=settings.AUDIO_UPLOAD_MAX_BYTES)
    checksum = hashlib.sha256(audio).hexdigest()
    existing = Track.objects.filter(checksum=checksum).values_list("pk", flat=True).first()
    if existing is not None:
        raise CatalogError(TRACK_DUPLICATE.format(track_id=existing))
    name = uuid.uuid4().hex
    stored = default_storage.save(f"audio/{name[:2]}/{name}.{probe.extension}", ContentFile(audio))
    try:
        with transaction.atomic():
            track = Track(
                title=title,
                artist=artist,
                label=label,
                year=year,
                artist_bio=artist_bio,
                artist_links=list(artist_links),
                artwork=artwork,
                audio=stored,
                audio_size=len(audio),
                duration=round(probe.duration, 3),
                codec=probe.codec,
                mime_type=probe.mime_type,
                bitrate=probe.bitrate,
                checksum=checksum,
            )
            track.full_clean()
            track.save()
            BuyLink.objects.bulk_create(
                BuyLink(track=track, shop=shop, url=url, position=index)
                for index, (shop, url) in enumerate(buy_links)
            )
            for link in track.buy_links.all():
                link.full_clean()
    except BaseException:
        # The row did not commit, so the file must not stay behind.
        default_storage.delete(stored)
        raise
    return track


def track_update(*, track: Track, **fields) -> Track:
    """Change a track's descriptive fields; its audio never changes after ingest."""
    return _update(
        track, fields, {"title", "artist", "label", "year", "artist_bio", "artist_links", "artwork"}
    )


def track_buy_links_set(*, track: Track, links: Iterable[tuple[str, str]]) -> None:
    with transaction.atomic():
        track.buy_links.all().delete()
        created = [
            BuyLink(track=track, shop=shop, url=url, position=index)
            for index, (shop, url) in enumerate(links)
        ]
        for link in created:
            link.full_clean(exclude=["track"])
        BuyLink.objects.bulk_create(created)


def track_add_to_rotation(
    *, genre: Genre, track: Track, at: datetime | None = None, note: str = ""
) -> PlaylistEntry:
    """Put `track` at the top of the genre's playlist; when that makes one too many, the
    track that has been in the playlist longest is retired at the same moment."""
    at = at or timezone.now()
    with transaction.atomic():
        # Serialise rotations of one genre so two curators cannot both fill slot 22.
        Genre.objects.select_for_update().filter(pk=genre.pk).first()
        current = list(
            PlaylistEntry.objects.filter(genre=genre, retired_at__isnull=True)
            .order_by("added_at", "id")
            .only("id", "track_id", "position", "added_at")
        )
        if any(entry.track_id == track.pk for entry in current):
            raise CatalogError(PLAYLIST_ALREADY_HAS_TRACK)
        overflow = len(current) + 1 - settings.PLAYLIST_SIZE
        if overflow > 0:
            oldest = [entry.pk for entry in current[:overflow]]
            PlaylistEntry.objects.filter(pk__in=oldest).update(
                retired_at=max(at, current[0].added_at)
            )
            current = current[overflow:]
        top = min((entry.position for entry in current), default=1)
        return PlaylistEntry.objects.create(
            genre=genre, track=track, position=top - 1, added_at=at, note=note
        )


def entry_retire(*, entry: PlaylistEntry, at: datetime | None = None) -> PlaylistEntry:
    """Take a track out of its playlist before its time; it stays in the ledger."""
    at = at or timezone.now()
    with transaction.atomic():
        updated = PlaylistEntry.objects.filter(pk=entry.pk, retired_at__isnull=True).update(
            retired_at=max(at, entry.added_at)
        )
        if not updated:
            raise CatalogError(ENTRY_ALREADY_RETIRED)
    entry.refresh_from_db()
    return entry


def playlist_reorder(*, genre: Genre, track_ids: list[int]) -> None:
    """Set the order of the current playlist to `track_ids`, first to last."""
    with transaction.atomic():
        Genre.objects.select_for_update().filter(pk=genre.pk).first()
        entries = {
            entry.track_id: entry
            for entry in PlaylistEntry.objects.filter(genre=genre, retired_at__isnull=True)
        }
        if len(track_ids) != len(set(track_ids)) or set(track_ids) != set(entries):
            raise CatalogError(PLAYLIST_ORDER_MISMATCH)
        for position, track_id in enumerate(track_ids):
            entries[track_id].position = position
        PlaylistEntry.objects.bulk_update(entries.values(), ["position"])


__all__ = [
    "AudioRejected",
    "CatalogError",
    "city_create",
    "city_update",
    "curator_create",
    "curator_update",
    "entry_retire",
    "genre_create",
    "genre_update",
    "picture_store",
    "playlist_reorder",
    "track_add_to_rotation",
    "track_buy_links_set",
    "track_ingest",
    "track_update",
]
