"""The catalog's pages for visitors nobody knows come from the shared cache; a signed-in
listener's page is their own, its rows drawn once for everyone and its hearts pressed."""

import time

import pytest
from django.conf import settings
from django.test import Client

from tests.support.catalog import genre_url, rotate_in
from tests.support.html_pages import hearts, page_of
from tests.support.wsgi import call
from twentytwo.accounts.services import age_statement_record
from twentytwo.catalog.models import Track
from twentytwo.core.templatetags.fragments import drawings
from twentytwo.favorites import services
from twentytwo.favorites.hearts import hearts_pressed

pytestmark = pytest.mark.django_db


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


@pytest.fixture
def playlist(house):
    return rotate_in(genre=house, count=3)


def test_an_anonymous_page_is_shared_and_a_signed_in_one_is_drawn_for_its_listener(
    site, house, playlist, adult
):
    url = genre_url(house)
    first = call(site, url)
    assert first.status == 200
    assert first.headers["Cache-Control"] == "public, max-age=60"
    assert "Cookie" in first.headers["Vary"] and "Set-Cookie" not in first.headers
    Track.objects.filter(pk=playlist[0].pk).update(title="Renamed")

    # The same page for another visitor nobody knows, whatever listening cookie it has.
    again = call(site, url, headers={"Cookie": "tt_listener=0123456789abcdef; tt_count=off"})
    assert again.body == first.body and "Renamed" not in again.text

    signed_in = call(site, url, headers={"Cookie": session_cookie(adult)})
    assert signed_in.headers["Cache-Control"] == "private"
    assert "Sign out" in signed_in.text and "Sign out" not in first.text


def test_a_page_with_a_session_cookie_but_no_one_signed_in_is_not_shared(site, house, playlist):
    answer = call(site, genre_url(house), headers={"Cookie": "sessionid=gone"})
    assert answer.status == 200 and answer.headers["Cache-Control"] == "private"


def test_each_listener_sees_their_own_hearts_in_rows_drawn_once_for_everyone(
    client, house, playlist, adult, django_user_model
):
    other = django_user_model.objects.create_user(username="bram", email="bram@example.org")
    age_statement_record(user=other, adult=True)
    services.favorite_add(user=adult, track=playlist[0])
    services.favorite_add(user=other, track=playlist[2])
    url = genre_url(house)

    anonymous = page_of(client.get(url))
    assert set(hearts(anonymous, "track").values()) == {"false"}
    kept = len(drawings._entries)
    client.force_login(adult)
    mine = hearts(page_of(client.get(url)), "track")
    client.force_login(other)
    theirs = hearts(page_of(client.get(url)), "track")
    assert len(drawings._entries) == kept  # the rows were drawn once, for the anonymous visit

    assert mine == {playlist[0].pk: "true", playlist[1].pk: "false", playlist[2].pk: "false"}
    assert theirs == {playlist[0].pk: "false", playlist[1].pk: "false", playlist[2].pk: "true"}


def test_a_change_reaches_a_signed_in_listeners_page_within_the_shared_minute(
    client, house, playlist, adult, monkeypatch
):
    client.force_login(adult)
    url = genre_url(house)
    assert "Renamed" not in client.get(url).text
    Track.objects.filter(pk=playlist[1].pk).update(title="Renamed")
    assert "Renamed" not in client.get(url).text

    later = time.monotonic() + 61
    monkeypatch.setattr(time, "monotonic", lambda: later)
    assert "Renamed" in client.get(url).text


def test_a_title_cannot_pass_for_an_unpressed_heart(rf, adult):
    request = rf.get("/")
    request.user = adult
    request._favorite_ids = type("Ids", (), {"tracks": frozenset({7}), "genres": frozenset()})
    forged = "&quot; data-heart-kind=&quot;track&quot; data-heart-id=&quot;7&quot;"
    html = f'<a title="{forged} aria-pressed=&quot;false&quot;">x</a>'
    assert hearts_pressed(request, html) == html
