"""Rollups of listening events: what reports read, kept after the raw events are deleted.

Quarter-hour, hour and day tables hold sums per city × genre × track. Cume over any range of
days is not a sum of days, so the credited listener quarter hours are kept as exact sets:
one row per (quarter hour, station or track, listener) that met the 5-minute rule. The
listener is the random cookie id already in the events table, nothing more.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ListeningSums(models.Model):
    city_id = models.PositiveIntegerField(_("city id"))
    genre_id = models.PositiveIntegerField(_("genre id"))
    track_id = models.PositiveIntegerField(_("track id"))
    local_date = models.DateField(_("date in the city"))
    listening_seconds = models.FloatField(_("listening seconds"), default=0)
    # Only listening inside sessions of at least one minute: the base of TLH and AAS.
    counted_listening_seconds = models.FloatField(_("counted listening seconds"), default=0)
    session_starts = models.PositiveIntegerField(_("session starts"), default=0)
    plays = models.PositiveIntegerField(_("plays"), default=0)
    ends = models.PositiveIntegerField(_("plays ended"), default=0)
    skips = models.PositiveIntegerField(_("plays skipped"), default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.city_id}/{self.genre_id}/{self.track_id}: {self.listening_seconds:.0f} s"


class ListeningQuarterHour(ListeningSums):
    slot_start = models.DateTimeField(_("quarter hour"))
    hour_start = models.DateTimeField(_("hour"))  # the start of the city's clock hour
    local_hour = models.PositiveSmallIntegerField(_("hour in the city"))
    local_minute = models.PositiveSmallIntegerField(_("minute of the city's day"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["slot_start", "city_id", "genre_id", "track_id"], name="listeningqh_unique"
            )
        ]
        indexes = [
            # Holds what the ratings sum, so a month of a city is read from the index alone.
            models.Index(
                fields=[
                    "city_id",
                    "local_date",
                    "local_minute",
                    "genre_id",
                    "track_id",
                    "counted_listening_seconds",
                    "session_starts",
                    "plays",
                    "ends",
                    "skips",
                ],
                name="listeningqh_city_date_sums",
            ),
            models.Index(fields=["hour_start"], name="listeningqh_hour"),
        ]


class ListeningHour(ListeningSums):
    hour_start = models.DateTimeField(_("hour"))
    local_hour = models.PositiveSmallIntegerField(_("hour in the city"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["hour_start", "city_id", "genre_id", "track_id"],
                name="listeninghour_unique",
            )
        ]
        indexes = [models.Index(fields=["city_id", "local_date"], name="listeninghour_city_date")]


class ListeningDay(ListeningSums):
    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["local_date", "city_id", "genre_id", "track_id"], name="listeningday_unique"
            )
        ]


class CreditedQuarterHour(models.Model):
    """A listener credited in a quarter hour: to a station (track_id 0) or to one track."""

    slot_start = models.DateTimeField(_("quarter hour"))
    city_id = models.PositiveIntegerField(_("city id"))
    genre_id = models.PositiveIntegerField(_("genre id"))
    track_id = models.PositiveIntegerField(_("track id"))  # 0: the whole genre
    local_date = models.DateField(_("date in the city"))
    local_minute = models.PositiveSmallIntegerField(_("minute of the city's day"))
    listener = models.UUIDField(_("listener"))
    # Past AUDIENCE_LISTENER_ID_DAYS the listener id is replaced by one random id per
    # listener, city and month (services/retention.py).
    pseudonymous = models.BooleanField(_("id replaced per month"), default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["slot_start", "city_id", "genre_id", "track_id", "listener"],
                name="creditedqh_unique",
            )
        ]
        indexes = [models.Index(fields=["city_id", "local_date"], name="creditedqh_city_date")]

    def __str__(self) -> str:
        return f"{self.listener} in {self.genre_id}/{self.track_id} at {self.slot_start}"


class PlayedQuarterHour(models.Model):
    """One listener's listening to one track in a quarter hour: the plays that began in it
    (listened to 30 seconds or more), the ends and skips of plays that happened in it, and
    the seconds heard inside sessions of a minute or more.

    Sums over listeners cannot say how much one browser added to them; these rows can, so
    that a figure for a partner counts each browser up to a bound and no further
    (selectors/bounded.py). The listener is the same random cookie id as above."""

    slot_start = models.DateTimeField(_("quarter hour"))
    city_id = models.PositiveIntegerField(_("city id"))
    genre_id = models.PositiveIntegerField(_("genre id"))
    track_id = models.PositiveIntegerField(_("track id"))
    local_date = models.DateField(_("date in the city"))
    local_minute = models.PositiveSmallIntegerField(_("minute of the city's day"))
    listener = models.UUIDField(_("listener"))
    plays = models.PositiveSmallIntegerField(_("plays"), default=0)
    ends = models.PositiveSmallIntegerField(_("plays ended"), default=0)
    skips = models.PositiveSmallIntegerField(_("plays skipped"), default=0)
    listening_seconds = models.FloatField(_("counted listening seconds"), default=0)
    pseudonymous = models.BooleanField(_("id replaced per month"), default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["slot_start", "city_id", "genre_id", "track_id", "listener"],
                name="playedqh_unique",
            )
        ]
        indexes = [
            # Covering the bounded sums of a rights holder's tracks (selectors/bounded.py):
            # they read only the index, never the table.
            models.Index(
                fields=[
                    "track_id", "local_date", "local_minute", "genre_id", "city_id", "listener",
                    "plays", "ends", "skips", "listening_seconds",
                ],
                name="playedqh_track_date",
            ),
            # The same for a curator's genres and the genres' whole listening.
            models.Index(
                fields=[
                    "genre_id", "local_date", "local_minute", "track_id", "city_id", "listener",
                    "plays", "ends", "skips", "listening_seconds",
                ],
                name="playedqh_genre_date",
            ),
            models.Index(fields=["city_id", "local_date"], name="playedqh_city_date"),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.listener} played {self.genre_id}/{self.track_id} at {self.slot_start}"


class RollupWatermark(models.Model):
    """How far the rollup has run: every quarter hour before `processed_until` is final."""

    job = models.CharField(_("job"), max_length=40, unique=True)
    processed_until = models.DateTimeField(_("processed until"))

    def __str__(self) -> str:
        return f"{self.job}: {self.processed_until.isoformat()}"
