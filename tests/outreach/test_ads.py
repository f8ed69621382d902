"""Ads are chosen by their place's context, never by who listens, and counted as sums."""

import random
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.support.factories import CityFactory, GenreFactory
from twentytwo.outreach.models import Ad, AdCount
from twentytwo.outreach.selectors.ads import ad_choose, ad_totals, daypart_at
from twentytwo.outreach.services import OutreachError
from twentytwo.outreach.services import ads as services
from twentytwo.partners.models import Organisation

pytestmark = pytest.mark.django_db

PLACE = reverse("outreach:ad_place")


def make_ad(name: str, *, places=("genre",), cities=(), genres=(), **fields) -> Ad:
    now = timezone.now()
    values = {
        "name": name,
        "places": list(places),
        "headline": f"{name} headline",
        "link_url": f"https://{name.lower()}.example/offer",
        "starts_at": now - timedelta(days=1),
        "ends_at": now + timedelta(days=1),
    } | fields
    ad = Ad(**values)
    services.ad_check(ad=ad)
    ad.save()
    ad.cities.set(cities)
    ad.genres.set(genres)
    return ad


@pytest.fixture
def places():
    amsterdam = CityFactory(name="Amsterdam", slug="amsterdam")
    utrecht = CityFactory(name="Utrecht", slug="utrecht")
    return {
        "amsterdam": amsterdam,
        "utrecht": utrecht,
        "house": GenreFactory(city=amsterdam, name="House", slug="house"),
        "jazz": GenreFactory(city=amsterdam, name="Jazz", slug="jazz"),
    }


def test_an_ad_is_chosen_by_place_city_genre_daypart_and_time(places):
    amsterdam, house, jazz = places["amsterdam"], places["house"], places["jazz"]
    everywhere = make_ad("Everywhere", places=["home", "city", "genre"])
    in_jazz = make_ad("Jazz", genres=[jazz])
    in_utrecht = make_ad("Utrecht", places=["city"], cities=[places["utrecht"]])
    make_ad(
        "Over",
        starts_at=timezone.now() - timedelta(days=9),
        ends_at=timezone.now() - timedelta(days=1),
    )

    def seen(**context):
        return {ad_choose(rng=random.Random(seed), **context) for seed in range(40)}

    assert seen(place="genre", genre=house) == {everywhere}
    assert seen(place="genre", genre=jazz) == {everywhere, in_jazz}
    assert seen(place="city", city=places["utrecht"]) == {everywhere, in_utrecht}
    assert seen(place="home", city=amsterdam) == {everywhere}
    assert seen(place="player", genre=house) == {None}

    # 08:00 in Amsterdam is the morning drive; 21:00 the evening.
    morning = datetime(2027, 3, 1, 7, 0, tzinfo=UTC)
    assert daypart_at(morning, amsterdam) == "morning-drive"
    evening_only = make_ad(
        "Evening",
        dayparts=["evening"],
        starts_at=morning - timedelta(days=1),
        ends_at=morning + timedelta(days=1),
        genres=[house],
    )
    assert ad_choose(place="genre", genre=house, now=morning) is None
    evening = datetime(2027, 3, 1, 20, 0, tzinfo=UTC)
    assert ad_choose(place="genre", genre=house, now=evening) == evening_only


def test_the_place_answers_json_without_a_cookie_and_counts_a_sum(places, client):
    house = places["house"]
    ad = make_ad("Label", genres=[house])
    answer = client.get(PLACE, {"place": "genre", "genre": house.pk})
    assert answer.status_code == 200
    assert answer.cookies == {} and "no-store" in answer["Cache-Control"]
    body = answer.json()["ad"]
    assert (body["id"], body["headline"], body["by"], body["tag"]) == (
        ad.pk,
        "Label headline",
        "22tracks",
        None,
    )
    client.get(PLACE, {"place": "genre", "genre": house.pk})
    client.head(PLACE, {"place": "genre", "genre": house.pk})  # shows nothing: not counted
    assert client.head(body["link"]).status_code == 405
    click = client.get(body["link"])
    assert click.status_code == 302 and click["Location"] == "https://label.example/offer"
    assert click["Referrer-Policy"] == "no-referrer"
    (count,) = AdCount.objects.all()
    assert (count.place, count.impressions, count.clicks) == ("genre", 2, 1)
    # The count is a sum per ad, place and day, and has nothing else to hold.
    assert {f.name for f in AdCount._meta.get_fields()} == {
        "id",
        "ad",
        "place",
        "day",
        "impressions",
        "clicks",
    }
    today = timezone.localdate()
    assert ad_totals(ad_ids=[ad.pk], first=today, last=today)[0].impressions == 2


def test_nothing_runs_in_a_place_with_no_ad_and_the_player_is_off_by_default(places, client):
    make_ad("Spot", places=["player"])
    assert client.get(PLACE, {"place": "home"}).json() == {"ad": None}
    assert client.get(PLACE, {"place": "player"}).json() == {"ad": None}
    assert not AdCount.objects.exists()


def test_the_player_spot_runs_when_configured(places, client, settings):
    settings.ADS_PLAYER_EVERY = 3
    spot = make_ad("Spot", places=["player"])
    assert (
        client.get(PLACE, {"place": "player", "genre": places["house"].pk}).json()["ad"]["id"]
        == spot.pk
    )


@pytest.mark.parametrize(
    "query",
    [{"place": "sidebar"}, {"place": "genre", "genre": "999999"}, {"place": "genre", "city": "x"}],
)
def test_a_bad_place_is_a_clear_400(places, client, query):
    answer = client.get(PLACE, query)
    assert answer.status_code == 400
    assert answer.json()["detail"]
    assert not AdCount.objects.exists()


def test_a_click_for_a_place_the_ad_is_not_in_is_refused(places, client):
    ad = make_ad("Label")
    click = reverse("outreach:ad_click", kwargs={"ad_id": ad.pk})
    assert client.get(click, {"place": "home"}).status_code == 400
    assert client.get(click).status_code == 400
    assert not AdCount.objects.exists()


def test_an_ad_that_cannot_run_as_promised_is_refused(places, settings):
    settings.AD_TAG_ORIGINS = ["https://tags.example"]
    label = Organisation.objects.create(name="Label", slug="label", kind="label")
    shop = Organisation.objects.create(name="Shop", slug="shop", kind="advertiser")
    cases = [
        ({"places": []}, services.NO_PLACES),
        ({"places": ["sidebar"]}, services.UNKNOWN_PLACE % {"place": "sidebar"}),
        ({"dayparts": ["teatime"]}, services.UNKNOWN_DAYPART % {"daypart": "teatime"}),
        ({"tag_url": "https://tags.example/t.js"}, services.TAG_FOR_ADVERTISERS),
        (
            {"advertiser": shop, "tag_url": "https://evil.example/t.js"},
            services.TAG_ORIGIN % {"origin": "https://evil.example"},
        ),
        ({"advertiser": label}, services.ADVERTISER_KIND % {"name": "Label"}),
        ({"format": "audio", "places": ["player"]}, services.AUDIO_NEEDS_FILE),
        ({"format": "audio", "audio": "ads/spot.mp3"}, services.AUDIO_ONLY_IN_PLAYER),
        (
            {"image": "ads/banner.html"},
            services.FILE_KIND % {"part": "picture", "kinds": "gif, jpeg, jpg, png, webp"},
        ),
        (
            {"format": "audio", "places": ["player"], "audio": "ads/spot.js"},
            services.FILE_KIND % {"part": "audio", "kinds": "m4a, mp3, ogg, opus"},
        ),
    ]
    for change, message in cases:
        with pytest.raises(OutreachError) as error:
            make_ad("Bad", **change)
        assert str(error.value) == message
    assert not Ad.objects.exists()
    made = make_ad("Good", advertiser=shop, tag_url="https://tags.example/t.js")
    assert Client().get(PLACE, {"place": "genre"}).json()["ad"]["tag"] == made.tag_url


def test_a_running_ad_s_picture_is_served_as_a_picture_and_a_stopped_one_not_at_all(
    places, client, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "ads").mkdir()
    (tmp_path / "ads" / "banner.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    ad = make_ad("Banner", image="ads/banner.png")
    picture = reverse("outreach:ad_file", kwargs={"ad_id": ad.pk, "part": "image"})
    answer = client.get(picture)
    assert answer.status_code == 200 and answer["Content-Type"] == "image/png"
    assert "sandbox" in answer["Content-Security-Policy"]
    Ad.objects.filter(pk=ad.pk).update(ends_at=timezone.now() - timedelta(minutes=1))
    assert client.get(picture).status_code == 404
    assert (
        client.get(reverse("outreach:ad_file", kwargs={"ad_id": ad.pk, "part": "x"})).status_code
        == 404
    )
