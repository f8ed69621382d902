"""Credited quarter hours: the radio rule of 5 minutes inside a fixed clock quarter hour.

Quarter hours start at :00, :15, :30 and :45 of the city's clock. Every time zone in use today
is offset from UTC by a whole number of quarter hours, so a city's quarter hours are exactly
the UTC ones and a slot is named by the UTC instant it starts at; on a day when the clocks
change the city simply has 92 or 100 of them. Minutes never carry over from one slot to the
next: 07:56-08:19 gives 4, 15 and 4 minutes and exactly one credited quarter hour.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

QUARTER_HOUR = timedelta(minutes=15)
CREDIT_MINIMUM_SECONDS = 5 * 60

# A credit key is (city_id, genre_id, track_id); track_id STATION means the whole genre.
STATION = 0


def quarter_hour_start(moment: datetime) -> datetime:
    """Return the start of the quarter hour holding `moment`, in UTC."""
    moment = moment.astimezone(UTC)
    return moment.replace(minute=moment.minute - moment.minute % 15, second=0, microsecond=0)


def quarter_hour_seconds(start: datetime, end: datetime) -> dict[datetime, float]:
    """Split [start, end) into seconds per quarter hour."""
    seconds: dict[datetime, float] = {}
    slot = quarter_hour_start(start)
    while slot < end:
        slot_end = slot + QUARTER_HOUR
        inside = (min(end, slot_end) - max(start, slot)).total_seconds()
        if inside > 0:
            seconds[slot] = seconds.get(slot, 0.0) + inside
        slot = slot_end
    return seconds


def credited_quarter_hours(
    intervals: Iterable[tuple[tuple[int, int, int], datetime, datetime]],
) -> dict[tuple[int, int, int], set[datetime]]:
    """Return, per (city, genre, track) key, the quarter hours one listener is credited in.

    `intervals` are one listener's (key, start, end) listening intervals. Each interval counts
    toward its track and toward its station (track STATION): five minutes of a genre made of
    two tracks credit the genre but neither track."""
    seconds: dict[tuple[int, int, int], dict[datetime, float]] = defaultdict(
        lambda: defaultdict(float)
    )
    for (city_id, genre_id, track_id), start, end in intervals:
        for slot, inside in quarter_hour_seconds(start, end).items():
            seconds[(city_id, genre_id, track_id)][slot] += inside
            seconds[(city_id, genre_id, STATION)][slot] += inside
    return {
        key: {slot for slot, s in per_slot.items() if s >= CREDIT_MINIMUM_SECONDS}
        for key, per_slot in seconds.items()
        if any(s >= CREDIT_MINIMUM_SECONDS for s in per_slot.values())
    }
