"""Fill the rollup tables from listening events: resumable, idempotent, catching up.

The watermark says up to which instant every quarter hour is final. A run processes whole
closed quarter hours up to 3 minutes before now (a session still open may yet send the event
that decides it), in windows of at most WINDOW; each window is recomputed from the events
(tallies.py) and replaces its rows in one transaction together with the watermark, so a
crash loses nothing and a re-run changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from twentytwo.audience.crediting import quarter_hour_start
from twentytwo.audience.models import (
    CreditedQuarterHour,
    ListeningDay,
    ListeningHour,
    ListeningQuarterHour,
    PlayedQuarterHour,
    RollupWatermark,
)
from twentytwo.audience.selectors.rollups import (
    WATERMARK,
    city_time_zones,
    first_event_time,
    rollup_watermark,
    window_listeners,
)
from twentytwo.audience.sessions import GONE_AFTER
from twentytwo.audience.tallies import (
    LOOKAHEAD,
    LOOKBACK,
    SUM_FIELDS,
    WindowTally,
    window_tally,
)

WINDOW = timedelta(hours=6)
ROLLUP_BEFORE_RETENTION = "Events before %(cutoff)s have been deleted; their rollups are final."


@dataclass
class WindowResult:
    start: datetime
    end: datetime
    events: int = 0
    quarter_hour_rows: int = 0
    credited_rows: int = 0


@dataclass
class RollupResult:
    windows: list[WindowResult] = field(default_factory=list)

    @property
    def processed_until(self) -> datetime | None:
        return self.windows[-1].end if self.windows else None


class _CityClock:
    """City id to the local reading of a UTC quarter hour, with a cache of zones."""

    def __init__(self, zones: dict[int, ZoneInfo]) -> None:
        self.zones = zones

    def local(self, city_id: int, moment: datetime) -> datetime:
        # A city deleted since its events were stored is read in UTC rather than dropped.
        return moment.astimezone(self.zones.get(city_id, UTC))

    def hour_start(self, city_id: int, slot: datetime) -> datetime:
        # In absolute time: wall-clock arithmetic would merge the hour the clocks repeat.
        return slot - timedelta(minutes=self.local(city_id, slot).minute)

    def in_the_city(self, city_id: int, slot: datetime) -> dict:
        """Return where a quarter hour lies in the city's calendar: its date and minute."""
        local = self.local(city_id, slot)
        return {"local_date": local.date(), "local_minute": local.hour * 60 + local.minute}


def _write_window(start: datetime, end: datetime, tally: WindowTally, clock: _CityClock) -> None:
    sums, credited = tally.sums, tally.credited
    for model in (ListeningQuarterHour, CreditedQuarterHour, PlayedQuarterHour):
        model.objects.filter(slot_start__gte=start, slot_start__lt=end).delete()
    rows = []
    for (city_id, genre_id, track_id, slot), s in sums.items():
        rows.append(
            ListeningQuarterHour(
                city_id=city_id,
                genre_id=genre_id,
                track_id=track_id,
                slot_start=slot,
                hour_start=clock.hour_start(city_id, slot),
                local_hour=clock.local(city_id, slot).hour,
                **clock.in_the_city(city_id, slot),
                **vars(s),
            )
        )
    ListeningQuarterHour.objects.bulk_create(rows, batch_size=2000)
    credit_rows = []
    for city_id, genre_id, track_id, slot, listener in credited:
        credit_rows.append(
            CreditedQuarterHour(
                city_id=city_id,
                genre_id=genre_id,
                track_id=track_id,
                slot_start=slot,
                listener=listener,
                **clock.in_the_city(city_id, slot),
            )
        )
    CreditedQuarterHour.objects.bulk_create(credit_rows, batch_size=2000)
    PlayedQuarterHour.objects.bulk_create(
        [
            PlayedQuarterHour(
                city_id=city_id,
                genre_id=genre_id,
                track_id=track_id,
                slot_start=slot,
                listener=listener,
                plays=what.plays,
                ends=what.ends,
                skips=what.skips,
                listening_seconds=what.listening_seconds,
                **clock.in_the_city(city_id, slot),
            )
            for city_id, genre_id, track_id, slot, listener, what in tally.played
        ],
        batch_size=2000,
    )


def _rebuild(model, group: tuple[str, ...], **within) -> None:
    """Replace the `model` rows `within` selects by the sums of their quarter hours."""
    model.objects.filter(**within).delete()
    sums = ListeningQuarterHour.objects.filter(**within).values(*group)
    sums = sums.annotate(**{f"sum_{f}": Sum(f) for f in SUM_FIELDS})
    model.objects.bulk_create(
        [
            model(**{k: row[k] for k in group}, **{f: row[f"sum_{f}"] for f in SUM_FIELDS})
            for row in sums
        ],
        batch_size=2000,
    )


def _rebuild_hours_and_days(start: datetime, end: datetime) -> None:
    """Recompute the hour and day rows that the window [start, end) touches, from its QHs."""
    # A city's clock hour may begin up to 45 minutes before a quarter hour it holds.
    _rebuild(
        ListeningHour,
        ("city_id", "genre_id", "track_id", "hour_start", "local_date", "local_hour"),
        hour_start__gte=start - timedelta(minutes=45),
        hour_start__lt=end,
    )
    # UTC offsets lie within ±14 hours: these are all the city dates the window can touch.
    _rebuild(
        ListeningDay,
        ("city_id", "genre_id", "track_id", "local_date"),
        local_date__gte=(start - timedelta(hours=14)).date(),
        local_date__lte=(end + timedelta(hours=14)).date(),
    )


def rollup_window(*, start: datetime, end: datetime) -> WindowResult:
    """Recompute every rollup row of the whole quarter hours in [start, end), atomically.

    Run twice over the same events it writes the same rows."""
    if quarter_hour_start(start) != start or quarter_hour_start(end) != end:
        raise ValueError("A rollup window is made of whole quarter hours.")
    tally = window_tally(start=start, end=end, listeners=window_listeners(start=start, end=end))
    with transaction.atomic():
        _write_window(start, end, tally, _CityClock(city_time_zones()))
        _rebuild_hours_and_days(start, end)
    return WindowResult(start, end, tally.events, len(tally.sums), len(tally.credited))


def rollup_target(now: datetime) -> datetime:
    """Return where a run at `now` stops: the last quarter hour closed 3 minutes ago."""
    return quarter_hour_start(now - GONE_AFTER)


def _window_end(start: datetime, target: datetime) -> datetime:
    """Return the end of the next window: WINDOW long, or across a stretch without events.

    Catching up over weeks of silence then takes one query instead of one per window."""
    end = min(start + WINDOW, target)
    next_event = first_event_time(since=start - LOOKBACK)
    if next_event is None:
        return target
    if next_event >= end + LOOKAHEAD:
        # No event loaded by any window ending before this one would see it.
        return max(end, min(target, quarter_hour_start(next_event - LOOKAHEAD)))
    return end


def rollup_run(*, now: datetime | None = None, since: datetime | None = None) -> RollupResult:
    """Bring the rollups up to date, window by window, from the watermark (or `since`).

    Without a watermark it starts at the first event. Each window commits with the watermark,
    so an interrupted run resumes where it stopped and a run after downtime catches up."""
    now = now or timezone.now()
    target = rollup_target(now)
    if since is not None:
        cutoff = now - timedelta(days=retention_days())
        if since < cutoff:
            # Recomputing from deleted events would wipe rollups that can no longer be rebuilt.
            raise ValueError(ROLLUP_BEFORE_RETENTION % {"cutoff": cutoff.isoformat()})
    start = since if since is not None else rollup_watermark()
    if start is None:
        start = first_event_time()
        if start is None:
            return RollupResult()
    start = quarter_hour_start(start)
    result = RollupResult()
    while start < target:
        end = _window_end(start, target)
        with transaction.atomic():
            result.windows.append(rollup_window(start=start, end=end))
            RollupWatermark.objects.update_or_create(
                job=WATERMARK, defaults={"processed_until": end}
            )
        start = end
    return result


def retention_days() -> int:
    return settings.AUDIENCE_RETENTION_DAYS
