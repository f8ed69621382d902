"""The player in a real Chromium: it plays real audio and keeps playing while pages swap."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.support.catalog import rotate_in
from tests.support.factories import GenreFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Long enough that "still advancing" is seen well before a track ends.
TRACK_SECONDS = 8.0
WAIT_MS = 10_000

AUDIO = "document.getElementById('player-audio')"


@pytest.fixture
def playlist(house):
    """Three 8-second tracks in Deep House, newest (played first) last in the list."""
    tracks = rotate_in(genre=house, count=3, seconds=TRACK_SECONDS)
    GenreFactory(city=house.city, name="Disco", slug="disco")
    return list(reversed(tracks))


def genre_path(genre) -> str:
    return reverse("web:genre", kwargs={"city": genre.city.slug, "genre": genre.slug})


def wait_until_playing(page, *, beyond: float = 0.3):
    page.wait_for_function(
        f"() => !{AUDIO}.paused && {AUDIO}.currentTime > {beyond}", timeout=WAIT_MS
    )


def current_time(page) -> float:
    return page.evaluate(f"() => {AUDIO}.currentTime")


def mark_document(page):
    """Tag the audio element and the window; a full page load would lose both tags."""
    page.evaluate(f"() => {{ window.sameDocument = true; {AUDIO}.dataset.mark = 'kept'; }}")


def assert_same_document(page):
    assert page.evaluate(f"() => window.sameDocument === true && {AUDIO}.dataset.mark === 'kept'")


def start_genre(visit, house):
    page = visit.open(genre_path(house))
    page.get_by_role("button", name="Play all").click()
    wait_until_playing(page)
    return page


def test_choosing_a_genre_from_home_and_pressing_play_plays_its_first_track(
    browser_visit, house, playlist
):
    page = browser_visit.open("/")
    mark_document(page)

    page.get_by_role("link", name="Deep House").click()
    page.wait_for_url(f"**{genre_path(house)}")
    page.get_by_role("heading", level=1, name="Deep House").wait_for()
    page.get_by_role("button", name="Play all").click()

    wait_until_playing(page)
    assert_same_document(page)
    assert page.locator("#player-title").inner_text() == playlist[0].title
    assert page.evaluate("() => window.twentytwoPlayer.queue.length") == 3


def test_clicking_a_row_queues_the_genre_from_that_row(browser_visit, house, playlist):
    page = browser_visit.open(genre_path(house))

    page.get_by_role("button", name=f"Play {playlist[1].title} by {playlist[1].artist}").click()

    wait_until_playing(page)
    assert page.locator("#player-title").inner_text() == playlist[1].title
    assert page.evaluate("() => window.twentytwoPlayer.index") == 1
    expect(page.locator(".track.is-current .track__title")).to_have_text(playlist[1].title)


def test_following_a_link_while_playing_keeps_the_music_going(browser_visit, house, playlist):
    page = start_genre(browser_visit, house)
    mark_document(page)
    before = current_time(page)

    page.get_by_role("navigation", name="Site").get_by_role("link", name="About").click()
    page.wait_for_url("**/about/")
    page.get_by_role("heading", level=1, name="About 22tracks").wait_for()

    assert_same_document(page)
    wait_until_playing(page, beyond=before + 0.5)
    assert page.title().startswith("About")


def test_back_button_restores_the_page_and_the_music_goes_on(browser_visit, house, playlist):
    page = start_genre(browser_visit, house)
    mark_document(page)
    page.get_by_role("link", name=playlist[2].title).click()
    page.get_by_role("heading", level=1, name=playlist[2].title).wait_for()
    at_track_page = current_time(page)

    page.go_back()

    page.wait_for_url(f"**{genre_path(house)}")
    page.get_by_role("heading", level=1, name="Deep House").wait_for()
    assert_same_document(page)
    wait_until_playing(page, beyond=at_track_page + 0.3)
    # The restored rows still show which track is playing.
    expect(page.locator(".track.is-current .track__title")).to_have_text(playlist[0].title)


def test_moving_the_seek_bar_jumps_in_the_track(browser_visit, house, playlist):
    page = start_genre(browser_visit, house)

    page.evaluate(
        """() => {
            const seek = document.getElementById('player-seek');
            seek.value = '5';
            seek.dispatchEvent(new Event('input', {bubbles: true}));
        }"""
    )

    page.wait_for_function(f"() => {AUDIO}.currentTime >= 5", timeout=WAIT_MS)
    wait_until_playing(page, beyond=5.2)
    expect(page.locator("#player-elapsed")).to_have_text(re.compile(r"0:0[56]"))


def test_the_next_track_starts_when_one_ends_and_the_queue_wraps(browser_visit, house, playlist):
    page = start_genre(browser_visit, house)

    for expected in [1, 2, 0]:
        page.evaluate(f"() => {{ {AUDIO}.currentTime = {AUDIO}.duration - 0.4; }}")
        page.wait_for_function(
            f"() => window.twentytwoPlayer.index === {expected}", timeout=WAIT_MS
        )
        wait_until_playing(page, beyond=0.2)
        assert page.locator("#player-title").inner_text() == playlist[expected].title


def test_space_pauses_and_resumes_and_j_k_change_track(browser_visit, house, playlist):
    page = start_genre(browser_visit, house)
    page.locator("h1").click()

    page.keyboard.press("Space")
    page.wait_for_function(f"() => {AUDIO}.paused", timeout=WAIT_MS)
    expect(page.locator("[data-player='toggle']")).to_have_attribute("aria-label", "Play")

    page.keyboard.press("Space")
    wait_until_playing(page)
    expect(page.locator("[data-player='toggle']")).to_have_attribute("aria-label", "Pause")

    page.keyboard.press("j")
    page.wait_for_function("() => window.twentytwoPlayer.index === 1", timeout=WAIT_MS)
    page.keyboard.press("k")
    page.wait_for_function("() => window.twentytwoPlayer.index === 0", timeout=WAIT_MS)
    wait_until_playing(page)


def test_player_buttons_work(browser_visit, house, playlist):
    page = start_genre(browser_visit, house)

    page.get_by_role("button", name="Next track").click()
    page.wait_for_function("() => window.twentytwoPlayer.index === 1", timeout=WAIT_MS)
    page.get_by_role("button", name="Pause").click()
    page.wait_for_function(f"() => {AUDIO}.paused", timeout=WAIT_MS)
    page.get_by_role("button", name="Play", exact=True).click()
    wait_until_playing(page)
    page.get_by_role("button", name="Previous track").click()
    page.wait_for_function("() => window.twentytwoPlayer.index === 0", timeout=WAIT_MS)


def test_media_session_shows_what_is_playing(browser_visit, house, playlist):
    page = start_genre(browser_visit, house)

    metadata = page.evaluate(
        "() => { const m = navigator.mediaSession.metadata;"
        " return {title: m.title, artist: m.artist, album: m.album}; }"
    )

    assert metadata == {
        "title": playlist[0].title,
        "artist": playlist[0].artist,
        "album": "Deep House",
    }
    assert page.evaluate("() => navigator.mediaSession.playbackState") == "playing"


def test_listening_asks_nothing_of_other_origins_and_sets_no_cookie(browser_visit, house, playlist):
    page = start_genre(browser_visit, house)
    page.get_by_role("link", name=playlist[0].title).first.click()
    page.get_by_role("heading", level=1, name=playlist[0].title).wait_for()
    page.go_back()
    page.get_by_role("heading", level=1, name="Deep House").wait_for()
    page.get_by_role("link", name="Ledger: every track so far").click()
    page.get_by_role("heading", level=1, name="The ledger").wait_for()
    wait_until_playing(page)

    assert browser_visit.requests
    elsewhere = [
        url for url in browser_visit.requests if not url.startswith(browser_visit.base_url + "/")
    ]
    assert elsewhere == []
    assert any("/stream/" in url for url in browser_visit.requests)
    assert browser_visit.context.cookies() == []


def test_browsing_works_without_javascript(browser_visit_without_script, house, playlist):
    page = browser_visit_without_script.open("/")

    page.get_by_role("link", name="Deep House").click()
    page.wait_for_url(f"**{genre_path(house)}")
    page.get_by_role("link", name=playlist[0].title).click()
    page.get_by_role("heading", level=1, name=playlist[0].title).wait_for()

    assert page.get_by_role("button", name="Play all").count() == 0
    assert page.locator("#player").is_hidden()


@pytest.mark.parametrize("path_name", ["home", "genre", "track", "ledger"])
def test_pages_fit_a_360_pixel_wide_screen(narrow_visit, house, playlist, path_name, tmp_path):
    path = {
        "home": "/",
        "genre": genre_path(house),
        "track": reverse("web:track", kwargs={"track_id": playlist[0].pk}),
        "ledger": reverse("web:ledger", kwargs={"city": "amsterdam", "genre": "deep-house"}),
    }[path_name]
    page = narrow_visit.open(path)
    page.locator("#player:not([hidden])").wait_for()

    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    page.screenshot(path=tmp_path / f"shot-360-{path_name}.png", full_page=True)

    assert overflow <= 0


def test_an_expired_stream_link_is_renewed_and_the_track_plays(browser_visit, house, playlist):
    page = browser_visit.open(genre_path(house))
    # What a page left open past the links' lifetime holds: links the server refuses.
    page.evaluate(
        """() => document.querySelectorAll('[data-stream-url]').forEach(row => {
             row.dataset.streamUrl = row.dataset.streamUrl.replace(/\\.[^.\\/]+\\.mp3$/, '.x.mp3');
           })"""
    )
    with page.expect_response(lambda r: "/stream/" in r.url and r.status == 403):
        page.get_by_role("button", name="Play all").click()

    wait_until_playing(page)
    assert page.locator("#player-title").inner_text() == playlist[0].title
    assert page.evaluate("() => window.twentytwoPlayer.index") == 0
    assert any(f"/api/tracks/{playlist[0].pk}" in url for url in browser_visit.requests)
    # The refused load is the point of this test, not a defect of the page.
    browser_visit.problems[:] = [p for p in browser_visit.problems if "403" not in p]
