"""The audit of releases and account changes: one row for each, written in the same
transaction as the thing it records.

The person is named by their account number as a plain integer, never a foreign key: the
row must outlive the account it speaks of (an erasure is itself audited), and it must hold
nothing that identifies anyone once that account is gone."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """What was released or changed, about whom, by whom and when."""

    class Kind(models.TextChoices):
        EXPORT = "export", _("export of own data")
        ERASURE = "erasure", _("account erased")
        CORRECTION = "correction", _("profile corrected")
        MARKETING_OBJECTION = "marketing_objection", _("objected to marketing")
        # An access request received by e-mail, answered with the person's data.
        REQUEST_ANSWERED = "request_answered", _("request answered")
        LEGAL_DISCLOSURE = "legal_disclosure", _("legal disclosure")
        AFFILIATE_SHARE = "affiliate_share", _("affiliate share")
        PARTNER_REPORT = "partner_report", _("partner report")

    class Actor(models.TextChoices):
        SUBJECT = "subject", _("the person themselves")
        STAFF = "staff", _("staff")
        SYSTEM = "system", _("the system")

    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    # The account the event is about, if any (a partner report is about no one).
    subject_user_id = models.PositiveBigIntegerField(
        _("account number"), null=True, blank=True, db_index=True
    )
    # An e-mailed request this event answers. Requests are deleted sooner than the audit.
    data_request = models.ForeignKey(
        "privacy.DataRequest",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audit_events",
        verbose_name=_("request"),
    )
    actor = models.CharField(_("done by"), max_length=8, choices=Actor.choices)
    actor_user_id = models.PositiveBigIntegerField(_("done by account"), null=True, blank=True)
    occurred_at = models.DateTimeField(_("when"), db_index=True)
    # What was released or changed: field names, categories, counts, a file's size. Never
    # the data itself.
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("audit event")
        constraints = [
            models.CheckConstraint(
                condition=Q(actor="system", actor_user_id__isnull=True)
                | Q(actor__in=["subject", "staff"], actor_user_id__isnull=False),
                name="audit_actor_account_matches",
            ),
            # A person acting on their own data acts on their own account.
            models.CheckConstraint(
                condition=~Q(actor="subject") | Q(subject_user_id=models.F("actor_user_id")),
                name="audit_subject_acts_on_self",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} of {self.subject_user_id or '-'} at {self.occurred_at:%Y-%m-%d %H:%M}"
