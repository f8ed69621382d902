"""Helpers for the audience tests: a playlist to listen to and beacons to send about it."""

import json
import uuid
from datetime import UTC, datetime

import pytest
from django.utils import timezone

from tests.support.factories import CityFactory, GenreFactory, track_create
from twentytwo.audience.listener import LISTENER_COOKIE
from twentytwo.catalog import services

ADDED = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
# Tests pin the clock here; client times near it are sane.
NOW = datetime(2025, 3, 10, 20, 0, tzinfo=UTC)
LISTENER = uuid.UUID("0123456789abcdef0123456789abcdef")


def station(*, seconds: float = 30.0):
    """Return a genre with one track of `seconds` in its playlist, and that track."""
    city = CityFactory(name="Amsterdam", slug="amsterdam")
    genre = GenreFactory(city=city, name="Deep House", slug="deep-house")
    track = track_create(title="Slow burner", seconds=seconds)
    services.track_add_to_rotation(genre=genre, track=track, at=ADDED)
    return genre, track


def event(genre, track, **fields) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "type": "start",
        "genre": genre.pk,
        "track": track.pk,
        "position": 0.0,
        "client_time": NOW.isoformat(),
        **fields,
    }


# What a browser sends with the player's POST from one of the site's pages.
OWN_ORIGIN = "http://testserver"


def post_events(client, events, *, listener=LISTENER, **headers):
    """POST a batch as the player does; `listener=None` sends no cookie."""
    if listener is not None:
        client.cookies[LISTENER_COOKIE] = listener.hex
    return client.post(
        "/api/events",
        data=json.dumps({"events": events}),
        content_type="application/json",
        **({"HTTP_ORIGIN": OWN_ORIGIN} | headers),
    )


@pytest.fixture
def pinned_clock(monkeypatch):
    """Stop the server's clock at NOW, for every caller of timezone.now()."""
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return NOW
