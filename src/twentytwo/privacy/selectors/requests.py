"""Reads of the queue of requests received by e-mail: which are overdue."""

from datetime import date

from django.db.models import QuerySet
from django.utils import timezone

from twentytwo.privacy.models import DataRequest


def data_requests_overdue(*, today: date | None = None) -> QuerySet[DataRequest]:
    """Return the open requests whose answer is past due."""
    today = today or timezone.localdate()
    return DataRequest.objects.exclude(status__in=DataRequest.CLOSED_STATUSES).filter(
        due_on__lt=today
    )


def data_request_is_overdue(request: DataRequest, *, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    return request.is_open and request.due_on < today
