from datetime import UTC, datetime, timedelta
from io import BytesIO

import pytest

from tests.support.factories import GenreFactory, track_create
from twentytwo.catalog import services
from twentytwo.core.response_cache import SharedResponseCache


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


class CountingApp:
    """A WSGI application that answers with fixed headers and counts its calls."""

    def __init__(self, headers, status="200 OK"):
        self.headers = headers
        self.status = status
        self.calls = 0

    def __call__(self, environ, start_response):
        self.calls += 1
        start_response(self.status, list(self.headers))
        return [f"answer {self.calls}".encode()]


def call(app, path="/api/cities", method="GET", **headers):
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "wsgi.url_scheme": "http",
        "HTTP_HOST": "testserver",
        "wsgi.input": BytesIO(),
    }
    environ.update({"HTTP_" + k.upper(): v for k, v in headers.items()})
    seen = {}

    def start_response(status, response_headers, exc_info=None):
        seen["status"], seen["headers"] = status, dict(response_headers)

    body = b"".join(app(environ, start_response))
    return seen["status"], seen["headers"], body


PUBLIC = [
    ("Content-Type", "application/json"),
    ("Cache-Control", "public, max-age=60"),
    ("ETag", '"v1"'),
    ("Content-Length", "8"),
]


def cache_over(headers, **kwargs):
    inner = CountingApp(headers, **kwargs)
    clock = Clock()
    return SharedResponseCache(inner, prefixes=("/api/",), clock=clock), inner, clock


def test_a_public_answer_is_served_again_until_its_max_age():
    cache, inner, clock = cache_over(PUBLIC)
    assert call(cache)[2] == b"answer 1"
    clock.now += 59
    assert call(cache)[2] == b"answer 1"
    assert inner.calls == 1
    clock.now += 2
    assert call(cache)[2] == b"answer 2"


@pytest.mark.parametrize(
    "headers",
    [
        [("Cache-Control", "private, max-age=60")],
        [("Cache-Control", "public, max-age=60, no-store")],
        [("Cache-Control", "max-age=60")],
        [("Cache-Control", "public")],
        [("Cache-Control", "public, max-age=60"), ("Set-Cookie", "a=b")],
        [("Cache-Control", "public, max-age=60"), ("Vary", "Accept-Language, Cookie")],
        [("Cache-Control", "public, max-age=60"), ("Vary", "*")],
    ],
)
def test_answers_that_may_not_be_shared_are_not_kept(headers):
    cache, inner, _ = cache_over(headers)
    call(cache)
    call(cache)
    assert inner.calls == 2


def test_errors_are_not_kept():
    cache, inner, _ = cache_over(PUBLIC, status="404 Not Found")
    call(cache)
    call(cache)
    assert inner.calls == 2


def test_answers_are_matched_on_the_headers_they_vary_on():
    cache, inner, _ = cache_over([*PUBLIC, ("Vary", "Accept-Language")])
    assert call(cache, accept_language="nl")[2] == b"answer 1"
    assert call(cache, accept_language="nl")[2] == b"answer 1"
    assert call(cache, accept_language="en")[2] == b"answer 2"
    assert inner.calls == 2


def test_a_matching_if_none_match_gets_a_304_without_body_headers():
    cache, _, _ = cache_over(PUBLIC)
    call(cache)
    status, headers, body = call(cache, if_none_match='"v0", "v1"')
    assert (status, body) == ("304 Not Modified", b"")
    assert "Content-Length" not in headers and headers["ETag"] == '"v1"'


def test_head_is_answered_from_a_kept_get_without_a_body():
    cache, inner, _ = cache_over(PUBLIC)
    call(cache)
    status, _, body = call(cache, method="HEAD")
    assert (status, body, inner.calls) == ("200 OK", b"", 1)


PAGE = [*PUBLIC, ("Vary", "Accept-Language, Cookie")]
PAGE_COOKIES = ("sessionid", "csrftoken")


def page_cache_over(headers=PAGE):
    inner = CountingApp(headers)
    clock = Clock()
    cache = SharedResponseCache(inner, prefixes=("/",), page_cookies=PAGE_COOKIES, clock=clock)
    return cache, inner, clock


def test_a_page_for_visitors_nobody_knows_is_shared_whatever_their_other_cookies(process_only):
    cache, inner, _ = page_cache_over()
    assert call(cache, path="/amsterdam/")[2] == b"answer 1"
    # The listening and consent cookies are read by scripts, never by a page.
    assert call(cache, path="/amsterdam/", cookie="tt_listener=abc; tt_consent=x")[2] == (
        b"answer 1"
    )
    assert call(cache, path="/amsterdam/", accept_language="nl")[2] == b"answer 2"
    assert inner.calls == 2


@pytest.mark.parametrize("cookie", ["sessionid=s1", "tt_listener=abc; csrftoken=t", "csrftoken"])
def test_a_page_is_never_given_to_or_kept_from_a_request_with_a_page_cookie(process_only, cookie):
    cache, _, _ = page_cache_over()
    call(cache, path="/amsterdam/")
    assert call(cache, path="/amsterdam/", cookie=cookie)[2] == b"answer 2"
    assert call(cache, path="/amsterdam/", cookie=cookie)[2] == b"answer 3"
    assert call(cache, path="/amsterdam/")[2] == b"answer 1"


def test_an_answer_that_varies_on_no_cookie_is_shared_with_signed_in_requests_too(process_only):
    cache, inner, _ = page_cache_over(PUBLIC)
    call(cache, cookie="sessionid=s1")
    call(cache, cookie="sessionid=s2")
    assert inner.calls == 1


def test_without_page_cookies_named_an_answer_varying_on_cookie_is_never_kept(process_only):
    inner = CountingApp(PAGE)
    cache = SharedResponseCache(inner, prefixes=("/",), clock=Clock())
    call(cache, path="/amsterdam/")
    call(cache, path="/amsterdam/")
    assert inner.calls == 2


def test_a_request_whose_answer_was_not_shareable_skips_the_lookups_for_a_minute(
    process_only, monkeypatch
):
    cache, inner, clock = cache_over([("Cache-Control", "private")])
    lookups = []
    looked_up = cache._lookup
    monkeypatch.setattr(cache, "_lookup", lambda *a: lookups.append(a) or looked_up(*a))
    for _ in range(3):
        call(cache)
    assert (inner.calls, len(lookups)) == (3, 1)
    clock.now += 61
    call(cache)
    assert len(lookups) == 2


@pytest.mark.parametrize(("path", "method"), [("/amsterdam/", "GET"), ("/api/cities", "POST")])
def test_other_paths_and_methods_pass_through(path, method):
    cache, inner, _ = cache_over(PUBLIC)
    call(cache, path=path, method=method)
    call(cache, path=path, method=method)
    assert inner.calls == 2


def test_the_oldest_answers_make_way_past_the_entry_limit(process_only):
    inner = CountingApp(PUBLIC)
    cache = SharedResponseCache(inner, prefixes=("/api/",), max_entries=2, clock=Clock())
    for path in ("/api/a", "/api/b", "/api/c", "/api/c", "/api/a"):
        call(cache, path=path)
    assert inner.calls == 4  # /api/a was evicted by /api/c


@pytest.fixture
def served_application(wsgi_on_test_connection):
    """The shared cache the app server runs, on the test's own database connection."""
    from twentytwo.config.wsgi import shared_cache

    shared_cache.clear()
    yield shared_cache
    shared_cache.clear()


def test_a_rotation_reaches_listeners_once_the_shared_minute_is_over(
    served_application, monkeypatch
):
    genre = GenreFactory()
    monday = datetime(2026, 11, 2, 9, tzinfo=UTC)
    services.track_add_to_rotation(genre=genre, track=track_create(title="Old"), at=monday)
    path = f"/api/genres/{genre.pk}/tracks"
    before = call(served_application, path=path)[2]

    services.track_add_to_rotation(
        genre=genre, track=track_create(title="Fresh"), at=monday + timedelta(days=7)
    )
    assert call(served_application, path=path)[2] == before

    later = served_application.clock() + 61
    monkeypatch.setattr(served_application, "clock", lambda: later)
    assert b'"title": "Fresh"' in call(served_application, path=path)[2]
