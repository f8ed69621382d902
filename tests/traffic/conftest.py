from datetime import UTC, datetime

import pytest

from tests.support.factories import CityFactory, GenreFactory, track_create
from twentytwo.catalog import services as catalog_services

ADDED = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


@pytest.fixture
def station(db):
    """Amsterdam's Deep House with one track in its playlist."""
    city = CityFactory(name="Amsterdam", slug="amsterdam")
    genre = GenreFactory(city=city, name="Deep House", slug="deep-house")
    track = track_create(title="Slow burner", seconds=3.0)
    catalog_services.track_add_to_rotation(genre=genre, track=track, at=ADDED)
    return city, genre, track
