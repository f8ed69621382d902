"""The signed-in listener's API: /api/me and /api/me/favorites."""

import json
from http.cookies import SimpleCookie
from io import BytesIO

import pytest
from django.conf import settings
from django.test import Client

from tests.support.factories import GenreFactory, track_create
from twentytwo.api.api import SIGN_IN_REQUIRED
from twentytwo.core import api_auth
from twentytwo.favorites import api as me_api
from twentytwo.favorites import selectors, services
from twentytwo.favorites.models import Favorite

pytestmark = pytest.mark.django_db

PRIVATE = "private, no-store"


@pytest.fixture
def track():
    return track_create(title="Night Bus", artist="Mira")


@pytest.fixture
def genre():
    return GenreFactory(name="Deep House")


def signed_in(user, *, csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(user)
    return client


def csrf_token_of(client: Client) -> str:
    """Fetch a page as the browser would and return the CSRF token the page carries."""
    client.get("/about/")
    return client.cookies[settings.CSRF_COOKIE_NAME].value


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/me"),
        ("get", "/api/me/favorites"),
        ("post", "/api/me/favorites"),
        ("delete", "/api/me/favorites?track=1"),
        ("delete", "/api/me/favorites/1"),
    ],
)
def test_an_anonymous_caller_gets_401_in_the_error_shape_never_cached(client, method, path):
    response = getattr(client, method)(path, content_type="application/json", data={"track": 1})

    assert response.status_code == 401
    assert response.json() == {"error": {"code": "unauthorized", "message": SIGN_IN_REQUIRED}}
    assert response["Cache-Control"] == PRIVATE


def test_me_tells_the_listener_their_name_rights_and_counts(adult, track, genre):
    services.favorite_add(user=adult, track=track)
    services.favorite_add(user=adult, genre=genre)

    response = signed_in(adult).get("/api/me")

    assert response.status_code == 200
    assert response["Cache-Control"] == PRIVATE
    assert response.json() == {
        "display_name": "Ada Vos",
        "may_keep_favorites": True,
        "favorite_track_count": 1,
        "favorite_genre_count": 1,
    }


def test_me_tells_an_under_18_listener_they_may_not_keep_favorites(minor):
    response = signed_in(minor).get("/api/me")

    assert response.json()["may_keep_favorites"] is False


def test_hearting_a_track_through_the_api_lists_it(adult, track):
    client = signed_in(adult)

    added = client.post("/api/me/favorites", {"track": track.pk}, content_type="application/json")
    listed = client.get("/api/me/favorites")

    assert added.status_code == 201
    assert added["Cache-Control"] == PRIVATE
    assert added.json()["track"]["title"] == "Night Bus"
    assert listed["Cache-Control"] == PRIVATE
    [favorite] = listed.json()
    assert favorite["kind"] == "track"
    assert favorite["track"] == {
        "id": track.pk,
        "title": "Night Bus",
        "artist": "Mira",
        "url": f"http://testserver/tracks/{track.pk}/",
        "in_rotation": False,
    }
    assert favorite["genre"] is None


def test_hearting_a_genre_through_the_api(adult, genre):
    response = signed_in(adult).post(
        "/api/me/favorites", {"genre": genre.pk}, content_type="application/json"
    )

    assert response.status_code == 201
    assert response.json()["genre"]["name"] == "Deep House"
    assert selectors.favorite_ids(user=adult).genres == {genre.pk}


@pytest.mark.parametrize("how", ["query", "body"])
def test_taking_a_heart_off_by_query_or_body(adult, track, how):
    services.favorite_add(user=adult, track=track)
    client = signed_in(adult)

    if how == "query":
        response = client.delete(f"/api/me/favorites?track={track.pk}")
    else:
        response = client.delete(
            "/api/me/favorites", {"track": track.pk}, content_type="application/json"
        )

    assert response.status_code == 204
    assert response["Cache-Control"] == PRIVATE
    assert selectors.favorite_ids(user=adult).tracks == frozenset()


def test_a_change_without_the_csrf_token_is_refused(adult, track):
    client = signed_in(adult, csrf=True)

    response = client.post(
        "/api/me/favorites", {"track": track.pk}, content_type="application/json"
    )

    assert response.status_code == 403
    assert response.json()["error"]["message"] == api_auth.CSRF_FAILED
    assert response["Cache-Control"] == PRIVATE
    assert not Favorite.objects.exists()


def test_a_change_with_the_csrf_token_is_accepted(adult, track):
    client = signed_in(adult, csrf=True)
    token = csrf_token_of(client)

    response = client.post(
        "/api/me/favorites",
        {"track": track.pk},
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )

    assert response.status_code == 201


def test_an_under_18_listener_gets_the_clear_refusal(minor, track):
    response = signed_in(minor).post(
        "/api/me/favorites", {"track": track.pk}, content_type="application/json"
    )

    assert response.status_code == 403
    assert response.json() == {
        "error": {"code": "forbidden", "message": services.FAVORITES_NOT_ALLOWED}
    }
    assert not Favorite.objects.exists()


@pytest.mark.parametrize(
    ("body", "message"),
    [({"track": 999_999}, me_api.TRACK_NOT_FOUND), ({"genre": 999_999}, me_api.GENRE_NOT_FOUND)],
)
def test_unknown_ids_get_404_in_the_error_shape(adult, body, message):
    response = signed_in(adult).post("/api/me/favorites", body, content_type="application/json")

    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": message}}


@pytest.mark.parametrize("body", [{}, {"track": 1, "genre": 1}])
def test_a_favorite_must_name_one_track_or_one_genre(adult, body):
    response = signed_in(adult).post("/api/me/favorites", body, content_type="application/json")

    assert response.status_code == 422
    assert response.json()["error"]["message"] == services.FAVORITE_NEEDS_ONE_TARGET


def test_another_listener_cannot_delete_a_favorite_by_guessing_its_id(adult, other_adult, track):
    favorite = services.favorite_add(user=adult, track=track)

    response = signed_in(other_adult).delete(f"/api/me/favorites/{favorite.pk}")

    assert response.status_code == 404
    assert response.json()["error"]["message"] == me_api.FAVORITE_NOT_FOUND
    assert Favorite.objects.filter(pk=favorite.pk).exists()


def test_another_listener_neither_sees_nor_removes_the_first_ones_hearts(adult, other_adult, track):
    services.favorite_add(user=adult, track=track)
    client = signed_in(other_adult)

    listed = client.get("/api/me/favorites")
    removed = client.delete(f"/api/me/favorites?track={track.pk}")

    assert listed.json() == []
    assert removed.status_code == 404
    assert selectors.favorite_ids(user=adult).tracks == {track.pk}


def test_the_owner_deletes_their_favorite_by_id(adult, track):
    favorite = services.favorite_add(user=adult, track=track)

    response = signed_in(adult).delete(f"/api/me/favorites/{favorite.pk}")

    assert response.status_code == 204
    assert not Favorite.objects.exists()


def _wsgi_get(path: str, session_key: str) -> tuple[str, dict, bytes]:
    from twentytwo.config.wsgi import application

    cookie = SimpleCookie({settings.SESSION_COOKIE_NAME: session_key})
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "HTTP_HOST": "testserver",
        "HTTP_COOKIE": cookie.output(header="", sep=";").strip(),
        "wsgi.url_scheme": "http",
        "wsgi.input": BytesIO(),
        "wsgi.errors": BytesIO(),
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    seen = {}

    def start_response(status, headers, exc_info=None):
        seen["status"], seen["headers"] = status, dict(headers)

    body = b"".join(application(environ, start_response))
    return seen["status"], seen["headers"], body


@pytest.mark.parametrize("path", ["/api/me", "/api/me/favorites"])
def test_two_listeners_get_their_own_answers_through_the_shared_cache(
    wsgi_on_test_connection, adult, other_adult, track, path
):
    services.favorite_add(user=adult, track=track)
    first = signed_in(adult).cookies[settings.SESSION_COOKIE_NAME].value
    second = signed_in(other_adult).cookies[settings.SESSION_COOKIE_NAME].value

    status_a, headers_a, body_a = _wsgi_get(path, first)
    status_b, headers_b, body_b = _wsgi_get(path, second)
    again_a = _wsgi_get(path, first)[2]

    assert status_a.startswith("200") and status_b.startswith("200")
    assert headers_a["Cache-Control"] == headers_b["Cache-Control"] == PRIVATE
    counted = {
        "/api/me": lambda body: json.loads(body)["favorite_track_count"],
        "/api/me/favorites": lambda body: len(json.loads(body)),
    }[path]
    assert (counted(body_a), counted(body_b), counted(again_a)) == (1, 0, 1)
