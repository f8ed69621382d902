"""The partner API (/api/partners) with an organisation's token."""

from datetime import timedelta

import pytest
from django.test import Client

from twentytwo.partners import disclosure
from twentytwo.partners.models import ApiToken, Release, ReleasedView

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def make_token(admin, name="reporting") -> str:
    page = signed_in(admin).post(
        "/partners/orbit/tokens/", {"action": "create", "name": name, "days": 30}
    )
    assert page.status_code == 200 and page["Cache-Control"] == "private, no-store"
    return page.context["secret"]


def api(secret):
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def view_body(world, **changes):
    return {
        "first": world.first.isoformat(),
        "last": world.last.isoformat(),
        "daypart": "all-day",
        "step": "day",
        **changes,
    }


def test_a_token_is_shown_once_and_kept_only_as_a_digest(world, orbit_admin):
    secret = make_token(orbit_admin)
    token = ApiToken.objects.get()
    assert secret.startswith("tt_partner_") and secret not in (token.digest, token.prefix)
    listing = signed_in(orbit_admin).get("/partners/orbit/tokens/").content.decode()
    assert secret not in listing and token.prefix in listing


def test_a_token_releases_and_reads_its_organisations_views(world, orbit_admin):
    client = api(make_token(orbit_admin))
    me = client.get("/api/partners/organisation").json()
    assert (me["slug"], me["tracks"]) == ("orbit", 3)
    assert me["budget"]["left"] == me["budget"]["allowed"]
    assert me["budget"]["view_cost"] == disclosure.view_cost()

    new = client.post("/api/partners/views", view_body(world), content_type="application/json")
    again = client.post("/api/partners/views", view_body(world), content_type="application/json")
    assert (new.status_code, again.status_code) == (201, 200)
    assert new.json() == again.json()
    assert new["Cache-Control"] == "private, no-store"
    tiny = next(t for t in new.json()["tracks"] if t["name"].endswith("Tiny"))
    assert tiny["suppressed"] and tiny["listeners"] == "< 11" and "plays" not in tiny

    (summary,) = client.get("/api/partners/views").json()
    read = client.get(f"/api/partners/views/{summary['key']}")
    assert read.status_code == 200 and read.json() == new.json()
    assert [r.channel for r in Release.objects.order_by("id")] == ["api"] * 3
    assert {t["title"] for t in client.get("/api/partners/tracks").json()} == {"Big", "Mid", "Tiny"}


def test_a_token_sees_nothing_of_another_organisation(world, orbit_admin, zenith_admin):
    orbit = api(make_token(orbit_admin))
    orbit.post("/api/partners/views", view_body(world), content_type="application/json")
    key = ReleasedView.objects.get().key
    zenith_page = signed_in(zenith_admin).post(
        "/partners/zenith/tokens/", {"action": "create", "name": "z", "days": 30}
    )
    zenith = api(zenith_page.context["secret"])
    response = zenith.get(f"/api/partners/views/{key}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert zenith.get("/api/partners/views").json() == []
    assert {t["title"] for t in zenith.get("/api/partners/tracks").json()} == {"Peak"}


@pytest.mark.parametrize("state", ["revoked", "expired", "unknown", "missing", "other scheme"])
def test_revoked_expired_and_unknown_tokens_get_401_and_nothing(world, orbit_admin, state):
    secret = make_token(orbit_admin)
    token = ApiToken.objects.get()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    if state == "revoked":
        signed_in(orbit_admin).post(
            "/partners/orbit/tokens/", {"action": "revoke", "token": token.pk}
        )
    elif state == "expired":
        ApiToken.objects.update(expires_at=token.created_at - timedelta(seconds=1))
    elif state == "unknown":
        headers = {"HTTP_AUTHORIZATION": "Bearer tt_partner_" + "x" * 43}
    elif state == "missing":
        headers = {}
    else:
        headers = {"HTTP_AUTHORIZATION": f"Basic {secret}"}
    response = Client(**headers).post(
        "/api/partners/views", view_body(world), content_type="application/json"
    )
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"
    assert response["Cache-Control"] == "private, no-store"
    assert not ReleasedView.objects.exists() and not Release.objects.exists()


@pytest.mark.parametrize(
    ("changes", "status"),
    [
        ({"first": "2026-01-09", "last": "2026-01-02"}, 400),
        ({"first": "2019-01-01"}, 400),
        ({"first": "yesterday"}, 422),
        ({"genre": 987654}, 422),
        ({"daypart": "brunch"}, 422),
    ],
)
def test_bad_views_get_a_clear_4xx_and_spend_nothing(world, orbit_admin, changes, status):
    client = api(make_token(orbit_admin))
    response = client.post(
        "/api/partners/views", view_body(world, **changes), content_type="application/json"
    )
    assert response.status_code == status, response.content
    assert response.json()["error"]["message"]
    assert not Release.objects.exists()


def test_a_spent_budget_answers_429_with_the_renewal_date(world, orbit_admin):
    world.orbit.monthly_epsilon = disclosure.view_cost()
    world.orbit.save()
    client = api(make_token(orbit_admin))
    client.post("/api/partners/views", view_body(world), content_type="application/json")
    response = client.post(
        "/api/partners/views", view_body(world, step="week"), content_type="application/json"
    )
    renews = disclosure.budget_of(organisation=world.orbit).renews
    assert response.status_code == 429
    assert renews.strftime("%-d %B %Y") in response.json()["error"]["message"]


def test_the_partner_api_is_in_the_openapi_document(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert {
        "/api/partners/organisation",
        "/api/partners/views",
        "/api/partners/views/{key}",
    } <= set(paths)


def test_an_admin_cannot_revoke_another_organisations_token(world, orbit_admin, zenith_admin):
    signed_in(zenith_admin).post(
        "/partners/zenith/tokens/", {"action": "create", "name": "z", "days": 30}
    )
    theirs = ApiToken.objects.get(organisation=world.zenith)
    for token in (theirs.pk, "x"):
        response = signed_in(orbit_admin).post(
            "/partners/orbit/tokens/", {"action": "revoke", "token": token}
        )
        assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None
