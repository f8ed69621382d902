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
    # A surveys campaign may link to a survey: each message carries its recipient's own link.
    survey = models.ForeignKey(
        "outreach.Survey",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="campaigns",
        verbose_name=_("survey"),
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
