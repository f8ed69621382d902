"""Fill the rollup tables from listening events: resumable, idempotent, catching up.

The watermark says up to which instant every quarter hour is final. A run processes whole
closed quarter hours up to 3 minutes before now (a session still open may yet send the event
that decides it), in windows of at most WINDOW; each window is recomputed from the events and
replaces its rows in one transaction together with the watermark, so a crash loses nothing and
a re-run changes nothing.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import groupby
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from twentytwo.audience.crediting import (
    credited_quarter_hours,
    quarter_hour_seconds,
    quarter_hour_start,
)
from twentytwo.audience.models import (
    CreditedQuarterHour,
    ListenEvent,
    ListeningDay,
    ListeningHour,
    ListeningQuarterHour,
    RollupWatermark,
)
from twentytwo.audience.sessions import GONE_AFTER, Event, listener_history
from twentytwo.catalog.models import City

WATERMARK = "quarter_hours"
WINDOW = timedelta(hours=6)
# Events before a window that still decide it: 6 minutes show whether and how a session was
# open when the window began; an end or skip counts for a play whose start lies at most
# PLAY_OUTCOME_WITHIN earlier, so that is loaded too.
PLAY_OUTCOME_WITHIN = timedelta(minutes=30)
LOOKBACK = PLAY_OUTCOME_WITHIN + 2 * GONE_AFTER
# Events after a window that decide whether its session starts lasted a minute and its plays
# 30 seconds.
LOOKAHEAD = timedelta(minutes=10)
SUM_FIELDS = (
    "listening_seconds",
    "counted_listening_seconds",
    "session_starts",
    "plays",
    "ends",
    "skips",
)
ROLLUP_BEFORE_RETENTION = "Events before %(cutoff)s have been deleted; their rollups are final."


@dataclass
class _Sums:
    listening_seconds: float = 0.0
    counted_listening_seconds: float = 0.0
    session_starts: int = 0
    plays: int = 0
    ends: int = 0
    skips: int = 0


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

    def __init__(self) -> None:
        self.zones = {
            city_id: ZoneInfo(tz) for city_id, tz in City.objects.values_list("id", "time_zone")
        }

    def local(self, city_id: int, moment: datetime) -> datetime:
        # A city deleted since its events were stored is read in UTC rather than dropped.
        return moment.astimezone(self.zones.get(city_id, UTC))

    def hour_start(self, city_id: int, slot: datetime) -> datetime:
        # In absolute time: wall-clock arithmetic would merge the hour the clocks repeat.
        return slot - timedelta(minutes=self.local(city_id, slot).minute)


def _window_events(start: datetime, end: datetime):
    rows = (
        ListenEvent.objects.filter(
            server_time__gte=start - LOOKBACK, server_time__lt=end + LOOKAHEAD
        )
        .order_by("listener", "server_time", "id")
        .values_list("listener", "server_time", "kind", "city_id", "genre_id", "track_id")
    )
    for listener, group in groupby(rows.iterator(chunk_size=5000), key=lambda row: row[0]):
        yield listener, [Event(t, kind, c, g, tr) for _, t, kind, c, g, tr in group]


def _compute_window(start: datetime, end: datetime):
    """Return (sums per (city, genre, track, slot), credited rows, number of events)."""
    sums: dict[tuple[int, int, int, datetime], _Sums] = defaultdict(_Sums)
    credited: list[tuple[int, int, int, datetime, object]] = []
    events = 0

    def inside(moment: datetime) -> bool:
        return start <= moment < end

    for listener, listener_events in _window_events(start, end):
        events += sum(1 for e in listener_events if inside(e.time))
        history = listener_history(listener_events, history_known_from=start - LOOKBACK)
        for interval in history.intervals:
            key = (interval.city_id, interval.genre_id, interval.track_id)
            for slot, seconds in quarter_hour_seconds(interval.start, interval.end).items():
                if inside(slot):
                    s = sums[(*key, slot)]
                    s.listening_seconds += seconds
                    if interval.session.counted:
                        s.counted_listening_seconds += seconds
        for session in history.sessions:
            if not session.inherited and session.counted and inside(session.start):
                key = (session.city_id, session.genre_id, session.track_id)
                sums[(*key, quarter_hour_start(session.start))].session_starts += 1
        for play in history.plays:
            if not play.counted:
                continue
            key = (play.city_id, play.genre_id, play.track_id)
            if inside(play.start):
                sums[(*key, quarter_hour_start(play.start))].plays += 1
            # A play's end or skip counts where it happens: a quarter hour is final 3 minutes
            # after it closes, long before a track started in it is over.
            done = play.outcome_time
            if done and inside(done) and done - play.start <= PLAY_OUTCOME_WITHIN:
                s = sums[(*key, quarter_hour_start(done))]
                s.ends += play.outcome == "end"
                s.skips += play.outcome == "skip"
        credits = credited_quarter_hours(
            ((i.city_id, i.genre_id, i.track_id), i.start, i.end) for i in history.intervals
        )
        for (city_id, genre_id, track_id), slots in credits.items():
            credited.extend(
                (city_id, genre_id, track_id, slot, listener) for slot in slots if inside(slot)
            )
    return sums, credited, events


def _write_window(start: datetime, end: datetime, sums, credited, clock: _CityClock) -> None:
    ListeningQuarterHour.objects.filter(slot_start__gte=start, slot_start__lt=end).delete()
    CreditedQuarterHour.objects.filter(slot_start__gte=start, slot_start__lt=end).delete()
    rows = []
    for (city_id, genre_id, track_id, slot), s in sums.items():
        local = clock.local(city_id, slot)
        rows.append(
            ListeningQuarterHour(
                city_id=city_id,
                genre_id=genre_id,
                track_id=track_id,
                slot_start=slot,
                hour_start=clock.hour_start(city_id, slot),
                local_date=local.date(),
                local_hour=local.hour,
                local_minute=local.hour * 60 + local.minute,
                **s.__dict__,
            )
        )
    ListeningQuarterHour.objects.bulk_create(rows, batch_size=2000)
    credit_rows = []
    for city_id, genre_id, track_id, slot, listener in credited:
        local = clock.local(city_id, slot)
        credit_rows.append(
            CreditedQuarterHour(
                city_id=city_id,
                genre_id=genre_id,
                track_id=track_id,
                slot_start=slot,
                local_date=local.date(),
                local_minute=local.hour * 60 + local.minute,
                listener=listener,
            )
        )
    CreditedQuarterHour.objects.bulk_create(credit_rows, batch_size=2000)


def _sum_query(queryset, *group):
    return queryset.values(*group).annotate(**{f"sum_{f}": Sum(f) for f in SUM_FIELDS})


def _rebuild_hours_and_days(start: datetime, end: datetime) -> None:
    """Recompute the hour and day rows that the window [start, end) touches, from its QHs."""
    # A city's clock hour may begin up to 45 minutes before a quarter hour it holds.
    first_hour = start - timedelta(minutes=45)
    ListeningHour.objects.filter(hour_start__gte=first_hour, hour_start__lt=end).delete()
    group = ("city_id", "genre_id", "track_id", "hour_start", "local_date", "local_hour")
    quarter_hours = ListeningQuarterHour.objects.filter(
        hour_start__gte=first_hour, hour_start__lt=end
    )
    ListeningHour.objects.bulk_create(
        [
            ListeningHour(**{k: row[k] for k in group}, **{f: row[f"sum_{f}"] for f in SUM_FIELDS})
            for row in _sum_query(quarter_hours, *group)
        ],
        batch_size=2000,
    )
    # UTC offsets lie within ±14 hours: these are all the city dates the window can touch.
    first_day: date = (start - timedelta(hours=14)).date()
    last_day: date = (end + timedelta(hours=14)).date()
    ListeningDay.objects.filter(local_date__gte=first_day, local_date__lte=last_day).delete()
    group = ("city_id", "genre_id", "track_id", "local_date")
    quarter_hours = ListeningQuarterHour.objects.filter(
        local_date__gte=first_day, local_date__lte=last_day
    )
    ListeningDay.objects.bulk_create(
        [
            ListeningDay(**{k: row[k] for k in group}, **{f: row[f"sum_{f}"] for f in SUM_FIELDS})
            for row in _sum_query(quarter_hours, *group)
        ],
        batch_size=2000,
    )


def rollup_window(*, start: datetime, end: datetime) -> WindowResult:
    """Recompute every rollup row of the whole quarter hours in [start, end), atomically.

    Run twice over the same events it writes the same rows."""
    if quarter_hour_start(start) != start or quarter_hour_start(end) != end:
        raise ValueError("A rollup window is made of whole quarter hours.")
    sums, credited, events = _compute_window(start, end)
    with transaction.atomic():
        _write_window(start, end, sums, credited, _CityClock())
        _rebuild_hours_and_days(start, end)
    return WindowResult(start, end, events, len(sums), len(credited))


def rollup_target(now: datetime) -> datetime:
    """Return where a run at `now` stops: the last quarter hour closed 3 minutes ago."""
    return quarter_hour_start(now - GONE_AFTER)


def rollup_watermark() -> datetime | None:
    return (
        RollupWatermark.objects.filter(job=WATERMARK)
        .values_list("processed_until", flat=True)
        .first()
    )


def _window_end(start: datetime, target: datetime) -> datetime:
    """Return the end of the next window: WINDOW long, or across a stretch without events.

    Catching up over weeks of silence then takes one query instead of one per window."""
    end = min(start + WINDOW, target)
    next_event = (
        ListenEvent.objects.filter(server_time__gte=start - LOOKBACK)
        .order_by("server_time")
        .values_list("server_time", flat=True)
        .first()
    )
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
        first = ListenEvent.objects.order_by("server_time").values_list("server_time", flat=True)
        first_time = first.first()
        if first_time is None:
            return RollupResult()
        start = first_time
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


MONTH_IDS_BATCH = 1000


def _month_after(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def credited_listeners_pseudonymize(*, now: datetime | None = None) -> int:
    """Replace the listener ids of whole months past AUDIENCE_LISTENER_ID_DAYS; return how
    many credited quarter hours changed.

    Each listener of a city's month gets one new random id, used for that month only and
    remembered nowhere, so the month's figures stay exact (its cume still counts each
    browser once) while nothing joins the month to the listener cookie or to other months:
    a week or a range that spans two such months counts a browser of both twice. A month
    is done in one transaction and marked, so a second run leaves it alone."""
    now = now or timezone.now()
    cutoff = (now - timedelta(days=settings.AUDIENCE_LISTENER_ID_DAYS)).date()
    first_kept = cutoff.replace(day=1)
    old = CreditedQuarterHour.objects.filter(pseudonymous=False, local_date__lt=first_kept)
    months = sorted(
        {
            (city_id, day.replace(day=1))
            for city_id, day in old.values_list("city_id", "local_date").distinct()
        }
    )
    changed = 0
    for city_id, month in months:
        rows = old.filter(
            city_id=city_id, local_date__gte=month, local_date__lt=_month_after(month)
        )
        with transaction.atomic():
            new_ids: dict = defaultdict(uuid.uuid4)
            after = 0
            while page := list(
                rows.filter(pk__gt=after)
                .order_by("pk")
                .values_list("pk", "listener")[:MONTH_IDS_BATCH]
            ):
                CreditedQuarterHour.objects.bulk_update(
                    [
                        CreditedQuarterHour(pk=pk, listener=new_ids[listener], pseudonymous=True)
                        for pk, listener in page
                    ],
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
