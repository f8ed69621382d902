import json
from datetime import UTC, datetime

import pytest

from tests.factories import CityFactory, GenreFactory, track_create
from twentytwo.catalog import services as catalog_services
from twentytwo.traffic.files import day_files
from twentytwo.traffic.models import AccessRecord

ADDED = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


@pytest.fixture
def site(wsgi_on_test_connection, settings):
    """The WSGI application the app server runs, on the test's own database connection."""
    from twentytwo.config.wsgi import application, shared_cache

    settings.ALLOWED_HOSTS = ["testserver"]
    shared_cache.clear()
    yield application
    shared_cache.clear()


@pytest.fixture
def station(db):
    """Amsterdam's Deep House with one track in its playlist."""
    city = CityFactory(name="Amsterdam", slug="amsterdam")
    genre = GenreFactory(city=city, name="Deep House", slug="deep-house")
    track = track_create(title="Slow burner", seconds=3.0)
    catalog_services.track_add_to_rotation(genre=genre, track=track, at=ADDED)
    return city, genre, track


def records(access_log) -> list[AccessRecord]:
    """Write what the requests so far left for the writer; return the table's records."""
    access_log.flush()
    return list(AccessRecord.objects.order_by("id"))


def file_lines(access_log) -> list[dict]:
    access_log.flush()
    lines = []
    for day_file in day_files(access_log.loader.directory):
        lines += [json.loads(line) for line in day_file.path.read_text().splitlines()]
    return lines
