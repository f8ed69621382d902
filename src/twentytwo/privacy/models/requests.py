"""Requests about personal data received by e-mail from people without an account.

Each must be answered within a month of receipt; where a request is complex or one of many,
the answer may take up to two further months, provided the person is told why within the
first month (GDPR art. 12(3)). The queue keeps the date received, the date due, the
extension and its reason, and every change of status with who made it."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# Art. 12(3): one month, extendable "by two further months".
ANSWER_MONTHS = 1
MAX_EXTENSION_MONTHS = 2


class DataRequest(models.Model):
    """One request received by e-mail, from receipt to its answer."""

    class Kind(models.TextChoices):
        ACCESS = "access", _("access (a copy of the data)")
        ERASURE = "erasure", _("erasure")
        RECTIFICATION = "rectification", _("correction")
        OBJECTION = "objection", _("objection")
        PORTABILITY = "portability", _("portability")
        RESTRICTION = "restriction", _("restriction")

    class Status(models.TextChoices):
        RECEIVED = "received", _("received")
        VERIFYING = "verifying", _("checking identity")
        IN_PROGRESS = "in_progress", _("in progress")
        COMPLETED = "completed", _("completed")
        REFUSED = "refused", _("refused, with reasons")
        WITHDRAWN = "withdrawn", _("withdrawn")

    CLOSED_STATUSES = (Status.COMPLETED, Status.REFUSED, Status.WITHDRAWN)

    requester_email = models.EmailField(_("requester's e-mail address"), max_length=254)
    requester_name = models.CharField(_("requester's name"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    # The request as the person worded it, or a summary of it.
    details = models.TextField(_("request"), blank=True)
    received_on = models.DateField(_("received on"))
    # Computed by the services from `received_on` and the extension; stored so the queue
    # can be sorted and filtered by it.
    due_on = models.DateField(_("answer due on"))
    extension_months = models.PositiveSmallIntegerField(_("extended by (months)"), default=0)
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.RECEIVED
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("entered at"))
    # Staff accounts that handled requests are kept (deactivated, not deleted).
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("entered by"),
    )

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("request by e-mail")
        verbose_name_plural = _("requests by e-mail")
        indexes = [models.Index(fields=["status", "due_on"], name="datarequest_queue")]
        constraints = [
            models.CheckConstraint(
                condition=Q(extension_months__lte=MAX_EXTENSION_MONTHS),
                name="datarequest_extension_at_most_two_months",
            ),
            models.CheckConstraint(
                condition=Q(extension_months=0, extension_reason="")
                | (Q(extension_months__gt=0) & ~Q(extension_reason="")),
                name="datarequest_extension_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(due_on__gt=models.F("received_on")),
                name="datarequest_due_after_receipt",
            ),
            models.CheckConstraint(
                condition=Q(
                    status__in=["completed", "refused", "withdrawn"], closed_at__isnull=False
                )
                | (
                    ~Q(status__in=["completed", "refused", "withdrawn"]) & Q(closed_at__isnull=True)
                ),
                name="datarequest_closed_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.requester_email}, due {self.due_on}"

    @property
    def is_open(self) -> bool:
        return self.status not in self.CLOSED_STATUSES


class DataRequestEvent(models.Model):
    """One step in a request's life: entered, status changed, extended or a note."""

    class Action(models.TextChoices):
        CREATED = "created", _("entered")
        STATUS = "status", _("status changed")
        EXTENDED = "extended", _("deadline extended")
        NOTE = "note", _("note")

    request = models.ForeignKey(DataRequest, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=8, choices=Action.choices)
    from_status = models.CharField(
        _("from"), max_length=16, choices=DataRequest.Status.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=16, choices=DataRequest.Status.choices)
    note = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(_("when"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("request event")

    def __str__(self) -> str:
        return f"{self.request_id}: {self.action} {self.from_status}→{self.to_status}"
