"""Whatever goes wrong under /api/, the answer is JSON in one error shape."""

import json

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory

from tests.support.factories import track_create
from tests.support.wsgi import call
from twentytwo.api import catalog, errors
from twentytwo.config.wsgi import application
from twentytwo.favorites.models import Favorite

pytestmark = pytest.mark.django_db


def error_of(response) -> dict:
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)["error"]


def test_a_wrong_method_is_a_json_405_that_says_which_methods_are_taken(client):
    response = client.put("/api/me/favorites", content_type="application/json", data={})

    assert response.status_code == 405
    assert error_of(response) == {
        "code": "method_not_allowed",
        "message": errors.METHOD_NOT_ALLOWED,
    }
    assert set(response["Allow"].split(", ")) == {"GET", "POST", "DELETE"}
    assert response["Cache-Control"] == "no-store"


def test_reading_the_beacon_address_is_a_json_405_through_the_app_server(wsgi_on_test_connection):
    answer = call(application, "/api/events")

    assert answer.status == 405
    assert answer.headers["Content-Type"] == "application/json"
    assert json.loads(answer.body)["error"]["code"] == "method_not_allowed"
    assert answer.headers["Allow"] == "POST"


def test_a_body_past_the_limit_is_a_json_413_and_stores_nothing(client, adult):
    track = track_create()
    client.force_login(adult)
    body = json.dumps({"track": track.pk, "padding": "x" * 3_000_000})

    response = client.post("/api/me/favorites", body, content_type="application/json")

    assert response.status_code == 413
    assert error_of(response) == {"code": "too_large", "message": errors.BODY_TOO_LARGE}
    assert not Favorite.objects.exists()


@pytest.mark.parametrize("value", [True, False, "1", 1.0, [1]])
def test_only_a_whole_number_names_a_track(client, adult, value):
    track_create()  # a boolean was once taken for the number 1, the first track's id
    client.force_login(adult)

    response = client.post("/api/me/favorites", {"track": value}, content_type="application/json")

    assert response.status_code == 422
    assert error_of(response)["code"] == "invalid"
    assert not Favorite.objects.exists()


def broken_catalog():
    raise RuntimeError("the catalog fell over")


def test_a_failure_inside_an_endpoint_is_a_json_500(monkeypatch):
    monkeypatch.setattr(catalog.selectors, "city_list", broken_catalog)

    response = Client(raise_request_exception=False).get("/api/cities")

    assert response.status_code == 500
    assert error_of(response) == {"code": "server_error", "message": errors.SERVER_ERROR}


def test_a_failure_on_a_page_still_gets_the_sites_error_page(monkeypatch):
    from twentytwo.web import views

    monkeypatch.setattr(views.selectors, "city_list", broken_catalog)

    response = Client(raise_request_exception=False).get("/")

    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("path", ["/api/", "/api/genres/", "/api/me/nothing"])
def test_no_endpoint_is_a_json_404(client, path):
    response = client.get(path)

    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_any_other_error_answer_under_the_api_gets_the_shape_and_keeps_retry_after():
    def too_many(request):
        response = HttpResponse("<h1>Slow down</h1>", status=429)
        response["Retry-After"] = "30"
        return response

    middleware = errors.ApiErrorShapeMiddleware(too_many)

    response = middleware(RequestFactory().post("/api/events"))
    page = middleware(RequestFactory().get("/about/"))

    assert response.status_code == 429
    assert error_of(response) == {
        "code": "too_many_requests",
        "message": errors.TOO_MANY_REQUESTS,
    }
    assert response["Retry-After"] == "30"
    assert page.content == b"<h1>Slow down</h1>"


def test_a_request_for_a_host_we_do_not_serve_is_a_json_400(client):
    response = client.get("/api/cities", headers={"Host": "elsewhere.example"})

    assert response.status_code == 400
    assert error_of(response) == {"code": "bad_request", "message": errors.BAD_REQUEST}


def test_a_page_for_a_host_we_do_not_serve_keeps_the_sites_400_page(client):
    response = client.get("/about/", headers={"Host": "elsewhere.example"})

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
