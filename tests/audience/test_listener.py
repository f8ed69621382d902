"""The listener cookie: set by the first beacon's answer, never by a page; random, HttpOnly,
Lax and at most 13 months old; gone, with every event dropped, when counting is off."""

import uuid

import pytest
from django.test import Client
from django.urls import reverse

from tests.support.beacons import OWN_ORIGIN, event, post_events, station
from twentytwo.audience.ingestion import DROP_NO_LISTENER, DROP_OPTED_OUT
from twentytwo.audience.listener import COUNTING_COOKIE, LISTENER_COOKIE
from twentytwo.audience.models import ListenEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_clock")]

THIRTEEN_MONTHS_SECONDS = 395 * 24 * 3600


@pytest.fixture
def playlist():
    return station()


def test_a_first_beacon_drops_its_events_and_sets_a_random_listener_cookie(client, playlist):
    genre, track = playlist
    batch = [event(genre, track)]

    first = post_events(client, batch, listener=None)

    assert first.json() == {"accepted": 0, "dropped": {DROP_NO_LISTENER: 1}}
    cookie = first.cookies[LISTENER_COOKIE]
    assert uuid.UUID(hex=cookie.value).int != 0
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert 0 < int(cookie["max-age"]) <= THIRTEEN_MONTHS_SECONDS
    assert cookie["secure"] == ""
    assert not ListenEvent.objects.exists()

    # The player sends the batch once more; now the browser has the cookie.
    again = client.post(
        "/api/events",
        HTTP_ORIGIN=OWN_ORIGIN,
        data={"events": batch},
        content_type="application/json",
    )
    assert again.json() == {"accepted": 1, "dropped": {}}
    assert ListenEvent.objects.get().listener == uuid.UUID(hex=cookie.value)
    assert LISTENER_COOKIE not in again.cookies


def test_two_browsers_get_different_listener_ids(client, playlist):
    genre, track = playlist
    one = post_events(client, [event(genre, track)], listener=None).cookies[LISTENER_COOKIE]
    two = post_events(Client(), [event(genre, track)], listener=None).cookies[LISTENER_COOKIE]
    assert one.value != two.value


def test_the_cookie_is_secure_in_production(client, playlist, settings):
    settings.SESSION_COOKIE_SECURE = True
    genre, track = playlist
    response = post_events(client, [event(genre, track)], listener=None)
    assert response.cookies[LISTENER_COOKIE]["secure"] is True


def test_a_garbled_listener_cookie_is_replaced(client, playlist):
    genre, track = playlist
    client.cookies[LISTENER_COOKIE] = "alice@example.com"
    response = client.post(
        "/api/events",
        HTTP_ORIGIN=OWN_ORIGIN,
        data={"events": [event(genre, track)]},
        content_type="application/json",
    )
    assert response.json() == {"accepted": 0, "dropped": {DROP_NO_LISTENER: 1}}
    assert len(response.cookies[LISTENER_COOKIE].value) == 32


@pytest.mark.parametrize("path", ["/", "/about/"])
def test_pages_set_no_cookie(client, playlist, path):
    assert client.get(path).cookies == {}


def test_with_counting_off_nothing_is_stored_and_the_listener_cookie_is_removed(client, playlist):
    genre, track = playlist
    client.cookies[COUNTING_COOKIE] = "off"

    response = post_events(client, [event(genre, track), event(genre, track)])

    assert response.json() == {"accepted": 0, "dropped": {DROP_OPTED_OUT: 2}}
    assert response.cookies[LISTENER_COOKIE].value == ""
    assert not ListenEvent.objects.exists()


def test_global_privacy_control_is_honoured_like_counting_off(client, playlist):
    genre, track = playlist

    response = post_events(client, [event(genre, track)], listener=None, HTTP_SEC_GPC="1")

    assert response.json() == {"accepted": 0, "dropped": {DROP_OPTED_OUT: 1}}
    assert response.cookies[LISTENER_COOKIE].value == ""
    assert not ListenEvent.objects.exists()


def test_the_about_page_says_what_the_cookie_is_for(client):
    page = client.get(reverse("web:about")).content.decode()
    assert 'id="listening-statistics"' in page
    assert "tt_listener" in page
    assert "Don’t count my listening" in page
