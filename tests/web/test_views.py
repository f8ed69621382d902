import re

import pytest
from django.urls import reverse
from django.views.defaults import server_error

from tests.support.catalog import genre_url, rotate_in
from tests.support.factories import CityFactory, GenreFactory, track_create
from tests.support.html_pages import page_of, squeezed
from twentytwo.catalog import services
from twentytwo.privacy.selectors.policy import cookie_purposes_version
from twentytwo.streaming.signing import stream_token_verify

pytestmark = pytest.mark.django_db

NOT_FOUND_HEADING = "This page is not in any playlist"


def picture_url(name: str) -> str:
    return reverse("streaming:picture", kwargs={"name": name})


def track_ids_on(page) -> list[int]:
    return [int(element.attrs["data-track-id"]) for element in page.with_attribute("data-track")]


def test_home_shows_the_cities_and_the_genres_of_the_first_with_curator_and_picture(
    client, amsterdam, berlin, house
):
    services.genre_create(city=amsterdam, name="Disco", slug="disco", picture="pictures/g/d.png")
    GenreFactory(city=berlin, name="Minimal Techno", slug="minimal-techno")

    response = client.get(reverse("web:home"))

    assert response.status_code == 200
    page = page_of(response)
    switcher = [squeezed(link.text) for link in page.all("a", class_="chip")]
    assert switcher == ["Amsterdam", "Berlin"]
    assert page.one("a", class_="chip", aria_current="page").text == "Amsterdam"
    names = [squeezed(name.text) for name in page.all("span", class_="tile__name")]
    curators = [squeezed(name.text) for name in page.all("span", class_="tile__curator")]
    assert names == ["Deep House", "Disco"]
    assert curators == ["by Mira Vos", "No curator yet"]
    assert page.all("img", src=picture_url("pictures/g/d.png"))
    assert "Minimal Techno" not in response.content.decode()


def test_home_without_cities_says_so(client, db):
    response = client.get(reverse("web:home"))

    assert response.status_code == 200
    assert "The first city is on its way" in response.content.decode()


def test_city_page_lists_only_that_citys_genres(client, amsterdam, berlin, house):
    GenreFactory(city=berlin, name="Minimal Techno", slug="minimal-techno")

    response = client.get(reverse("web:city", kwargs={"city": "berlin"}))

    assert response.status_code == 200
    page = page_of(response)
    assert page.one("h1").text == "Berlin"
    assert [squeezed(name.text) for name in page.all("span", class_="tile__name")] == [
        "Minimal Techno"
    ]
    assert page.one("a", class_="chip", aria_current="page").text == "Berlin"


@pytest.mark.parametrize(
    "url",
    [
        "/nowhere/",
        "/amsterdam/no-such-genre/",
        "/amsterdam/no-such-genre/ledger/",
        "/berlin/deep-house/",
        "/tracks/999999/",
    ],
)
def test_unknown_city_genre_or_track_gives_the_not_found_page(client, house, url):
    response = client.get(url)

    assert response.status_code == 404
    assert NOT_FOUND_HEADING in response.content.decode()


def test_genre_page_lists_exactly_the_current_tracks_newest_first(client, house):
    tracks = rotate_in(genre=house, count=23)

    response = client.get(genre_url(house))

    assert response.status_code == 200
    page = page_of(response)
    newest_first = [track.pk for track in reversed(tracks[1:])]
    assert track_ids_on(page) == newest_first
    assert f">{tracks[0].title}<" not in response.content.decode()
    assert "22 tracks in the playlist" in squeezed(page.one("h2", id="playlist-heading").text)


def test_genre_page_stream_urls_verify_as_their_own_tracks(client, house):
    rotate_in(genre=house, count=3)

    page = page_of(client.get(genre_url(house)))

    rows = page.with_attribute("data-track")
    assert len(rows) == 3
    for row in rows:
        token = re.fullmatch(r"/stream/(.+)", row.attrs["data-stream-url"]).group(1)
        assert stream_token_verify(token) == int(row.attrs["data-track-id"])


def test_playable_row_carries_what_the_player_shows(client, house):
    track = track_create(
        title="Night Bus", artist="Lena K", seconds=3.0, artwork="pictures/t/a.png"
    )
    services.track_add_to_rotation(genre=house, track=track)

    page = page_of(client.get(genre_url(house)))

    row = page.with_attribute("data-track")[0]
    assert row.attrs["data-title"] == "Night Bus"
    assert row.attrs["data-artist"] == "Lena K"
    assert abs(float(row.attrs["data-duration"]) - track.duration) < 0.001
    assert row.attrs["data-artwork-url"] == picture_url("pictures/t/a.png")
    assert row.attrs["data-track-url"] == reverse("web:track", kwargs={"track_id": track.pk})
    assert row.attrs["data-genre"] == "Deep House"
    assert page.all("button", aria_label="Play Night Bus by Lena K")


def test_genre_page_shows_curator_description_and_play_all(client, house):
    rotate_in(genre=house, count=1)

    response = client.get(genre_url(house))

    text = squeezed(page_of(response).one("main").text)
    assert "Warm, late and slow." in text
    assert "Mira Vos" in text
    assert "Digs for Detroit records every Saturday." in text
    assert "Play all" in text
    page = page_of(response)
    assert page.all("a", href="https://instagram.example/mira")
    assert page.all("button", **{"data-play-all": ""})
    assert page.all(
        "a", href=reverse("web:ledger", kwargs={"city": "amsterdam", "genre": "deep-house"})
    )


def test_genre_page_queries_do_not_grow_with_the_playlist(
    client, house, django_assert_max_num_queries
):
    rotate_in(genre=house, count=22)
    GenreFactory(city=house.city, name="Disco", slug="disco")
    cookie_purposes_version()  # a site-wide fact every page's banner reads, cached a minute

    with django_assert_max_num_queries(4):
        response = client.get(genre_url(house))

    assert len(page_of(response).with_attribute("data-track")) == 22


def test_home_city_track_and_ledger_pages_use_a_fixed_number_of_queries(
    client, house, django_assert_max_num_queries
):
    tracks = rotate_in(genre=house, count=5)
    cookie_purposes_version()  # a site-wide fact every page's banner reads, cached a minute

    for url, most in [
        (reverse("web:home"), 2),
        (reverse("web:city", kwargs={"city": "amsterdam"}), 3),
        (reverse("web:ledger", kwargs={"city": "amsterdam", "genre": "deep-house"}), 3),
        (reverse("web:track", kwargs={"track_id": tracks[0].pk}), 3),
    ]:
        with django_assert_max_num_queries(most):
            assert client.get(url).status_code == 200


def test_track_page_shows_the_track_its_artist_and_where_to_buy_it(client, house):
    track = track_create(
        title="Night Bus",
        artist="Lena K",
        label="Rush Hour",
        year=2015,
        artist_bio="Producer from Rotterdam.",
        artist_links=[{"label": "Website", "url": "https://lenak.example"}],
        buy_links=[("Bandcamp", "https://lenak.bandcamp.example/night-bus")],
    )
    services.track_add_to_rotation(genre=house, track=track)

    response = client.get(reverse("web:track", kwargs={"track_id": track.pk}))

    assert response.status_code == 200
    page = page_of(response)
    assert page.one("h1").text == "Night Bus"
    text = squeezed(page.one("main").text)
    for shown in ["Lena K", "Rush Hour", "2015", "Producer from Rotterdam.", "Deep House"]:
        assert shown in text
    buy = page.one("a", href="https://lenak.bandcamp.example/night-bus")
    assert buy.text == "Bandcamp"
    assert buy.attrs["rel"] == "noopener nofollow"
    assert page.all("a", href="https://lenak.example")
    row = page.with_attribute("data-track")[0]
    assert row.attrs["data-genre"] == "Deep House"


def test_track_page_has_open_graph_and_twitter_card_tags(client, house):
    track = track_create(title="Night Bus", artist="Lena K", artwork="pictures/t/cover.png")
    services.track_add_to_rotation(genre=house, track=track)
    path = reverse("web:track", kwargs={"track_id": track.pk})

    page = page_of(client.get(path))

    def meta(**attrs):
        return page.one("meta", **attrs).attrs["content"]

    assert meta(property="og:title") == "Night Bus – Lena K"
    assert meta(property="og:type") == "music.song"
    assert meta(property="og:url") == f"http://testserver{path}"
    assert meta(property="og:image") == "http://testserver" + picture_url("pictures/t/cover.png")
    assert meta(name="twitter:card") == "summary"


def test_track_page_without_artwork_has_no_og_image(client, house):
    track = track_create(title="Plain")

    page = page_of(client.get(reverse("web:track", kwargs={"track_id": track.pk})))

    assert page.all("meta", property="og:image") == []
    assert "This track has not been in a playlist yet." in squeezed(page.one("main").text)


def test_track_page_share_links_carry_the_page_address(client, house):
    track = track_create(title="Night Bus", artist="Lena K")
    path = reverse("web:track", kwargs={"track_id": track.pk})
    encoded = f"http%3A%2F%2Ftestserver%2Ftracks%2F{track.pk}%2F"

    page = page_of(client.get(path))

    hrefs = [link.attrs["href"] for link in page.all("a")]
    assert any(href.startswith("https://x.com/intent/post?") and encoded in href for href in hrefs)
    assert f"https://www.facebook.com/sharer/sharer.php?u={encoded}" in hrefs
    assert any(href.startswith("mailto:?subject=Night%20Bus") and encoded in href for href in hrefs)


def test_track_page_lists_current_and_past_playlists(client, house):
    tracks = rotate_in(genre=house, count=23)
    disco = GenreFactory(city=house.city, name="Disco", slug="disco")
    services.track_add_to_rotation(genre=disco, track=tracks[0])

    page = page_of(client.get(reverse("web:track", kwargs={"track_id": tracks[0].pk})))

    stays = [squeezed(stay.text) for stay in page.all("li", class_="stay stay--current")]
    assert len(stays) == 1 and stays[0].startswith("Disco Amsterdam Now since")
    past = [squeezed(stay.text) for stay in page.all("li", class_="stay")]
    assert past == ["Deep House Amsterdam 4 Mar 2024 to 26 Mar 2024"]


def test_ledger_lists_every_track_with_its_dates_and_plays_the_current_ones(client, house):
    tracks = rotate_in(genre=house, count=23)

    response = client.get(
        reverse("web:ledger", kwargs={"city": "amsterdam", "genre": "deep-house"})
    )

    assert response.status_code == 200
    page = page_of(response)
    current = page.all("li", class_="track")
    retired = page.all("li", class_="track track--silent")
    assert (len(current), len(retired)) == (22, 1)
    # The tracks still in the playlist play from the ledger; the one that left does not.
    assert all("data-stream-url" in row.attrs for row in current)
    assert "data-stream-url" not in retired[0].attrs
    texts = [squeezed(text.text) for text in page.all("span", class_="track__text")]
    assert texts[-1] == (
        f"{tracks[0].title} {tracks[0].artist} Added 4 Mar 2024 · Retired 26 Mar 2024"
    )
    assert (
        texts[0] == f"{tracks[-1].title} {tracks[-1].artist} Added 26 Mar 2024 In the playlist now"
    )
    assert "23 tracks have passed through this playlist since 4 March 2024." in squeezed(
        page.one("p", class_="lead").text
    )


@pytest.mark.parametrize(
    ("name", "heading"), [("web:about", "About 22tracks"), ("web:contact", "Contact")]
)
def test_about_and_contact_pages_tell_about_the_service(client, db, name, heading):
    response = client.get(reverse(name))

    assert response.status_code == 200
    page = page_of(response)
    assert page.one("h1").text == heading
    assert len(squeezed(page.one("main").text)) > 300


def every_page_url(house) -> list[str]:
    """Return the address of each kind of page, with pictures on the genre and a track."""
    track = rotate_in(genre=house, count=2)[0]
    services.track_update(track=track, artwork="pictures/t/x.png")
    house.picture = "pictures/g/house.png"
    house.save(update_fields=["picture"])
    return [
        reverse("web:home"),
        reverse("web:city", kwargs={"city": "amsterdam"}),
        genre_url(house),
        reverse("web:ledger", kwargs={"city": "amsterdam", "genre": "deep-house"}),
        reverse("web:track", kwargs={"track_id": track.pk}),
        reverse("web:about"),
        reverse("web:contact"),
        "/no-such-city/",
    ]


def test_no_page_loads_anything_from_another_origin(client, house):
    for url in every_page_url(house):
        page = page_of(client.get(url))
        loaded = (
            [element.attrs.get("src", "") for element in page.all("script")]
            + [element.attrs.get("href", "") for element in page.all("link")]
            + [element.attrs.get("src", "") for element in page.all("img")]
        )
        assert loaded, url
        assert [address for address in loaded if "//" in address] == [], url


def test_no_page_has_inline_script_style_or_event_handlers(client, house):
    for url in every_page_url(house):
        page = page_of(client.get(url))
        scripts = page.all("script")
        assert scripts, url
        assert all(script.attrs.get("src") and not script.text.strip() for script in scripts), url
        assert page.all("style") == [], url
        assert page.with_attribute("style") == [], url
        handlers = [
            name
            for element in page.elements
            for name in element.attrs
            if name.startswith("on") or name.startswith("hx-on")
        ]
        assert handlers == [], url


def test_pages_are_sent_with_a_content_security_policy_without_inline_allowances(client, house):
    response = client.get(genre_url(house))

    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_player_bar_sits_outside_the_swapped_main_region(client, house):
    rotate_in(genre=house, count=1)

    response = client.get(genre_url(house))

    html = response.content.decode()
    page = page_of(response)
    main = page.one("main", id="main")
    assert "hx-history-elt" in main.attrs
    body = page.one("body")
    assert body.attrs["hx-boost"] == "true"
    assert body.attrs["hx-select"] == "#main"
    assert html.index('id="player"') > html.index("</main>")
    assert len(page.all("audio")) == 1
    config = page.one("meta", name="htmx-config").attrs["content"]
    assert '"includeIndicatorStyles":false' in config
    assert page.all("a", class_="skip-link", href="#main")
    assert page.one("html").attrs["lang"] == "en"


def test_every_player_control_has_a_label(client, house):
    page = page_of(client.get(genre_url(house)))

    player_controls = page.all("button") + page.all("input")
    assert player_controls
    unlabelled = [
        control.attrs
        for control in player_controls
        if not control.attrs.get("aria-label") and not squeezed(control.text)
    ]
    assert unlabelled == []
    shortcuts = {
        control.attrs["data-player"]: control.attrs["aria-keyshortcuts"]
        for control in page.all("button")
        if "data-player" in control.attrs
    }
    assert shortcuts == {"previous": "K ArrowLeft", "toggle": "Space", "next": "J ArrowRight"}


def test_pages_refuse_to_be_posted_to(client, house):
    response = client.post(genre_url(house))

    assert response.status_code == 405


def test_city_slug_that_looks_like_a_fixed_page_does_not_hide_it(client, db):
    CityFactory(name="About Town", slug="about")

    response = client.get(reverse("web:about"))

    assert page_of(response).one("h1").text == "About 22tracks"


def test_server_error_page_renders_without_a_request_context(rf):
    response = server_error(rf.get("/"))

    assert response.status_code == 500
    page = page_of(response)
    assert page.one("h1").text == "Something went wrong on our side"
    assert page.all("script") == []
