"""The public catalog: cities -> genres -> tracks, and each genre's ledger.

Catalog answers change when a curator rotates a playlist, a few times a week; a minute of
sharing, by the client, a proxy or the app's own shared cache (core/response_cache.py), is
invisible to listeners. Signed stream URLs in a shared answer stay valid for hours. The
router lives here rather than in catalog because a track's answer carries its signed
stream URL, which is streaming's: this app composes the two."""

from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpResponse
from ninja import Router
from ninja.errors import HttpError

from twentytwo.api import representations as rep
from twentytwo.api.schemas import (
    CityOut,
    GenreOut,
    LedgerEntryOut,
    PlaylistTrackOut,
    TrackDetailOut,
)
from twentytwo.catalog import selectors
from twentytwo.catalog.models import City, Genre, Track
from twentytwo.core.api_errors import ErrorOut

CITY_NOT_FOUND = "There is no city with this slug."
GENRE_NOT_FOUND = "There is no genre with this id."
TRACK_NOT_FOUND = "There is no track with this id."
CATALOG_CACHE_SECONDS = 60
CATALOG_CACHE_CONTROL = f"public, max-age={CATALOG_CACHE_SECONDS}"

router = Router(tags=["catalog"])
_errors = {404: ErrorOut, 422: ErrorOut}


def _get_or_404(lookup, message: str, *args, **kwargs):
    try:
        return lookup(*args, **kwargs)
    except ObjectDoesNotExist:
        raise HttpError(404, message) from None


def _cached(response: HttpResponse) -> None:
    response["Cache-Control"] = CATALOG_CACHE_CONTROL


@router.get("/cities", response=list[CityOut])
def cities(request, response: HttpResponse):
    """List the cities."""
    _cached(response)
    return [rep.city_repr(request, city) for city in selectors.city_list()]


@router.get("/cities/{city}/genres", response={200: list[GenreOut], **_errors})
def city_genres(request, city: str, response: HttpResponse):
    """List a city's genres, each with its curator."""
    found: City = _get_or_404(selectors.city_by_slug, CITY_NOT_FOUND, city)
    _cached(response)
    return [rep.genre_repr(request, genre) for genre in selectors.genre_list(city=found)]


@router.get("/genres/{genre}/tracks", response={200: list[PlaylistTrackOut], **_errors})
def genre_tracks(request, genre: int, response: HttpResponse):
    """List the genre's current tracks in playlist order, each with a signed stream URL."""
    found: Genre = _get_or_404(selectors.genre_by_id, GENRE_NOT_FOUND, genre)
    _cached(response)
    return [
        rep.playlist_track_repr(request, entry, position)
        for position, entry in enumerate(selectors.genre_playlist(genre=found), start=1)
    ]


@router.get("/genres/{genre}/ledger", response={200: list[LedgerEntryOut], **_errors})
def genre_ledger(request, genre: int, response: HttpResponse):
    """List every track the genre ever had, newest arrival first, with when it left."""
    found: Genre = _get_or_404(selectors.genre_by_id, GENRE_NOT_FOUND, genre)
    _cached(response)
    return [rep.ledger_entry_repr(request, entry) for entry in selectors.genre_ledger(genre=found)]


@router.get("/tracks/{track_id}", response={200: TrackDetailOut, **_errors})
def track_detail(request, track_id: int, response: HttpResponse):
    """Show one track with its artist, buy links and the playlists it is or was in."""
    track: Track = _get_or_404(selectors.track_by_id, TRACK_NOT_FOUND, track_id)
    _cached(response)
    placements = [
        {
            "genre_id": entry.genre_id,
            "genre": entry.genre.name,
            "city": entry.genre.city.slug,
            "added_at": entry.added_at,
            "retired_at": entry.retired_at,
        }
        for entry in selectors.track_entries(track=track)
    ]
    return {
        **rep.track_repr(request, track),
        "artist_bio": track.artist_bio,
        "artist_links": track.artist_links,
        "playlists": placements,
    }
