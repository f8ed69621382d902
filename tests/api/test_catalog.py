from datetime import UTC, datetime, timedelta

import pytest

from tests.support.factories import CityFactory, GenreFactory, track_create
from twentytwo.api import catalog as api_module
from twentytwo.api.errors import ROUTE_NOT_FOUND
from twentytwo.catalog import services
from twentytwo.streaming.signing import stream_token_verify

pytestmark = pytest.mark.django_db

MONDAY = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def genre():
    genre = GenreFactory(city=CityFactory(slug="amsterdam", name="Amsterdam"), name="Disco")
    for index in range(3):
        services.track_add_to_rotation(
            genre=genre,
            track=track_create(title=f"Song {index}"),
            at=MONDAY + timedelta(days=index),
        )
    return genre


def test_cities_lists_each_city_with_its_genre_count(client, genre):
    response = client.get("/api/cities")
    assert response.status_code == 200
    assert response.json() == [
        {
            "id": genre.city.pk,
            "slug": "amsterdam",
            "name": "Amsterdam",
            "country": "NL",
            "time_zone": "Europe/Amsterdam",
            "genre_count": 1,
            "url": "http://testserver/amsterdam/",
        }
    ]


def test_city_genres_lists_genres_with_curators(client, genre):
    body = client.get("/api/cities/amsterdam/genres").json()
    assert [g["name"] for g in body] == ["Disco"]
    assert body[0]["curator"]["name"] == genre.curator.name
    assert body[0]["track_count"] == 3


def test_genre_tracks_are_the_current_playlist_in_order_with_signed_urls(client, genre):
    body = client.get(f"/api/genres/{genre.pk}/tracks").json()
    assert [t["title"] for t in body] == ["Song 2", "Song 1", "Song 0"]
    assert [t["position"] for t in body] == [1, 2, 3]
    first = body[0]
    assert first["buy_links"] == [{"shop": "Bandcamp", "url": "https://bandcamp.example/t"}]
    assert first["duration"] == pytest.approx(3.0, abs=0.1)
    token = first["stream_url"].rsplit("/", 1)[1]
    assert stream_token_verify(token) == first["id"]
    assert client.get(first["stream_url"]).status_code in (200, 206)


def test_rotated_out_track_leaves_the_tracks_and_stays_in_the_ledger(client, genre, settings):
    settings.PLAYLIST_SIZE = 3
    services.track_add_to_rotation(
        genre=genre, track=track_create(title="New"), at=MONDAY + timedelta(days=7)
    )
    tracks = client.get(f"/api/genres/{genre.pk}/tracks").json()
    assert [t["title"] for t in tracks] == ["New", "Song 2", "Song 1"]
    ledger = client.get(f"/api/genres/{genre.pk}/ledger").json()
    assert [(e["track"]["title"], e["current"]) for e in ledger] == [
        ("New", True),
        ("Song 2", True),
        ("Song 1", True),
        ("Song 0", False),
    ]
    assert ledger[-1]["retired_at"] == "2026-11-09T09:00:00Z"


def test_track_detail_shows_playlists(client, genre):
    track_id = client.get(f"/api/genres/{genre.pk}/tracks").json()[0]["id"]
    body = client.get(f"/api/tracks/{track_id}").json()
    assert body["title"] == "Song 2"
    assert body["playlists"][0]["genre"] == "Disco"
    assert body["playlists"][0]["retired_at"] is None


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/api/cities/atlantis/genres", api_module.CITY_NOT_FOUND),
        ("/api/genres/999999/tracks", api_module.GENRE_NOT_FOUND),
        ("/api/genres/999999/ledger", api_module.GENRE_NOT_FOUND),
        ("/api/tracks/999999", api_module.TRACK_NOT_FOUND),
        ("/api/nothing/here", ROUTE_NOT_FOUND),
    ],
)
def test_unknown_things_get_a_json_404(client, path, message):
    response = client.get(path)
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": message}}


@pytest.mark.parametrize(
    "path",
    ["/api/genres/disco/tracks", "/api/tracks/1e9", "/api/genres/99999999999999999999999/tracks"],
)
def test_malformed_ids_get_a_json_error_not_a_500(client, path):
    response = client.get(path)
    assert response.status_code in (404, 422)
    assert response.json()["error"]["code"] in ("invalid", "not_found")


def test_catalog_responses_carry_etag_and_cache_headers(client, genre):
    response = client.get(f"/api/genres/{genre.pk}/tracks")
    assert response["Cache-Control"] == api_module.CATALOG_CACHE_CONTROL
    etag = response["ETag"]
    again = client.get(f"/api/genres/{genre.pk}/tracks", headers={"If-None-Match": etag})
    assert again.status_code == 304


def test_openapi_document_is_served(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    assert "/api/genres/{genre}/tracks" in response.json()["paths"]
    assert client.get("/api/docs").status_code == 200


def test_every_operation_is_named_by_its_endpoint_alone(client):
    document = client.get("/api/openapi.json").json()
    ids = [op["operationId"] for path in document["paths"].values() for op in path.values()]

    assert len(ids) == len(set(ids))
    assert "genre_tracks" in ids and "favorite_add" in ids and "events" in ids
    assert not any("twentytwo" in operation_id for operation_id in ids)
