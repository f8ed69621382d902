"""The production stack on loopback (deploy/prod.py, `make prod`): nginx with TLS and HTTP/2
in front of granian, PostgreSQL, Redis, the worker and the loader, started as a production
host runs them and driven over HTTPS as browsers and players reach it."""

import base64
import hashlib
import hmac
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psycopg
import pytest

from tests.support.deploy import PG, POSTGRES_ROUND
from tests.support.processes import PYTHONPATH, ROOT

pytestmark = POSTGRES_ROUND


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Curl:
    """curl against the stack, trusting only the run's own certificate."""

    def __init__(self, origin: str, cert: Path) -> None:
        self.origin, self.cert = origin, cert

    def __call__(self, path, *args, origin=None, **options):
        command = [
            "curl", "-s", "--cacert", str(self.cert), "-o", "-", "-D", "/dev/stderr",
            "--max-time", "20", *args, (origin or self.origin) + path,
        ]  # fmt: skip
        done = subprocess.run(command, capture_output=True, **options)
        head = done.stderr.decode(errors="replace")
        statuses = re.findall(r"^HTTP/([\d.]+) (\d{3})", head, re.MULTILINE)
        headers = {}
        for line in head.splitlines()[1:]:
            if ":" in line:
                name, value = line.split(":", 1)
                headers[name.strip().lower()] = value.strip()
        return statuses[-1] if statuses else None, headers, done.stdout


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    var = tmp_path_factory.mktemp("prod")
    database = f"twentytwo_stack_{uuid.uuid4().hex[:8]}"
    ports = {name: free_port() for name in ("https", "http", "app", "redis")}
    env = {**os.environ, "PYTHONPATH": PYTHONPATH}
    for name in list(env):
        if name.startswith("TWENTYTWO_") or name == "DATABASE_URL":
            env.pop(name)
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "deploy" / "prod.py"), "--var", str(var),
         "--https-port", str(ports["https"]), "--http-port", str(ports["http"]),
         "--app-port", str(ports["app"]), "--redis-port", str(ports["redis"]),
         "--database-url", f"{PG}/{database}"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    lines = []
    deadline = time.monotonic() + 600
    for line in process.stdout:
        lines.append(line)
        if "production stack) is on" in line or time.monotonic() > deadline:
            break
    if process.poll() is not None or "production stack) is on" not in "".join(lines):
        process.kill()
        pytest.fail("the stack did not start:\n" + "".join(lines[-40:]))
    curl = Curl(f"https://localhost:{ports['https']}", var / "tls" / "cert.pem")
    yield {
        "process": process, "var": var, "ports": ports, "curl": curl,
        "database": f"{PG}/{database}",
    }  # fmt: skip
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=120)
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def edge_lines(stack) -> list[dict]:
    """What nginx wrote of the requests it answered itself, for the app's loader."""
    folder = stack["var"] / "log" / "edge"
    return [
        json.loads(line)
        for path in sorted(folder.glob("requests-*.jsonl"))
        for line in path.read_text().splitlines()
    ]


def first_track(stack):
    curl = stack["curl"]
    _, _, body = curl("/api/cities")
    city = json.loads(body)[0]
    _, _, body = curl(f"/api/cities/{city['slug']}/genres")
    genre = json.loads(body)[0]
    _, _, body = curl(f"/api/genres/{genre['id']}/tracks")
    return genre, json.loads(body)[0]


def test_pages_come_over_tls_and_http2_with_the_production_headers(stack):
    status, headers, body = stack["curl"]("/", "--http2")
    assert status == ("2", "200")
    assert headers["strict-transport-security"].startswith("max-age=31536000")
    assert "default-src 'none'" in headers["content-security-policy"]
    assert "__Host-" not in headers.get("set-cookie", "") or "Secure" in headers["set-cookie"]
    assert b"22tracks" in body


def test_plain_http_goes_to_https_on_either_port(stack):
    ports, curl = stack["ports"], stack["curl"]
    status, headers, _ = curl("/amsterdam/", origin=f"http://localhost:{ports['http']}")
    assert status[1] == "301"
    assert headers["location"] == f"https://localhost:{ports['https']}/amsterdam/"
    status, headers, _ = curl("/", origin=f"http://localhost:{ports['https']}")
    assert status[1] == "301"
    assert headers["location"].startswith(f"https://localhost:{ports['https']}/")


def test_static_files_are_nginx_s_own_and_the_readyz_names_redis(stack):
    curl = stack["curl"]
    status, headers, body = curl("/readyz")
    assert status[1] == "200", body
    assert b"redis: ok" in body and b"database: ok" in body
    _, _, page = curl("/")
    script = re.search(rb'src="(/static/[^"]+\.js)"', page)[1].decode()
    status, headers, _ = curl(script)
    assert status[1] == "200"
    assert headers["cache-control"] == "public, max-age=31536000, immutable"
    # Every answer of the app carries its request id; nginx's own answers do not.
    assert "x-request-id" not in headers
    assert "x-request-id" in curl("/api/cities")[1]


def sign(stack, value: str) -> str:
    """Sign a stream URL's value as the app does, with the key the stack gave nginx."""
    key = re.search(r'"([0-9a-f]{64})"', (stack["var"] / "stream-key.conf").read_text())[1]
    digest = hmac.new(bytes.fromhex(key), value.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def test_streams_are_checked_and_sent_by_nginx_without_reaching_the_app(stack):
    curl = stack["curl"]
    _genre, track = first_track(stack)
    path = "/" + track["stream_url"].split("/", 3)[3]
    match = re.fullmatch(r"/stream/(\d+)-(\d+)-([0-9a-f]{32})\.([\w-]{43})\.(\w+)", path)
    assert match, path  # the URL names its file: nginx can check it
    status, headers, body = curl(path, "-H", "Range: bytes=1000-1999")
    assert status[1] == "206"
    assert headers["content-range"].startswith("bytes 1000-1999/")
    assert headers["cache-control"] == "private, max-age=19440"
    assert len(body) == 1000
    status, headers, whole = curl(path)
    assert status[1] == "200" and whole[1000:2000] == body
    assert int(headers["content-length"]) == len(whole)
    assert "x-request-id" not in headers  # the app answers every request with one
    # nginx wrote it down for the access log, with the listener cookie and not the session.
    curl(path, "-H", "Cookie: tt_listener=" + "ab" * 16 + "; __Host-sessionid=secret")
    lines = [line for line in edge_lines(stack) if line["p"] == path]
    assert lines and lines[-1]["l"] == "ab" * 16 and "secret" not in json.dumps(lines)

    track_id, expires, file, signature, extension = match.groups()
    flipped = signature[:-1] + ("A" if signature[-1] != "A" else "B")
    for forged in (
        f"/stream/{track_id}-{expires}-{file}.{flipped}.{extension}",
        f"/stream/{int(track_id) + 1}-{expires}-{file}.{signature}.{extension}",
        f"/stream/{track_id}-{int(expires) + 1}-{file}.{signature}.{extension}",
    ):
        status, _, body = curl(forged)
        assert (status[1], body) == ("403", b"This stream link is not valid."), forged
    old = f"{track_id}-1000000000-{file}"
    status, _, body = curl(f"/stream/{old}.{sign(stack, old)}.{extension}")
    assert status[1] == "403" and b"has expired" in body
    # A file that is gone: the app's words for it.
    gone = f"{track_id}-{expires}-{'0' * 32}"
    status, _, body = curl(f"/stream/{gone}.{sign(stack, gone)}.{extension}")
    assert (status[1], body) == ("404", b"This track is no longer in the catalog.")
    # Another host gets nothing, not even a stream.
    assert curl(path, "-H", "Host: evil.example")[0][1] == "400"


def test_a_beacon_through_nginx_is_stored_and_a_wrong_host_is_refused(stack):
    curl = stack["curl"]
    genre, track = first_track(stack)
    batch = {"events": [{"id": str(uuid.uuid4()), "type": "start", "genre": genre["id"],
                         "track": track["id"], "position": 0.0}]}  # fmt: skip
    listener = uuid.uuid4().hex
    status, _, body = curl(
        "/api/events", "-X", "POST", "-H", "Content-Type: application/json",
        "-H", f"Origin: {curl.origin}", "-H", f"Cookie: tt_listener={listener}",
        "--data-binary", json.dumps(batch),
    )  # fmt: skip
    assert status[1] == "200", body
    assert json.loads(body) == {"accepted": 1, "dropped": {}}
    assert curl("/", "-H", "Host: evil.example")[0][1] == "400"


def test_slow_and_oversized_requests_stop_at_nginx_without_a_5xx(stack):
    curl = stack["curl"]
    big = "X-Big: " + secrets.token_hex(4500)  # 9000 bytes, past the 8 KB of a header line
    status, _, _ = curl("/", "--http1.1", "-H", big)
    assert status[1] in ("400", "494")
    # Over HTTP/2 nginx resets the stream or answers 4xx; the app never sees it.
    status, _, _ = curl("/", "--http2", "-H", "X-Big: " + secrets.token_hex(10_000))
    assert status is None or status[1].startswith("4")
    status, _, _ = curl("/api/events", "-X", "POST", "--data-binary", "@-", input=b"x" * (33 << 20))
    assert status[1] == "413"
    # Ranges at nginx: the answers the app gives (tests/streaming/test_views.py).
    _genre, track = first_track(stack)
    path = "/" + track["stream_url"].split("/", 3)[3]
    whole = curl(path)[2]
    malformed = ["bytes=abc", "bytes=5-2", "bytes=", "bytes=--1", "items=0-10", "bytes=0-1,"
                 + "9" * 5000]  # fmt: skip
    for bad in malformed:
        status, _, body = curl(path, "-H", f"Range: {bad}")
        assert (status[1], body == whole) == ("200", True), bad
    for past in ("bytes=99999999-", "bytes=-0", "bytes=99999999-99999999"):
        assert curl(path, "-H", f"Range: {past}")[0][1] == "416", past


def test_with_redis_stopped_pages_and_streams_are_still_served(stack):
    curl = stack["curl"]
    _genre, track = first_track(stack)
    path = "/" + track["stream_url"].split("/", 3)[3]
    redis_pid = int(
        subprocess.run(
            ["pgrep", "-f", f"redis-server 127.0.0.1:{stack['ports']['redis']}"],
            capture_output=True, text=True, check=True,
        ).stdout.split()[0]
    )  # fmt: skip
    os.kill(redis_pid, signal.SIGSTOP)  # Redis hangs: connections wait, nothing answers
    try:
        for page in ("/", "/api/cities", path):
            assert curl(page)[0][1] == "200", page
        status, _, body = curl("/readyz")
        assert status[1] == "200" and b"redis: not answering, degraded" in body
    finally:
        os.kill(redis_pid, signal.SIGCONT)


def test_slow_clients_are_dropped_by_nginx_while_the_site_answers(stack):
    import ssl

    context = ssl.create_default_context(cafile=str(stack["curl"].cert))
    slow = []
    for _ in range(30):
        raw = socket.create_connection(("127.0.0.1", stack["ports"]["https"]), timeout=30)
        conn = context.wrap_socket(raw, server_hostname="localhost")
        conn.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\nX-Slow: ")  # and never more
        slow.append(conn)
    started = time.monotonic()
    try:
        for _ in range(5):
            assert stack["curl"]("/api/cities")[0][1] == "200"
        for conn in slow:
            answer = conn.recv(1024)  # nginx gives up on the headers: closed, or a 408
            assert answer == b"" or answer.startswith(b"HTTP/1.1 408")
        assert time.monotonic() - started < 25
    finally:
        for conn in slow:
            conn.close()


OBSERVATORY = Path(__file__).parent / "observatory"


@pytest.fixture(scope="module")
def observatory():
    """The MDN HTTP Observatory's scanner from the npm registry, as package-lock.json pins it.

    Its install step would download the HSTS preload list and certificate bundles, which
    this machine cannot reach: it is installed without scripts and given an empty list."""
    scanner = OBSERVATORY / "node_modules" / "@mdn" / "mdn-http-observatory"
    if not scanner.exists():
        done = subprocess.run(
            ["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund"],
            cwd=OBSERVATORY, capture_output=True, text=True,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
    preload = scanner / "conf" / "hsts-preload.json"
    if not preload.exists():
        preload.write_text("{}")
    return OBSERVATORY / "score.mjs"


@pytest.mark.parametrize("path", ["/", "/amsterdam/deep-house/", "/api/cities"])
def test_the_http_observatory_scores_the_pages_at_least_100(stack, observatory, path):
    ports = stack["ports"]
    env = {**os.environ, "NODE_EXTRA_CA_CERTS": str(stack["curl"].cert)}
    done = subprocess.run(
        ["node", str(observatory), "localhost", str(ports["https"]), str(ports["http"]), path],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    result = json.loads(done.stdout)
    lost = {name: test["result"] for name, test in result["tests"].items() if not test["pass"]}
    assert result["status"] == 200
    assert lost == {}
    assert result["score"] >= 100 and result["grade"] == "A+", result


def test_the_streams_nginx_sent_reach_the_sites_access_log(stack):
    curl = stack["curl"]
    _genre, track = first_track(stack)
    path = "/" + track["stream_url"].split("/", 3)[3]
    marker = "soak-" + uuid.uuid4().hex[:8]
    assert curl(path, "-H", "Range: bytes=0-99", "-A", marker)[0][1] == "206"
    deadline = time.monotonic() + 60  # a 10-second slice, then the loader's next pass
    found = []
    while time.monotonic() < deadline and not found:
        with psycopg.connect(stack["database"]) as connection:
            found = connection.execute(
                "SELECT route, status, track_id, response_bytes FROM traffic_accessrecord"
                " WHERE path = %s AND response_bytes = 100",
                [path],
            ).fetchall()
        time.sleep(1)
    assert found == [("streaming:track", 206, track["id"], 100)]
