"""Audience retention: raw events go after AUDIENCE_RETENTION_DAYS, and the listener ids of
the credited and played quarter hours are replaced month by month after
AUDIENCE_LISTENER_ID_DAYS. Rollups stay: they are the ratings' source."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from twentytwo.audience.models import CreditedQuarterHour, ListenEvent, PlayedQuarterHour
from twentytwo.audience.periods import month_after
from twentytwo.audience.selectors.rollups import rollup_watermark
from twentytwo.audience.services.rollups import retention_days
from twentytwo.audience.tallies import LOOKBACK

MONTH_IDS_BATCH = 1000


def listener_ids_pseudonymize(*, now: datetime | None = None) -> int:
    """Replace the listener ids of whole months past AUDIENCE_LISTENER_ID_DAYS in the
    credited and the played quarter hours; return how many rows changed.

    Each listener of a city's month gets one new random id, the same in both tables, used
    for that month only and remembered nowhere, so the month's figures stay exact (its cume
    still counts each browser once) while nothing joins the month to the listener cookie
    or to other months: a week or a range that spans two such months counts a browser of
    both twice. A month is done in one transaction and marked, so a second run leaves it
    alone."""
    now = now or timezone.now()
    cutoff = (now - timedelta(days=settings.AUDIENCE_LISTENER_ID_DAYS)).date()
    first_kept = cutoff.replace(day=1)
    old = {
        model: model.objects.filter(pseudonymous=False, local_date__lt=first_kept)
        for model in (CreditedQuarterHour, PlayedQuarterHour)
    }
    months = sorted(
        {
            (city_id, day.replace(day=1))
            for rows in old.values()
            for city_id, day in rows.values_list("city_id", "local_date").distinct()
        }
    )
    changed = 0
    for city_id, month in months:
        with transaction.atomic():
            new_ids: dict = defaultdict(uuid.uuid4)
            for model, rows in old.items():
                month_rows = rows.filter(
                    city_id=city_id, local_date__gte=month, local_date__lt=month_after(month)
                )
                changed += _ids_replace(model, month_rows, new_ids)
    return changed


def _ids_replace(model, rows, new_ids: dict) -> int:
    changed, after = 0, 0
    while page := list(
        rows.filter(pk__gt=after).order_by("pk").values_list("pk", "listener")[:MONTH_IDS_BATCH]
    ):
        model.objects.bulk_update(
            [model(pk=pk, listener=new_ids[listener], pseudonymous=True) for pk, listener in page],
            ["listener", "pseudonymous"],
        )
        changed += len(page)
        after = page[-1][0]
    return changed


def events_delete_expired(*, now: datetime | None = None) -> int:
    """Delete raw events older than the retention; return how many. Rollups stay.

    Events the rollup has not yet processed are kept whatever their age, so a rollup that was
    down for longer than the retention still sees them."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=retention_days())
    watermark = rollup_watermark()
    if watermark is None:
        return 0
    cutoff = min(cutoff, watermark - LOOKBACK)
    with transaction.atomic():
        deleted, _ = ListenEvent.objects.filter(server_time__lt=cutoff).delete()
    return deleted
