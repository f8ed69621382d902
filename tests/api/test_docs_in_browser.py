"""The API's docs page works in a real browser under the site's own CSP, from our files."""

from urllib.parse import urlsplit

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_docs_page_lists_the_endpoints_and_asks_only_this_site(browser_visit):
    page = browser_visit.open("/api/docs")

    page.get_by_text("/api/genres/{genre}/tracks").first.wait_for()
    assert page.get_by_text("/api/me/favorites").count() > 0
    origin = urlsplit(browser_visit.base_url).netloc
    assert {urlsplit(url).netloc for url in browser_visit.requests} == {origin}
    # The fixture fails the test on any CSP violation, script error or failed load.
