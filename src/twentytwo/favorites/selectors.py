"""Reads of favorites and the dashboard. They use account data only: the user's own
favorites and the public catalog, never listening data (DESIGN.md section 5)."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.files.storage import default_storage
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from twentytwo.catalog.models import BuyLink, Genre, PlaylistEntry, Track
from twentytwo.favorites.models import DashboardVisit, Favorite

# A favorite track that left its last playlist this recently is shown as news.
RECENTLY_ROTATED_OUT = timedelta(days=30)


@dataclass(frozen=True)
class FavoriteIds:
    """The ids a user has hearted, to draw each heart pressed or not."""

    tracks: frozenset[int] = frozenset()
    genres: frozenset[int] = frozenset()


def favorite_ids(*, user) -> FavoriteIds:
    if user is None or not user.is_authenticated:
        return FavoriteIds()
    rows = Favorite.objects.filter(user=user).order_by().values_list("track_id", "genre_id")
    tracks, genres = set(), set()
    for track_id, genre_id in rows:
        (tracks if track_id else genres).add(track_id or genre_id)
    return FavoriteIds(tracks=frozenset(tracks), genres=frozenset(genres))


def favorite_counts(*, user) -> dict[str, int]:
    ids = favorite_ids(user=user)
    return {"tracks": len(ids.tracks), "genres": len(ids.genres)}


def favorite_list(*, user) -> QuerySet[Favorite]:
    """Return the user's favorites, the newest first, with their track or genre."""
    return (
        Favorite.objects.filter(user=user)
        .select_related("track", "genre__city")
        .order_by("-created_at", "-id")
    )


def tracks_in_rotation(track_ids: list[int]) -> set[int]:
    """Return which of these tracks are in some playlist now."""
    if not track_ids:
        return set()
    return set(
        PlaylistEntry.objects.filter(track_id__in=track_ids, retired_at__isnull=True)
        .order_by()
        .values_list("track_id", flat=True)
    )


def access_favorite_by_id(user, favorite_id: int) -> Favorite:
    """Return the favorite when it is the user's own; raise Favorite.DoesNotExist otherwise,
    so another user's favorite is indistinguishable from none at all."""
    if user is None or not user.is_authenticated:
        raise Favorite.DoesNotExist
    return Favorite.objects.select_related("track", "genre__city").get(pk=favorite_id, user=user)


def dashboard_last_visit(*, user) -> datetime | None:
    return DashboardVisit.objects.filter(user=user).values_list("visited_at", flat=True).first()


@dataclass
class DashboardTrack:
    favorite: Favorite
    track: Track
    playing_in: Genre | None  # a genre whose playlist has the track now
    left_at: datetime | None  # when it left its last playlist, if it is in none now
    playable: bool  # the catalog still has the audio

    @property
    def rotated_out(self) -> bool:
        return self.playing_in is None and self.left_at is not None


@dataclass
class DashboardGenre:
    favorite: Favorite
    genre: Genre
    since: datetime
    new_entries: list[PlaylistEntry] = field(default_factory=list)


@dataclass
class Dashboard:
    tracks: list[DashboardTrack]
    genres: list[DashboardGenre]
    recently_rotated_out: list[DashboardTrack]
    last_visit: datetime | None


def _audio_kept(track: Track) -> bool:
    return bool(track.audio) and default_storage.exists(track.audio)


def _dashboard_tracks(user) -> list[DashboardTrack]:
    favorites = (
        Favorite.objects.filter(user=user, track__isnull=False)
        .select_related("track")
        .prefetch_related(
            Prefetch("track__buy_links", queryset=BuyLink.objects.order_by("position", "id")),
            Prefetch(
                "track__entries",
                queryset=PlaylistEntry.objects.select_related("genre__city").order_by(
                    "-added_at", "-id"
                ),
            ),
        )
        .order_by("-created_at", "-id")
    )
    rows = []
    for favorite in favorites:
        entries = list(favorite.track.entries.all())
        current = next((entry for entry in entries if entry.retired_at is None), None)
        retired = [entry.retired_at for entry in entries if entry.retired_at is not None]
        rows.append(
            DashboardTrack(
                favorite=favorite,
                track=favorite.track,
                playing_in=current.genre if current else None,
                left_at=None if current else max(retired, default=None),
                playable=_audio_kept(favorite.track),
            )
        )
    return rows


def _dashboard_genres(user, last_visit: datetime | None) -> list[DashboardGenre]:
    favorites = list(
        Favorite.objects.filter(user=user, genre__isnull=False)
        .select_related("genre__city", "genre__curator")
        .order_by("genre__city__position", "genre__position", "genre__name")
    )
    rows = [
        DashboardGenre(
            favorite=favorite,
            genre=favorite.genre,
            # What is new is what arrived after the heart and after the last look.
            since=max(favorite.created_at, last_visit or favorite.created_at),
        )
        for favorite in favorites
    ]
    if not rows:
        return rows
    by_genre = {row.genre.pk: row for row in rows}
    entries = (
        PlaylistEntry.objects.filter(
            genre_id__in=by_genre, added_at__gt=min(row.since for row in rows)
        )
        .select_related("track")
        .order_by("-added_at", "-id")
    )
    for entry in entries:
        row = by_genre[entry.genre_id]
        if entry.added_at > row.since:
            row.new_entries.append(entry)
    return rows


def dashboard(*, user, last_visit: datetime | None, now: datetime | None = None) -> Dashboard:
    """Gather the user's dashboard; `last_visit` is the visit before this one."""
    now = now or timezone.now()
    tracks = _dashboard_tracks(user)
    return Dashboard(
        tracks=tracks,
        genres=_dashboard_genres(user, last_visit),
        recently_rotated_out=[
            row for row in tracks if row.rotated_out and row.left_at >= now - RECENTLY_ROTATED_OUT
        ],
        last_visit=last_visit,
    )
