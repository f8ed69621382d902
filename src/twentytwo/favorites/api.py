"""The signed-in listener's corner of the API, /api/me: who they are and their favorites.

Every answer here is personal (core/api_auth.py): the session says whose favorites they
are, and no cache keeps an answer."""

from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status
from ninja.errors import HttpError
from pydantic import ValidationError as PydanticValidationError

from twentytwo.accounts.selectors import user_may_keep_favorites
from twentytwo.catalog import selectors as catalog
from twentytwo.core.api_auth import PersonalSessionAuth, private
from twentytwo.core.api_errors import ErrorOut
from twentytwo.favorites import selectors, services
from twentytwo.favorites.models import Favorite
from twentytwo.favorites.schemas import FavoriteIn, FavoriteOut, FavoriteQuery, MeOut

FAVORITE_NOT_FOUND = services.FAVORITE_NOT_FOUND
TRACK_NOT_FOUND = "There is no track with this id."
GENRE_NOT_FOUND = "There is no genre with this id."

router = Router(auth=PersonalSessionAuth(), tags=["me"])

_refusals = {401: ErrorOut, 403: ErrorOut, 422: ErrorOut}


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


def _target(payload: FavoriteIn | FavoriteQuery) -> dict:
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
    private(response)
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
    private(response)
    found = list(selectors.favorite_list(user=request.auth))
    in_rotation = selectors.tracks_in_rotation([f.track_id for f in found if f.track_id])
    return [_favorite_repr(request, favorite, in_rotation) for favorite in found]


@router.post("/favorites", response={201: FavoriteOut, **_refusals, 404: ErrorOut})
def favorite_add(request, payload: FavoriteIn, response: HttpResponse):
    """Heart a track ({"track": id}) or a genre ({"genre": id}); hearting twice is harmless."""
    private(response)
    target = _target(payload)
    try:
        favorite = services.favorite_add(user=request.auth, **target)
    except services.FavoriteError as error:
        raise _refused(error) from None
    in_rotation = selectors.tracks_in_rotation([favorite.track_id] if favorite.track_id else [])
    return Status(201, _favorite_repr(request, favorite, in_rotation))


@router.delete("/favorites", response={204: None, **_refusals, 404: ErrorOut})
def favorite_remove(request, response: HttpResponse, which: Query[FavoriteQuery]):
    """Take the heart off a track or a genre: ?track=id or ?genre=id, or the same JSON body
    as for adding it."""
    private(response)
    target: FavoriteIn | FavoriteQuery = which
    if which.track is None and which.genre is None and request.body:
        try:
            target = FavoriteIn.model_validate_json(request.body)
        except PydanticValidationError:
            raise HttpError(422, services.FAVORITE_NEEDS_ONE_TARGET) from None
    try:
        services.favorite_remove(user=request.auth, **_target(target))
    except services.FavoriteError as error:
        raise _refused(error) from None
    return Status(204, None)


@router.delete("/favorites/{favorite_id}", response={204: None, **_refusals, 404: ErrorOut})
def favorite_delete(request, favorite_id: int, response: HttpResponse):
    """Delete one of the signed-in listener's favorites by its id."""
    private(response)
    try:
        favorite = selectors.access_favorite_by_id(request.auth, favorite_id)
    except Favorite.DoesNotExist:
        raise HttpError(404, FAVORITE_NOT_FOUND) from None
    services.favorite_delete(favorite=favorite)
    return Status(204, None)
