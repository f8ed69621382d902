"""What /readyz and /metrics read at the moment they are asked: the database, Redis, the
task worker's heartbeat and the task queue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import DatabaseError, connection
from django.tasks import TaskResultStatus, task_backends
from django.utils import timezone

from twentytwo.core.shared import shared_errors, shared_store
from twentytwo.traffic.models import WorkerHeartbeat

HEARTBEAT = "worker"
DATABASE_DOWN = "database: not answering ({error})"
WORKER_NEVER_SEEN = "worker: never seen (is `python -m twentytwo db_worker` running?)"
WORKER_STALE = "worker: last seen {seconds} s ago, more than {limit} s"
SHARED_DOWN = "redis: not answering, degraded: each process keeps its own cache, budgets and limits"


def worker_last_seen() -> datetime | None:
    """Return when the task worker last ran the heartbeat task, or None if it never did."""
    return WorkerHeartbeat.objects.filter(name=HEARTBEAT).values_list("seen_at", flat=True).first()


@dataclass
class Readiness:
    problems: list[str]
    notes: list[str]

    @property
    def ready(self) -> bool:
        return not self.problems


def database_answers() -> str | None:
    """Return None when the database answers a query, else what went wrong."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        return type(error).__name__
    return None


def shared_store_answers() -> bool | None:
    """True when Redis answers a ping, False when not, None when none is configured."""
    if not shared_store.url():
        return None
    client = shared_store.client()
    if client is None:  # found down a moment ago; asked again after a few seconds
        return False
    try:
        client.ping()
    except shared_errors():
        shared_store.failed()
        return False
    shared_store.answered()
    return True


def worker_needed() -> bool:
    """A backend that runs tasks at once (tests, some setups) has no worker to wait for."""
    return bool(task_backends["default"].supports_defer)


def readiness(*, now: datetime | None = None) -> Readiness:
    now = now or timezone.now()
    problems: list[str] = []
    notes: list[str] = []
    error = database_answers()
    if error is not None:
        return Readiness(problems=[DATABASE_DOWN.format(error=error)], notes=[])
    notes.append("database: ok")
    shared = shared_store_answers()
    if shared is not None:
        # The site serves without Redis: that is said, and the node stays in rotation.
        notes.append("redis: ok" if shared else SHARED_DOWN)
    if not worker_needed():
        notes.append("worker: not needed (tasks run at once)")
        return Readiness(problems=problems, notes=notes)
    seen = worker_last_seen()
    limit = settings.WORKER_STALE_SECONDS
    if seen is None:
        problems.append(WORKER_NEVER_SEEN)
    elif (age := int((now - seen).total_seconds())) > limit:
        problems.append(WORKER_STALE.format(seconds=age, limit=limit))
    else:
        notes.append(f"worker: seen {age} s ago")
    return Readiness(problems=problems, notes=notes)


def task_queue_depth(*, now: datetime | None = None) -> dict[str, int]:
    """Return how many tasks are due and waiting, waiting for a later time, and running."""
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
    return {
        "ready": waiting.filter(run_after__lte=now).count(),
        "scheduled": waiting.filter(run_after__gt=now).count(),
        "running": DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).count(),
    }
