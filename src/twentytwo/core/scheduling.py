"""Chains of background tasks that enqueue their own next run, shared by every app.

A task such as the audience rollup ends by enqueuing itself to run again a little later;
`make demo` (and a deploy) starts each chain once. Starting a chain that already waits in
the queue does nothing, so a second start never makes two chains. Each link removes the
chain's finished runs older than RESULTS_KEPT, which would otherwise pile up in the queue's
table (the rollup alone leaves 288 a day)."""

from datetime import timedelta

from django.tasks import TaskResultStatus, task_backends
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

# Finished runs of a chain are kept this long, for the task admin's history.
RESULTS_KEPT = timedelta(days=1)
FINISHED = (TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED)


def _waiting(scheduled_task) -> bool:
    """Say whether a run of the task already waits in the database queue."""
    if not isinstance(task_backends[scheduled_task.backend], DatabaseBackend):
        return False
    return DBTaskResult.objects.filter(
        status=TaskResultStatus.READY, task_path=scheduled_task.module_path
    ).exists()


def task_schedule(scheduled_task, *, delay: timedelta) -> bool:
    """Enqueue the task to run after `delay` unless a run already waits; say whether it did."""
    if not task_backends[scheduled_task.backend].supports_defer:
        # A backend that runs tasks at once cannot wait: the chain would never end.
        return False
    if _waiting(scheduled_task):
        return False
    now = timezone.now()
    scheduled_task.using(run_after=now + delay).enqueue()
    if isinstance(task_backends[scheduled_task.backend], DatabaseBackend):
        DBTaskResult.objects.filter(
            task_path=scheduled_task.module_path,
            status__in=FINISHED,
            finished_at__lt=now - RESULTS_KEPT,
        ).delete()
    return True
