"""The staff queue of requests received by e-mail: entering them, moving them on, extending
the deadline. Every step writes an event with who took it, in the same transaction."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from twentytwo.privacy.deadlines import request_due_on, request_first_due_on
from twentytwo.privacy.models import DataRequest, DataRequestEvent
from twentytwo.privacy.models.requests import MAX_EXTENSION_MONTHS
from twentytwo.privacy.services import PrivacyError

REQUEST_EMAIL_INVALID = "Enter the e-mail address the request came from."
REQUEST_KIND_UNKNOWN = "Choose what the person asks for."
REQUEST_RECEIVED_IN_FUTURE = "The date received cannot be in the future."
REQUEST_CLOSED = "This request is closed; it can no longer change."
REQUEST_SAME_STATUS = "The request already has this status."
REQUEST_STATUS_UNKNOWN = "Choose a status."
REQUEST_REFUSAL_NEEDS_REASON = "Say why the request is refused: the person must be told why."
REQUEST_EXTENSION_NEEDS_REASON = "Give the reason for the extension: the person must be told why."
REQUEST_EXTENSION_TOO_LONG = "An answer can be extended by two months at most, in all."
REQUEST_EXTENSION_NOT_LONGER = "An extension can only make the time longer."
REQUEST_EXTENSION_TOO_LATE = (
    "An extension must be decided, and the person told, within the first month (by %(date)s)."
)
REQUEST_NOTE_EMPTY = "Write the note."


def _event(request: DataRequest, *, action: str, by: AbstractBaseUser, note: str = "",
           from_status: str = "") -> DataRequestEvent:  # fmt: skip
    return DataRequestEvent.objects.create(
        request=request,
        action=action,
        from_status=from_status,
        to_status=request.status,
        note=note,
        at=timezone.now(),
        by=by,
    )


def data_request_receive(
    *,
    requester_email: str,
    kind: str,
    received_on: date,
    by: AbstractBaseUser,
    requester_name: str = "",
    details: str = "",
    today: date | None = None,
) -> DataRequest:
    """Enter a request received by e-mail; its answer is due a month after receipt."""
    today = today or timezone.localdate()
    requester_email = requester_email.strip()
    try:
        validate_email(requester_email)
    except ValidationError:
        raise PrivacyError(REQUEST_EMAIL_INVALID) from None
    if kind not in DataRequest.Kind.values:
        raise PrivacyError(REQUEST_KIND_UNKNOWN)
    if received_on > today:
        raise PrivacyError(REQUEST_RECEIVED_IN_FUTURE)
    with transaction.atomic():
        request = DataRequest.objects.create(
            requester_email=requester_email,
            requester_name=requester_name.strip(),
            kind=kind,
            details=details.strip(),
            received_on=received_on,
            due_on=request_due_on(received_on=received_on),
            created_at=timezone.now(),
            created_by=by,
        )
        _event(request, action=DataRequestEvent.Action.CREATED, by=by)
    return request


def _locked_open(request: DataRequest) -> DataRequest:
    request = DataRequest.objects.select_for_update().get(pk=request.pk)
    if not request.is_open:
        raise PrivacyError(REQUEST_CLOSED)
    return request


def data_request_status_change(
    *, request: DataRequest, to_status: str, by: AbstractBaseUser, note: str = ""
) -> DataRequest:
    """Move a request to another status; a closing status closes it for good."""
    if to_status not in DataRequest.Status.values:
        raise PrivacyError(REQUEST_STATUS_UNKNOWN)
    note = note.strip()
    if to_status == DataRequest.Status.REFUSED and not note:
        raise PrivacyError(REQUEST_REFUSAL_NEEDS_REASON)
    with transaction.atomic():
        request = _locked_open(request)
        if request.status == to_status:
            raise PrivacyError(REQUEST_SAME_STATUS)
        from_status = request.status
        request.status = to_status
        if to_status in DataRequest.CLOSED_STATUSES:
            request.closed_at = timezone.now()
        request.save(update_fields=["status", "closed_at"])
        _event(
            request,
            action=DataRequestEvent.Action.STATUS,
            by=by,
            note=note,
            from_status=from_status,
        )
    return request


def data_request_extend(
    *,
    request: DataRequest,
    extension_months: int,
    reason: str,
    by: AbstractBaseUser,
    today: date | None = None,
) -> DataRequest:
    """Extend the time to answer to `extension_months` beyond the first month (1 or 2).

    Only within the first month, and only with a reason, which the person must be told."""
    today = today or timezone.localdate()
    reason = reason.strip()
    if not reason:
        raise PrivacyError(REQUEST_EXTENSION_NEEDS_REASON)
    if extension_months > MAX_EXTENSION_MONTHS:
        raise PrivacyError(REQUEST_EXTENSION_TOO_LONG)
    with transaction.atomic():
        request = _locked_open(request)
        if extension_months <= request.extension_months:
            raise PrivacyError(REQUEST_EXTENSION_NOT_LONGER)
        first_due = request_first_due_on(received_on=request.received_on)
        if today > first_due:
            raise PrivacyError(REQUEST_EXTENSION_TOO_LATE % {"date": first_due.isoformat()})
        request.extension_months = extension_months
        request.extension_reason = reason
        request.due_on = request_due_on(
            received_on=request.received_on, extension_months=extension_months
        )
        request.save(update_fields=["extension_months", "extension_reason", "due_on"])
        _event(request, action=DataRequestEvent.Action.EXTENDED, by=by, note=reason,
               from_status=request.status)  # fmt: skip
    return request


def data_request_note_add(*, request: DataRequest, note: str, by: AbstractBaseUser) -> None:
    """Add a note to the request's trail (a call made, a document asked for, ...)."""
    note = note.strip()
    if not note:
        raise PrivacyError(REQUEST_NOTE_EMPTY)
    with transaction.atomic():
        request = DataRequest.objects.select_for_update().get(pk=request.pk)
        _event(request, action=DataRequestEvent.Action.NOTE, by=by, note=note,
               from_status=request.status)  # fmt: skip
