"""Background tasks of audience measurement, run by the django-tasks-db worker.

The worker has no clock of its own, so each task enqueues its next run with `run_after`;
`python -m twentytwo audience_rollup --schedule` (run by `make demo` and at deploy) starts the
chains and does nothing when a run is already waiting.
"""

from __future__ import annotations

from datetime import timedelta

from django.tasks import task

from twentytwo.audience.services.retention import (
    events_delete_expired,
    listener_ids_pseudonymize,
)
from twentytwo.audience.services.rollups import rollup_run
from twentytwo.core.scheduling import task_schedule

ROLLUP_EVERY = timedelta(minutes=5)
RETENTION_EVERY = timedelta(hours=24)


@task()
def audience_rollup_task() -> str | None:
    """Bring the rollups up to date, then come back in five minutes."""
    try:
        result = rollup_run()
    finally:
        # A failed run must not end the chain: the next one retries from the watermark.
        task_schedule(audience_rollup_task, delay=ROLLUP_EVERY)
    until = result.processed_until
    return until.isoformat() if until else None


@task()
def audience_retention_task() -> int:
    """Delete raw events past the retention and replace the listener ids of old months,
    then come back tomorrow."""
    try:
        deleted = events_delete_expired()
        listener_ids_pseudonymize()
    finally:
        task_schedule(audience_retention_task, delay=RETENTION_EVERY)
    return deleted


def audience_tasks_schedule() -> list[str]:
    """Start the rollup and retention chains; return the names of the tasks enqueued."""
    enqueued = []
    for scheduled_task in (audience_rollup_task, audience_retention_task):
        if task_schedule(scheduled_task, delay=timedelta(0)):
            enqueued.append(scheduled_task.name)
    return enqueued
