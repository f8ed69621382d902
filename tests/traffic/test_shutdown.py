"""At a clean stop of the app server every record still waiting in a worker is written:
the real server as `make demo` runs it (`serve`: granian, its workers and the access log's
loader), a real SIGTERM to all of them, as a terminal's Ctrl-C or a service manager sends."""

import http.client
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.processes import PYTHONPATH, ROOT, free_port

# Starts servers of its own and waits for them: seconds, not milliseconds.
pytestmark = pytest.mark.slow

REQUESTS = 40


def _ready(port: int, server: subprocess.Popen, log, *, workers: int) -> None:
    """Wait until the server listens and every worker has started.

    granian listens before its workers are up, and a worker told to stop while it is still
    starting misses the signal and never stops (granian 2.8): the test stops the server only
    once its workers have said they started."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"the server exited; its log ends:\n{log.read_text()[-8000:]}")
        started = log.read_text().count("Started worker-")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
        except OSError:
            started = 0
        if started >= workers:
            return
        time.sleep(0.1)
    pytest.fail(f"the server did not start; its log ends:\n{log.read_text()[-8000:]}")


def _loaders(parent: int) -> list[int]:
    children = subprocess.run(
        ["pgrep", "-P", str(parent)], capture_output=True, text=True
    ).stdout.split()
    return [
        int(pid)
        for pid in children
        if b"traffic_loader" in Path(f"/proc/{pid}/cmdline").read_bytes()
    ]


def _niceness(pid: int) -> int:
    # /proc/PID/stat: the fields after the command's closing parenthesis; niceness is 19th.
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[16])


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def _stopped(server: subprocess.Popen, log) -> None:
    """Wait for the server and the rest of its group (the loader ends last) to stop; if
    they do not, fail with the workers' stacks."""
    try:
        server.wait(timeout=60)
        deadline = time.monotonic() + 60
        while _group_alive(server.pid):
            if time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(server.args, 60)
            time.sleep(0.05)
    except subprocess.TimeoutExpired:
        workers = subprocess.run(
            ["pgrep", "-P", str(server.pid)], capture_output=True, text=True
        ).stdout.split()
        for pid in workers:
            os.kill(int(pid), signal.SIGABRT)  # faulthandler prints every thread's stack
        time.sleep(2)
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()
        pytest.fail(f"the server did not stop; its log ends:\n{log.read_text()[-8000:]}")


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
        "PYTHONPATH": PYTHONPATH,
        # A worker that does not stop says where it is stuck (see _stopped).
        "PYTHONFAULTHANDLER": "1",
    }
    subprocess.run(
        [sys.executable, "-m", "twentytwo", "migrate", "--no-input"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    port = free_port()
    command = [sys.executable, "-m", "twentytwo", "serve", "--port", str(port), "--workers", "2",
               "--threads", "2"]  # fmt: skip
    log = tmp_path / "server.log"
    with log.open("wb") as output:
        server = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=output, stderr=output, start_new_session=True
        )
    ids = []
    try:
        _ready(port, server, log, workers=2)
        for _ in range(REQUESTS):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            connection.request("GET", "/api/cities")
            response = connection.getresponse()
            response.read()
            assert response.status == 200
            ids.append(response.getheader("X-Request-ID"))
            connection.close()
        assert not list((tmp_path / "log").glob("*.jsonl"))
        assert not list((tmp_path / "log" / "spool").glob("*.hits"))
        (loader,) = _loaders(server.pid)
        deadline = time.monotonic() + 30  # it lowers its priority as it starts
        while _niceness(loader) != 19 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _niceness(loader) == 19
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        _stopped(server, log)

    lines = [
        json.loads(line)
        for day_file in (tmp_path / "log").glob("access-*.jsonl")
        for line in day_file.read_text().splitlines()
    ]
    assert sorted(line["request_id"] for line in lines) == sorted(ids)
    with sqlite3.connect(tmp_path / "twentytwo.sqlite3") as database:
        stored = {row[0] for row in database.execute("SELECT request_id FROM traffic_accessrecord")}
    assert stored == set(ids)
