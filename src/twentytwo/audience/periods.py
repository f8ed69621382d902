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


@dataclass(frozen=True)
class Period:
    first: date
    last: date
    name: str  # 2026-03-02, 2026-W10, 2026-03
    tick: str  # what the chart's axis shows: 2 Mar, W10, Mar 2026


def _next_month(day: date) -> date:
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
            end = _next_month(start) - timedelta(days=1)
            name, tick = f"{start:%Y-%m}", f"{start:%b %Y}"
        else:
            raise ValueError(f"unknown step {step!r}")
        end = min(end, last)
        result.append(Period(first=start, last=end, name=name, tick=tick))
        start = end + timedelta(days=1)
    return result
