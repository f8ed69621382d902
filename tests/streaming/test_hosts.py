"""Streams and pictures answer only for the site's own hosts, whichever layer answers."""

import pytest

from tests.streaming.test_fast_path import _get
from tests.support.factories import track_create
from twentytwo.core.lean_handler import LeanWSGIHandler
from twentytwo.streaming.fast_path import StreamFastPath
from twentytwo.streaming.signing import stream_url


@pytest.fixture
def site(wsgi_on_test_connection, settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    return StreamFastPath(LeanWSGIHandler())


def test_a_stream_for_another_host_is_refused_even_once_the_fast_path_knows_it(site):
    url = stream_url(track_create(seconds=3.0).pk)
    assert _get(site, url)[0] == "200 OK"  # now the fast path knows the file
    for host in ("evil.example", "testserver.evil.example", "testserver:80@evil.example"):
        status, _headers, body = _get(site, url, host=host)
        assert status.startswith("400"), (host, status)
        assert b"RIFF" not in body and b"ID3" not in body


def test_a_picture_for_another_host_is_refused(site, settings, tmp_path):
    pictures = tmp_path / "pictures"
    pictures.mkdir(parents=True, exist_ok=True)
    settings.MEDIA_ROOT = tmp_path
    (pictures / "cover.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    assert _get(site, "/pictures/cover.png")[0].startswith(("200", "404"))
    assert _get(site, "/pictures/cover.png", host="evil.example")[0].startswith("400")
