"""Hearts in a real Chromium: pressing one never stops the music, and an anonymous
listener's heart and place in the music survive the sign-in round trip."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from tests.support.catalog import rotate_in
from twentytwo.favorites.models import Favorite

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Long enough that a sign-in round trip happens well inside one track.
TRACK_SECONDS = 20.0
WAIT_MS = 10_000
AUDIO = "document.getElementById('player-audio')"


@pytest.fixture
def playlist(house):
    return list(reversed(rotate_in(genre=house, count=2, seconds=TRACK_SECONDS)))


def genre_path(genre) -> str:
    return reverse("web:genre", kwargs={"city": genre.city.slug, "genre": genre.slug})


def sign_in_browser(visit, user) -> None:
    """Give the browser the session cookie a real sign-in would have given it."""
    client = Client()
    client.force_login(user)
    visit.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": visit.base_url,
            }
        ]
    )


def wait_until_playing(page, *, beyond: float = 0.3):
    page.wait_for_function(
        f"() => !{AUDIO}.paused && {AUDIO}.currentTime > {beyond}", timeout=WAIT_MS
    )


def current_time(page) -> float:
    return page.evaluate(f"() => {AUDIO}.currentTime")


def wait_for_favorites(page, user, *, count: int) -> None:
    """The heart is sent in the background; give the server a moment to have it."""
    for _ in range(100):
        if Favorite.objects.filter(user=user).count() == count:
            return
        page.wait_for_timeout(100)
    assert Favorite.objects.filter(user=user).count() == count


def test_hearting_the_playing_track_keeps_the_music_going_and_the_dashboard_lists_it(
    browser_visit, adult, house, playlist
):
    sign_in_browser(browser_visit, adult)
    page = browser_visit.open(genre_path(house))
    page.get_by_role("button", name="Play all").click()
    wait_until_playing(page)
    page.evaluate(f"() => {{ window.sameDocument = true; {AUDIO}.dataset.mark = 'kept'; }}")
    before = current_time(page)

    player_heart = page.get_by_role("button", name="Favorite the playing track")
    player_heart.click()

    expect(player_heart).to_have_attribute("aria-pressed", "true")
    row_heart = page.get_by_role(
        "button", name=f"Favorite {playlist[0].title} by {playlist[0].artist}"
    )
    expect(row_heart).to_have_attribute("aria-pressed", "true")
    wait_for_favorites(page, adult, count=1)
    assert Favorite.objects.get(user=adult).track == playlist[0]
    wait_until_playing(page, beyond=before + 0.5)

    page.get_by_role("navigation", name="Account").get_by_role("link", name="Dashboard").click()
    page.get_by_role("heading", level=1, name="Your dashboard").wait_for()

    expect(page.locator("main .track__title")).to_have_text([playlist[0].title])
    assert page.evaluate(f"() => window.sameDocument === true && {AUDIO}.dataset.mark === 'kept'")
    wait_until_playing(page, beyond=before + 1.0)
    assert page.locator("#player-title").inner_text() == playlist[0].title


def test_taking_a_heart_off_in_a_list_updates_the_player_bar(browser_visit, adult, house, playlist):
    Favorite.objects.create(user=adult, track=playlist[0])
    sign_in_browser(browser_visit, adult)
    page = browser_visit.open(genre_path(house))
    page.get_by_role("button", name="Play all").click()
    wait_until_playing(page)
    player_heart = page.get_by_role("button", name="Favorite the playing track")
    expect(player_heart).to_have_attribute("aria-pressed", "true")

    page.get_by_role("button", name=f"Favorite {playlist[0].title} by {playlist[0].artist}").click()

    expect(player_heart).to_have_attribute("aria-pressed", "false")
    wait_for_favorites(page, adult, count=0)
    wait_until_playing(page)


def test_an_anonymous_heart_survives_sign_in_and_the_music_resumes_where_it_was(
    browser_visit, adult, house, playlist
):
    path = genre_path(house)
    page = browser_visit.open(path)
    page.get_by_role("button", name=f"Play {playlist[1].title} by {playlist[1].artist}").click()
    wait_until_playing(page, beyond=2.0)

    page.get_by_role("button", name=f"Favorite {playlist[1].title} by {playlist[1].artist}").click()
    dialog = page.get_by_role("dialog", name="Keep your favorites")
    expect(dialog).to_be_visible()
    position = current_time(page)
    dialog.get_by_role("link", name="Sign in").click()
    page.wait_for_url(f"**{reverse('account_login')}?next=*")
    assert page.url.endswith("?next=" + path.replace("/", "%2F"))
    assert not Favorite.objects.exists()

    # The provider signs the listener in and sends them back to where they were.
    sign_in_browser(browser_visit, adult)
    page.goto(browser_visit.base_url + path)

    heart = page.get_by_role("button", name=f"Favorite {playlist[1].title} by {playlist[1].artist}")
    expect(heart).to_have_attribute("aria-pressed", "true")
    wait_for_favorites(page, adult, count=1)
    assert Favorite.objects.get(user=adult).track == playlist[1]
    # Playing again, and from where it was: a restart from 0:00 would be well behind.
    wait_until_playing(page, beyond=0.1)
    assert current_time(page) >= position
    assert page.locator("#player-title").inner_text() == playlist[1].title
    assert page.evaluate("() => window.twentytwoPlayer.index") == 1
    assert page.evaluate("() => window.twentytwoPlayer.queue.length") == 2
    expect(page.get_by_role("button", name="Favorite the playing track")).to_have_attribute(
        "aria-pressed", "true"
    )
