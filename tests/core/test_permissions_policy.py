"""Every answer carries the site's Permissions-Policy, whichever layer gives it."""

import pytest
from django.conf import settings
from django.test import Client

from tests.streaming.test_fast_path import _get
from tests.support.factories import track_create
from twentytwo.core.lean_handler import LeanWSGIHandler
from twentytwo.streaming.fast_path import StreamFastPath
from twentytwo.streaming.signing import stream_url

pytestmark = pytest.mark.django_db


def test_pages_and_the_api_send_it():
    for path in ("/", "/about/", "/api/cities"):
        response = Client().get(path)
        assert response["Permissions-Policy"] == settings.PERMISSIONS_POLICY, path
    assert "camera=()" in settings.PERMISSIONS_POLICY
    assert "microphone=()" in settings.PERMISSIONS_POLICY


def test_streams_send_it_from_the_view_and_from_the_fast_path(wsgi_on_test_connection, settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    site = StreamFastPath(LeanWSGIHandler())
    url = stream_url(track_create(seconds=3.0).pk)
    for _ in range(2):  # the first through the view, the second through the fast path
        status, headers, _body = _get(site, url)
        assert status == "200 OK"
        assert headers["Permissions-Policy"] == settings.PERMISSIONS_POLICY
