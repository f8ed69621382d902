"""/healthz says the process is up; /readyz says whether the database answers and the task
worker was seen lately, and names what is wrong when not."""

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from tests.support.processes import PYTHONPATH, ROOT
from tests.support.wsgi import call
from twentytwo.traffic.services.worker import worker_heartbeat_record

NOW = datetime(2025, 6, 30, 12, 0, tzinfo=UTC)


@pytest.fixture
def worker_backend(settings, monkeypatch):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.WORKER_STALE_SECONDS = 300
    monkeypatch.setattr(timezone, "now", lambda: NOW)


def test_healthz_answers_ok(site):
    answer = call(site, "/healthz")
    assert (answer.status, answer.text) == (200, "ok\n")
    assert answer.headers["Cache-Control"] == "no-store"


def test_readyz_is_ready_with_the_database_and_a_recent_heartbeat(site, worker_backend):
    worker_heartbeat_record(now=NOW - timedelta(seconds=30))
    answer = call(site, "/readyz")
    assert answer.status == 200
    assert "database: ok" in answer.text
    assert "worker: seen 30 s ago" in answer.text


def test_readyz_is_not_ready_before_the_worker_was_ever_seen(site, worker_backend):
    answer = call(site, "/readyz")
    assert answer.status == 503
    assert answer.text.startswith("worker: never seen")


def test_readyz_is_not_ready_when_the_worker_went_quiet(site, worker_backend):
    worker_heartbeat_record(now=NOW - timedelta(seconds=301))
    answer = call(site, "/readyz")
    assert answer.status == 503
    assert answer.text.startswith("worker: last seen 301 s ago, more than 300 s")


def test_readyz_needs_no_worker_when_tasks_run_at_once(site, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    answer = call(site, "/readyz")
    assert answer.status == 200
    assert "worker: not needed" in answer.text


READYZ_SCRIPT = """
import django
django.setup()
from tests.support.wsgi import call
from twentytwo.config.wsgi import application
for path in ("/readyz", "/healthz"):
    answer = call(application, path)
    print(answer.status, answer.text.strip())
"""


def test_readyz_says_when_the_database_does_not_answer(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "twentytwo.config.settings",
        "TWENTYTWO_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'no-such-folder' / 'db.sqlite3'}",
        "TWENTYTWO_ALLOWED_HOSTS": "testserver",
        "TWENTYTWO_SECRET_KEY": "readyz-test-key-" + "x" * 40,
        "TWENTYTWO_LOG_LEVEL": "CRITICAL",
        "PYTHONPATH": PYTHONPATH,
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    done = subprocess.run(
        [sys.executable, "-c", READYZ_SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "503 database: not answering (OperationalError)",
        "200 ok",
    ]
