import io

import pytest
from django.core.management import CommandError, call_command

from twentytwo.catalog.models import Genre
from twentytwo.demo.plan import SCALE_TOO_LARGE
from twentytwo.outreach.models import Ad, Promotion, Survey

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("small_playlists")]


def test_seed_demo_command_seeds_and_prints_a_summary():
    output = io.StringIO()

    call_command("seed_demo", "--cities", "1", "--genres", "1", "--workers", "1", stdout=output)

    assert list(Genre.objects.values_list("city__name", "name")) == [("Amsterdam", "Techno")]
    assert output.getvalue().startswith("Seeded 1 cities, 1 genres, ")
    assert "Demo outreach: /promotions/paradiso-night/" in output.getvalue()


def test_the_demo_shows_a_promotion_a_house_ad_and_a_survey_and_seeds_them_once(client):
    call_command(
        "seed_demo", "--cities", "1", "--genres", "1", "--workers", "1", stdout=io.StringIO()
    )
    again = io.StringIO()
    call_command("seed_demo", "--cities", "1", "--genres", "1", "--workers", "1", stdout=again)
    assert "Demo outreach" not in again.getvalue()
    assert (Promotion.objects.count(), Ad.objects.count(), Survey.objects.count()) == (1, 1, 1)

    page = client.get("/promotions/paradiso-night/").content.decode()
    assert "Paradiso Amsterdam receives these details of your entry" in page
    ad = client.get("/ads/place/", {"place": "home"}).json()["ad"]
    assert ad["headline"] == "New tracks in your inbox" and ad["by"] == "22tracks"
    assert Survey.objects.get().questions.count() == 3


def test_seed_demo_command_refuses_more_cities_than_the_demo_has():
    with pytest.raises(CommandError) as refused:
        call_command("seed_demo", "--cities", "3", stdout=io.StringIO())

    assert str(refused.value) == SCALE_TOO_LARGE.format(available=2, what="cities", asked=3)
    assert not Genre.objects.exists()
