"""The buffered writer and the loader: records leave the request path, a full disk, a full
spool or a failing table costs records (counted) and never a request, an unreadable spool
file is set aside, and nothing waiting is lost at a clean stop."""

import io
import json
import marshal
import os
import time
from datetime import UTC, datetime

import pytest
from django.db import connection

from tests.support.access_log import file_lines, records
from tests.support.wsgi import call
from twentytwo.traffic.files import day_file_path
from twentytwo.traffic.loader import AccessLogLoader, LoaderBusy
from twentytwo.traffic.metrics import Counters
from twentytwo.traffic.models import AccessRecord
from twentytwo.traffic.records import Hit
from twentytwo.traffic.spool import spool_files, spool_read, spool_write
from twentytwo.traffic.writer import AccessLogWriter, access_log_writer_install


def hit(path: str = "/api/cities", **fields) -> tuple:
    """A hit as the request path hands it over: a plain tuple of Hit's fields."""
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
    return tuple(Hit(**{**values, **fields}))


def loaded(tmp_path, counters=None) -> AccessLogLoader:
    return AccessLogLoader(
        spool_directory=tmp_path / "spool",
        directory=tmp_path / "log",
        counters=Counters() if counters is None else counters,
    )


def test_nothing_is_written_during_the_request(site, db, access_log):
    call(site, "/api/cities")
    assert access_log.pending == 1
    assert not AccessRecord.objects.exists()
    assert not access_log.loader.directory.exists()


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_a_full_disk_loses_the_files_copy_counted_and_the_request_is_answered(site, db, access_log):
    access_log.loader.directory.mkdir(parents=True)
    today = datetime.now(UTC).date()
    day_file_path(access_log.loader.directory, today).symlink_to("/dev/full")

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
    writer = AccessLogWriter(
        spool_directory=tmp_path / "spool", counters=Counters(), buffer_limit=2, background=False
    )
    access_log_writer_install(writer)
    answers = [call(site, "/api/cities") for _ in range(3)]

    assert all(answer.status == 200 for answer in answers)
    assert writer.flush() == 2
    assert writer.counters.records_lost == {"buffer": 1}


def test_a_spool_on_a_full_disk_loses_the_records_counted_and_leaves_no_half_file(
    site, db, tmp_path, monkeypatch
):
    import errno
    import types

    from twentytwo.traffic import spool as spool_module

    counters = Counters()
    spool = tmp_path / "spool"
    writer = AccessLogWriter(spool_directory=spool, counters=counters, background=False)
    access_log_writer_install(writer)
    answer = call(site, "/api/cities")
    written = []

    def disk_full_after_a_few_bytes(fd, data):
        if written:
            raise OSError(errno.ENOSPC, "No space left on device")
        written.append(fd)
        return os.write(fd, bytes(data)[:5])

    monkeypatch.setattr(
        spool_module,
        "os",
        types.SimpleNamespace(**{**vars(os), "write": disk_full_after_a_few_bytes}),
    )
    assert writer.flush() == 0
    monkeypatch.undo()

    assert answer.status == 200
    assert written, "the spool file was never written to"
    assert counters.records_lost == {"spool": 1}
    assert list(spool.iterdir()) == []  # the half-written file is gone


def test_a_spool_that_is_not_a_folder_loses_the_records_counted(tmp_path):
    counters = Counters()
    (tmp_path / "spool").write_text("a file where the folder should be")
    writer = AccessLogWriter(
        spool_directory=tmp_path / "spool", counters=counters, background=False
    )
    writer.submit(hit())
    assert writer.flush() == 0
    assert counters.records_lost == {"spool": 1}


def test_past_the_spool_limit_records_are_counted_lost_until_it_empties(tmp_path):
    counters = Counters()
    writer = AccessLogWriter(
        spool_directory=tmp_path / "spool",
        counters=counters,
        spool_max_bytes=1,
        background=False,
    )
    writer.submit(hit())
    assert writer.flush() == 1  # an empty spool takes it
    writer.submit(hit())
    assert writer.flush() == 0
    assert counters.records_lost == {"spool": 1}

    loader = loaded(tmp_path)
    assert loader.load() == 1
    writer.submit(hit())
    assert writer.flush() == 1


def test_the_thread_hands_over_a_full_batch_without_waiting_for_the_clock(tmp_path):
    writer = AccessLogWriter(
        spool_directory=tmp_path / "spool", flush_seconds=3600, batch_size=2, background=True
    )
    try:
        writer.submit(hit())
        writer.submit(hit())
        deadline = time.monotonic() + 30
        while not spool_files(tmp_path / "spool"):
            assert time.monotonic() < deadline, "the writer's thread never handed the batch over"
            time.sleep(0.01)
    finally:
        writer.close()
    (spooled,) = spool_files(tmp_path / "spool")
    assert len(spool_read(spooled.path)) == 2


def test_closing_hands_over_what_is_still_waiting(tmp_path):
    writer = AccessLogWriter(spool_directory=tmp_path / "spool", flush_seconds=3600)
    for _ in range(3):
        writer.submit(hit())
    assert spool_files(tmp_path / "spool") == []

    writer.close()
    writer.close()

    (spooled,) = spool_files(tmp_path / "spool")
    assert len(spool_read(spooled.path)) == 3
    assert not writer._thread.is_alive()


def test_the_loader_writes_each_spool_file_once_in_order_and_removes_it(db, tmp_path):
    first = [hit(request_id=f"{i:032x}", started_us=1_750_000_000_000_000 + i) for i in range(3)]
    second = [hit(request_id=f"{i:032x}", started_us=1_750_000_001_000_000 + i) for i in (3, 4)]
    spool_write(tmp_path / "spool", first)
    spool_write(tmp_path / "spool", second)
    loader = loaded(tmp_path)

    assert loader.load() == 5
    assert loader.load() == 0

    assert [r.request_id for r in AccessRecord.objects.order_by("time")] == [
        f"{i:032x}" for i in range(5)
    ]
    assert spool_files(tmp_path / "spool") == []
    assert loader.counters.records_written == {"file": 5, "table": 5}


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"not a spool file",
        marshal.dumps((99, [])),  # another layout's version
        marshal.dumps((1, [("too", "short")])),
        marshal.dumps((1, [tuple(["text"] * 14)])),  # a number that is text
    ],
    ids=["empty", "garbage", "other-version", "short-hit", "wrong-kind"],
)
def test_an_unreadable_spool_file_is_set_aside_and_the_others_are_loaded(db, tmp_path, content):
    spool = tmp_path / "spool"
    spool_write(spool, [hit(request_id="a" * 32)])
    (spool / "00000000000000000001-1-1.hits").write_bytes(content)
    spool_write(spool, [hit(request_id="b" * 32)])
    loader = loaded(tmp_path)

    assert loader.load() == 2

    assert sorted(AccessRecord.objects.values_list("request_id", flat=True)) == ["a" * 32, "b" * 32]
    assert spool_files(spool) == []
    (rejected,) = spool_files(spool, rejected=True)
    assert rejected.path.read_bytes() == content
    assert loader.counters.spool_files_rejected == 1


def test_one_loader_at_a_time_works_on_a_spool(tmp_path):
    first, second = loaded(tmp_path), loaded(tmp_path)
    with first.lock(wait=False), pytest.raises(LoaderBusy), second.lock(wait=False):
        pass
    with second.lock(wait=False):
        pass


def test_the_loader_command_loads_what_waits(db, tmp_path, settings):
    from django.core.management import call_command

    settings.ACCESS_LOG_SPOOL_DIR = tmp_path / "spool"
    settings.ACCESS_LOG_DIR = tmp_path / "log"
    settings.METRICS_DIR = tmp_path / "metrics"
    spool_write(tmp_path / "spool", [hit(request_id="c" * 32)])
    out = io.StringIO()

    call_command("traffic_loader", "--once", "--normal-priority", stdout=out)

    assert out.getvalue().strip() == "Loaded 1 access record(s)."
    assert list(AccessRecord.objects.values_list("request_id", flat=True)) == ["c" * 32]


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
    counters = Counters()
    writer = AccessLogWriter(
        spool_directory=tmp_path / "spool",
        counters=counters,
        loader=loaded(tmp_path, counters),
        background=False,
    )
    for one in hits:
        writer.submit(one)
    assert writer.flush() == 250
    assert counters.records_written == {"file": 250, "table": 250}

    expected = [access_record(Hit._make(one), catalog=CatalogIds()) for one in hits]
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


def test_a_process_that_lost_records_leaves_its_figures_for_the_others(tmp_path):
    from twentytwo.traffic.process_figures import snapshots_of_other_processes

    writer = AccessLogWriter(
        spool_directory=tmp_path / "spool",
        counters=Counters(),
        metrics_directory=tmp_path / "metrics",
        buffer_limit=1,
        background=False,
    )
    writer.submit(hit())
    writer.submit(hit())  # past the buffer
    writer.flush()

    (snapshot,) = [json.loads(path.read_text()) for path in (tmp_path / "metrics").glob("*.json")]
    assert snapshot["records_lost"] == {"buffer": 1}
    assert snapshots_of_other_processes(tmp_path / "metrics") == []  # it is this process


def test_hits_after_closing_are_counted_lost(tmp_path):
    writer = AccessLogWriter(spool_directory=tmp_path / "spool", counters=Counters())
    writer.close()
    writer.submit(hit())
    assert writer.pending == 0
    assert writer.counters.records_lost == {"buffer": 1}


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_forked_child_leaves_the_parents_hits_to_the_parent(tmp_path):
    writer = AccessLogWriter(
        spool_directory=tmp_path / "spool", counters=Counters(), background=False
    )
    writer.submit(hit())
    child = os.fork()
    if child == 0:  # pragma: no cover (the child's exit code carries the result)
        os._exit(writer.flush())
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert spool_files(tmp_path / "spool") == []
    assert writer.flush() == 1


def test_a_spool_file_larger_than_a_transaction_is_stored_whole(db, tmp_path):
    from twentytwo.traffic.loader import TABLE_CHUNK_ROWS

    count = TABLE_CHUNK_ROWS * 2 + 7
    spool_write(tmp_path / "spool", [hit(request_id=f"{i:032x}") for i in range(count)])
    loader = loaded(tmp_path)
    assert loader.load() == count
    assert AccessRecord.objects.count() == count
    assert loader.counters.records_written == {"file": count, "table": count}


def test_a_file_left_by_a_stopped_loader_after_the_day_file_goes_on_to_the_table_only(db, tmp_path):
    from twentytwo.traffic.spool import spool_mark_filed

    hits = [hit(request_id=f"{i:032x}") for i in range(5)]
    spool_mark_filed(spool_write(tmp_path / "spool", hits))  # its lines are in the day file

    loader = loaded(tmp_path)
    assert loader.load() == 5

    assert AccessRecord.objects.count() == 5
    assert not (tmp_path / "log").exists()  # no line was written again
    assert spool_files(tmp_path / "spool") == []


def test_chunks_a_stopped_loader_stored_are_not_stored_again(db, tmp_path):
    from twentytwo.traffic.loader import TABLE_CHUNK_ROWS
    from twentytwo.traffic.models import LoadedChunk

    count = TABLE_CHUNK_ROWS + 10
    hits = [hit(request_id=f"{i:032x}") for i in range(count)]
    path = spool_write(tmp_path / "spool", hits)
    # A loader wrote the day file and stored the first chunk, then was killed: what it
    # left is made by running its steps for the file and undoing the second chunk.
    (waiting,) = spool_files(tmp_path / "spool")
    _count, filed = loaded(tmp_path)._load_file(waiting, hits)
    AccessRecord.objects.filter(request_id__gte=f"{TABLE_CHUNK_ROWS:032x}").delete()
    LoadedChunk.objects.filter(chunk__gt=0).delete()
    (day_file,) = (tmp_path / "log").glob("*.jsonl")
    assert not path.exists() and filed.exists()
    assert AccessRecord.objects.count() == TABLE_CHUNK_ROWS

    again = loaded(tmp_path)
    assert again.load() == count

    ids = list(AccessRecord.objects.order_by("request_id").values_list("request_id", flat=True))
    assert ids == [f"{i:032x}" for i in range(count)]  # each once
    assert day_file.read_text().count("\n") == count  # no line written twice
    assert again.counters.records_written == {"table": 10}
    assert not LoadedChunk.objects.exists()
    assert spool_files(tmp_path / "spool") == []


def test_a_loaded_file_leaves_no_marks(db, tmp_path):
    from twentytwo.traffic.models import LoadedChunk

    spool_write(tmp_path / "spool", [hit(request_id="e" * 32)])
    assert loaded(tmp_path).load() == 1
    assert not LoadedChunk.objects.exists()


def test_a_file_whose_marks_cannot_be_read_waits_for_the_database(db, tmp_path):
    from twentytwo.traffic.spool import spool_mark_filed

    filed = spool_mark_filed(spool_write(tmp_path / "spool", [hit(request_id="f" * 32)]))
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE traffic_loadedchunk RENAME TO traffic_loadedchunk_away")
    loader = loaded(tmp_path)

    assert loader.load() == 0
    assert filed.exists()  # neither set aside nor removed
    assert loader.counters.spool_files_rejected == 0

    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE traffic_loadedchunk_away RENAME TO traffic_loadedchunk")
    assert loader.load() == 1
    assert list(AccessRecord.objects.values_list("request_id", flat=True)) == ["f" * 32]
