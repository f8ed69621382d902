"""The rollup: the hours of the access log made from its records (selectors/hours.py)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Max

from twentytwo.traffic.models import AccessRecord, CatalogHour, RollupMark, RouteHour
from twentytwo.traffic.selectors.hours import (
    HOUR,
    MARK,
    HourFigures,
    figures_of_records,
    hours_not_rolled_up,
)


def _hour_store(hour: datetime, found: HourFigures) -> None:
    RouteHour.objects.filter(hour=hour).delete()
    CatalogHour.objects.filter(hour=hour).delete()
    RouteHour.objects.bulk_create(
        RouteHour(
            hour=hour,
            route=route,
            requests=f.requests,
            client_errors=f.client_errors,
            server_errors=f.server_errors,
            response_bytes=f.response_bytes,
            longest_us=f.longest_us,
            durations={str(b): n for b, n in sorted(f.durations.items())},
        )
        for route, f in found.routes.items()
    )
    CatalogHour.objects.bulk_create(
        CatalogHour(hour=hour, kind=kind, target_id=target, requests=requests)
        for (kind, target), requests in found.catalog.items()
    )


def traffic_rollup_apply() -> int:
    """Make again every hour holding records stored since the mark; return how many."""
    with transaction.atomic():
        mark, _ = RollupMark.objects.select_for_update().get_or_create(rollup=MARK)
        top = AccessRecord.objects.aggregate(top=Max("id"))["top"] or 0
        if top <= mark.last_id:
            return 0
        # Records stored while this runs may be in these hours already; they are above the
        # new mark all the same, so their hours are made again next time: no harm.
        hours = sorted(hours_not_rolled_up())
        for hour in hours:
            found = figures_of_records(start=hour, end=hour + HOUR)
            _hour_store(hour, found.get(hour, HourFigures()))
        mark.last_id = top
        mark.save(update_fields=["last_id"])
    return len(hours)
