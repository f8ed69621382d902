"""Every error page shows the id its answer carries in X-Request-ID, and the application's
log lines about the request carry it too, as JSON."""

import io
import json
import logging

import pytest
from django.conf import settings as django_settings
from django.utils.module_loading import import_string

from tests.support.access_log import records
from tests.support.wsgi import call
from twentytwo.traffic.app_logs import JsonFormatter, RequestIdFilter


@pytest.fixture
def failing_site(site, settings):
    settings.ROOT_URLCONF = "tests.traffic.urls_failing"
    return site


def _shown_id(body: bytes) -> str:
    text = body.decode()
    start = text.index("data-request-id>") + len("data-request-id>")
    return text[start : text.index("</code>", start)]


@pytest.mark.parametrize(
    ("path", "options", "status"),
    [
        ("/broken/", {}, 500),
        ("/forbidden/", {}, 403),
        ("/no/such/page/", {}, 404),
        ("/", {"headers": {"Host": "evil.example"}}, 400),
        ("/about/", {"method": "POST"}, 403),  # no CSRF token
    ],
    ids=["500", "403", "404", "400-bad-host", "403-csrf"],
)
def test_every_error_page_shows_its_request_id(failing_site, access_log, path, options, status):
    answer = call(failing_site, path, **options)

    assert answer.status == status
    assert _shown_id(answer.body) == answer.headers["X-Request-ID"]
    (record,) = records(access_log)
    assert (record.status, record.request_id) == (status, answer.headers["X-Request-ID"])


def test_a_page_that_is_no_error_shows_no_request_id(site, db):
    answer = call(site, "/about/")
    assert answer.status == 200
    assert b"data-request-id" not in answer.body


def test_log_lines_written_while_serving_a_request_carry_its_id_as_json(failing_site):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        answer = call(failing_site, "/broken/")
    finally:
        logger.removeHandler(handler)

    (line,) = [json.loads(text) for text in stream.getvalue().splitlines()]
    assert line["request_id"] == answer.headers["X-Request-ID"]
    assert line["level"] == "ERROR"
    assert line["logger"] == "django.request"
    assert line["message"] == "Internal Server Error: /broken/"
    assert "RuntimeError: the view broke" in line["exception"]


def test_outside_a_request_a_log_line_has_no_request_id():
    record = logging.LogRecord("twentytwo", logging.INFO, __file__, 1, "idle", None, None)
    RequestIdFilter().filter(record)
    assert json.loads(JsonFormatter().format(record))["request_id"] is None


def test_the_site_logs_json_through_the_request_id_filter_by_default():
    console = django_settings.LOGGING["handlers"]["console"]
    assert console["formatter"] == "json"
    assert console["filters"] == ["request_id"]
    formatter = django_settings.LOGGING["formatters"]["json"]["()"]
    assert import_string(formatter) is JsonFormatter
    root = logging.getLogger()
    assert any(isinstance(h.formatter, JsonFormatter) for h in root.handlers)
