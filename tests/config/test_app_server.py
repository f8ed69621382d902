"""The site behind the app server `make demo` runs (granian, config/wsgi.py), over a real
socket: byte ranges arrive exact on a kept-alive connection, file routes keep their
security headers behind the lean handler, and catalog reads come from the shared cache."""

import http.client
import json
import os
import subprocess
import sys

import pytest

from tests.support.processes import PYTHONPATH, ROOT, free_port, wait_for_port
from twentytwo.web.management.commands.serve import server_command

# Starts an app server of its own and waits for it: seconds, not milliseconds.
pytestmark = pytest.mark.slow

# Runs inside the server's environment: ingest one real track and print its URL.
INGEST_SCRIPT = """
import json, sys
import django
django.setup()
from twentytwo.catalog.services import track_ingest
from twentytwo.streaming.signing import stream_url
from tests.support.audio import sine_mp3
track = track_ingest(audio=sine_mp3(seconds=5.0), title="On the wire", artist="Granian")
print(json.dumps({"url": stream_url(track.pk), "audio": track.audio}))
"""


@pytest.fixture(scope="module")
def served_track(tmp_path_factory):
    var_dir = tmp_path_factory.mktemp("var")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "twentytwo.config.settings",
        "TWENTYTWO_VAR_DIR": str(var_dir),
        "DATABASE_URL": f"sqlite:///{var_dir / 'twentytwo.sqlite3'}",
        "TWENTYTWO_SECRET_KEY": "app-server-test-key-" + "x" * 40,
        "TWENTYTWO_STREAM_ACCEL_REDIRECT_PREFIX": "",
        "TWENTYTWO_MEDIA_ROOT": str(var_dir / "media"),
        "TWENTYTWO_MANIFEST_STATIC": "false",
        "PYTHONPATH": PYTHONPATH,
    }
    run = {"cwd": ROOT, "env": env, "check": True, "capture_output": True}
    subprocess.run([sys.executable, "-m", "twentytwo", "migrate", "--no-input"], **run)
    ingested = subprocess.run([sys.executable, "-c", INGEST_SCRIPT], **run, text=True)
    track = json.loads(ingested.stdout.strip().splitlines()[-1])
    audio = (var_dir / "media" / track["audio"]).read_bytes()

    port = free_port()
    command = server_command(host="127.0.0.1", port=port, workers=1, threads=4, access_log=False)
    server = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        wait_for_port(port, server)
        yield port, track["url"], audio
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_ranges_and_whole_file_arrive_byte_exact_on_one_connection(served_track):
    port, url, audio = served_track
    size = len(audio)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)

    # One keep-alive connection: a byte too many or too few would corrupt the next answer.
    answers = []
    for range_header in ("bytes=1000-1999", f"bytes={size - 777}-", "bytes=-100", None):
        connection.request("GET", url, headers={"Range": range_header} if range_header else {})
        response = connection.getresponse()
        answers.append((response.status, response.getheader("Content-Range"), response.read()))
    connection.close()

    assert answers == [
        (206, f"bytes 1000-1999/{size}", audio[1000:2000]),
        (206, f"bytes {size - 777}-{size - 1}/{size}", audio[-777:]),
        (206, f"bytes {size - 100}-{size - 1}/{size}", audio[-100:]),
        (200, None, audio),
    ]


def test_multipart_ranges_and_head_keep_the_connection_in_step(served_track):
    port, url, audio = served_track
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)

    connection.request("GET", url, headers={"Range": "bytes=0-9,20-29"})
    multipart = connection.getresponse()
    multipart_body = multipart.read()
    connection.request("HEAD", url)
    head = connection.getresponse()
    head_body = head.read()
    connection.request("GET", url, headers={"Range": "bytes=10-19"})
    after = connection.getresponse()
    after_body = after.read()
    connection.close()

    assert multipart.status == 206
    assert multipart.getheader("Content-Type").startswith("multipart/byteranges; boundary=")
    assert audio[0:10] in multipart_body
    assert audio[20:30] in multipart_body
    assert (head.status, head.getheader("Content-Length"), head_body) == (200, str(len(audio)), b"")
    assert (after.status, after_body) == (206, audio[10:20])


def test_file_routes_keep_the_security_headers(served_track):
    port, url, _ = served_track
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", url, headers={"Range": "bytes=0-9"})
    response = connection.getresponse()
    response.read()
    connection.close()
    assert response.status == 206
    assert response.getheader("X-Content-Type-Options") == "nosniff"
    assert response.getheader("Referrer-Policy") == "same-origin"
    assert response.getheader("Set-Cookie") is None


def test_catalog_reads_are_answered_from_the_shared_cache(served_track):
    port, _, _ = served_track
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    bodies = []
    for _ in range(2):
        connection.request("GET", "/api/cities")
        response = connection.getresponse()
        bodies.append(response.read())
        etag = response.getheader("ETag")
    connection.request("GET", "/api/cities", headers={"If-None-Match": etag})
    revalidated = connection.getresponse()
    revalidated.read()
    connection.close()
    assert bodies[0] == bodies[1]
    assert json.loads(bodies[0]) == []
    assert revalidated.status == 304
    assert response.getheader("Content-Security-Policy")
