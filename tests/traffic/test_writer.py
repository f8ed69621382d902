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
        "started_us": time.time_ns() // 1000,
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


def test_a_large_batch_is_stored_and_written_exactly_as_each_record_says(station, tmp_path):
    """The writer's fast encoding (batches.py) against the plain one, field by field."""
    import json
    import uuid

    from twentytwo.traffic.files import record_line
    from twentytwo.traffic.records import CatalogIds, access_record

    _city, genre, track = station
    paths = [
        f"/api/genres/{genre.pk}/tracks",
        "/amsterdam/deep-house/",
        f"/tracks/{track.pk}/",
        '/odd/"quoted"\\path/caf\xc3\xa9/',
    ]
    start = int(datetime(2025, 6, 30, 23, 59, 59, tzinfo=UTC).timestamp()) * 1_000_000
    hits = [
        hit(
            path=paths[i % 4],
            started_us=start + i * 13_700,  # crosses midnight: two day files
            duration_us=37 * i,
            request_id=f"{i:032x}",
            status=(200, 404, 500)[i % 3],
            response_bytes=i * 11,
            remote_addr=("198.51.100.7", "2001:db8:1:2::3")[i % 2],
            cookie=f"tt_listener={uuid.UUID(int=i % 5).hex}" if i % 3 else None,
            user_agent=("curl/8.1", "Mozilla/5.0 Firefox/128.0", None)[i % 3],
            referer="https://blog.example.org/x" if i % 7 == 0 else None,
        )
        for i in range(250)
    ]
    writer = AccessLogWriter(directory=tmp_path / "log", background=False)
    for one in hits:
        writer.submit(one)
    assert writer.flush() == 250

    expected = [access_record(one, catalog=CatalogIds()) for one in hits]
    stored = {record.request_id: record for record in AccessRecord.objects.all()}
    assert len(stored) == 250
    for want in expected:
        got = stored[want["request_id"]]
        assert {name: getattr(got, name) for name in want} == want
    lines = [
        json.loads(line)
        for day_file in sorted((tmp_path / "log").iterdir())
        for line in day_file.read_text().splitlines()
    ]
    assert len({day_file.name for day_file in (tmp_path / "log").iterdir()}) == 2
    assert sorted(lines, key=lambda line: line["request_id"]) == [
        json.loads(record_line(want)) for want in expected
    ]
