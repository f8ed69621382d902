"""Writes to favorites. The API, the pages and the tests all call these."""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from twentytwo.accounts.selectors import user_may_keep_favorites
from twentytwo.catalog.models import Genre, Track
from twentytwo.favorites.models import DashboardVisit, Favorite

FAVORITES_NEED_SIGN_IN = "Sign in to keep your favorites."
FAVORITES_NOT_ALLOWED = (
    "Favorites are for listeners of 18 or older, or younger listeners whose parent or "
    "guardian has confirmed their account. Answer the age question on your profile first."
)
FAVORITE_NEEDS_ONE_TARGET = "Choose one track or one genre to favorite."
FAVORITE_NOT_FOUND = "This is not one of your favorites."


class FavoriteError(ValueError):
    """A favorites write was refused; `str(error)` is the message to show, `code` its kind."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.code = code


def _require_signed_in(user) -> None:
    if user is None or not user.is_authenticated:
        raise FavoriteError(FAVORITES_NEED_SIGN_IN, code="sign_in_required")


def _require_one_target(track: Track | None, genre: Genre | None) -> None:
    if (track is None) == (genre is None):
        raise FavoriteError(FAVORITE_NEEDS_ONE_TARGET, code="invalid")


def favorite_add(*, user, track: Track | None = None, genre: Genre | None = None) -> Favorite:
    """Heart a track or a genre for the user; hearting it again keeps the first heart."""
    _require_signed_in(user)
    if not user_may_keep_favorites(user):
        raise FavoriteError(FAVORITES_NOT_ALLOWED, code="not_allowed")
    _require_one_target(track, genre)
    with transaction.atomic():
        existing = Favorite.objects.filter(user=user, track=track, genre=genre).first()
        if existing is not None:
            return existing
        try:
            # A second tab hearting at the same moment loses the race to the constraint.
            with transaction.atomic():
                return Favorite.objects.create(user=user, track=track, genre=genre)
        except IntegrityError:
            return Favorite.objects.get(user=user, track=track, genre=genre)


def favorite_remove(*, user, track: Track | None = None, genre: Genre | None = None) -> None:
    """Take the heart off a track or a genre.

    Any signed-in user may remove their own favorites, also one whose account has since
    become limited: removing one's own data is never refused."""
    _require_signed_in(user)
    _require_one_target(track, genre)
    with transaction.atomic():
        deleted, _ = Favorite.objects.filter(user=user, track=track, genre=genre).delete()
    if not deleted:
        raise FavoriteError(FAVORITE_NOT_FOUND, code="not_found")


def favorite_delete(*, favorite: Favorite) -> None:
    """Delete a favorite fetched through `access_favorite_by_id`."""
    with transaction.atomic():
        favorite.delete()


def dashboard_visit_record(*, user, at: datetime | None = None) -> datetime | None:
    """Record that the user opened their dashboard now; return the previous visit, if any."""
    _require_signed_in(user)
    at = at or timezone.now()
    with transaction.atomic():
        visit = DashboardVisit.objects.select_for_update().filter(user=user).first()
        if visit is None:
            DashboardVisit.objects.create(user=user, visited_at=at)
            return None
        previous = visit.visited_at
        visit.visited_at = at
        visit.save(update_fields=["visited_at"])
        return previous
