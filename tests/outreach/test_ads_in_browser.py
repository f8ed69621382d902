"""An advertiser's tag in a real Chromium: before the listener allows advertising partners
no request reaches the advertiser's origin and it has no cookie; after "Accept all" the tag
loads; once withdrawn, the next page has no tag and asks the origin nothing."""

import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from twentytwo.outreach.models import Ad, AdCount
from twentytwo.partners.models import Organisation
from twentytwo.privacy.cookies import CONSENT_COOKIE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TAG = b"document.documentElement.dataset.adTagRan = 'yes';"


@pytest.fixture
def ad_origin(live_server):
    """The advertiser's server, on another loopback host and port than the site's."""
    asked: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            asked.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/javascript")
            self.send_header("Set-Cookie", "advertiser_id=42; Path=/; Max-Age=600")
            self.send_header("Content-Length", str(len(TAG)))
            self.end_headers()
            self.wfile.write(TAG)

        def log_message(self, *args):
            pass

    site_host = urlsplit(live_server.url).hostname
    host = "127.0.0.1" if site_host == "localhost" else "localhost"
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://{host}:{server.server_port}", asked
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def tagged_ad(ad_origin, house, settings, policy):
    origin, _asked = ad_origin
    settings.AD_TAG_ORIGINS = [origin]
    csp = dict(settings.SECURE_CSP)
    for directive in ("script-src", "img-src", "connect-src"):
        csp[directive] = [*csp[directive], origin]
    settings.SECURE_CSP = csp
    shop = Organisation.objects.create(name="Concerto", slug="concerto", kind="advertiser")
    now = timezone.now()
    return Ad.objects.create(
        name="Concerto records",
        advertiser=shop,
        places=["genre"],
        headline="Vinyl week at Concerto",
        link_url="https://concerto.example/",
        tag_url=f"{origin}/tag.js",
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(days=1),
    )


def wait_for(condition, *, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("waited in vain")
        time.sleep(0.05)


def advertising_answer(visit) -> str | None:
    """The advertising answer in the browser's consent cookie, once the choice came back."""
    for cookie in visit.context.cookies():
        if cookie["name"] == CONSENT_COOKIE:
            return cookie["value"].split(".")[1]
    return None


def test_the_advertiser_s_tag_waits_for_consent_and_leaves_with_it(
    browser_visit, tagged_ad, ad_origin, house
):
    origin, asked = ad_origin
    ad_host = urlsplit(origin).hostname
    genre = reverse("web:genre", kwargs={"city": house.city.slug, "genre": house.slug})
    page = browser_visit.open(genre)

    # The ad is drawn from the place's context, and counted, with no tag before a choice.
    page.wait_for_selector("[data-ad-place] .ad__headline")
    assert page.locator("[data-ad-place] .ad__headline").inner_text() == "Vinyl week at Concerto"
    page.wait_for_timeout(500)
    assert asked == []
    assert not any(url.startswith(origin) for url in browser_visit.requests)
    assert not [c for c in browser_visit.context.cookies() if c["domain"] == ad_host]
    assert page.evaluate("document.documentElement.dataset.adTagRan") is None
    assert AdCount.objects.get().impressions == 1

    # Refusing keeps it away; so does a page change.
    page.get_by_role("button", name="Refuse all").click()
    page.wait_for_selector("[data-cookie-banner]", state="hidden")
    page.wait_for_timeout(300)
    assert asked == []

    # Allowed from the cookie choices page: the tag loads on the page that shows the ad.
    page.goto(browser_visit.base_url + reverse("privacy:cookie_choices"))
    page.get_by_label("Allow advertising partners").check()
    page.get_by_role("button", name="Save my choices").click()
    wait_for(lambda: advertising_answer(browser_visit) == "1")
    page.goto(browser_visit.base_url + genre)
    wait_for(lambda: asked == ["/tag.js"])
    page.wait_for_function("() => document.documentElement.dataset.adTagRan === 'yes'")

    # A page without the ad does not inherit the tag: it opens as a fresh page.
    page.evaluate("window.sameDocument = true")
    page.get_by_role("link", name="About").first.click()
    page.get_by_role("heading", level=1, name="About 22tracks").wait_for()
    assert page.evaluate("window.sameDocument") is None
    assert page.evaluate("document.documentElement.dataset.adTagRan") is None

    # Withdrawn: the next page is fresh, and asks the advertiser's origin nothing.
    page.goto(browser_visit.base_url + reverse("privacy:cookie_choices"))
    page.get_by_label("Refuse advertising partners").check()
    page.get_by_role("button", name="Save my choices").click()
    wait_for(lambda: advertising_answer(browser_visit) == "0")
    page.goto(browser_visit.base_url + genre)
    page.wait_for_selector("[data-ad-place] .ad__headline")
    page.wait_for_timeout(500)
    assert asked == ["/tag.js"]
    assert page.evaluate("document.documentElement.dataset.adTagRan") is None
    assert page.locator("script[data-ad-tag]").count() == 0
