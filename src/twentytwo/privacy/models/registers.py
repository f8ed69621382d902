"""The staff registers: releases to authorities and affiliates, and the processors.

Personal data leaves 22tracks only in three ways: to processors that run part of the
service for us under contract, to an affiliate for one transaction the listener takes part
in, and to whoever the law obliges us to answer. Each release is a register row, written
with its audit event in one transaction by the release services."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class LegalDisclosure(models.Model):
    """Personal data released because the law required it, or to protect rights or safety."""

    class Basis(models.TextChoices):
        # GDPR art. 6(1)(c): a court order, a production order under the Code of Criminal
        # Procedure, a supervisory authority's demand.
        LEGAL_OBLIGATION = "legal_obligation", _("legal obligation (GDPR art. 6(1)(c))")
        # Art. 6(1)(f) with 17(3)(e): establishing, exercising or defending legal claims.
        LEGAL_CLAIMS = "legal_claims", _("legal claims (GDPR art. 6(1)(f))")
        # Art. 6(1)(f): protecting the rights, property or safety of 22tracks, its listeners
        # or others, e.g. against fraud or copyright infringement.
        PROTECTION = "protection", _("protection of rights or safety (GDPR art. 6(1)(f))")
        # Art. 6(1)(d): someone's life or health is at stake.
        VITAL_INTERESTS = "vital_interests", _("vital interests (GDPR art. 6(1)(d))")

    requested_by = models.CharField(_("requested by"), max_length=200)
    request_reference = models.CharField(_("their reference"), max_length=200, blank=True)
    request_received_on = models.DateField(_("request received on"))
    legal_basis = models.CharField(_("legal basis"), max_length=20, choices=Basis.choices)
    # The statute, order or reason relied on, in words a reviewer can check.
    legal_basis_detail = models.TextField(_("legal basis in detail"))
    # The account concerned, as a plain number so the register outlives the account.
    subject_user_id = models.PositiveBigIntegerField(_("account number"), null=True, blank=True)
    # How the request named the person when no account matches (e.g. a listener id).
    subject_description = models.CharField(_("person concerned"), max_length=300, blank=True)
    released = models.TextField(_("what was released"))
    released_at = models.DateTimeField(_("released at"))
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("released by"),
    )
    audit = models.OneToOneField(
        "privacy.AuditEvent", on_delete=models.PROTECT, related_name="legal_disclosure"
    )

    class Meta:
        ordering = ["-released_at", "-id"]
        verbose_name = _("legal disclosure")
        constraints = [
            models.CheckConstraint(
                condition=~Q(requested_by="") & ~Q(legal_basis_detail="") & ~Q(released=""),
                name="disclosure_says_who_why_what",
            ),
            models.CheckConstraint(
                condition=Q(subject_user_id__isnull=False) | ~Q(subject_description=""),
                name="disclosure_names_its_subject",
            ),
        ]

    def __str__(self) -> str:
        return f"to {self.requested_by} at {self.released_at:%Y-%m-%d}"


class Affiliate(models.Model):
    """A business 22tracks runs a joint service or promotion with.

    It receives a listener's data only for a transaction that listener takes part in, and
    only under an agreement that holds it to the same protection as this policy."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    agreement_reference = models.CharField(_("agreement"), max_length=200)
    contact = models.CharField(_("privacy contact"), max_length=300, blank=True)
    # What the affiliate undertook for the data it receives, in the agreement's words, and
    # the day it did: shown to a listener before they enter a joint promotion.
    privacy_commitment = models.TextField(_("privacy commitment"), blank=True)
    committed_on = models.DateField(_("committed on"), null=True, blank=True)
    active_from = models.DateField(_("from"))
    active_until = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("affiliate")
        constraints = [
            models.CheckConstraint(
                condition=~Q(agreement_reference=""), name="affiliate_has_agreement"
            ),
            models.CheckConstraint(
                condition=Q(active_until__isnull=True)
                | Q(active_until__gte=models.F("active_from")),
                name="affiliate_until_after_from",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class AffiliateShare(models.Model):
    """Data about one listener shared with an affiliate for one transaction."""

    affiliate = models.ForeignKey(
        Affiliate, on_delete=models.PROTECT, related_name="shares", verbose_name=_("affiliate")
    )
    # The order, ticket or entry the share is for; a share without one is refused.
    transaction_reference = models.CharField(_("transaction"), max_length=200)
    subject_user_id = models.PositiveBigIntegerField(_("account number"))
    # The declared fields shared, as "app_label.Model.field".
    shared_fields = models.JSONField(_("fields shared"), default=list)
    shared_description = models.TextField(_("what was shared"), blank=True)
    shared_at = models.DateTimeField(_("shared at"))
    # Empty when the share was made by the system in the course of the transaction.
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("shared by"),
    )
    audit = models.OneToOneField(
        "privacy.AuditEvent", on_delete=models.PROTECT, related_name="affiliate_share"
    )

    class Meta:
        ordering = ["-shared_at", "-id"]
        verbose_name = _("affiliate share")
        constraints = [
            models.CheckConstraint(
                condition=~Q(transaction_reference=""), name="affiliate_share_has_transaction"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.transaction_reference} to {self.affiliate_id}"


class Processor(models.Model):
    """A third party that processes personal data on our behalf, under contract."""

    name = models.CharField(_("name"), max_length=200)
    purpose = models.TextField(_("what they do for us"))
    data_categories = models.TextField(_("data they process"))
    location = models.CharField(_("where the data is processed"), max_length=200)
    # For processing outside the EEA: the safeguard (adequacy decision, clauses, …).
    transfer_safeguard = models.CharField(_("transfer safeguard"), max_length=300, blank=True)
    contract_reference = models.CharField(_("data processing agreement"), max_length=200)
    website = models.URLField(_("website"), blank=True)
    active_from = models.DateField(_("from"))
    active_until = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        ordering = ["name", "-active_from"]
        verbose_name = _("processor")
        constraints = [
            models.CheckConstraint(
                condition=~Q(contract_reference=""), name="processor_has_contract"
            ),
            models.CheckConstraint(
                condition=Q(active_until__isnull=True)
                | Q(active_until__gte=models.F("active_from")),
                name="processor_until_after_from",
            ),
        ]

    def __str__(self) -> str:
        return self.name
