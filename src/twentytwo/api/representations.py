"""Turn catalog objects into the dictionaries the API schemas describe."""

from django.http import HttpRequest
from django.urls import reverse

from twentytwo.catalog.models import City, Curator, Genre, PlaylistEntry, Track
from twentytwo.streaming.signing import stream_url


def _absolute(request: HttpRequest, path: str) -> str:
    return request.build_absolute_uri(path)


def _picture(request: HttpRequest, name: str) -> str | None:
    return _absolute(request, reverse("streaming:picture", kwargs={"name": name})) if name else None


def city_repr(request: HttpRequest, city: City) -> dict:
    return {
        "id": city.pk,
        "slug": city.slug,
        "name": city.name,
        "country": city.country,
        "time_zone": city.time_zone,
        "genre_count": city.genre_count,
        "url": _absolute(request, city.get_absolute_url()),
    }


def curator_repr(request: HttpRequest, curator: Curator | None) -> dict | None:
    if curator is None:
        return None
    return {
        "name": curator.name,
        "slug": curator.slug,
        "bio": curator.bio,
        "photo_url": _picture(request, curator.photo),
        "links": curator.links,
    }


def genre_repr(request: HttpRequest, genre: Genre) -> dict:
    return {
        "id": genre.pk,
        "slug": genre.slug,
        "name": genre.name,
        "city": genre.city.slug,
        "description": genre.description,
        "picture_url": _picture(request, genre.picture),
        "curator": curator_repr(request, genre.curator),
        "track_count": genre.track_count,
        "url": _absolute(request, genre.get_absolute_url()),
    }


def track_repr(request: HttpRequest, track: Track) -> dict:
    return {
        "id": track.pk,
        "title": track.title,
        "artist": track.artist,
        "label": track.label,
        "year": track.year,
        "duration": track.duration,
        "codec": track.codec,
        "mime_type": track.mime_type,
        "bitrate": track.bitrate,
        "artwork_url": _picture(request, track.artwork),
        "stream_url": _absolute(
            request, stream_url(track.pk, extension=_extension(track), audio=track.audio)
        ),
        "buy_links": [{"shop": link.shop, "url": link.url} for link in track.buy_links.all()],
        "url": _absolute(request, track.get_absolute_url()),
    }


def playlist_track_repr(request: HttpRequest, entry: PlaylistEntry, position: int) -> dict:
    return {
        **track_repr(request, entry.track),
        "position": position,
        "added_at": entry.added_at,
        "note": entry.note,
    }


def ledger_entry_repr(request: HttpRequest, entry: PlaylistEntry) -> dict:
    track = entry.track
    return {
        "track": {
            "id": track.pk,
            "title": track.title,
            "artist": track.artist,
            "url": _absolute(request, track.get_absolute_url()),
        },
        "added_at": entry.added_at,
        "retired_at": entry.retired_at,
        "current": entry.retired_at is None,
    }


def _extension(track: Track) -> str:
    return track.audio.rsplit(".", 1)[-1]
