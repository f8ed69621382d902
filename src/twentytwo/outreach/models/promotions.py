"""Promotions run jointly with an affiliated business, and the entries to them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from twentytwo.outreach.models.running import OpenForAWhile


class Promotion(OpenForAWhile):
    """A promotion run jointly with an affiliated business: a festival giveaway, a discount.

    What an entry asks is what the affiliate receives, field for field, and the page says so
    before anyone enters; once a promotion has entries, that list no longer changes."""

    class Field(models.TextChoices):
        NAME = "name", _("your name")
        EMAIL = "email", _("your e-mail address")
        POSTAL_ADDRESS = "postal_address", _("your postal address")
        ANSWER = "answer", _("your answer to the question")

    text = models.TextField(_("what it is"))
    affiliate = models.ForeignKey(
        "privacy.Affiliate",
        on_delete=models.PROTECT,
        related_name="promotions",
        verbose_name=_("affiliate"),
    )
    # Field values, in the order the form asks them.
    fields = models.JSONField(_("asked and shared"), default=list)
    question = models.CharField(_("question"), max_length=200, blank=True)
    # Empty: the affiliate gets its entries as a CSV from staff.
    webhook_url = models.URLField(_("affiliate's webhook"), blank=True)
    webhook_secret = models.CharField(_("webhook signing key"), max_length=64, blank=True)

    class Meta(OpenForAWhile.Meta):
        verbose_name = _("promotion")

    def field_labels(self) -> list[str]:
        labels = dict(self.Field.choices)
        return [str(labels[name]) for name in self.fields if name in labels]


class PromotionEntry(models.Model):
    """One listener's entry to a promotion: exactly what the affiliate receives."""

    promotion = models.ForeignKey(
        Promotion, on_delete=models.PROTECT, related_name="entries", verbose_name=_("promotion")
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # What the affiliate knows the entry by: random, never the account number.
    reference = models.CharField(_("entry reference"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=150, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    postal_address = models.TextField(_("postal address"), max_length=500, blank=True)
    answer = models.TextField(_("answer"), max_length=2000, blank=True)
    entered_at = models.DateTimeField(_("entered at"))
    # The signed webhook's hand-over; a promotion without a webhook hands over by CSV.
    handed_over_at = models.DateTimeField(_("handed over at"), null=True, blank=True)
    handover_attempts = models.PositiveSmallIntegerField(_("hand-over attempts"), default=0)
    handover_error = models.CharField(_("hand-over error"), max_length=200, blank=True)

    class Meta:
        ordering = ["entered_at", "id"]
        verbose_name = _("promotion entry")
        verbose_name_plural = _("promotion entries")
        constraints = [
            models.UniqueConstraint(fields=["promotion", "user"], name="entry_once_per_user")
        ]

    def __str__(self) -> str:
        return self.reference
