"""A real Chromium driven by Playwright against the live test server, and what it saw.

pytest-django's live server answers /static/ through the staticfiles finders, so the
browser gets the files from the source tree without a collectstatic."""

import os
import time
from dataclasses import dataclass, field

import pytest

# Playwright's sync API runs an event loop in the test thread; the database fixtures run
# there too, which Django refuses unless told that this thread is not serving requests.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--autoplay-policy=no-user-gesture-required",
]


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@dataclass
class BrowserVisit:
    """A page in a fresh browser context, with everything it asked for and complained about."""

    page: object
    context: object
    base_url: str
    requests: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def open(self, path: str):
        self.page.goto(self.base_url + path)
        return self.page

    def close(self) -> None:
        """Close the browser and let what its player sends on leaving arrive first.

        A player reports `stop` (and any batch still waiting) when its page goes away, by
        sendBeacon, which the browser delivers on its own time. Had it reached the live
        server after this test's database was emptied, the next test would find it: so
        after a visit that played anything, wait until no listening event has arrived for
        a moment."""
        from twentytwo.audience.models import ListenEvent

        played = any("/stream/" in url for url in self.requests)
        self.context.close()
        if not played:
            return
        seen, quiet_since = ListenEvent.objects.count(), time.monotonic()
        deadline = quiet_since + 5
        while time.monotonic() < deadline and time.monotonic() - quiet_since < 0.8:
            time.sleep(0.1)
            count = ListenEvent.objects.count()
            if count != seen:
                seen, quiet_since = count, time.monotonic()


def _visit(chromium, live_server, **context_options):
    context = chromium.new_context(**context_options)
    page = context.new_page()
    page.set_default_timeout(10_000)
    visit = BrowserVisit(page=page, context=context, base_url=live_server.url)
    page.on("request", lambda request: visit.requests.append(request.url))
    page.on("pageerror", lambda error: visit.problems.append(f"page error: {error}"))

    def on_console(message):
        if message.type == "error":
            # Where it came from: a failed load names only its error, not its address.
            where = (message.location or {}).get("url") or "?"
            visit.problems.append(f"console error: {message.text} (at {where})")

    page.on("console", on_console)
    return visit


@pytest.fixture
def browser_visit(chromium, live_server):
    visit = _visit(chromium, live_server, viewport={"width": 1280, "height": 900})
    yield visit
    visit.close()
    # A CSP violation, a script error or a failed load shows up here.
    assert visit.problems == []


@pytest.fixture
def browser_visit_without_script(chromium, live_server):
    visit = _visit(chromium, live_server, java_script_enabled=False)
    yield visit
    visit.close()


@pytest.fixture
def narrow_visit(chromium, live_server):
    visit = _visit(chromium, live_server, viewport={"width": 360, "height": 740})
    yield visit
    visit.close()
    assert visit.problems == []
