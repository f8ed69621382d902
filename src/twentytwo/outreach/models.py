"""Mail a listener asked for: who may get it and where, the campaigns and each delivery.

Whether a listener may get a kind of mail is not kept here: it is the marketing choice in
force in privacy's ledger, read at the moment each message is sent. A Subscriber row holds
only the address that confirmed and the preferences; a Delivery row is one message of one
campaign to one account, so a campaign resumed after a crash sends nobody anything twice."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from twentytwo.privacy.models import MarketingPurpose

LANGUAGES = [("en", _("English")), ("nl", _("Dutch"))]


class Subscriber(models.Model):
    """A listener's mail preferences and the address that confirmed."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="subscriber"
    )
    # Mail goes to this address only while it is still the account's address.
    email = models.EmailField(_("confirmed address"), blank=True)
    language = models.CharField(_("language"), max_length=2, choices=LANGUAGES, default="en")
    # None: every city's mail.
    city = models.ForeignKey(
        "catalog.City",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("city"),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("subscriber")

    def __str__(self) -> str:
        return f"subscriber {self.user_id}"


class Campaign(models.Model):
    """A message to everyone who confirmed its kind of mail, in their language."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SCHEDULED = "scheduled", _("scheduled")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")

    name = models.CharField(_("name"), max_length=120)
    purpose = models.CharField(
        _("kind of mail"),
        max_length=12,
        choices=[(p.value, p.label) for p in MarketingPurpose.asked()],
    )
    subject_en = models.CharField(_("subject (English)"), max_length=150)
    body_en = models.TextField(_("text (English)"))
    subject_nl = models.CharField(_("subject (Dutch)"), max_length=150)
    body_nl = models.TextField(_("text (Dutch)"))
    # None chosen: every city. A subscriber with no city gets every city's mail.
    cities = models.ManyToManyField(
        "catalog.City", blank=True, related_name="+", verbose_name=_("cities")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    send_at = models.DateTimeField(_("send at"), null=True, blank=True)
    # The sender holds the campaign until then; a crashed sender's hold runs out.
    lease_until = models.DateTimeField(_("held by a sender until"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("written by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("campaign")

    def __str__(self) -> str:
        return self.name


class Delivery(models.Model):
    """One campaign's message to one account."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        SENT = "sent", _("sent")
        # Withdrawn, or the address changed, between the campaign's start and this message.
        SKIPPED = "skipped", _("not sent: no longer confirmed")
        FAILED = "failed", _("refused by the mail server")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="deliveries")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "user"], name="delivery_once_per_user")
        ]
        indexes = [models.Index(fields=["campaign", "status", "id"], name="delivery_waiting")]

    def __str__(self) -> str:
        return f"{self.campaign_id} → {self.user_id}: {self.status}"


class Promotion(models.Model):
    """A promotion run jointly with an affiliated business: a festival giveaway, a discount.

    What an entry asks is what the affiliate receives, field for field, and the page says so
    before anyone enters; once a promotion has entries, that list no longer changes."""

    class Field(models.TextChoices):
        NAME = "name", _("your name")
        EMAIL = "email", _("your e-mail address")
        POSTAL_ADDRESS = "postal_address", _("your postal address")
        ANSWER = "answer", _("your answer to the question")

    slug = models.SlugField(_("address"), unique=True)
    title = models.CharField(_("title"), max_length=150)
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
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    # Empty: the affiliate gets its entries as a CSV from staff.
    webhook_url = models.URLField(_("affiliate's webhook"), blank=True)
    webhook_secret = models.CharField(_("webhook signing key"), max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("made by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-opens_at"]
        verbose_name = _("promotion")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="promotion_closes_after_it_opens",
            ),
        ]

    def __str__(self) -> str:
        return self.title

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
