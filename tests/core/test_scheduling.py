"""Self-rescheduling chains: each link enqueues the next once and removes the chain's own
finished runs past a day, leaving other tasks' runs and recent history alone."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from twentytwo.audience.tasks import audience_rollup_task
from twentytwo.core.scheduling import RESULTS_KEPT, task_schedule
from twentytwo.privacy.tasks import privacy_retention_task

NOW = datetime(2025, 6, 30, 12, 0, tzinfo=UTC)


@pytest.fixture
def database_queue(settings, monkeypatch):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    monkeypatch.setattr(timezone, "now", lambda: NOW)


def _finished(scheduled_task, *, status: str, at: datetime) -> int:
    result = scheduled_task.using(run_after=at - timedelta(minutes=1)).enqueue()
    DBTaskResult.objects.filter(id=result.id).update(status=status, finished_at=at)
    return result.id


def test_a_link_removes_its_chains_finished_runs_past_a_day(db, database_queue):
    old = _finished(
        audience_rollup_task, status="SUCCESSFUL", at=NOW - RESULTS_KEPT - timedelta(minutes=1)
    )
    old_failure = _finished(audience_rollup_task, status="FAILED", at=NOW - 3 * RESULTS_KEPT)
    recent = _finished(audience_rollup_task, status="SUCCESSFUL", at=NOW - timedelta(hours=23))
    other_chain = _finished(privacy_retention_task, status="SUCCESSFUL", at=NOW - 3 * RESULTS_KEPT)

    assert task_schedule(audience_rollup_task, delay=timedelta(minutes=5))

    kept = {str(pk) for pk in DBTaskResult.objects.values_list("id", flat=True)}
    assert old not in kept and old_failure not in kept
    assert {recent, other_chain} <= kept
    (waiting,) = DBTaskResult.objects.filter(status="READY")
    assert waiting.run_after == NOW + timedelta(minutes=5)


def test_a_chain_already_waiting_is_left_as_it_is(db, database_queue):
    assert task_schedule(audience_rollup_task, delay=timedelta(minutes=5))
    old = _finished(audience_rollup_task, status="SUCCESSFUL", at=NOW - 3 * RESULTS_KEPT)

    assert not task_schedule(audience_rollup_task, delay=timedelta(0))

    assert DBTaskResult.objects.filter(id=old).exists()  # the next link removes it
    assert DBTaskResult.objects.filter(status="READY").count() == 1
