"""Cookie choices in a real Chromium: before any choice nothing leaves for another origin and
no cookie beyond the essential ones and the listener's is set, even after playing; refusing
takes one click, like accepting, and the music plays on through either."""

import time
import uuid
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.urls import reverse

from tests.support.catalog import rotate_in
from tests.support.policies import policy_changing_cookie_purposes
from twentytwo.audience.listener import COUNTING_COOKIE, LISTENER_COOKIE
from twentytwo.audience.models import ListenEvent
from twentytwo.privacy.cookies import CONSENT_COOKIE
from twentytwo.privacy.models import ConsentChoice

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AUDIO = "document.getElementById('player-audio')"
ESSENTIAL = {settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME}
BANNER = "[data-cookie-banner]"


@pytest.fixture
def playlist(house):
    return list(reversed(rotate_in(genre=house, count=2, seconds=8.0)))


def genre_path(genre) -> str:
    return reverse("web:genre", kwargs={"city": genre.city.slug, "genre": genre.slug})


def play(page):
    page.get_by_role("button", name="Play all").click()
    page.wait_for_function(f"() => !{AUDIO}.paused && {AUDIO}.currentTime > 0.3")


def wait_for(condition, *, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError("the condition never held")


def cookie_names(visit) -> set[str]:
    return {cookie["name"] for cookie in visit.context.cookies()}


def origins(visit) -> set[str]:
    return {"{0.scheme}://{0.netloc}".format(urlsplit(url)) for url in visit.requests}


def test_before_any_choice_nothing_leaves_for_another_origin_and_only_the_listener_cookie_is_set(
    browser_visit, house, playlist, policy
):
    page = browser_visit.open("/")
    page.locator(BANNER).wait_for(state="visible")
    page.get_by_role("link", name="Deep House").first.click()
    page.get_by_role("heading", level=1, name="Deep House").wait_for()
    play(page)
    # The answer to the first listening report is what sets the listener cookie.
    wait_for(lambda: ListenEvent.objects.filter(kind="start").exists())
    page.get_by_role("link", name="About").first.click()
    page.get_by_role("heading", level=1, name="About 22tracks").wait_for()

    assert origins(browser_visit) == {browser_visit.base_url}
    assert any("/api/events" in url for url in browser_visit.requests)
    assert cookie_names(browser_visit) - ESSENTIAL == {LISTENER_COOKIE}
    assert page.locator(BANNER).is_visible()
    assert page.evaluate("() => window.twentytwoConsent.allows('advertising')") is False
    assert not ConsentChoice.objects.exists()


def test_refusing_in_the_banner_takes_one_click_and_the_music_plays_on(
    browser_visit, house, playlist, policy
):
    page = browser_visit.open(genre_path(house))
    play(page)
    wait_for(lambda: LISTENER_COOKIE in cookie_names(browser_visit))
    page.evaluate(f"() => {{ {AUDIO}.dataset.mark = 'kept'; }}")

    page.locator(BANNER).get_by_role("button", name="Refuse all").click()
    page.locator(BANNER).wait_for(state="hidden")

    choice = ConsentChoice.objects.get()
    assert (choice.method, choice.policy_version) == ("refuse_all", policy)
    cookies = {c["name"]: c["value"] for c in browser_visit.context.cookies()}
    assert cookies[COUNTING_COOKIE] == "off"
    assert LISTENER_COOKIE not in cookies
    assert cookies[CONSENT_COOKIE].endswith(".0")
    # Same document, still playing: choosing never interrupts the music.
    assert page.evaluate(f"() => {AUDIO}.dataset.mark === 'kept' && !{AUDIO}.paused")
    sent = sum("/api/events" in url for url in browser_visit.requests)
    page.get_by_role("button", name="Next track").click()
    page.wait_for_timeout(4000)
    assert sum("/api/events" in url for url in browser_visit.requests) == sent
    page.reload()
    page.locator("[data-track]").first.wait_for()
    assert page.locator(BANNER).is_hidden()


def test_accepting_in_the_banner_allows_advertising_until_changed_from_the_footer(
    browser_visit, house, playlist, policy
):
    page = browser_visit.open(genre_path(house))
    page.locator(BANNER).get_by_role("button", name="Accept all").click()
    page.locator(BANNER).wait_for(state="hidden")
    assert page.evaluate("() => window.twentytwoConsent.allows('advertising')") is True

    page.locator(".site-footer").get_by_role("link", name="Cookie choices").click()
    page.get_by_role("heading", level=1, name="Cookie choices").wait_for()
    page.get_by_label("Refuse advertising partners").check()
    page.get_by_role("button", name="Save my choices").click()
    page.locator("[data-latest-choice='chosen']").wait_for()

    assert page.evaluate("() => window.twentytwoConsent.allows('advertising')") is False
    assert page.evaluate("() => window.twentytwoConsent.allows('audience_statistics')") is True
    assert list(ConsentChoice.objects.order_by("id").values_list("method", flat=True)) == [
        "accept_all",
        "chosen",
    ]


def test_global_privacy_control_shows_no_banner_and_allows_nothing(
    browser_visit, house, playlist, policy
):
    browser_visit.context.add_init_script(
        "Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', {get: () => true});"
    )
    browser_visit.context.set_extra_http_headers({"Sec-GPC": "1"})
    browser_visit.context.add_cookies(
        [{"name": CONSENT_COOKIE, "value": "0" * 32 + ".1", "url": browser_visit.base_url}]
    )
    page = browser_visit.open(reverse("privacy:cookie_choices"))
    page.get_by_text("Your browser sends Global Privacy Control").wait_for()

    assert page.locator(BANNER).is_hidden()
    assert page.evaluate("() => window.twentytwoConsent.allows('advertising')") is False
    assert page.evaluate("() => window.twentytwoConsent.allows('audience_statistics')") is False


def test_a_policy_that_changes_the_purposes_asks_once_more_and_the_old_answer_holds_till_then(
    browser_visit, policy
):
    policy_changing_cookie_purposes(policy)
    host = urlsplit(browser_visit.base_url).hostname
    # Advertising allowed, in a cookie from before the purposes changed.
    browser_visit.context.add_cookies(
        [{"name": CONSENT_COOKIE, "value": f"{uuid.uuid4().hex}.1", "domain": host, "path": "/"}]
    )
    page = browser_visit.open("/about/")
    page.locator(BANNER).wait_for(state="visible")
    assert page.locator("[data-cookie-banner-again]").is_visible()
    assert page.evaluate("() => window.twentytwoConsent.allows('advertising')") is True

    page.get_by_role("button", name="Refuse all").click()
    page.locator(BANNER).wait_for(state="hidden")
    assert page.evaluate("() => window.twentytwoConsent.allows('advertising')") is False
    page.reload()
    page.get_by_role("heading", level=1, name="About 22tracks").wait_for()
    assert page.locator(BANNER).is_hidden()
    (choice,) = ConsentChoice.objects.all()
    assert choice.policy_version.number == policy.number + 1
