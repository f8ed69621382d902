"""/metrics in Prometheus' text format: requests and latencies by route and status, beacon
events accepted and dropped, lost records and the task queue; only for staff and internal
addresses; added up over the app server's processes."""

import json
import re
import subprocess
import sys
import uuid
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from tests.support.wsgi import call
from twentytwo.traffic.process_figures import snapshot_write
from twentytwo.traffic.services.worker import worker_heartbeat_record
from twentytwo.traffic.tasks import traffic_retention_task

LISTENER = uuid.UUID("0123456789abcdef0123456789abcdef")


def series(text: str) -> dict[str, float]:
    """Return every sample line of the exposition as {'name{labels}': value}."""
    found = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            found[name] = float(value)
    return found


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    value = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    return f"{django_settings.SESSION_COOKIE_NAME}={value}"


@pytest.fixture
def staff_cookie(db):
    return session_cookie(get_user_model().objects.create_user(username="ops", is_staff=True))


@pytest.fixture
def metrics_dir(settings, tmp_path):
    settings.METRICS_DIR = tmp_path / "metrics"
    return settings.METRICS_DIR


def test_anyone_else_is_refused(site, db, metrics_dir):
    from twentytwo.accounts.services import age_statement_record

    listener = get_user_model().objects.create_user(username="listener")
    age_statement_record(user=listener, adult=True)
    assert call(site, "/metrics").status == 403
    assert call(site, "/metrics", headers={"Cookie": session_cookie(listener)}).status == 403


def test_staff_may_read_the_metrics(site, staff_cookie, metrics_dir):
    answer = call(site, "/metrics", headers={"Cookie": staff_cookie})
    assert answer.status == 200
    assert answer.headers["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8"


def test_internal_addresses_may_read_them_without_signing_in(site, db, settings, metrics_dir):
    settings.INTERNAL_ADDRESSES = ["192.0.2.0/28"]
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    assert call(site, "/metrics", remote_addr="192.0.2.5").status == 200
    assert call(site, "/metrics", remote_addr="192.0.2.17").status == 403
    # Through our proxy the client is the address it saw...
    proxied = {"X-Forwarded-For": "192.0.2.5"}
    assert call(site, "/metrics", remote_addr="10.0.0.1", headers=proxied).status == 200
    # ...and a client naming an internal address itself is not believed.
    assert call(site, "/metrics", remote_addr="203.0.113.1", headers=proxied).status == 403
    outside = {"X-Forwarded-For": "192.0.2.5, 203.0.113.1"}
    assert call(site, "/metrics", remote_addr="10.0.0.1", headers=outside).status == 403


def _beacons(genre, track) -> bytes:
    good = {"id": str(uuid.uuid4()), "type": "start", "genre": genre.pk, "track": track.pk}
    good["position"] = 0.0
    bad = {"id": "not-a-uuid", "type": "start", "genre": genre.pk, "track": track.pk}
    return json.dumps({"events": [good, {**bad, "position": 0.0}]}).encode()


def test_requests_latencies_events_and_the_queue_are_counted(
    site, station, staff_cookie, access_log, metrics_dir, settings, monkeypatch
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    _city, genre, track = station
    cities = [call(site, "/api/cities"), call(site, "/api/cities")]
    call(site, "/no/such/page/")
    answer = call(
        site,
        "/api/events",
        method="POST",
        body=_beacons(genre, track),
        headers={
            "Content-Type": "application/json",
            "Cookie": f"tt_listener={LISTENER.hex}",
            "Origin": "http://testserver",
        },
    )
    assert json.loads(answer.body) == {"accepted": 1, "dropped": {"invalid": 1}}
    now = timezone.now()
    worker_heartbeat_record(now=now - timedelta(seconds=12))
    traffic_retention_task.using(run_after=now - timedelta(minutes=1)).enqueue()
    traffic_retention_task.using(run_after=now + timedelta(hours=1)).enqueue()
    access_log.flush()
    call(site, "/healthz")  # waits for the next write

    found = series(call(site, "/metrics", headers={"Cookie": staff_cookie}).text)

    assert found['twentytwo_http_requests_total{route="api:cities",method="GET",status="200"}'] == 2
    assert found['twentytwo_http_requests_total{route="unmatched",method="GET",status="404"}'] == 1
    assert (
        found['twentytwo_http_requests_total{route="api:events",method="POST",status="200"}'] == 1
    )
    name = "twentytwo_http_request_duration_seconds"
    assert found[f'{name}_count{{route="api:cities",status="200"}}'] == 2
    assert found[f'{name}_bucket{{route="api:cities",status="200",le="+Inf"}}'] == 2
    assert 0 < found[f'{name}_sum{{route="api:cities",status="200"}}'] < 60
    buckets = [v for k, v in found.items() if k.startswith(f'{name}_bucket{{route="api:cities"')]
    assert buckets == sorted(buckets)  # cumulative
    sent = sum(len(answer.body) for answer in cities)
    assert found['twentytwo_http_response_bytes_total{route="api:cities"}'] == sent
    assert found["twentytwo_listening_events_accepted_total"] == 1
    assert found['twentytwo_listening_events_dropped_total{reason="invalid"}'] == 1
    assert found['twentytwo_access_log_records_lost_total{sink="table"}'] == 0
    assert found['twentytwo_access_log_records_written_total{sink="table"}'] == 4
    assert found['twentytwo_task_queue_depth{state="ready"}'] == 1
    assert found['twentytwo_task_queue_depth{state="scheduled"}'] == 1
    assert found['twentytwo_task_queue_depth{state="running"}'] == 0
    assert 12 <= found["twentytwo_task_worker_last_seen_seconds"] < 60
    assert found["twentytwo_database_up"] == 1
    assert found["twentytwo_access_log_records_pending"] == 1


def test_every_line_is_valid_exposition_text(site, staff_cookie, access_log, metrics_dir):
    call(site, '/weird"path\\')
    access_log.flush()
    text = call(site, "/metrics", headers={"Cookie": staff_cookie}).text
    sample = re.compile(r'[a-z_]+(\{([a-z_]+="([^"\\\n]|\\["\\n])*",?)*\})? -?[0-9.e+]+')
    for line in text.splitlines():
        assert line.startswith(("# HELP ", "# TYPE ")) or sample.fullmatch(line), line


def test_lost_records_are_shown(site, db, staff_cookie, access_log, metrics_dir):
    from django.db import connection

    from twentytwo.traffic.models import AccessRecord

    call(site, "/api/cities")
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {AccessRecord._meta.db_table}")
    access_log.flush()
    found = series(call(site, "/metrics", headers={"Cookie": staff_cookie}).text)
    assert found['twentytwo_access_log_records_lost_total{sink="table"}'] == 1
    assert found['twentytwo_access_log_records_written_total{sink="file"}'] == 1


def test_the_figures_of_the_servers_other_processes_are_added(
    site, staff_cookie, access_log, metrics_dir
):
    call(site, "/api/cities")
    access_log.flush()
    other = {
        "requests": [["api:cities", "GET", "200", 5]],
        "durations": [["api:cities", "200", [5] + [0] * 13, 0.02]],
        "response_bytes": {"api:cities": 10},
        "events_accepted": 7,
        "events_dropped": {"duplicate": 2},
        "records_lost": {"buffer": 3},
        "records_written": {},
    }
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    ended = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    try:
        snapshot_write(metrics_dir, other, pid=alive.pid)
        snapshot_write(metrics_dir, other, pid=int(ended.stdout))
        found = series(call(site, "/metrics", headers={"Cookie": staff_cookie}).text)
    finally:
        alive.kill()
        alive.wait()

    assert found['twentytwo_http_requests_total{route="api:cities",method="GET",status="200"}'] == 6
    assert found["twentytwo_listening_events_accepted_total"] == 7
    assert found['twentytwo_listening_events_dropped_total{reason="duplicate"}'] == 2
    assert found['twentytwo_access_log_records_lost_total{sink="buffer"}'] == 3
    # The ended process's file is gone.
    assert sorted(p.name for p in metrics_dir.glob("*.json")) == [f"{alive.pid}.json"]


def test_this_process_leaves_its_figures_for_the_others_after_each_write(
    site, db, tmp_path, metrics_dir
):
    from twentytwo.traffic.loader import AccessLogLoader
    from twentytwo.traffic.metrics import Counters
    from twentytwo.traffic.writer import AccessLogWriter, access_log_writer_install

    counters = Counters()
    loader = AccessLogLoader(
        spool_directory=tmp_path / "spool",
        directory=tmp_path / "log",
        counters=counters,
        metrics_directory=metrics_dir,
    )
    writer = AccessLogWriter(
        spool_directory=tmp_path / "spool", counters=counters, loader=loader, background=False
    )
    access_log_writer_install(writer)
    call(site, "/api/cities")
    writer.flush()
    (snapshot,) = [json.loads(p.read_text()) for p in metrics_dir.glob("*.json")]
    assert snapshot["requests"] == [["api:cities", "GET", "200", 1]]


def test_what_waits_for_the_loader_and_what_it_set_aside_are_shown(
    site, staff_cookie, access_log, metrics_dir
):
    from twentytwo.traffic.spool import spool_write

    spool = access_log.spool_directory
    (spool / "00000000000000000001-1-1.hits").parent.mkdir(parents=True, exist_ok=True)
    (spool / "00000000000000000001-1-1.hits").write_bytes(b"not a spool file")
    access_log.flush()  # loads: sets the unreadable file aside
    waiting = spool_write(spool, [("not loaded yet",)])

    found = series(call(site, "/metrics", headers={"Cookie": staff_cookie}).text)

    assert found["twentytwo_access_log_spool_files_rejected_total"] == 1
    assert found["twentytwo_access_log_spool_files"] == 1
    assert found["twentytwo_access_log_spool_bytes"] == waiting.stat().st_size
    assert 0 <= found["twentytwo_access_log_spool_oldest_seconds"] < 60
    assert found['twentytwo_access_log_records_lost_total{sink="spool"}'] == 0
