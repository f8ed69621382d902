"""The whole listener journey in a real Chromium against a real OpenID Connect server:
play a genre, sign in through the provider, answer the age question, come back to the
same track at the same place, heart it, and find it on the dashboard."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.support.catalog import rotate_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TRACK_SECONDS = 30.0
WAIT_MS = 15_000
AUDIO = "document.getElementById('player-audio')"
THE_PROVIDERS_CDN = re.compile(r"^https://cdn\.jsdelivr\.net/")


@pytest.fixture
def demo_login(settings, oidc_server_url):
    """Offer the loopback OpenID Connect server as "Demo login", as `make demo` does."""
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "APPS": [
                {
                    "provider_id": "demo",
                    "name": "Demo login",
                    "client_id": "twentytwo-demo",
                    "secret": "twentytwo-demo-secret",
                    "settings": {"server_url": oidc_server_url, "oauth_pkce_enabled": True},
                }
            ]
        }
    }
    settings.SECURE_CSP = {
        **settings.SECURE_CSP,
        "form-action": [*settings.SECURE_CSP["form-action"], oidc_server_url],
    }


def test_sign_in_through_demo_login_resumes_the_music_and_the_heart_reaches_the_dashboard(
    browser_visit,
    house,
    demo_login,
    oidc_server_url,
):
    tracks = list(reversed(rotate_in(genre=house, count=2, seconds=TRACK_SECONDS)))
    genre_path = reverse("web:genre", kwargs={"city": house.city.slug, "genre": house.slug})
    page = browser_visit.open(genre_path)
    page.get_by_role("button", name="Play all").click()
    page.wait_for_function(f"() => !{AUDIO}.paused && {AUDIO}.currentTime > 1.5", timeout=WAIT_MS)
    position_before = page.evaluate(f"() => {AUDIO}.currentTime")

    # The provider's own page asks a CDN for its stylesheet. There is no internet here,
    # and a failed lookup is reported late, against whichever page is open by then: so
    # the CDN is answered locally, and every other address still goes where it asks.
    page.route(THE_PROVIDERS_CDN, lambda route: route.fulfill(content_type="text/css", body=""))
    page.get_by_role("link", name="Sign in").click()
    page.get_by_role("button", name="Sign in with Demo login").click()
    # The provider's page: choose who to be.
    page.get_by_label("Subject").fill("mira", timeout=WAIT_MS)  # another server, started cold
    # Exactly "Authorize": the server offers the subjects of earlier sign-ins too.
    page.get_by_role("button", name="Authorize", exact=True).click()
    # First sign-in: the age question, then back to the genre.
    page.get_by_role("button", name="I am 18 or older").click()
    page.wait_for_url(re.compile(re.escape(genre_path) + r"$"), timeout=WAIT_MS)

    # The same track, from where it was.
    expect(page.locator("#player-title")).to_have_text(tracks[0].title)
    page.wait_for_function(
        f"() => !{AUDIO}.paused && {AUDIO}.currentTime >= {position_before}", timeout=WAIT_MS
    )
    page.evaluate("() => { window.sameDocument = true; }")

    heart = page.get_by_role("button", name="Favorite the playing track")
    heart.click()
    expect(heart).to_have_attribute("aria-pressed", "true")

    page.get_by_role("link", name="Dashboard").click()
    page.wait_for_url("**/me/", timeout=WAIT_MS)
    expect(page.locator("#main")).to_contain_text(tracks[0].title)
    # Browsing to the dashboard swapped the page around the player: still playing.
    assert page.evaluate(f"() => window.sameDocument === true && !{AUDIO}.paused")
    # Chromium reports the provider page's favicon late, against whatever page is open.
    browser_visit.problems[:] = [p for p in browser_visit.problems if oidc_server_url not in p]
