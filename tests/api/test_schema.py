"""Property-based requests against every API operation: whatever the input, no 5xx and
answers that match the published OpenAPI document."""

from datetime import UTC, datetime

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from tests.support.factories import CityFactory, GenreFactory, track_create
from twentytwo.api.api import api
from twentytwo.catalog import services
from twentytwo.config.wsgi import application

schema = schemathesis.openapi.from_dict(api.get_openapi_schema())


@pytest.fixture(autouse=True)
def _catalog(wsgi_on_test_connection):
    genre = GenreFactory(city=CityFactory(slug="amsterdam"))
    services.track_add_to_rotation(
        genre=genre, track=track_create(), at=datetime(2026, 11, 2, tzinfo=UTC)
    )


@schema.parametrize()
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_survives_generated_requests(case):
    case.call_and_validate(app=application)
