import io

import pytest
from django.core.management import CommandError, call_command

from twentytwo.catalog.models import Genre
from twentytwo.demo.plan import SCALE_TOO_LARGE

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("small_playlists")]


def test_seed_demo_command_seeds_and_prints_a_summary():
    output = io.StringIO()

    call_command("seed_demo", "--cities", "1", "--genres", "1", "--workers", "1", stdout=output)

    assert list(Genre.objects.values_list("city__name", "name")) == [("Amsterdam", "Techno")]
    assert output.getvalue().startswith("Seeded 1 cities, 1 genres, ")


def test_seed_demo_command_refuses_more_cities_than_the_demo_has():
    with pytest.raises(CommandError) as refused:
        call_command("seed_demo", "--cities", "3", stdout=io.StringIO())

    assert str(refused.value) == SCALE_TOO_LARGE.format(available=2, what="cities", asked=3)
    assert not Genre.objects.exists()
