"""What the rollup reads: the events around a window, how far it got, the cities' clocks."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from itertools import groupby
from zoneinfo import ZoneInfo

from twentytwo.audience.models import ListenEvent, RollupWatermark
from twentytwo.audience.sessions import Event
from twentytwo.audience.tallies import LOOKAHEAD, LOOKBACK
from twentytwo.catalog.models import City

WATERMARK = "quarter_hours"


def window_listeners(*, start: datetime, end: datetime) -> Iterator[tuple[object, list[Event]]]:
    """Yield each listener's events that decide the window [start, end), in order."""
    rows = (
        ListenEvent.objects.filter(
            server_time__gte=start - LOOKBACK, server_time__lt=end + LOOKAHEAD
        )
        .order_by("listener", "server_time", "id")
        .values_list("listener", "server_time", "kind", "city_id", "genre_id", "track_id")
    )
    for listener, group in groupby(rows.iterator(chunk_size=5000), key=lambda row: row[0]):
        yield listener, [Event(t, kind, c, g, tr) for _, t, kind, c, g, tr in group]


def rollup_watermark() -> datetime | None:
    """Return the instant before which every quarter hour is rolled up, if any is."""
    return (
        RollupWatermark.objects.filter(job=WATERMARK)
        .values_list("processed_until", flat=True)
        .first()
    )


def first_event_time(*, since: datetime | None = None) -> datetime | None:
    """Return when the first event (at or after `since`) arrived, if any did."""
    events = ListenEvent.objects.all()
    if since is not None:
        events = events.filter(server_time__gte=since)
    return events.order_by("server_time").values_list("server_time", flat=True).first()


def city_time_zones() -> dict[int, ZoneInfo]:
    return {city_id: ZoneInfo(tz) for city_id, tz in City.objects.values_list("id", "time_zone")}
