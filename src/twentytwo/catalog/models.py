"""Cities, genres, curators, tracks and the 22-slot rotation with its ledger."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# First path segments the site uses itself; a city named so could never be reached.
RESERVED_CITY_SLUGS = frozenset(
    {
        "about",
        "contact",
        "tracks",
        "admin",
        "api",
        "stream",
        "pictures",
        "static",
        "media",
        "accounts",
        "me",
        "privacy",
        "dashboard",
        "ratings",
        "ops",
        "partners",
        "mail",
        "promotions",
        "ads",
        "surveys",
        "healthz",
        "readyz",
        "metrics",
    }
)
CITY_SLUG_RESERVED = "“%(slug)s” is an address the site uses itself; choose another."


def validate_city_slug(value: str) -> None:
    if value.lower() in RESERVED_CITY_SLUGS:
        raise ValidationError(CITY_SLUG_RESERVED, code="reserved", params={"slug": value})


class City(models.Model):
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, unique=True, validators=[validate_city_slug])
    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166-1 alpha-2"))
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Amsterdam")
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = _("cities")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("web:city", kwargs={"city": self.slug})


class Curator(models.Model):
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    bio = models.TextField(_("bio"), blank=True)
    photo = models.CharField(_("photo"), max_length=255, blank=True)
    # [{"label": "Instagram", "url": "https://..."}]
    links = models.JSONField(_("links"), default=list, blank=True)
    # Who signs in as this curator, to see how the curator's genres are listened to.
    accounts = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="curators",
        verbose_name=_("accounts"),
        help_text=_("Signed in, these accounts see the ratings of this curator's genres."),
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Genre(models.Model):
    city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="genres")
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    picture = models.CharField(_("picture"), max_length=255, blank=True)
    curator = models.ForeignKey(
        Curator, on_delete=models.PROTECT, related_name="genres", null=True, blank=True
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["city", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["city", "slug"], name="genre_slug_unique_in_city"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.name} ({self.city.name})" if "city" in self._state.fields_cache else self.name
        )

    def get_absolute_url(self) -> str:
        return reverse("web:genre", kwargs={"city": self.city.slug, "genre": self.slug})


class Track(models.Model):
    title = models.CharField(_("title"), max_length=200)
    artist = models.CharField(_("artist"), max_length=200)
    label = models.CharField(_("label"), max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    artist_bio = models.TextField(_("artist bio"), blank=True)
    # [{"label": "Website", "url": "https://..."}]
    artist_links = models.JSONField(_("artist links"), default=list, blank=True)
    artwork = models.CharField(_("artwork"), max_length=255, blank=True)
    # Storage name of the audio, generated at ingest; never the uploader's file name.
    audio = models.CharField(_("audio file"), max_length=255, unique=True)
    audio_size = models.PositiveBigIntegerField(_("audio size in bytes"))
    duration = models.FloatField(_("duration in seconds"))
    codec = models.CharField(_("codec"), max_length=20)
    mime_type = models.CharField(_("MIME type"), max_length=50)
    bitrate = models.PositiveIntegerField(_("bitrate in bits per second"))
    checksum = models.CharField(_("SHA-256"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["artist", "title"]

    def __str__(self) -> str:
        return f"{self.artist} – {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("web:track", kwargs={"track_id": self.pk})


class BuyLink(models.Model):
    track = models.ForeignKey(Track, on_delete=models.CASCADE, related_name="buy_links")
    shop = models.CharField(_("shop"), max_length=80)
    url = models.URLField(_("URL"), max_length=500)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.shop


class PlaylistEntry(models.Model):
    """A track's stay in a genre's playlist: current while `retired_at` is empty.

    The rows of a genre, current and retired, are its ledger."""

    genre = models.ForeignKey(Genre, on_delete=models.PROTECT, related_name="entries")
    track = models.ForeignKey(Track, on_delete=models.PROTECT, related_name="entries")
    # Lower comes first. New entries go to the top with a position below the others.
    position = models.IntegerField(_("position"), default=0)
    added_at = models.DateTimeField(_("added"), db_index=True)
    retired_at = models.DateTimeField(_("retired"), null=True, blank=True)
    note = models.TextField(_("curator's note"), blank=True)

    class Meta:
        ordering = ["position", "-added_at"]
        verbose_name_plural = _("playlist entries")
        constraints = [
            models.UniqueConstraint(
                fields=["genre", "track"],
                condition=Q(retired_at__isnull=True),
                name="entry_track_current_once_per_genre",
            ),
            models.CheckConstraint(
                condition=Q(retired_at__isnull=True) | Q(retired_at__gte=models.F("added_at")),
                name="entry_retired_after_added",
            ),
        ]
        indexes = [models.Index(fields=["genre", "retired_at", "position"])]

    def __str__(self) -> str:
        return f"{self.genre_id}:{self.track_id}"

    @property
    def is_current(self) -> bool:
        return self.retired_at is None
