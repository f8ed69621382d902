"""Background tasks of the traffic app, run by the django-tasks-db worker.

The worker has no clock of its own, so each task enqueues its next run with `run_after`;
`python -m twentytwo traffic_retention --schedule` (run by `make demo` and at deploy) starts
the chains and does nothing when a run is already waiting. The heartbeat's only job is to
show, through /readyz, that a worker is running."""

from __future__ import annotations

from datetime import timedelta

from django.tasks import task
from django.utils import timezone

from twentytwo.core.scheduling import task_schedule
from twentytwo.traffic.services.retention import traffic_retention_apply
from twentytwo.traffic.services.rollups import traffic_rollup_apply
from twentytwo.traffic.services.worker import worker_heartbeat_record

# Hourly: an address is cut at most an hour after its seven days are up.
RETENTION_EVERY = timedelta(hours=1)
HEARTBEAT_EVERY = timedelta(minutes=1)
# The hours the dashboard reads for a week; until then it adds up the hours not made yet.
ROLLUP_EVERY = timedelta(minutes=5)


@task()
def traffic_retention_task() -> dict:
    """Cut addresses and delete records and files past their age, then come back in an hour."""
    try:
        result = traffic_retention_apply(now=timezone.now())
    finally:
        # A failed run must not end the chain: the next one does the same work.
        task_schedule(traffic_retention_task, delay=RETENTION_EVERY)
    return result.__dict__


@task()
def traffic_rollup_task() -> int:
    """Make the hours of the records stored since the last run, then come back."""
    try:
        return traffic_rollup_apply()
    finally:
        task_schedule(traffic_rollup_task, delay=ROLLUP_EVERY)


@task()
def traffic_heartbeat_task() -> None:
    """Note that the worker runs, then come back in a minute."""
    try:
        worker_heartbeat_record(now=timezone.now())
    finally:
        task_schedule(traffic_heartbeat_task, delay=HEARTBEAT_EVERY)


def traffic_tasks_schedule() -> list[str]:
    """Start the retention, rollup and heartbeat chains; return the names of those enqueued."""
    return [
        scheduled_task.name
        for scheduled_task in (traffic_retention_task, traffic_rollup_task, traffic_heartbeat_task)
        if task_schedule(scheduled_task, delay=timedelta(0))
    ]
