"""A listener's favorite tracks and genres, and when they last looked at their dashboard."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from twentytwo.catalog.models import Genre, Track


class Favorite(models.Model):
    """A heart on a track or on a genre: exactly one of the two is set.

    It points at the track itself, not at a playlist entry, so it outlives the track's
    rotation out of every playlist."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="favorites"
    )
    track = models.ForeignKey(
        Track, on_delete=models.CASCADE, related_name="favorites", null=True, blank=True
    )
    genre = models.ForeignKey(
        Genre, on_delete=models.CASCADE, related_name="favorites", null=True, blank=True
    )
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(track__isnull=False, genre__isnull=True))
                | (Q(track__isnull=True, genre__isnull=False)),
                name="favorite_is_a_track_or_a_genre",
            ),
            models.UniqueConstraint(
                fields=["user", "track"],
                condition=Q(track__isnull=False),
                name="favorite_track_once_per_user",
            ),
            models.UniqueConstraint(
                fields=["user", "genre"],
                condition=Q(genre__isnull=False),
                name="favorite_genre_once_per_user",
            ),
        ]

    def __str__(self) -> str:
        target = f"track {self.track_id}" if self.track_id else f"genre {self.genre_id}"
        return f"{self.user_id}: {target}"

    @property
    def kind(self) -> str:
        return "track" if self.track_id else "genre"


class DashboardVisit(models.Model):
    """When the user last opened their dashboard: what is new is measured from here."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="dashboard_visit"
    )
    visited_at = models.DateTimeField(_("last visit"))

    def __str__(self) -> str:
        return f"{self.user_id}: {self.visited_at:%Y-%m-%d %H:%M}"
