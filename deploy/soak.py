"""A soak of the production stack: simulated listeners through nginx, then an account of
what the server kept against what its clients were told: `make soak`.

    .venv/bin/python deploy/soak.py                        # 200 listeners, 10 minutes
    .venv/bin/python deploy/soak.py --listeners 30 --seconds 40 --json result.json
    .venv/bin/python deploy/soak.py --fault worker-kill    # SIGKILL an app worker midway
    .venv/bin/python deploy/soak.py --fault loader-kill --fault redis-stop

It starts the stack of deploy/prod.py in a folder and database of its own (loopback only),
with the demo catalog. Each listener is a browser with its own cookies, all behind one
address (as a school or an office is): it opens the home, a city and a genre page, reads
the playlist from the API, plays tracks as the player does (a first range, a seek, a
range from there), and sends its beacons as the player does: a start, a ping every 30
seconds, an end when the track changes. When the time is up it waits for the loader and
counts:

- errors: answers that are not 2xx, 3xx or 304 (a 429 counts as an error: honest
  listeners behind one address must never meet a limit);
- events: the events stored against the events the clients were told were accepted;
- the access log: the records the loader made against the requests the clients sent;
- memory: the app server's summed RSS at the start and the end of the load.

It prints the figures, writes them as JSON with --json, and exits 1 when an invariant
does not hold."""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import requests

sys.path.insert(0, str(Path(__file__).parent))
from prod import ROOT, Stack, free_port

PING_SECONDS = 30.0
FAULTS = ("worker-kill", "loader-kill", "redis-stop")
REDIS_DOWN_SECONDS = 20


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    requests: Counter = field(default_factory=Counter)  # by kind
    statuses: Counter = field(default_factory=Counter)
    errors: list = field(default_factory=list)
    events_sent: int = 0
    events_accepted: int = 0
    events_dropped: Counter = field(default_factory=Counter)
    retried: int = 0

    def answer(self, kind: str, status: int, url: str) -> None:
        with self.lock:
            self.requests[kind] += 1
            self.statuses[status] += 1
            if (status == 0 or status >= 400) and len(self.errors) < 20:
                self.errors.append(f"{status} {kind} {url}")


class Listener(threading.Thread):
    def __init__(self, origin, cert, tally, deadline, seed) -> None:
        super().__init__(daemon=True)
        self.origin, self.tally, self.deadline = origin, tally, deadline
        self.random = random.Random(seed)  # noqa: S311 (a listener's whims, not a secret)
        self.session = requests.Session()
        self.session.verify = str(cert)
        self.session.trust_env = False  # no CA bundle or proxy from the environment
        self.pending: list[dict] = []

    def get(self, kind: str, path: str, **options) -> requests.Response | None:
        url = path if path.startswith("http") else self.origin + path
        try:
            answer = self.session.get(url, timeout=30, **options)
        except requests.RequestException as error:
            self.tally.answer(kind, 0, f"{url} ({error.__class__.__name__})")
            return None
        self.tally.answer(kind, answer.status_code, url)
        return answer

    def beacon(self, genre: int, track: int, kind: str, position: float) -> None:
        """Send what waits with one more event; keep what was refused for the next beacon."""
        self.pending.append(
            {"id": str(uuid.uuid4()), "type": kind, "genre": genre, "track": track,
             "position": round(position, 1)}
        )  # fmt: skip
        batch = self.pending[-50:]
        for attempt in range(2):
            try:
                answer = self.session.post(
                    self.origin + "/api/events", json={"events": batch}, timeout=30,
                    headers={"Origin": self.origin},
                )  # fmt: skip
            except requests.RequestException as error:
                self.tally.answer("beacon", 0, f"/api/events ({error.__class__.__name__})")
                return  # the batch stays; the next beacon sends it again
            self.tally.answer("beacon", answer.status_code, "/api/events")
            if answer.status_code != 200:
                return
            result = answer.json()
            if result["dropped"].get("no_listener") and attempt == 0:
                continue  # a new browser: the answer set the cookie; send again, as the player
            with self.tally.lock:
                self.tally.events_sent += len(batch)
                self.tally.events_accepted += result["accepted"]
                self.tally.events_dropped.update(result["dropped"])
            self.pending = []
            return

    def run(self) -> None:
        self.get("page", "/")
        cities = self.get("api", "/api/cities")
        if cities is None or cities.status_code != 200:
            return
        city = self.random.choice(cities.json())["slug"]
        self.get("page", f"/{city}/")
        genres = self.get("api", f"/api/cities/{city}/genres")
        if genres is None or genres.status_code != 200:
            return
        genre = self.random.choice(genres.json())
        self.get("page", f"/{city}/{genre['slug']}/")
        tracks = self.get("api", f"/api/genres/{genre['id']}/tracks")
        if tracks is None or tracks.status_code != 200:
            return
        playlist = tracks.json()
        while time.monotonic() < self.deadline:
            track = self.random.choice(playlist)
            stream = track["stream_url"]
            first = self.get("stream", stream, headers={"Range": "bytes=0-65535"})
            size = _total_size(first)
            self.beacon(genre["id"], track["id"], "start", 0.0)
            played, length = 0.0, min(self.random.uniform(60, 150), track["duration"])
            while played < length and time.monotonic() < self.deadline:
                wait = min(PING_SECONDS, length - played, self.deadline - time.monotonic())
                time.sleep(max(0.0, wait))
                played += wait
                if size > 131072 and self.random.random() < 0.2:  # a seek: a range further on
                    offset = self.random.randrange(65536, size - 65536)
                    self.get(
                        "stream", stream, headers={"Range": f"bytes={offset}-{offset + 65535}"}
                    )
                    self.beacon(genre["id"], track["id"], "seek", played)
                else:
                    self.beacon(genre["id"], track["id"], "ping", played)
            self.beacon(genre["id"], track["id"], "end", played)
        if self.pending:
            self.beacon(genre["id"], playlist[0]["id"], "stop", 0.0)


def _total_size(answer: requests.Response | None) -> int:
    """The file's size from a 206 answer's Content-Range (bytes 0-65535/<size>), else 0."""
    if answer is None or answer.status_code != 206:
        return 0
    total = answer.headers.get("Content-Range", "").rpartition("/")[2]
    return int(total) if total.isdigit() else 0


def app_rss_bytes(stack: Stack) -> int:
    """The summed RSS of the app server's processes (granian and its workers)."""
    found = subprocess.run(["pgrep", "-f", f"granian.*--port {stack.app_port}"],
                           capture_output=True, text=True)  # fmt: skip
    total = 0
    for pid in found.stdout.split():
        try:
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * os.sysconf(
                "SC_PAGE_SIZE"
            )
        except (OSError, ValueError):
            continue
    return total


def app_processes(stack: Stack) -> int:
    found = subprocess.run(["pgrep", "-f", f"granian.*--port {stack.app_port}"],
                           capture_output=True, text=True)  # fmt: skip
    return len(found.stdout.split())


def worker_kill(stack: Stack) -> str:
    found = subprocess.run(["pgrep", "-f", f"granian.*--port {stack.app_port}"],
                           capture_output=True, text=True)  # fmt: skip
    pids = sorted(int(pid) for pid in found.stdout.split())
    # The first is granian's main process; the others are its workers.
    victim = pids[-1]
    os.kill(victim, signal.SIGKILL)
    return f"SIGKILL to app worker {victim}"


def loader_kill(stack: Stack) -> str:
    process = stack.processes["loader"]
    os.kill(process.pid, signal.SIGKILL)
    return f"SIGKILL to the loader {process.pid} (the stack starts it again)"


def redis_stop(stack: Stack) -> str:
    process = stack.processes.pop("redis")
    process.kill()
    process.wait()
    threading.Timer(REDIS_DOWN_SECONDS, stack.start_redis).start()
    return f"Redis killed, started again {REDIS_DOWN_SECONDS} s later"


FAULT_DOING = {"worker-kill": worker_kill, "loader-kill": loader_kill, "redis-stop": redis_stop}


def server_counts(database_url: str) -> dict[str, int]:
    with psycopg.connect(database_url) as connection:
        events = connection.execute("SELECT count(*) FROM audience_listenevent").fetchone()[0]
        records = connection.execute("SELECT count(*) FROM traffic_accessrecord").fetchone()[0]
    return {"events": events, "access_records": records}


def soak(options) -> dict:
    var = options.var.resolve() / f"run-{uuid.uuid4().hex[:8]}"
    database = f"twentytwo_soak_{uuid.uuid4().hex[:8]}"
    base = options.database_url.rsplit("/", 1)[0]
    stack = Stack(
        var=var, https_port=free_port(), http_port=free_port(), app_port=free_port(),
        redis_port=free_port(), database_url=f"{base}/{database}", workers=2, threads=8,
    )  # fmt: skip
    try:
        stack.prepare(seed=True)
        stack.start()
        stack.wait_ready()
        before = server_counts(stack.database_url)
        tally = Tally()
        deadline = time.monotonic() + options.seconds
        listeners = [
            Listener(stack.origin, stack.tls / "cert.pem", tally, deadline, seed=n)
            for n in range(options.listeners)
        ]
        rss = [app_rss_bytes(stack)]
        faults = []
        for listener in listeners:
            listener.start()
            time.sleep(min(0.05, 5.0 / max(1, options.listeners)))
        # The faults asked for, spread evenly over the run.
        started, planned = time.monotonic(), list(options.fault or [])
        due = [
            started + options.seconds * (n + 1) / (len(planned) + 1) for n in range(len(planned))
        ]
        while any(listener.is_alive() for listener in listeners):
            time.sleep(1)
            stack.check_alive()
            if planned and time.monotonic() >= due[len(faults)]:
                faults.append(FAULT_DOING[planned.pop(0)](stack))
            rss.append(app_rss_bytes(stack))
        processes = app_processes(stack)
        # What the clients sent is in; wait for the loader (edge files close every 10 s).
        sent = sum(tally.requests.values())
        expected_records = before["access_records"] + sent
        waited = time.monotonic() + 90
        after = server_counts(stack.database_url)
        while after["access_records"] < expected_records and time.monotonic() < waited:
            time.sleep(2)
            after = server_counts(stack.database_url)
        # /readyz, asked by the runner, is a request too.
        result = {
            "listeners": options.listeners,
            "seconds": options.seconds,
            "faults": faults,
            # granian's main process and its workers once the load is over (1 + workers).
            "app_processes_after": processes,
            "requests": dict(tally.requests),
            "statuses": {str(k): v for k, v in sorted(tally.statuses.items())},
            "errors": sum(v for k, v in tally.statuses.items() if k == 0 or k >= 400),
            "first_errors": tally.errors,
            "events_accepted_by_clients": tally.events_accepted,
            "events_dropped": dict(tally.events_dropped),
            "events_stored": after["events"] - before["events"],
            "requests_sent": sent,
            "access_records_made": after["access_records"] - before["access_records"],
            "app_rss_mb": {
                "start": round(rss[0] / 2**20, 1),
                "end": round(rss[-1] / 2**20, 1),
                "peak": round(max(rss) / 2**20, 1),
            },
        }
    finally:
        stack.stop()
        if options.keep:
            print(f"kept: {stack.database_url} and {var}", file=sys.stderr)
        else:
            try:
                with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
                    connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            except psycopg.Error:
                pass
            shutil.rmtree(var, ignore_errors=True)
    return result


def problems_of(result: dict) -> list[str]:
    problems = []
    if result["app_processes_after"] != 3:
        problems.append(f"{result['app_processes_after']} app server processes, not 3")
    if result["errors"]:
        problems.append(f"{result['errors']} error answers: {result['first_errors'][:5]}")
    if result["events_stored"] != result["events_accepted_by_clients"]:
        problems.append(
            f"{result['events_accepted_by_clients']} events acknowledged, "
            f"{result['events_stored']} stored"
        )
    # One record per request; /readyz polls of the runner come on top.
    if result["access_records_made"] < result["requests_sent"]:
        problems.append(
            f"{result['requests_sent']} requests sent, {result['access_records_made']} records"
        )
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--listeners", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=600)
    parser.add_argument("--var", type=Path, default=ROOT / "var" / "soak")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/twentytwo_soak"),
    )
    parser.add_argument(
        "--fault", choices=FAULTS, action="append", help="inject this fault (again: several)"
    )
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("--keep", action="store_true", help="keep the database and the folder")
    options = parser.parse_args(argv)
    result = soak(options)
    problems = problems_of(result)
    result["problems"] = problems
    text = json.dumps(result, indent=2)
    print(text)
    if options.json:
        options.json.write_text(text + "\n")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
