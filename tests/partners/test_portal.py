"""The partner portal (/partners/): what a person of an organisation sees, and nothing of
any other organisation."""

import csv
import io
import json
from datetime import timedelta

import pytest
from django.test import Client

from twentytwo.partners import disclosure
from twentytwo.partners.models import Release, ReleasedView

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def release_view(client, world, **params):
    response = client.post("/partners/orbit/release/", world.params(**params))
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"]


def test_signing_in_is_needed(client, world):
    response = client.get("/partners/orbit/")
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_member_of_one_organisation_goes_straight_to_it(world, orbit_viewer):
    response = signed_in(orbit_viewer).get("/partners/")
    assert response.status_code == 302 and response["Location"] == "/partners/orbit/"


def test_someone_of_no_organisation_is_told_what_the_portal_is(world):
    from tests.partners.conftest import person

    response = signed_in(person("nemo")).get("/partners/")
    assert response.status_code == 403
    assert "Ask us for an invitation" in response.content.decode()


def test_a_new_view_is_offered_with_its_cost_then_released_and_shown(world, orbit_viewer):
    client = signed_in(orbit_viewer)
    offer = client.get("/partners/orbit/", world.params())
    html = offer.content.decode()
    assert offer.status_code == 200 and "Release this view" in html
    assert f"ε {disclosure.view_cost():g}" in html
    assert not ReleasedView.objects.exists()  # looking spends nothing

    location = release_view(client, world)
    page = client.get(location)
    html = page.content.decode()
    assert page.status_code == 200
    assert "released with noise" in html and "Released: ε 5 spent" in html
    report = page.context["report"]
    tiny = next(f for f in report.tracks if f.label.endswith("Tiny"))
    assert tiny.suppressed and tiny.listeners is None and tiny.plays is None
    assert "&lt; 11" in html
    # Asking the same again goes to the kept view and spends nothing more.
    again = client.get("/partners/orbit/", world.params())
    assert again.status_code == 302 and again["Location"] == location.split("?")[0]
    assert disclosure.budget_of(organisation=world.orbit).spent == disclosure.view_cost()


def test_exports_hold_the_released_figures_in_three_formats(world, orbit_viewer):
    client = signed_in(orbit_viewer)
    location = release_view(client, world).split("?")[0]
    csv_answer = client.get(location.rstrip("/") + ".csv")
    rows = list(csv.DictReader(io.StringIO(csv_answer.content.decode())))
    assert csv_answer["Content-Type"].startswith("text/csv")
    assert "attachment" in csv_answer["Content-Disposition"]
    tiny = next(r for r in rows if r["section"] == "tracks" and r["name"].endswith("Tiny"))
    assert tiny["listeners"] == "< 11" and tiny["plays"] == "" and tiny["tsl_minutes"] == ""
    big = next(r for r in rows if r["name"].endswith("Big"))
    assert int(big["listeners"]) > 11 and big["note"] == "released with noise"

    data = json.loads(client.get(location.rstrip("/") + ".json").content)
    tiny = next(t for t in data["tracks"] if t["name"].endswith("Tiny"))
    assert tiny == {
        "key": tiny["key"],
        "name": tiny["name"],
        "suppressed": True,
        "listeners": "< 11",
    }
    assert data["method"]["mechanism"] == "discrete Laplace"

    pdf = client.get(location.rstrip("/") + ".pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    channels = list(Release.objects.values_list("channel", flat=True).order_by("id"))
    assert channels == ["portal", "export", "export", "export"]


@pytest.mark.parametrize(
    ("params", "status", "words"),
    [
        ({"first": "2026-01-09", "last": "2026-01-02"}, 400, "ends before it begins"),
        ({"first": "2020-01-01"}, 400, "at most 92 days"),
        ({"last": "not-a-day"}, 400, "valid date"),
        ({"genre": "999999"}, 400, "Select a valid choice"),
        ({"daypart": "brunch"}, 400, "Select a valid choice"),
        ({"city": "atlantis"}, 400, "Select a valid choice"),
    ],
)
def test_bad_views_are_refused_with_the_reason_and_nothing_spent(
    world, orbit_viewer, params, status, words
):
    client = signed_in(orbit_viewer)
    for response in (
        client.get("/partners/orbit/", world.params(**params)),
        client.post("/partners/orbit/release/", world.params(**params)),
    ):
        assert response.status_code == status
        assert words in response.content.decode()
    assert not Release.objects.exists() and not ReleasedView.objects.exists()


def test_today_and_days_not_final_are_refused(world, orbit_viewer):
    client = signed_in(orbit_viewer)
    today = disclosure.today_in_site().isoformat()
    response = client.post("/partners/orbit/release/", world.params(last=today))
    assert response.status_code == 400 and "up to yesterday" in response.content.decode()
    from twentytwo.audience.models import RollupWatermark

    RollupWatermark.objects.update(processed_until=disclosure.timezone.now() - timedelta(days=7))
    response = client.post("/partners/orbit/release/", world.params())
    assert response.status_code == 409 and "not final yet" in response.content.decode()
    assert not Release.objects.exists()


def test_a_spent_budget_is_refused_with_the_day_it_renews(world, orbit_viewer):
    world.orbit.monthly_epsilon = disclosure.view_cost()
    world.orbit.save()
    client = signed_in(orbit_viewer)
    release_view(client, world)
    response = client.post("/partners/orbit/release/", world.params(step="week"))
    budget = disclosure.budget_of(organisation=world.orbit)
    assert response.status_code == 429
    assert budget.renews.strftime("%-d %B %Y") in response.content.decode()
    assert ReleasedView.objects.count() == 1


def test_nothing_of_another_organisation_can_be_seen_even_by_guessing(
    world, orbit_admin, zenith_admin
):
    location = release_view(signed_in(orbit_admin), world).split("?")[0]
    key = location.rstrip("/").rsplit("/", 1)[1]
    zoe = signed_in(zenith_admin)
    for path in (
        "/partners/orbit/",
        f"/partners/orbit/views/{key}/",
        f"/partners/orbit/views/{key}.csv",
        "/partners/orbit/people/",
        "/partners/orbit/tokens/",
        "/partners/orbit/releases/",
        # Orbit's view through Zenith's own address: no such view of Zenith.
        f"/partners/zenith/views/{key}/",
        f"/partners/zenith/views/{key}.json",
        "/partners/nosuch/",
    ):
        response = zoe.get(path)
        assert response.status_code == 404, path
        assert "Orbit" not in response.content.decode(), path
    assert zoe.post("/partners/orbit/release/", world.params()).status_code == 404
    # Zenith's own portal holds only Zenith's track.
    page = zoe.get("/partners/zenith/", world.params())
    assert page.status_code == 200
    assert page.context["offer"].tracks == (world.tracks["zenith"].id,)


def test_a_viewer_sees_reports_but_not_the_admins_pages(world, orbit_viewer):
    client = signed_in(orbit_viewer)
    for path in ("/partners/orbit/people/", "/partners/orbit/tokens/", "/partners/orbit/releases/"):
        response = client.get(path)
        assert response.status_code == 403
        assert "Only the organisation&#x27;s admins" in response.content.decode()


def test_admins_see_every_release_record(world, orbit_admin, orbit_viewer):
    release_view(signed_in(orbit_viewer), world)
    page = signed_in(orbit_admin).get("/partners/orbit/releases/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "otto@orbit.example" in html and "5" in html


def test_the_method_is_public(client):
    page = client.get("/partners/method/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "discrete Laplace" in html and "OpenDP" in html and "&lt; 11" in html
