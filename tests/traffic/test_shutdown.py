"""At a clean stop of the app server every record still waiting in a worker is written:
the real server (granian, as `make demo` runs it), real workers, a real SIGTERM."""

import http.client
import json
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.config.test_app_server import free_port, wait_for_port
from twentytwo.web.management.commands.serve import server_command

ROOT = Path(__file__).resolve().parents[2]
REQUESTS = 40


def test_records_still_waiting_are_written_when_the_server_stops(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "twentytwo.config.settings",
        "TWENTYTWO_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'twentytwo.sqlite3'}",
        "TWENTYTWO_SECRET_KEY": "shutdown-test-key-" + "x" * 40,
        "TWENTYTWO_MANIFEST_STATIC": "false",
        # Nothing is written before the stop: the thread would wait an hour.
        "TWENTYTWO_ACCESS_LOG_FLUSH_SECONDS": "3600",
        "TWENTYTWO_ACCESS_LOG_BATCH": "100000",
        "PYTHONPATH": str(ROOT),
    }
    subprocess.run(
        [sys.executable, "-m", "twentytwo", "migrate", "--no-input"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    port = free_port()
    command = server_command(host="127.0.0.1", port=port, workers=2, threads=2, access_log=False)
    server = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    ids = []
    try:
        wait_for_port(port, server)
        for _ in range(REQUESTS):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            connection.request("GET", "/api/cities")
            response = connection.getresponse()
            response.read()
            assert response.status == 200
            ids.append(response.getheader("X-Request-ID"))
            connection.close()
        assert not list((tmp_path / "log").glob("*.jsonl"))
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)

    lines = [
        json.loads(line)
        for day_file in (tmp_path / "log").glob("access-*.jsonl")
        for line in day_file.read_text().splitlines()
    ]
    assert sorted(line["request_id"] for line in lines) == sorted(ids)
    with sqlite3.connect(tmp_path / "twentytwo.sqlite3") as database:
        stored = {row[0] for row in database.execute("SELECT request_id FROM traffic_accessrecord")}
    assert stored == set(ids)
