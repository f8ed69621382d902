"""The fast path answers plain stream GETs exactly as the stream view would, and passes
every other request on to it."""

from io import BytesIO

import pytest

from tests.support.factories import track_create
from twentytwo.core.lean_handler import LeanWSGIHandler
from twentytwo.streaming.fast_path import StreamFastPath
from twentytwo.streaming.signing import stream_url


class CountingHandler:
    def __init__(self, app):
        self.app = app
        self.calls = 0

    def __call__(self, environ, start_response):
        self.calls += 1
        return self.app(environ, start_response)


def _get(app, path, method="GET", **headers):
    environ = {
        "REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": "",
        "SERVER_NAME": "testserver", "SERVER_PORT": "80", "HTTP_HOST": "testserver",
        "SERVER_PROTOCOL": "HTTP/1.1", "wsgi.url_scheme": "http", "wsgi.input": BytesIO(),
        "wsgi.errors": BytesIO(),
    }  # fmt: skip
    environ.update({"HTTP_" + name.upper(): value for name, value in headers.items()})
    seen = {}

    def start_response(status, response_headers, exc_info=None):
        seen["status"], seen["headers"] = status, dict(response_headers)

    result = app(environ, start_response)
    try:
        body = b"".join(result)
    finally:
        if hasattr(result, "close"):
            result.close()
    return seen["status"], seen["headers"], body


@pytest.fixture
def stack(wsgi_on_test_connection, settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    view = CountingHandler(LeanWSGIHandler())
    return StreamFastPath(view), view


@pytest.fixture
def served(stack):
    """A track the process has streamed once, as a player's first request does."""
    fast, view = stack
    track = track_create(seconds=3.0)
    url = stream_url(track.pk)
    assert _get(fast, url)[0] == "200 OK"
    assert view.calls == 1  # the first request went through the view and was remembered
    return fast, view, url


@pytest.mark.parametrize(
    "range_header",
    [
        None,
        "bytes=0-99",
        "bytes=-500",
        "bytes=1000-",
        "bytes=100-99999999",
        "bytes=0-0",
        "bytes=abc",
    ],
)
def test_plain_gets_are_answered_without_the_view_and_exactly_as_it_would(served, range_header):
    fast, view, url = served
    headers = {"range": range_header} if range_header else {}
    answer = _get(fast, url, **headers)
    assert view.calls == 1
    assert answer == _get(view.app, url, **headers)


@pytest.mark.parametrize("headers", [
    {"if_none_match": '"x"'}, {"if_range": '"x"', "range": "bytes=0-9"},
    {"if_modified_since": "Sun, 01 Nov 2026 00:00:00 GMT"},
    {"range": "bytes=0-9,20-29"}, {"range": "bytes=99999999-"},
])  # fmt: skip
def test_conditional_multi_and_unsatisfiable_requests_go_to_the_view(served, headers):
    fast, view, url = served
    answer = _get(fast, url, **headers)
    assert view.calls == 2
    assert answer[0] == _get(view.app, url, **headers)[0]


def test_head_goes_to_the_view(served):
    fast, view, url = served
    assert _get(fast, url, method="HEAD")[0] == "200 OK"
    assert view.calls == 2


def test_a_tampered_token_goes_to_the_view_and_is_refused(served):
    fast, view, url = served
    status, _, _ = _get(fast, url.replace(".mp3", "x.mp3").replace("-", "-9", 1))
    assert status.startswith("403")
    assert view.calls == 2


def test_accel_mode_always_goes_to_the_view(served, settings):
    fast, view, url = served
    settings.STREAM_ACCEL_REDIRECT_PREFIX = "/protected-media/"
    _, headers, _ = _get(fast, url)
    assert headers["X-Accel-Redirect"].startswith("/protected-media/audio/")
    assert view.calls == 2


def test_a_file_changed_on_disk_goes_to_the_view(served, settings):
    fast, view, url = served
    from pathlib import Path

    from twentytwo.catalog.models import Track

    (Path(settings.MEDIA_ROOT) / Track.objects.get().audio).write_bytes(b"short")
    status, _, _ = _get(fast, url)
    assert status.startswith("404")
    assert view.calls == 2
