"""Background work of the privacy center, run by the django-tasks-db worker.

Like the audience tasks, each run enqueues the next; `python -m twentytwo privacy_retention
--schedule` (run by `make demo` and at deploy) starts the chain and does nothing when a run
is already waiting."""

from __future__ import annotations

from datetime import timedelta

from django.tasks import task

from twentytwo.core.scheduling import task_schedule
from twentytwo.privacy.services.retention import retention_apply

RETENTION_EVERY = timedelta(hours=24)


@task()
def privacy_retention_task() -> dict:
    """Apply every declared retention period, then come back tomorrow; return what went."""
    try:
        outcome = retention_apply()
    finally:
        # A failed run must not end the chain: tomorrow's run applies the same rules.
        task_schedule(privacy_retention_task, delay=RETENTION_EVERY)
    return outcome.as_dict()


def privacy_tasks_schedule() -> list[str]:
    """Start the retention chain; return the names of the tasks enqueued."""
    if task_schedule(privacy_retention_task, delay=timedelta(0)):
        return [privacy_retention_task.name]
    return []
