"""The JSON API: the public catalog (cities -> genres -> tracks, and each genre's ledger)
and, under /api/me, the signed-in listener's own data (api/me.py)."""

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from twentytwo.api import representations as rep
from twentytwo.api.me import PERSONAL_CACHE_CONTROL, personal_answer
from twentytwo.api.me import router as me_router
from twentytwo.api.schemas import (
    CityOut,
    ErrorOut,
    GenreOut,
    LedgerEntryOut,
    PlaylistTrackOut,
    TrackDetailOut,
)
from twentytwo.audience.api import router as events_router
from twentytwo.catalog import selectors
from twentytwo.catalog.models import City, Genre, Track

CITY_NOT_FOUND = "There is no city with this slug."
GENRE_NOT_FOUND = "There is no genre with this id."
TRACK_NOT_FOUND = "There is no track with this id."
ROUTE_NOT_FOUND = "There is no API endpoint at this address."
INVALID_REQUEST = "The request is not valid."
SERVER_ERROR = "Something went wrong on our side."
SIGN_IN_REQUIRED = "Sign in to see this."

# Catalog answers change when a curator rotates a playlist, a few times a week; a minute
# of sharing, by the client, a proxy or the app's own shared cache (config/wsgi.py), is
# invisible to listeners. Signed stream URLs in a shared answer stay valid for hours.
CATALOG_CACHE_SECONDS = 60
CATALOG_CACHE_CONTROL = f"public, max-age={CATALOG_CACHE_SECONDS}"

api = NinjaAPI(
    title="22tracks API",
    version="1",
    description="Cities, their genres, and each genre's 22 tracks with signed stream URLs.",
    urls_namespace="api",
)

_errors = {404: ErrorOut, 422: ErrorOut}

api.add_router("/me", me_router)
api.add_router("/events", events_router)


def error_response(
    request: HttpRequest, status: int, code: str, message: str, details: list | None = None
) -> HttpResponse:
    error = {"code": code, "message": message}
    if details is not None:
        error["details"] = details
    response = api.create_response(request, {"error": error}, status=status)
    if personal_answer(request):
        response["Cache-Control"] = PERSONAL_CACHE_CONTROL
    return response


@api.exception_handler(ValidationError)
def _validation_error(request, exc):
    return error_response(request, 422, "invalid", INVALID_REQUEST, details=exc.errors)


@api.exception_handler(HttpError)
def _http_error(request, exc):
    code = {
        401: "unauthorized",
        403: "forbidden",
        404: "not_found",
        405: "method_not_allowed",
        422: "invalid",
    }.get(exc.status_code, "error")
    return error_response(request, exc.status_code, code, exc.message)


@api.exception_handler(AuthenticationError)
def _not_signed_in(request, exc):
    return error_response(request, 401, "unauthorized", SIGN_IN_REQUIRED)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return error_response(request, 404, "not_found", str(exc) or ROUTE_NOT_FOUND)


def _get_or_404(lookup, message: str, *args, **kwargs):
    try:
        return lookup(*args, **kwargs)
    except ObjectDoesNotExist:
        raise HttpError(404, message) from None


def _cached(response: HttpResponse) -> None:
    response["Cache-Control"] = CATALOG_CACHE_CONTROL


@api.get("/cities", response=list[CityOut], tags=["catalog"])
def cities(request, response: HttpResponse):
    """List the cities."""
    _cached(response)
    return [rep.city_repr(request, city) for city in selectors.city_list()]


@api.get("/cities/{city}/genres", response={200: list[GenreOut], **_errors}, tags=["catalog"])
def city_genres(request, city: str, response: HttpResponse):
    """List a city's genres, each with its curator."""
    found: City = _get_or_404(selectors.city_by_slug, CITY_NOT_FOUND, city)
    _cached(response)
    return [rep.genre_repr(request, genre) for genre in selectors.genre_list(city=found)]


@api.get(
    "/genres/{genre}/tracks", response={200: list[PlaylistTrackOut], **_errors}, tags=["catalog"]
)
def genre_tracks(request, genre: int, response: HttpResponse):
    """List the genre's current tracks in playlist order, each with a signed stream URL."""
    found: Genre = _get_or_404(selectors.genre_by_id, GENRE_NOT_FOUND, genre)
    _cached(response)
    return [
        rep.playlist_track_repr(request, entry, position)
        for position, entry in enumerate(selectors.genre_playlist(genre=found), start=1)
    ]


@api.get(
    "/genres/{genre}/ledger", response={200: list[LedgerEntryOut], **_errors}, tags=["catalog"]
)
def genre_ledger(request, genre: int, response: HttpResponse):
    """List every track the genre ever had, newest arrival first, with when it left."""
    found: Genre = _get_or_404(selectors.genre_by_id, GENRE_NOT_FOUND, genre)
    _cached(response)
    return [rep.ledger_entry_repr(request, entry) for entry in selectors.genre_ledger(genre=found)]


@api.get("/tracks/{track_id}", response={200: TrackDetailOut, **_errors}, tags=["catalog"])
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


def route_not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Answer unknown /api/ addresses in the API's error shape rather than an HTML page."""
    return error_response(request, 404, "not_found", ROUTE_NOT_FOUND)
