"""Hearts on the pages, the header's account links and the dashboard, as rendered HTML."""

from datetime import timedelta
from urllib.parse import quote

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.support.catalog import genre_url, rotate_in
from tests.support.factories import track_create
from tests.support.html_pages import hearts, page_of, squeezed
from twentytwo.catalog import services as catalog
from twentytwo.favorites import services
from twentytwo.favorites.models import DashboardVisit, Favorite

pytestmark = pytest.mark.django_db


@pytest.fixture
def playlist(house):
    return rotate_in(genre=house, count=3)


def test_a_signed_in_listener_sees_their_hearts_pressed_on_the_genre_page(
    client, adult, house, playlist
):
    services.favorite_add(user=adult, track=playlist[1])
    services.favorite_add(user=adult, genre=house)
    client.force_login(adult)

    page = page_of(client.get(genre_url(house)))

    assert hearts(page, "track") == {
        playlist[0].pk: "false",
        playlist[1].pk: "true",
        playlist[2].pk: "false",
    }
    assert hearts(page, "genre")[house.pk] == "true"
    assert page.one("button", data_heart_id=str(playlist[1].pk)).attrs["aria-label"] == (
        f"Favorite {playlist[1].title} by {playlist[1].artist}"
    )
    # The player bar knows which tracks are hearted, for whichever one it plays.
    assert page.one("button", id="player-heart").attrs["data-favorite-tracks"] == str(
        playlist[1].pk
    )


def test_genre_tiles_ledger_rows_and_the_track_page_carry_hearts(client, adult, house, playlist):
    services.favorite_add(user=adult, genre=house)
    services.favorite_add(user=adult, track=playlist[0])
    client.force_login(adult)

    home = page_of(client.get(reverse("web:home")))
    ledger = page_of(
        client.get(reverse("web:ledger", kwargs={"city": "amsterdam", "genre": "deep-house"}))
    )
    track = page_of(client.get(playlist[0].get_absolute_url()))

    assert hearts(home, "genre") == {house.pk: "true"}
    assert hearts(ledger, "track") == {
        playlist[0].pk: "true",
        playlist[1].pk: "false",
        playlist[2].pk: "false",
    }
    assert hearts(track, "track") == {playlist[0].pk: "true"}


def test_an_anonymous_page_draws_hearts_unpressed_and_sets_no_cookie(client, house, playlist):
    response = client.get(genre_url(house))

    page = page_of(response)
    assert set(hearts(page, "track").values()) == {"false"}
    assert page.one("dialog", id="heart-dialog").attrs["data-favorites"] == "anonymous"
    assert response.cookies == {}
    assert not page.all("meta", name="csrf-token")


def test_the_header_invites_an_anonymous_listener_to_sign_in_and_back(client, house, playlist):
    path = genre_url(house)

    page = page_of(client.get(path))

    account = page.one("nav", aria_label="Account")
    assert squeezed(account.text) == "Sign in"
    [link] = [a for a in page.all("a", data_sign_in="") if squeezed(a.text) == "Sign in"][:1]
    assert link.attrs["href"] == f"{reverse('account_login')}?next={quote(path, safe='/')}"


def test_the_header_offers_a_signed_in_listener_dashboard_profile_and_sign_out(client, adult):
    client.force_login(adult)

    page = page_of(client.get(reverse("web:about")))

    account = page.one("nav", aria_label="Account")
    assert squeezed(account.text) == "Dashboard Profile Sign out"
    form = page.one("form", action=reverse("account_logout"))
    assert form.attrs["method"] == "post"
    assert page.all("input", name="csrfmiddlewaretoken")


def test_an_under_18_listener_sees_hearts_that_explain_the_limit(client, minor, house, playlist):
    client.force_login(minor)

    page = page_of(client.get(genre_url(house)))

    assert page.one("dialog", id="heart-dialog").attrs["data-favorites"] == "refused"


def test_the_dashboard_asks_an_anonymous_visitor_to_sign_in_first(client, db):
    response = client.get(reverse("favorites:dashboard"))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next=/me/"


def test_the_dashboard_lists_favorite_tracks_with_play_all_and_favorite_genres(
    client, adult, house, playlist
):
    services.favorite_add(user=adult, track=playlist[2])
    services.favorite_add(user=adult, genre=house)
    client.force_login(adult)

    response = client.get(reverse("favorites:dashboard"))

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    page = page_of(response)
    assert [squeezed(a.text) for a in page.all("a", class_="track__title")] == [playlist[2].title]
    assert [int(row.attrs["data-track-id"]) for row in page.with_attribute("data-track")] == [
        playlist[2].pk
    ]
    assert page.all("button", data_play_all="")
    assert [squeezed(a.text) for a in page.all("a", class_="fav-genre__name")] == ["Deep House"]
    assert hearts(page, "track") == {playlist[2].pk: "true"}


def test_the_dashboard_shows_what_is_new_since_the_last_visit_then_marks_it_seen(
    client, adult, house
):
    now = timezone.now()
    favorite = services.favorite_add(user=adult, genre=house)
    Favorite.objects.filter(pk=favorite.pk).update(created_at=now - timedelta(days=2))
    services.dashboard_visit_record(user=adult, at=now - timedelta(days=1))
    catalog.track_add_to_rotation(
        genre=house, track=track_create(title="Fresh"), at=now - timedelta(hours=1)
    )
    client.force_login(adult)

    first = page_of(client.get(reverse("favorites:dashboard")))
    second = page_of(client.get(reverse("favorites:dashboard")))

    assert [squeezed(p.text) for p in first.all("p", class_="fav-genre__news")] == [
        "1 new track since your last visit:"
    ]
    assert "Fresh" in squeezed(first.one("ul", class_="fav-genre__new").text)
    assert not second.all("ul", class_="fav-genre__new")
    assert DashboardVisit.objects.get(user=adult).visited_at > now


def test_a_rotated_out_favorite_shows_as_such_with_its_buy_links(client, adult, house, settings):
    settings.PLAYLIST_SIZE = 1
    old = track_create(title="Old Flame", buy_links=[("Bandcamp", "https://bandcamp.example/of")])
    now = timezone.now()
    catalog.track_add_to_rotation(genre=house, track=old, at=now - timedelta(days=3))
    catalog.track_add_to_rotation(genre=house, track=track_create(), at=now - timedelta(days=2))
    services.favorite_add(user=adult, track=old)
    client.force_login(adult)

    page = page_of(client.get(reverse("favorites:dashboard")))

    assert "Rotated out" in squeezed(page.one("ol", class_="tracks").text)
    rotated = page.one("ul", class_="rotated")
    assert "Old Flame" in squeezed(rotated.text)
    assert page.one("a", href="https://bandcamp.example/of").text == "Buy on Bandcamp"


def test_the_dashboard_explains_the_limit_to_an_under_18_listener(client, minor):
    client.force_login(minor)

    page = page_of(client.get(reverse("favorites:dashboard")))

    assert squeezed(page.one("p", class_="lead notice").text) == services.FAVORITES_NOT_ALLOWED


def test_another_listeners_hearts_never_show(client, adult, other_adult, house, playlist):
    services.favorite_add(user=adult, track=playlist[0])
    client.force_login(other_adult)

    page = page_of(client.get(genre_url(house)))

    assert set(hearts(page, "track").values()) == {"false"}
