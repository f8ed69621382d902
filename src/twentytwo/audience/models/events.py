"""Listening events as the player reports them: append-only, keyed by a random listener id.

Nothing here may point at a person: no user, no IP, no name. The listener id is the random
value of a first-party cookie and nothing else."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ListenEvent(models.Model):
    """One beacon from the player, stamped with the server's clock when it arrived.

    City, genre and track are plain integers checked at ingestion, not foreign keys: events
    outlive edits to the catalog and leave only through retention."""

    class Kind(models.TextChoices):
        START = "start", _("start")
        PING = "ping", _("ping")
        PAUSE = "pause", _("pause")
        RESUME = "resume", _("resume")
        SEEK = "seek", _("seek")
        SKIP = "skip", _("skip")
        END = "end", _("end")
        STOP = "stop", _("stop")

    id = models.BigAutoField(primary_key=True)
    # The client's random id for the event; a replayed batch is recognised by it.
    event_id = models.UUIDField(_("event id"), unique=True)
    listener = models.UUIDField(_("listener"), db_index=True)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    city_id = models.PositiveIntegerField(_("city id"))
    genre_id = models.PositiveIntegerField(_("genre id"))
    track_id = models.PositiveIntegerField(_("track id"))
    position = models.FloatField(_("position in seconds"))
    client_time = models.DateTimeField(_("client time"), null=True, blank=True)
    # Every metric uses this clock; the client's is kept only to read the order of a batch.
    server_time = models.DateTimeField(_("server time"), db_index=True)

    class Meta:
        ordering = ["server_time", "id"]
        indexes = [
            models.Index(fields=["server_time", "city_id"], name="listenevent_time_city"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.genre_id}:{self.track_id} @{self.position:.1f}"
