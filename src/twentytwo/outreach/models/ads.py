"""Ads for places on the site, and their counts as daily sums."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Ad(models.Model):
    """A house ad, or an advertiser's, for places on the site chosen by their context.

    An ad is chosen by where it shows (the page, the city, the genre, the daypart), never
    by who is listening: nothing about a listener reaches the choice or the counts."""

    class Place(models.TextChoices):
        HOME = "home", _("home page")
        CITY = "city", _("city page")
        GENRE = "genre", _("genre page")
        PLAYER = "player", _("between tracks in the player")

    class Format(models.TextChoices):
        DISPLAY = "display", _("display")
        AUDIO = "audio", _("audio spot")

    name = models.CharField(_("name"), max_length=120)
    # None: a house ad, for 22tracks itself.
    advertiser = models.ForeignKey(
        "partners.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ads",
        limit_choices_to={"kind": "advertiser"},
        verbose_name=_("advertiser"),
    )
    places = models.JSONField(_("places"), default=list)
    format = models.CharField(
        _("format"), max_length=8, choices=Format.choices, default=Format.DISPLAY
    )
    headline = models.CharField(_("headline"), max_length=80)
    text = models.CharField(_("text"), max_length=200, blank=True)
    link_url = models.URLField(_("link"))
    image = models.FileField(_("picture"), upload_to="ads/", blank=True)
    audio = models.FileField(_("audio spot"), upload_to="ads/", blank=True)
    # The advertiser's own script: loaded only in a browser that allowed advertising
    # partners, and only from an origin the site's CSP names (TWENTYTWO_AD_TAG_ORIGINS).
    tag_url = models.URLField(_("advertiser's tag"), blank=True)
    # None chosen: every city, every genre, every daypart.
    cities = models.ManyToManyField(
        "catalog.City", blank=True, related_name="+", verbose_name=_("cities")
    )
    genres = models.ManyToManyField(
        "catalog.Genre", blank=True, related_name="+", verbose_name=_("genres")
    )
    dayparts = models.JSONField(_("dayparts"), default=list, blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    weight = models.PositiveSmallIntegerField(_("weight"), default=1)

    class Meta:
        ordering = ["-starts_at", "name"]
        verbose_name = _("ad")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="ad_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class AdCount(models.Model):
    """Impressions and clicks of one ad in one place on one day: sums, never a listener."""

    ad = models.ForeignKey(Ad, on_delete=models.CASCADE, related_name="counts")
    place = models.CharField(_("place"), max_length=8, choices=Ad.Place.choices)
    day = models.DateField(_("day"))
    impressions = models.PositiveIntegerField(_("impressions"), default=0)
    clicks = models.PositiveIntegerField(_("clicks"), default=0)

    class Meta:
        verbose_name = _("ad count")
        constraints = [
            models.UniqueConstraint(fields=["ad", "place", "day"], name="ad_count_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.ad_id} {self.place} {self.day}"
