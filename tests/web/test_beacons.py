"""The player's listening beacons in a real Chromium: a played track is stored as a `start`,
leaving the page sends a `stop`, and with counting off or Global Privacy Control the player
sends nothing at all."""

import time

import pytest
from django.urls import reverse

from tests.support.catalog import rotate_in
from twentytwo.audience.listener import COUNTING_COOKIE, LISTENER_COOKIE
from twentytwo.audience.models import ListenEvent

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TRACK_SECONDS = 8.0
AUDIO = "document.getElementById('player-audio')"


@pytest.fixture
def playlist(house):
    return list(reversed(rotate_in(genre=house, count=2, seconds=TRACK_SECONDS)))


def genre_path(genre) -> str:
    return reverse("web:genre", kwargs={"city": genre.city.slug, "genre": genre.slug})


def wait_for_kinds(kinds: list[str], *, timeout: float = 10.0) -> list[ListenEvent]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        events = list(ListenEvent.objects.order_by("server_time", "id"))
        if [event.kind for event in events] == kinds:
            return events
        time.sleep(0.1)
    raise AssertionError(
        f"stored {[(e.kind, e.track_id, str(e.listener)[:8], e.position) for e in events]}, "
        f"expected {kinds}"
    )


def play_first_track(visit, genre):
    page = visit.open(genre_path(genre))
    page.get_by_role("button", name="Play all").click()
    page.wait_for_function(f"() => !{AUDIO}.paused && {AUDIO}.currentTime > 0.3")
    return page


def test_playing_a_track_stores_a_start_and_leaving_the_page_a_stop(browser_visit, house, playlist):
    page = play_first_track(browser_visit, house)

    (start,) = wait_for_kinds(["start"])
    assert (start.genre_id, start.track_id, start.city_id) == (
        house.pk,
        playlist[0].pk,
        house.city_id,
    )
    cookie = {c["name"]: c for c in browser_visit.context.cookies()}[LISTENER_COOKIE]
    assert cookie["httpOnly"] is True
    assert cookie["sameSite"] == "Lax"
    assert start.listener.hex == cookie["value"]

    page.goto(browser_visit.base_url + reverse("web:contact"))

    _, stop = wait_for_kinds(["start", "stop"])
    assert (stop.track_id, stop.listener) == (playlist[0].pk, start.listener)
    assert stop.position > 0


def test_pressing_next_mid_track_sends_a_skip_then_a_start(browser_visit, house, playlist):
    page = play_first_track(browser_visit, house)
    wait_for_kinds(["start"])

    page.get_by_role("button", name="Next track").click()
    page.wait_for_function("() => window.twentytwoPlayer.index === 1")

    events = wait_for_kinds(["start", "skip", "start"])
    assert [e.track_id for e in events] == [playlist[0].pk, playlist[0].pk, playlist[1].pk]


def test_with_counting_off_the_player_sends_nothing(browser_visit, house, playlist):
    host = browser_visit.base_url.split("//")[1].split(":")[0]
    browser_visit.context.add_cookies(
        [{"name": COUNTING_COOKIE, "value": "off", "domain": host, "path": "/"}]
    )
    page = play_first_track(browser_visit, house)
    page.wait_for_timeout(4000)
    page.goto(browser_visit.base_url + reverse("web:contact"))

    assert not any(url.endswith("/api/events") for url in browser_visit.requests)
    assert not ListenEvent.objects.exists()


def test_with_global_privacy_control_the_player_sends_nothing(browser_visit, house, playlist):
    browser_visit.context.add_init_script(
        "Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', {get: () => true});"
    )
    page = play_first_track(browser_visit, house)
    page.wait_for_timeout(4000)
    page.goto(browser_visit.base_url + reverse("web:contact"))

    assert not any(url.endswith("/api/events") for url in browser_visit.requests)
    assert not ListenEvent.objects.exists()


def test_the_about_page_switch_turns_counting_off(browser_visit, policy):
    page = browser_visit.open(reverse("web:about"))
    page.get_by_role("button", name="Don’t count my listening").click()
    page.get_by_text("Your listening is not counted.").wait_for()
    cookies = {c["name"]: c["value"] for c in browser_visit.context.cookies()}
    assert cookies[COUNTING_COOKIE] == "off"
    page.get_by_role("button", name="Count my listening again").click()
    page.get_by_text("Your listening is counted, unless").wait_for()


def test_a_batch_told_to_slow_down_is_kept_and_sent_with_the_next(browser_visit, house, playlist):
    # The edge (deploy/nginx.conf) answers 429 past its per-address limit.
    listener = "0123456789abcdef0123456789abcdef"
    browser_visit.context.add_cookies(
        [{"name": LISTENER_COOKIE, "value": listener, "url": browser_visit.base_url}]
    )
    refused = []

    def slow_down(route):
        refused.append(route.request.post_data_json)
        route.fulfill(status=429, body="")
        browser_visit.page.unroute("**/api/events", slow_down)

    browser_visit.page.route("**/api/events", slow_down)
    page = play_first_track(browser_visit, house)
    deadline = time.monotonic() + 10
    while not refused and time.monotonic() < deadline:
        page.wait_for_timeout(100)

    page.goto(browser_visit.base_url + reverse("web:contact"))

    start, stop = wait_for_kinds(["start", "stop"])
    assert [e["type"] for e in refused[0]["events"]] == ["start"]
    assert start.event_id.hex == refused[0]["events"][0]["id"].replace("-", "")
    assert start.listener == stop.listener and start.listener.hex == listener
    browser_visit.problems[:] = [p for p in browser_visit.problems if "429" not in p]
