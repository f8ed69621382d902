"""The signed-in listener's own corner of the API: who they are and their favorites.

Every answer here is personal: `Cache-Control: private, no-store`, so neither the shared
cache in config/wsgi.py nor any proxy ever keeps one. There is no user id in these
addresses; the session says whose favorites they are."""

from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpRequest, HttpResponse
from ninja import Query, Router
from ninja.errors import HttpError
from ninja.security import SessionAuth
from ninja.utils import check_csrf
from pydantic import ValidationError as PydanticValidationError

from twentytwo.accounts.selectors import user_may_keep_favorites
from twentytwo.api.schemas import ErrorOut, FavoriteIn, FavoriteOut, MeOut
from twentytwo.catalog import selectors as catalog
from twentytwo.favorites import selectors, services
from twentytwo.favorites.models import Favorite

PERSONAL_CACHE_CONTROL = "private, no-store"
FAVORITE_NOT_FOUND = services.FAVORITE_NOT_FOUND
TRACK_NOT_FOUND = "There is no track with this id."
GENRE_NOT_FOUND = "There is no genre with this id."
CSRF_FAILED = "This request lacks a valid CSRF token; reload the page and try again."


def personal_answer(request: HttpRequest) -> bool:
    """True when the request was for one of these endpoints, also when it was refused."""
    return getattr(request, "_personal_answer", False)


class PersonalSessionAuth(SessionAuth):
    """Django's session, with CSRF checked on every unsafe method."""

    def __call__(self, request: HttpRequest):
        # Marked before the checks, so a refusal (401, 403) is kept out of caches too.
        request._personal_answer = True
        return super().__call__(request)

    def _get_key(self, request: HttpRequest):
        if check_csrf(request):
            raise HttpError(403, CSRF_FAILED)
        return request.COOKIES.get(self.param_name)


router = Router(auth=PersonalSessionAuth(csrf=True), tags=["me"])

_refusals = {401: ErrorOut, 403: ErrorOut, 422: ErrorOut}


def _private(response: HttpResponse) -> None:
    response["Cache-Control"] = PERSONAL_CACHE_CONTROL


def _display_name(user) -> str:
    return user.get_full_name() or user.get_username()


def _favorite_repr(request: HttpRequest, favorite: Favorite, in_rotation: set[int]) -> dict:
    track, genre = favorite.track, favorite.genre
    return {
        "id": favorite.pk,
        "kind": favorite.kind,
        "created_at": favorite.created_at,
        "track": {
            "id": track.pk,
            "title": track.title,
            "artist": track.artist,
            "url": request.build_absolute_uri(track.get_absolute_url()),
            "in_rotation": track.pk in in_rotation,
        }
        if track
        else None,
        "genre": {
            "id": genre.pk,
            "name": genre.name,
            "city": genre.city.slug,
            "url": request.build_absolute_uri(genre.get_absolute_url()),
        }
        if genre
        else None,
    }


def _target(payload: FavoriteIn) -> dict:
    """Turn {"track": id} or {"genre": id} into the catalog object; refuse anything else."""
    if (payload.track is None) == (payload.genre is None):
        raise HttpError(422, services.FAVORITE_NEEDS_ONE_TARGET)
    try:
        if payload.track is not None:
            return {"track": catalog.track_by_id(payload.track)}
        return {"genre": catalog.genre_by_id(payload.genre)}
    except ObjectDoesNotExist:
        message = TRACK_NOT_FOUND if payload.track is not None else GENRE_NOT_FOUND
        raise HttpError(404, message) from None


def _refused(error: services.FavoriteError) -> HttpError:
    status = {"sign_in_required": 401, "not_allowed": 403, "not_found": 404}.get(error.code, 422)
    return HttpError(status, str(error))


@router.get("", response={200: MeOut, **_refusals}, url_name="me")
def me(request, response: HttpResponse):
    """Show the signed-in listener's name, whether they may keep favorites, and counts."""
    _private(response)
    counts = selectors.favorite_counts(user=request.auth)
    return {
        "display_name": _display_name(request.auth),
        "may_keep_favorites": user_may_keep_favorites(request.auth),
        "favorite_track_count": counts["tracks"],
        "favorite_genre_count": counts["genres"],
    }


@router.get("/favorites", response={200: list[FavoriteOut], **_refusals}, url_name="me_favorites")
def favorites(request, response: HttpResponse):
    """List the signed-in listener's favorites, the newest first."""
    _private(response)
    found = list(selectors.favorite_list(user=request.auth))
    in_rotation = selectors.tracks_in_rotation([f.track_id for f in found if f.track_id])
    return [_favorite_repr(request, favorite, in_rotation) for favorite in found]


@router.post("/favorites", response={201: FavoriteOut, **_refusals, 404: ErrorOut})
def favorite_add(request, payload: FavoriteIn, response: HttpResponse):
    """Heart a track ({"track": id}) or a genre ({"genre": id}); hearting twice is harmless."""
    _private(response)
    target = _target(payload)
    try:
        favorite = services.favorite_add(user=request.auth, **target)
    except services.FavoriteError as error:
        raise _refused(error) from None
    in_rotation = selectors.tracks_in_rotation([favorite.track_id] if favorite.track_id else [])
    return 201, _favorite_repr(request, favorite, in_rotation)


@router.delete("/favorites", response={204: None, **_refusals, 404: ErrorOut})
def favorite_remove(request, response: HttpResponse, which: Query[FavoriteIn]):
    """Take the heart off a track or a genre: ?track=id or ?genre=id, or the same JSON body
    as for adding it."""
    _private(response)
    if which.track is None and which.genre is None and request.body:
        try:
            which = FavoriteIn.model_validate_json(request.body)
        except PydanticValidationError:
            raise HttpError(422, services.FAVORITE_NEEDS_ONE_TARGET) from None
    target = _target(which)
    try:
        services.favorite_remove(user=request.auth, **target)
    except services.FavoriteError as error:
        raise _refused(error) from None
    return 204, None


@router.delete("/favorites/{favorite_id}", response={204: None, **_refusals, 404: ErrorOut})
def favorite_delete(request, favorite_id: int, response: HttpResponse):
    """Delete one of the signed-in listener's favorites by its id."""
    _private(response)
    try:
        favorite = selectors.access_favorite_by_id(request.auth, favorite_id)
    except Favorite.DoesNotExist:
        raise HttpError(404, FAVORITE_NOT_FOUND) from None
    services.favorite_delete(favorite=favorite)
    return 204, None
