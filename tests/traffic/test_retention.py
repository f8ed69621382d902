"""Retention, with the clock pinned: addresses are cut after seven days and records deleted
after ninety, in the table and in the day files, by the hourly task that keeps itself going."""

import json
import os
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from twentytwo.traffic.files import day_file_path, day_files, records_append
from twentytwo.traffic.loader import AccessLogLoader
from twentytwo.traffic.metrics import Counters
from twentytwo.traffic.models import AccessRecord, WorkerHeartbeat
from twentytwo.traffic.records import Hit
from twentytwo.traffic.services.records import access_records_store
from twentytwo.traffic.services.retention import traffic_retention_apply
from twentytwo.traffic.spool import spool_files, spool_reject, spool_write
from twentytwo.traffic.tasks import (
    HEARTBEAT_EVERY,
    RETENTION_EVERY,
    traffic_heartbeat_task,
    traffic_retention_task,
    traffic_tasks_schedule,
)

NOW = datetime(2025, 6, 30, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)
HOUR = timedelta(hours=1)


def record(at: datetime, ip: str = "198.51.100.23", **fields) -> dict:
    network = "198.51.100.0/24" if ":" not in ip else "2001:db8:7::/48"
    return {
        "time": at,
        "request_id": f"{int(at.timestamp()):032x}",
        "method": "GET",
        "route": "api:cities",
        "path": "/api/cities",
        "status": 200,
        "duration_us": 1000,
        "response_bytes": 10,
        "client_ip": ip,
        "client_network": network,
        "listener": None,
        "city_id": None,
        "genre_id": None,
        "track_id": None,
        "user_agent_family": "",
        "referrer_host": "",
        **fields,
    }


@pytest.fixture
def log_dir(settings, tmp_path):
    settings.ACCESS_LOG_DIR = tmp_path / "log"
    settings.ACCESS_LOG_SPOOL_DIR = tmp_path / "log" / "spool"
    settings.METRICS_DIR = tmp_path / "metrics"
    settings.TRAFFIC_IP_TRUNCATE_DAYS = 7
    settings.TRAFFIC_RETENTION_DAYS = 90
    return settings.ACCESS_LOG_DIR


@pytest.fixture
def pinned_clock(monkeypatch):
    clock = {"now": NOW}
    monkeypatch.setattr(timezone, "now", lambda: clock["now"])
    return clock


def _addresses() -> dict[datetime, str | None]:
    return dict(AccessRecord.objects.values_list("time", "client_ip"))


def test_addresses_are_cut_after_seven_days_and_records_deleted_after_ninety(db, log_dir):
    ages = [6 * DAY + 23 * HOUR, 7 * DAY + HOUR, 89 * DAY + 23 * HOUR, 90 * DAY + HOUR]
    access_records_store(
        records=[record(NOW - ages[0], ip="2001:db8:7:1::5")]
        + [record(NOW - age) for age in ages[1:]]
    )

    result = traffic_retention_apply(now=NOW)

    assert (result.addresses_truncated, result.records_deleted) == (2, 1)
    assert _addresses() == {
        NOW - ages[0]: "2001:db8:7:1::5",
        NOW - ages[1]: None,
        NOW - ages[2]: None,
    }
    networks = set(AccessRecord.objects.values_list("client_network", flat=True))
    assert networks == {"2001:db8:7::/48", "198.51.100.0/24"}

    # Two hours later the younger two have come of age.
    later = traffic_retention_apply(now=NOW + 2 * HOUR)
    assert (later.addresses_truncated, later.records_deleted) == (1, 1)
    assert _addresses() == {NOW - ages[0]: None, NOW - ages[1]: None}
    assert traffic_retention_apply(now=NOW + 2 * HOUR) == type(later)()


def test_day_files_are_rewritten_without_addresses_then_deleted(db, log_dir):
    today = NOW.date()
    days = {age: today - timedelta(days=age) for age in (6, 7, 8, 89, 90, 91)}
    for day in days.values():
        at = datetime(day.year, day.month, day.day, 23, 59, tzinfo=UTC)
        records_append(log_dir, [record(at), record(at, ip="2001:db8:7:1::5")])
    day_file_path(log_dir, days[8]).open("a").write('{"client_ip": "192.0.2.1", "cut sho')
    (log_dir / "notes.txt").write_text("not a day file")

    result = traffic_retention_apply(now=NOW)

    # A day file goes as soon as its first moment is due: no line outlives a limit.
    assert (result.files_truncated, result.files_deleted, result.lines_dropped) == (3, 2, 1)
    left = {f.day: f for f in day_files(log_dir)}
    assert sorted(left) == sorted([days[6], days[7], days[8], days[89]])
    assert not left[days[6]].truncated
    for age in (7, 8, 89):
        day_file = left[days[age]]
        assert day_file.truncated
        assert day_file.path == day_file_path(log_dir, days[age], truncated=True)
        lines = [json.loads(line) for line in day_file.path.read_text().splitlines()]
        assert [line["client_ip"] for line in lines] == [None, None]
        assert [line["client_network"] for line in lines] == ["198.51.100.0/24", "2001:db8:7::/48"]
    assert not day_file_path(log_dir, days[7]).exists()
    assert (log_dir / "notes.txt").exists()
    assert "192.0.2.1" not in "".join(f.path.read_text() for f in day_files(log_dir)[1:])
    assert traffic_retention_apply(now=NOW).files_truncated == 0


def test_the_task_applies_retention_and_comes_back_in_an_hour(db, log_dir, settings, pinned_clock):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    access_records_store(records=[record(NOW - 8 * DAY), record(NOW - 91 * DAY)])

    outcome = traffic_retention_task.call()

    assert outcome["addresses_truncated"] == 1
    assert outcome["records_deleted"] == 1
    waiting = DBTaskResult.objects.get(status="READY")
    assert waiting.task_path == traffic_retention_task.module_path
    assert waiting.run_after == NOW + RETENTION_EVERY


def test_the_heartbeat_notes_the_worker_and_prunes_old_runs(db, settings, pinned_clock):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    old = traffic_heartbeat_task.using(run_after=NOW - 3 * DAY).enqueue()
    DBTaskResult.objects.filter(id=old.id).update(status="SUCCESSFUL", finished_at=NOW - 2 * DAY)

    traffic_heartbeat_task.call()

    assert WorkerHeartbeat.objects.get().seen_at == NOW
    assert not DBTaskResult.objects.filter(id=old.id).exists()
    (waiting,) = DBTaskResult.objects.filter(status="READY")
    assert waiting.run_after == NOW + HEARTBEAT_EVERY


def test_scheduling_starts_each_chain_once(db, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assert traffic_tasks_schedule() == [
        "traffic_retention_task",
        "traffic_rollup_task",
        "traffic_heartbeat_task",
    ]
    assert traffic_tasks_schedule() == []


def test_a_backend_that_cannot_wait_gets_no_chain(db, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    assert traffic_tasks_schedule() == []


def test_the_command_applies_retention_now(db, log_dir, capsys):
    now = timezone.now()
    access_records_store(records=[record(now - 8 * DAY), record(now - 91 * DAY)])
    call_command("traffic_retention")
    assert "Cut 1 address(es) and deleted 1 record(s)" in capsys.readouterr().out


def _hit(at: datetime, request_id: str) -> tuple:
    started = int(at.timestamp() * 1_000_000)
    return tuple(Hit(started, 900, request_id, "GET", "/api/cities", 200, 10, "198.51.100.23",
                     None, None, None, None, None))  # fmt: skip


def _aged(path, at: datetime):
    os.utime(path, (at.timestamp(), at.timestamp()))
    return path


def test_retention_loads_the_spool_when_no_loader_is_at_work(db, log_dir):
    spool = log_dir / "spool"
    spool_write(spool, [_hit(NOW - HOUR, "a" * 32), _hit(NOW - HOUR, "b" * 32)])

    result = traffic_retention_apply(now=NOW)

    assert result.records_loaded == 2
    assert sorted(AccessRecord.objects.values_list("request_id", flat=True)) == ["a" * 32, "b" * 32]
    assert spool_files(spool) == []


def test_spool_files_that_waited_past_the_address_limit_are_removed(db, log_dir):
    spool = log_dir / "spool"
    old, fresh = NOW - 7 * DAY - HOUR, NOW - 7 * DAY + HOUR
    waiting_old = _aged(spool_write(spool, [_hit(old, "c" * 32)]), old)
    waiting_fresh = _aged(spool_write(spool, [_hit(fresh, "d" * 32)]), fresh)
    rejected = spool_write(spool, [])
    spool_reject(rejected)
    rejected_old = _aged(rejected.with_suffix(".rejected"), old)
    half_written = spool / ".00000000000000000001-9-9.tmp"
    half_written.write_bytes(b"cut short")
    _aged(half_written, old)
    # A loader is at work (say, stuck): retention leaves the loading to it.
    busy = AccessLogLoader(spool_directory=spool, directory=log_dir, counters=Counters())
    with busy.lock(wait=False):
        result = traffic_retention_apply(now=NOW)

    assert result.records_loaded == 0
    assert result.spool_files_deleted == 3
    assert [f.path for f in spool_files(spool)] == [waiting_fresh]
    assert not waiting_old.exists() and not rejected_old.exists() and not half_written.exists()
    assert not AccessRecord.objects.exists()


def test_marks_of_loaded_chunks_left_behind_are_removed_after_a_day(db, log_dir):
    from twentytwo.traffic.models import LoadedChunk

    LoadedChunk.objects.create(spool_file="old", chunk=0, loaded_at=NOW - DAY - HOUR)
    LoadedChunk.objects.create(spool_file="recent", chunk=0, loaded_at=NOW - HOUR)

    traffic_retention_apply(now=NOW)

    assert list(LoadedChunk.objects.values_list("spool_file", flat=True)) == ["recent"]
