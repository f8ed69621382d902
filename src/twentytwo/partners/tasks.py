"""The monthly partner reports, run by the django-tasks-db worker on the 1st of each month.

Each run sends what is not yet sent of last month's reports, then enqueues the next run: in
an hour while some report waits for the month's listening to be final or failed (until the
3rd), else at 06:00 on the next 1st. `python -m twentytwo partner_reports --schedule` (run by
`make demo` and at deploy) starts the chain and does nothing when a run is already waiting."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.tasks import task
from django.utils import timezone

from twentytwo.audience.periods import month_after
from twentytwo.core.scheduling import task_schedule
from twentytwo.partners.services.reports import monthly_reports_send

RETRY_EVERY = timedelta(hours=1)
RETRY_UNTIL_DAY = 3
SEND_AT = time(6, 0)


def next_run_delay(*, now: datetime, unfinished: bool) -> timedelta:
    """How long until the next run: soon while the month's reports are unfinished."""
    local = now.astimezone(ZoneInfo(settings.TIME_ZONE))
    if unfinished and local.day <= RETRY_UNTIL_DAY:
        return RETRY_EVERY
    first = month_after(local.date().replace(day=1))
    at = datetime.combine(first, SEND_AT, tzinfo=local.tzinfo)
    return at - local


@task()
def partner_reports_task() -> dict:
    """Send last month's reports not yet sent, then come back when there is more to do."""
    unfinished = True
    try:
        run = monthly_reports_send()
        unfinished = bool(run.failed or run.waiting)
        return run.as_dict()
    finally:
        # A failed run must not end the chain.
        task_schedule(
            partner_reports_task, delay=next_run_delay(now=timezone.now(), unfinished=unfinished)
        )


def partner_tasks_schedule() -> list[str]:
    """Start the chain: its first run comes at once and sends last month's reports if due."""
    if task_schedule(partner_reports_task, delay=timedelta(0)):
        return [partner_reports_task.name]
    return []
