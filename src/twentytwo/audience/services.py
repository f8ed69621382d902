"""Writes for audience measurement: events are only ever appended."""

from collections.abc import Sequence

from django.db import transaction

from twentytwo.audience.models import ListenEvent


def listen_events_store(*, events: Sequence[ListenEvent]) -> int:
    """Append the events in one transaction; return how many are now stored.

    The caller has dropped ids already stored; `ignore_conflicts` keeps a replay racing this
    one from failing the batch (its copy is stored, so both answers are true). The commit
    happens before this returns, so whoever acknowledges the events afterwards tells the
    truth."""
    if not events:
        return 0
    with transaction.atomic():
        ListenEvent.objects.bulk_create(events, ignore_conflicts=True)
    return len(events)
