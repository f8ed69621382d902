"""The access log's table and the task worker's heartbeat.

An access record names no person: never a user, an e-mail address or a name, and nothing
that joins it to an account (DESIGN.md, wall 3). It holds what the privacy policy says our
server logs hold: the client's IP address (cut to its network after a short window), the
listener cookie, and the city, genre or track the request was for."""

from django.db import models
from django.utils.translation import gettext_lazy as _

MAX_PATH_CHARS = 1000
MAX_ROUTE_CHARS = 100
MAX_METHOD_CHARS = 16
MAX_HOST_CHARS = 255
MAX_AGENT_FAMILY_CHARS = 32


class AccessRecord(models.Model):
    """One request as the site answered it.

    City, genre and track are plain integers, not foreign keys: records outlive edits to the
    catalog and leave only through retention."""

    id = models.BigAutoField(primary_key=True)
    time = models.DateTimeField(_("time"), db_index=True)
    request_id = models.CharField(_("request id"), max_length=64, db_index=True)
    method = models.CharField(_("method"), max_length=MAX_METHOD_CHARS)
    # The URL pattern's name, e.g. "api:genre_tracks"; "unmatched" when no pattern matched.
    route = models.CharField(_("route"), max_length=MAX_ROUTE_CHARS)
    # Without the query string, which can carry one-time codes (sign-in callbacks).
    path = models.CharField(_("path"), max_length=MAX_PATH_CHARS)
    status = models.PositiveSmallIntegerField(_("status"))
    duration_us = models.PositiveBigIntegerField(_("duration in microseconds"))
    response_bytes = models.PositiveBigIntegerField(_("response bytes"))
    # The full address is erased after TRAFFIC_IP_TRUNCATE_DAYS; the network stays.
    client_ip = models.GenericIPAddressField(_("client IP"), null=True, blank=True)
    client_network = models.CharField(_("client network"), max_length=50, blank=True)
    # The audience cookie's random id; never the session or the user.
    listener = models.UUIDField(_("listener"), null=True, blank=True)
    city_id = models.PositiveIntegerField(_("city id"), null=True, blank=True)
    genre_id = models.PositiveIntegerField(_("genre id"), null=True, blank=True)
    track_id = models.PositiveIntegerField(_("track id"), null=True, blank=True)
    user_agent_family = models.CharField(_("user agent family"), max_length=32, blank=True)
    referrer_host = models.CharField(_("referrer host"), max_length=MAX_HOST_CHARS, blank=True)

    class Meta:
        ordering = ["time", "id"]
        indexes = [
            # Only server errors: the dashboard lists the latest, and an index that every
            # other record skips costs their inserts nothing.
            models.Index(
                fields=["time"], condition=models.Q(status__gte=500), name="accessrecord_5xx_time"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.path} {self.status} [{self.request_id}]"


class LoadedChunk(models.Model):
    """A chunk of a spool file whose records are in the table (loader.py).

    Stored in the transaction that stores the chunk's records, so a loader stopped at any
    moment, when it meets the file again, stores only the chunks that are not in the
    table yet. Removed once the file is; retention removes any left behind."""

    spool_file = models.CharField(_("spool file"), max_length=100)
    chunk = models.PositiveIntegerField(_("chunk"))
    loaded_at = models.DateTimeField(_("loaded at"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["spool_file", "chunk"], name="loadedchunk_unique")
        ]

    def __str__(self) -> str:
        return f"{self.spool_file} #{self.chunk}"


class WorkerHeartbeat(models.Model):
    """When the task worker last ran the heartbeat task: /readyz reads it."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    seen_at = models.DateTimeField(_("seen at"))

    def __str__(self) -> str:
        return f"{self.name} @ {self.seen_at.isoformat()}"


class RouteHour(models.Model):
    """One route's requests in one hour (UTC), made from the access records by the rollup.

    The operations dashboard reads these for a week or more instead of the records: the
    counts and bytes are exact, the durations kept as a histogram whose buckets are 5% wide
    (services/rollups.py), from which percentiles are read to within 5%."""

    hour = models.DateTimeField(_("hour"))
    route = models.CharField(_("route"), max_length=MAX_ROUTE_CHARS)
    requests = models.PositiveIntegerField(_("requests"))
    client_errors = models.PositiveIntegerField(_("client errors"))
    server_errors = models.PositiveIntegerField(_("server errors"))
    response_bytes = models.PositiveBigIntegerField(_("response bytes"))
    longest_us = models.PositiveBigIntegerField(_("longest duration in microseconds"))
    # {"<bucket>": requests}; bucket b holds durations in [1.05^b, 1.05^(b+1)) microseconds.
    durations = models.JSONField(_("durations"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["hour", "route"], name="routehour_unique")]

    def __str__(self) -> str:
        return f"{self.route} @ {self.hour.isoformat()}"


class CatalogHour(models.Model):
    """The requests for one city, genre or track in one hour (UTC), made by the rollup."""

    class Kind(models.TextChoices):
        CITY = "city", _("city")
        GENRE = "genre", _("genre")
        TRACK = "track", _("track")

    hour = models.DateTimeField(_("hour"))
    kind = models.CharField(_("kind"), max_length=5, choices=Kind.choices)
    target_id = models.PositiveIntegerField(_("id"))
    requests = models.PositiveIntegerField(_("requests"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["hour", "kind", "target_id"], name="cataloghour_unique")
        ]
        indexes = [models.Index(fields=["kind", "hour"], name="cataloghour_kind_hour")]

    def __str__(self) -> str:
        return f"{self.kind} {self.target_id} @ {self.hour.isoformat()}"


class RollupMark(models.Model):
    """How far the rollup has read: every record with an id up to `last_id` is in the hours.

    Records get their ids in the order they are stored, by one loader at a time, so the
    records above the mark are exactly those the hours do not hold yet (a late one too)."""

    rollup = models.CharField(_("rollup"), max_length=50, unique=True)
    last_id = models.BigIntegerField(_("last record id"), default=0)

    def __str__(self) -> str:
        return f"{self.rollup}: {self.last_id}"
