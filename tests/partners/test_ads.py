"""An advertiser's ad figures go through the disclosure layer: every place a cell, noised,
thresholded, the total a figure of its own, released once per range and accounted."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.partners.conftest import member
from twentytwo.outreach.models import Ad, AdCount
from twentytwo.partners import disclosure
from twentytwo.partners.models import Organisation, Release, ReleasedView

pytestmark = pytest.mark.django_db


@pytest.fixture
def advertiser(db):
    return Organisation.objects.create(name="Concerto", slug="concerto", kind="advertiser")


@pytest.fixture
def counted(advertiser):
    """Two ads of Concerto over the week before yesterday: one seen a lot, one barely."""
    now = timezone.now()
    vinyl = Ad.objects.create(
        name="Vinyl week",
        advertiser=advertiser,
        places=["genre", "home"],
        headline="Vinyl week",
        link_url="https://concerto.example/",
        starts_at=now - timedelta(days=30),
        ends_at=now + timedelta(days=30),
    )
    tapes = Ad.objects.create(
        name="Tapes",
        advertiser=advertiser,
        places=["city"],
        headline="Tapes",
        link_url="https://concerto.example/tapes",
        starts_at=now - timedelta(days=30),
        ends_at=now + timedelta(days=30),
    )
    yesterday = timezone.localdate() - timedelta(days=1)
    for offset in range(7):
        day = yesterday - timedelta(days=offset)
        AdCount.objects.create(ad=vinyl, place="genre", day=day, impressions=400, clicks=30)
    AdCount.objects.create(ad=tapes, place="city", day=yesterday, impressions=3, clicks=1)
    return vinyl, tapes


def query(advertiser, days=7):
    last = timezone.localdate() - timedelta(days=1)
    return disclosure.AdsQuery(
        ads=disclosure.ads_of(organisation=advertiser),
        first=last - timedelta(days=days - 1),
        last=last,
    )


def cells(released):
    return {(c["ad"], c["place"]): c for c in released.view.figures["cells"]}


def test_every_place_is_a_cell_small_ones_are_hidden_and_the_total_is_its_own(
    advertiser, counted, monkeypatch
):
    vinyl, tapes = counted
    drawn = []
    real = disclosure.noised

    def watched(values, **kwargs):
        drawn.append((list(values), kwargs))
        return real(values, **kwargs)

    monkeypatch.setattr(disclosure, "noised", watched)
    released = disclosure.release_ads(
        organisation=advertiser, query=query(advertiser), channel="portal"
    )
    found = cells(released)
    assert set(found) == {
        (vinyl.pk, "genre"),
        (vinyl.pk, "home"),
        (tapes.pk, "city"),
        (None, "total"),
    }
    genre = found[(vinyl.pk, "genre")]
    assert not genre["suppressed"] and abs(genre["impressions"] - 2800) < 60
    assert abs(genre["clicks"] - 210) < 60
    # Three impressions, and a place nobody saw: no number of either, anywhere.
    assert found[(tapes.pk, "city")] == {"ad": tapes.pk, "place": "city", "suppressed": True}
    assert found[(vinyl.pk, "home")]["suppressed"]
    # The total is a figure of its own, noised with the cells (a page view moves its cell
    # and the total: 2 in all), never the sum of the released cells: no difference of
    # released figures gives back 3.
    impressions, clicks = drawn
    assert impressions == ([2800, 0, 3, 2803], {"sensitivity": 2, "epsilon": 1.0})
    assert clicks[0] == [210, 0, 1, 211]
    assert released.view.figures["method"]["unit"].startswith("one page view")
    assert released.release.epsilon_spent == disclosure.ads_view_cost()


def test_the_same_range_again_gives_the_same_figures_and_spends_nothing(advertiser, counted):
    first = disclosure.release_ads(
        organisation=advertiser, query=query(advertiser), channel="portal"
    )
    again = disclosure.release_ads(organisation=advertiser, query=query(advertiser), channel="api")
    assert again.new is False and again.view == first.view
    assert again.release.epsilon_spent == 0
    assert ReleasedView.objects.count() == 1


def test_a_spent_budget_refuses_new_ranges_and_nothing_is_spent(advertiser, counted):
    advertiser.monthly_epsilon = disclosure.ads_view_cost()
    advertiser.save()
    disclosure.release_ads(organisation=advertiser, query=query(advertiser), channel="portal")
    with pytest.raises(disclosure.BudgetSpent):
        disclosure.release_ads(
            organisation=advertiser, query=query(advertiser, days=3), channel="portal"
        )
    assert Release.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"days": 200}, "at most"),
        ({"last_offset": 0}, "whole days up to yesterday"),
    ],
)
def test_bad_ranges_are_refused_before_anything_is_read(advertiser, counted, change, message):
    last = timezone.localdate() - timedelta(days=change.get("last_offset", 1))
    first = last - timedelta(days=change.get("days", 7) - 1)
    asked = disclosure.AdsQuery(
        ads=disclosure.ads_of(organisation=advertiser), first=first, last=last
    )
    with pytest.raises(disclosure.Refused, match=message):
        disclosure.release_ads(organisation=advertiser, query=asked, channel="portal")
    assert not Release.objects.exists()


def test_an_organisation_without_ads_is_told_so(db):
    label = Organisation.objects.create(name="Label", slug="label", kind="label")
    with pytest.raises(disclosure.Refused, match="no ads"):
        disclosure.release_ads(organisation=label, query=query(label), channel="portal")


def test_the_portal_shows_released_ad_figures_and_nothing_to_other_organisations(
    advertiser, counted
):
    client = Client()
    client.force_login(member(advertiser, "nina", role="admin"))
    page = reverse("partners:ads", kwargs={"slug": "concerto"})
    answer = client.post(page, {})
    assert answer.status_code == 302
    shown = client.get(answer["Location"]).content.decode()
    assert "Vinyl week" in shown and "&lt; 11" in shown
    assert 'data-released="noised"' in shown
    assert ">3<" not in shown

    other = Organisation.objects.create(name="Other", slug="other", kind="advertiser")
    outsider = Client()
    outsider.force_login(member(other, "olaf", role="admin"))
    key = answer["Location"].split("view=")[1]
    assert outsider.get(page).status_code == 404
    assert (
        outsider.get(reverse("partners:ads", kwargs={"slug": "other"}) + f"?view={key}").status_code
        == 404
    )
    # An ads release is not a report view, and the report pages do not take it for one.
    assert (
        client.get(reverse("partners:view", kwargs={"slug": "concerto", "key": key})).status_code
        == 404
    )


def test_a_day_outside_the_calendar_is_a_clear_400_on_the_ads_and_report_forms(advertiser, counted):
    client = Client()
    client.force_login(member(advertiser, "nina", role="admin"))
    page = reverse("partners:ads", kwargs={"slug": "concerto"})
    report = reverse("partners:release", kwargs={"slug": "concerto"})
    for day in ("0001-01-01", "9999-12-31"):
        for url in (page, report):
            answer = client.post(url, {"first": day, "last": day})
            assert answer.status_code == 400, (url, day)
            assert "Choose days from" in answer.content.decode()
    assert not Release.objects.exists()
