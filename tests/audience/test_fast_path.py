"""Beacons answered before Django's request cycle get exactly the answers the API view
gives; every request the fast path does not take on goes on to Django."""

import json
import uuid
from http.cookies import SimpleCookie
from io import BytesIO

import pytest
from django.db import connection

from tests.support.beacons import LISTENER, event, station
from twentytwo.audience.api import NO_ORIGIN
from twentytwo.audience.fast_path import BeaconFastPath
from twentytwo.audience.models import ListenEvent
from twentytwo.core.lean_handler import LeanWSGIHandler

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_clock")]


class CountingHandler:
    def __init__(self, app):
        self.app = app
        self.calls = 0

    def __call__(self, environ, start_response):
        self.calls += 1
        return self.app(environ, start_response)


def call(app, body: bytes = b"", *, method="POST", path="/api/events", cookie=None, **headers):
    environ = {
        "REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": "",
        "SERVER_NAME": "testserver", "SERVER_PORT": "80", "HTTP_HOST": "testserver",
        "SERVER_PROTOCOL": "HTTP/1.1", "wsgi.url_scheme": "http", "wsgi.input": BytesIO(body),
        "CONTENT_LENGTH": str(len(body)), "CONTENT_TYPE": "application/json",
        "wsgi.errors": BytesIO(),
    }  # fmt: skip
    if cookie:
        environ["HTTP_COOKIE"] = cookie
    # A player's POST from one of the site's pages names its origin, as browsers do.
    environ["HTTP_ORIGIN"] = "http://testserver"
    environ.update({"HTTP_" + name.upper(): value for name, value in headers.items()})
    if environ["HTTP_ORIGIN"] is None:
        del environ["HTTP_ORIGIN"]
    seen = {}

    def start_response(status, response_headers, exc_info=None):
        seen["status"], seen["headers"] = status, response_headers

    result = app(environ, start_response)
    try:
        answer = b"".join(result)
    finally:
        if hasattr(result, "close"):
            result.close()
    return seen["status"], seen["headers"], answer


def batch(*events) -> bytes:
    return json.dumps({"events": list(events)}).encode()


def comparable(headers):
    """Headers without the values a second request changes: the new listener id."""
    result = []
    for name, value in headers:
        if name == "Set-Cookie":
            morsel = next(iter(SimpleCookie(value).values()))
            value = (morsel.key, *sorted((k, v) for k, v in morsel.items() if v))
        result.append((name, value))
    return sorted(result, key=str)


@pytest.fixture
def stack(wsgi_on_test_connection, settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    return _stack()


def _stack():
    # Middleware reads its settings when it is made: make it after changing them.
    view = CountingHandler(LeanWSGIHandler())
    return BeaconFastPath(view), view


@pytest.fixture
def playlist():
    return station()


@pytest.mark.parametrize("cookie", [f"tt_listener={LISTENER.hex}", None, "tt_count=off"])
def test_a_batch_is_answered_without_django_exactly_as_the_view_answers(stack, playlist, cookie):
    fast, view = stack
    genre, track = playlist

    status, headers, body = call(fast, batch(event(genre, track)), cookie=cookie)

    assert view.calls == 0
    expected = call(view.app, batch(event(genre, track)), cookie=cookie)
    assert (status, comparable(headers), json.loads(body)) == (
        expected[0],
        comparable(expected[1]),
        json.loads(expected[2]),
    )
    stored = 2 if cookie and "tt_listener" in cookie else 0
    assert ListenEvent.objects.count() == stored


@pytest.mark.parametrize(
    ("body", "headers", "status"),
    [
        (b"{not json", {}, "400 Bad Request"),
        (batch(*[{"id": str(uuid.uuid4())}] * 51), {}, "400 Bad Request"),
        (b"x" * 70_000, {}, "413 Request Entity Too Large"),
        (b'{"events": []}', {"origin": "https://elsewhere.example"}, "403 Forbidden"),
    ],
)
def test_refusals_are_the_views_own(stack, body, headers, status):
    fast, view = stack

    answer = call(fast, body, **headers)

    assert answer[0] == status
    assert answer[2] == call(view.app, body, **headers)[2]
    assert view.calls == 0


def test_other_methods_paths_and_hosts_go_to_django(stack, playlist):
    fast, view = stack
    genre, track = playlist
    assert call(fast, method="GET")[0].startswith("405")
    assert call(fast, batch(event(genre, track)), path="/api/events/")[0].startswith("404")
    # A host Django would refuse is Django's to answer; beacons build no URL from it.
    elsewhere = {"host": "elsewhere.example", "cookie": f"tt_listener={LISTENER.hex}"}
    answer = call(fast, batch(event(genre, track)), **elsewhere)
    assert answer[0] == call(view.app, batch(event(genre, track)), **elsewhere)[0]
    assert view.calls == 3


def test_plain_http_goes_to_django_when_production_redirects_it(
    wsgi_on_test_connection, settings, playlist
):
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.SECURE_SSL_REDIRECT = True
    fast, view = _stack()
    genre, track = playlist

    status, headers, _ = call(
        fast, batch(event(genre, track)), cookie=f"tt_listener={LISTENER.hex}"
    )

    assert status.startswith("301")
    assert dict(headers)["Location"].startswith("https://")
    assert view.calls == 1


@pytest.mark.django_db(transaction=True)
def test_a_failure_is_answered_by_django_from_the_same_body(stack, playlist):
    fast, view = stack
    genre, track = playlist
    with connection.schema_editor() as editor:
        editor.delete_model(ListenEvent)
    try:
        status, _, _ = call(fast, batch(event(genre, track)), cookie=f"tt_listener={LISTENER.hex}")
    finally:
        with connection.schema_editor() as editor:
            editor.create_model(ListenEvent)

    assert status.startswith("500")
    assert view.calls == 1


def test_a_beacon_without_an_origin_is_refused_by_the_fast_path_too(stack, playlist):
    fast, view = stack
    genre, track = playlist
    status, _headers, answer = call(fast, batch(event(genre, track)), origin=None)
    assert status.startswith("403") and view.calls == 0
    assert json.loads(answer)["error"]["message"] == NO_ORIGIN
    assert not ListenEvent.objects.exists()
