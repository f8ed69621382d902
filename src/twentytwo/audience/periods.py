"""Days, weeks and months: the steps of a ratings time series.

A week is an ISO week (Monday to Sunday) and a month a calendar month, both in the city's
own calendar; the first and last period are cut to the range asked for, and each period's
cume counts every listener of that period once (METRICS.md: cume is not a sum of days)."""

from dataclasses import dataclass
from datetime import date, timedelta

DAY, WEEK, MONTH = "day", "week", "month"
STEPS = (DAY, WEEK, MONTH)
# The longest range each step draws: about a hundred points at most.
MAX_DAYS = {DAY: 92, WEEK: 53 * 7, MONTH: 731}
# Listening is measured from the service's start; a day much earlier or later than today
# names no day anyone listened on (and the calendar's ends cannot be turned into instants).
EARLIEST_DAY = date(2000, 1, 1)
LATEST_DAYS_AHEAD = 366
DAY_OUT_OF_RANGE = "Choose a day from {earliest} to {latest}."


def reportable_days(*, today: date) -> tuple[date, date]:
    """Return the first and the last day a report may cover."""
    return EARLIEST_DAY, today + timedelta(days=LATEST_DAYS_AHEAD)


@dataclass(frozen=True)
class Period:
    first: date
    last: date
    name: str  # 2026-03-02, 2026-W10, 2026-03
    tick: str  # what the chart's axis shows: 2 Mar, W10, Mar 2026


def month_after(day: date) -> date:
    """Return the first day of the month after the one `day` is in."""
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def periods(first: date, last: date, step: str) -> list[Period]:
    """Split first..last into whole days, ISO weeks or calendar months, cut at both ends."""
    result = []
    start = first
    while start <= last:
        if step == DAY:
            end = start
            name, tick = start.isoformat(), f"{start.day} {start:%b}"
        elif step == WEEK:
            end = start + timedelta(days=6 - start.weekday())
            year, week, _ = start.isocalendar()
            name, tick = f"{year}-W{week:02d}", f"W{week:02d}"
        elif step == MONTH:
            end = month_after(start) - timedelta(days=1)
            name, tick = f"{start:%Y-%m}", f"{start:%b %Y}"
        else:
            raise ValueError(f"unknown step {step!r}")
        end = min(end, last)
        result.append(Period(first=start, last=end, name=name, tick=tick))
        start = end + timedelta(days=1)
    return result
