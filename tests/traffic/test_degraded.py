"""With Redis configured and not answering, the site goes on: pages, the API, streams and
beacons are served from each process's own cache and buckets, and /readyz and /metrics say
the site runs degraded while the node stays in rotation."""

import json
import uuid

import pytest

from tests.support.beacons import OWN_ORIGIN, event
from tests.support.factories import CityFactory, GenreFactory, track_create
from tests.support.wsgi import call
from tests.traffic.test_metrics import series, session_cookie
from twentytwo.catalog import services as catalog_services
from twentytwo.core.shared import shared_store
from twentytwo.streaming.signing import stream_url


def cache_at(url: str) -> dict:
    return {
        "default": {
            "BACKEND": "twentytwo.core.shared_cache.SharedRedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.5},
        }
    }


@pytest.fixture
def staff(db, settings):
    from django.contrib.auth import get_user_model

    # Tasks run at once here: /readyz waits for no worker.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    return session_cookie(get_user_model().objects.create_user(username="ops", is_staff=True))


@pytest.fixture
def playlist(db):
    city = CityFactory(name="Amsterdam", slug="amsterdam")
    genre = GenreFactory(city=city, name="Deep House", slug="deep-house")
    track = track_create(title="Slow burner", seconds=3.0)
    catalog_services.track_add_to_rotation(genre=genre, track=track)
    return genre, track


def test_with_redis_down_the_site_serves_and_says_it_is_degraded(
    site,
    settings,
    redis_unreachable,
    playlist,
    staff,
):
    settings.CACHES = cache_at(redis_unreachable)
    genre, track = playlist

    for path in ("/", "/amsterdam/deep-house/", f"/api/tracks/{track.pk}", "/api/cities"):
        answer = call(site, path)
        assert answer.status == 200, (path, answer.status)
    assert call(site, f"/api/tracks/{track.pk}").status == 200  # from the local cache
    assert call(site, stream_url(track.pk)).status == 200
    body = json.dumps({"events": [event(genre, track, client_time=None)]}).encode()
    beacon = call(
        site,
        "/api/events",
        method="POST",
        body=body,
        headers={
            "Origin": OWN_ORIGIN,
            "Content-Type": "application/json",
            "Cookie": f"tt_listener={uuid.uuid4().hex}",
        },
    )
    assert json.loads(beacon.body) == {"accepted": 1, "dropped": {}}
    assert shared_store.state().degraded

    ready = call(site, "/readyz")
    assert ready.status == 200
    assert "redis: not answering, degraded" in ready.text
    figures = series(call(site, "/metrics", headers={"Cookie": staff}).text)
    assert figures["twentytwo_redis_up"] == 0


def test_with_redis_answering_the_cache_is_shared(site, settings, shared_redis, playlist, staff):
    settings.CACHES = cache_at(settings.REDIS_URL)
    _genre, track = playlist

    first = call(site, f"/api/tracks/{track.pk}")
    assert first.status == 200
    assert shared_redis.keys("tt:answer:*")  # the answer went to Redis
    # Another process (its own copies empty) answers from Redis, the same bytes.
    from twentytwo.config.wsgi import shared_cache

    shared_cache.clear()
    track.title = "Changed, unseen for the answer's minute"
    track.save()
    assert call(site, f"/api/tracks/{track.pk}").body == first.body
    assert "redis: ok" in call(site, "/readyz").text
    figures = series(call(site, "/metrics", headers={"Cookie": staff}).text)
    assert figures["twentytwo_redis_up"] == 1
