"""Dayparts in the city's clock, and the quarter hours of a daypart over a range of days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from twentytwo.audience.crediting import QUARTER_HOUR

UNKNOWN_DAYPART = "Unknown daypart “%(name)s”; choose one of: %(names)s."


@dataclass(frozen=True)
class Daypart:
    name: str
    first_hour: int  # inclusive, city clock
    last_hour: int  # exclusive; 24 is midnight

    def holds(self, local: datetime) -> bool:
        return self.first_hour <= local.hour < self.last_hour


DAYPARTS = {
    d.name: d
    for d in (
        Daypart("mon-sun", 6, 24),
        Daypart("morning-drive", 6, 10),
        Daypart("midday", 10, 15),
        Daypart("afternoon-drive", 15, 19),
        Daypart("evening", 19, 24),
        Daypart("overnight", 0, 6),
        Daypart("all-day", 0, 24),
    )
}
DEFAULT_DAYPART = "mon-sun"


def daypart_by_name(name: str) -> Daypart:
    try:
        return DAYPARTS[name]
    except KeyError:
        raise ValueError(UNKNOWN_DAYPART % {"name": name, "names": ", ".join(DAYPARTS)}) from None


def local_day_bounds(first: date, last: date, time_zone: str) -> tuple[datetime, datetime]:
    """Return the UTC instants where the city's days `first` to `last` begin and end."""
    zone = ZoneInfo(time_zone)
    begin = datetime.combine(first, time(0), tzinfo=zone).astimezone(UTC)
    end = datetime.combine(last + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)
    return begin, end


def daypart_quarter_hours(
    first: date, last: date, daypart: Daypart, time_zone: str
) -> list[datetime]:
    """Return the UTC starts of the daypart's quarter hours over the city's days first..last.

    Walking real instants (not clock readings) counts a repeated hour on the night the clocks
    go back twice and a skipped hour not at all."""
    zone = ZoneInfo(time_zone)
    slot, end = local_day_bounds(first, last, time_zone)
    slots = []
    while slot < end:
        if daypart.holds(slot.astimezone(zone)):
            slots.append(slot)
        slot += QUARTER_HOUR
    return slots
