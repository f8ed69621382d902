"""Limits per client address, through the WSGI application the app server runs: a loop that
throws its listener cookie away after every beacon gets only so many listener ids, while a
school's 200 listeners behind one address are never held back; sign-in starts and ads have
their limits too, answered 429 with Retry-After before any session is made."""

import json

import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from tests.support.beacons import OWN_ORIGIN, event, station
from tests.support.wsgi import call
from twentytwo.audience.ingestion import DROP_NO_LISTENER
from twentytwo.audience.listener import LISTENER_COOKIE
from twentytwo.audience.models import ListenEvent
from twentytwo.core import address_limits

pytestmark = pytest.mark.django_db

T0 = 1_750_000_000.0
SCHOOL = "198.51.100.20"
FLOODER = "203.0.113.66"


@pytest.fixture
def clock(monkeypatch):
    """The limits' clock, stopped at T0 until a test moves it."""
    moments = [T0]
    monkeypatch.setattr(address_limits, "clock", lambda: moments[-1])
    return moments


def limits(settings, name) -> dict:
    return next(rule for rule in settings.ADDRESS_LIMITS if rule["name"] == name)


def beacon(site, genre, track, *, address, listener=None, count=1):
    events = [
        event(genre, track, type="ping", position=1.0, client_time=None) for _ in range(count)
    ]
    body = json.dumps({"events": events}).encode()
    headers = {"Origin": OWN_ORIGIN, "Content-Type": "application/json"}
    if listener:
        headers["Cookie"] = f"{LISTENER_COOKIE}={listener}"
    return call(site, "/api/events", method="POST", body=body, headers=headers, remote_addr=address)


def minted(answer) -> str | None:
    cookie = answer.headers.get("Set-Cookie", "").strip()
    if not cookie.startswith(f"{LISTENER_COOKIE}="):
        return None
    return cookie.split(";")[0].split("=", 1)[1]


def test_a_flood_with_fresh_cookies_gets_only_so_many_listener_ids(site, clock, settings):
    genre, track = station()
    ids = limits(settings, "listener-ids")
    answers = [beacon(site, genre, track, address=FLOODER) for _ in range(ids["burst"] + 100)]

    cookies = [c for c in map(minted, answers) if c]
    assert len(cookies) == ids["burst"]
    refused = [a for a in answers if a.status == 429]
    assert len(refused) == 100
    assert json.loads(refused[0].body)["error"]["code"] == "too_many_requests"
    assert refused[0].headers["Retry-After"] == str(round(1 / ids["per_second"]))
    assert refused[0].headers["Cache-Control"] == "no-store"

    # A minute later the address has earned two more, and no more.
    clock.append(T0 + 60)
    later = [minted(beacon(site, genre, track, address=FLOODER)) for _ in range(5)]
    assert sum(1 for c in later if c) == int(60 * ids["per_second"])

    # What the flood's listener ids can send is still held by each one's own budget, and
    # the ratings see no more listeners than the ids it got.
    for cookie in cookies[:40]:
        assert beacon(site, genre, track, address=FLOODER, listener=cookie, count=5).status == 200
    assert ListenEvent.objects.values("listener").distinct().count() == 40
    # Another address is not held back by this one's flood.
    assert minted(beacon(site, genre, track, address="192.0.2.1")) is not None


def test_a_school_of_200_listeners_behind_one_address_is_never_held_back(site, clock):
    genre, track = station()
    listeners = []
    # Nine o'clock: 200 players start at once. The first beacon of each gets its cookie
    # (its events dropped as no_listener, as for any new browser) and is sent again.
    for _ in range(200):
        first = beacon(site, genre, track, address=SCHOOL, count=2)
        assert first.status == 200
        assert json.loads(first.body)["dropped"] == {DROP_NO_LISTENER: 2}
        listeners.append(minted(first))
    # Then, as make soak's listeners did (18 beacons a second from 200 of them), each sends
    # its ping every 30 seconds and one more for a start, seek, skip or end between two.
    sent = accepted = 0
    for half_minute in range(10):
        clock.append(T0 + 30 * half_minute)
        for listener in listeners * 3:
            answer = beacon(site, genre, track, address=SCHOOL, listener=listener)
            assert answer.status == 200, answer.text
            sent, accepted = sent + 1, accepted + json.loads(answer.body)["accepted"]

    assert accepted == sent == 200 * 10 * 3
    assert ListenEvent.objects.values("listener").distinct().count() == 200


SIGN_IN = "/accounts/oidc/mock/login/"


def test_sign_in_starts_are_limited_before_a_session_is_made(clock, settings, oidc_providers):
    rule = limits(settings, "sign-in-starts")
    # Each start from a fresh browser (no cookies) is what made a session row each.
    statuses = [
        Client().post(SIGN_IN, REMOTE_ADDR=FLOODER).status_code for _ in range(rule["burst"] + 40)
    ]

    assert statuses[: rule["burst"]] == [302] * rule["burst"]  # off to the provider
    assert statuses[rule["burst"] :] == [429] * 40
    assert Session.objects.count() == rule["burst"]
    refused = Client().post(SIGN_IN, REMOTE_ADDR=FLOODER)
    assert refused.status_code == 429 and int(refused["Retry-After"]) == 10
    # The callback has its own bucket; another address is not held back.
    callback = Client().get(SIGN_IN + "callback/", REMOTE_ADDR=FLOODER)
    assert callback.status_code != 429
    assert Client().post(SIGN_IN, REMOTE_ADDR="192.0.2.9").status_code == 302


def test_ad_placements_are_limited_per_address(client, clock, settings):
    rule = limits(settings, "ads")
    statuses = [
        client.get("/ads/place/?place=page", REMOTE_ADDR=FLOODER).status_code
        for _ in range(rule["burst"] + 5)
    ]
    assert statuses.count(429) == 5
    assert client.get("/ads/place/?place=page", REMOTE_ADDR="192.0.2.9").status_code != 429


def test_limits_are_shared_by_processes_through_redis(site, clock, settings, shared_redis):
    from twentytwo.core.limits import buckets_forget

    genre, track = station()
    ids = limits(settings, "listener-ids")
    for _ in range(ids["burst"]):
        assert minted(beacon(site, genre, track, address=FLOODER))
    # Another process knows nothing of this one's local buckets: only Redis holds them.
    buckets_forget()
    assert beacon(site, genre, track, address=FLOODER).status == 429
