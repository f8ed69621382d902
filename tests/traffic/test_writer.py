"""The buffered writer: records leave the request path, a full disk or a failing table
costs records (counted) and never a request, and nothing waiting is lost at a clean stop."""

import os
import time
from datetime import UTC, datetime

import pytest
from django.db import connection

from tests.traffic.conftest import file_lines, records
from tests.traffic.wsgi import call
from twentytwo.traffic.files import day_file_path
from twentytwo.traffic.models import AccessRecord
from twentytwo.traffic.records import Hit
from twentytwo.traffic.writer import AccessLogWriter, access_log_writer_install


def hit(path: str = "/api/cities", **fields) -> Hit:
    values = {
        "started": time.time(),
        "duration_us": 1500,
        "request_id": "r" * 32,
        "method": "GET",
        "path": path,
        "status": 200,
        "response_bytes": 10,
        "remote_addr": "203.0.113.9",
        "forwarded_for": None,
        "cookie": None,
        "user_agent": None,
        "referer": None,
        "gpc": None,
    }
    return Hit(**{**values, **fields})


def test_nothing_is_written_during_the_request(site, db, access_log):
    call(site, "/api/cities")
    assert access_log.pending == 1
    assert not AccessRecord.objects.exists()
    assert not access_log.directory.exists()


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_a_full_disk_loses_the_files_copy_counted_and_the_request_is_answered(site, db, access_log):
    access_log.directory.mkdir(parents=True)
    today = datetime.now(UTC).date()
    day_file_path(access_log.directory, today).symlink_to("/dev/full")

    answer = call(site, "/api/cities")

    assert answer.status == 200
    assert len(records(access_log)) == 1  # the table still has it
    assert access_log.counters.records_lost == {"file": 1}
    assert access_log.counters.records_written == {"table": 1}


def test_a_failing_table_loses_the_tables_copy_counted_and_the_request_is_answered(
    site, db, access_log
):
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {AccessRecord._meta.db_table}")

    answer = call(site, "/api/cities")
    access_log.flush()

    assert answer.status == 200
    assert access_log.counters.records_lost == {"table": 1}
    assert [line["request_id"] for line in file_lines(access_log)] == [
        answer.headers["X-Request-ID"]
    ]
    # The writer's failed insert left the connection usable.
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def test_past_the_buffer_limit_records_are_counted_lost(site, db, tmp_path):
    writer = AccessLogWriter(directory=tmp_path / "small", buffer_limit=2, background=False)
    access_log_writer_install(writer)
    answers = [call(site, "/api/cities") for _ in range(3)]

    assert all(answer.status == 200 for answer in answers)
    assert writer.flush() == 2
    assert writer.counters.records_lost == {"buffer": 1}


def test_the_thread_writes_a_full_batch_without_waiting_for_the_clock(tmp_path):
    writer = AccessLogWriter(
        directory=tmp_path / "log", flush_seconds=3600, batch_size=2, table=False
    )
    try:
        writer.submit(hit())
        writer.submit(hit())
        deadline = time.monotonic() + 30
        while writer.counters.records_written.get("file", 0) < 2:
            assert time.monotonic() < deadline, "the writer's thread never wrote the batch"
            time.sleep(0.01)
    finally:
        writer.close()
    (day_file,) = (tmp_path / "log").iterdir()
    assert len(day_file.read_text().splitlines()) == 2


def test_closing_writes_what_is_still_waiting(tmp_path):
    writer = AccessLogWriter(directory=tmp_path / "log", flush_seconds=3600, table=False)
    for _ in range(3):
        writer.submit(hit())
    assert writer.counters.records_written == {}

    writer.close()
    writer.close()

    (day_file,) = (tmp_path / "log").iterdir()
    assert len(day_file.read_text().splitlines()) == 3
    assert not writer._thread.is_alive()
