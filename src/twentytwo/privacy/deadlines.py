"""When an answer to a request about personal data is due.

GDPR art. 12(3) gives one month from receipt, extendable by two further months. A month is
counted as the European Data Protection Board reads it: to the same day of the month in
which it ends, or that month's last day when it has no such day (received 31 January, due
28 or 29 February). No day is added when the date falls on a weekend or holiday: an
earlier deadline is always a kept one."""

from __future__ import annotations

import calendar
from datetime import date

from twentytwo.privacy.models.requests import ANSWER_MONTHS


def months_added(day: date, months: int) -> date:
    """Return the same day `months` months later, or the last day of that month."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def request_due_on(*, received_on: date, extension_months: int = 0) -> date:
    """Return the day an answer is due, with the extension (in months) granted so far."""
    return months_added(received_on, ANSWER_MONTHS + extension_months)


def request_first_due_on(*, received_on: date) -> date:
    """Return the end of the first month, by which any extension must be decided and told."""
    return months_added(received_on, ANSWER_MONTHS)
