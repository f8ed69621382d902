"""The disclosure layer (partners/disclosure.py): bounded, noised, thresholded, accounted."""

from datetime import date, datetime, time, timedelta
from statistics import median
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.utils import timezone

from twentytwo.audience.models import RollupWatermark
from twentytwo.partners import disclosure
from twentytwo.partners.models import Release, ReleasedView

pytestmark = pytest.mark.django_db


def query(world, **changes) -> disclosure.ReportQuery:
    fields = {
        "tracks": tuple(sorted(world.tracks[n].id for n in ("big", "mid", "tiny"))),
        "genres": None,
        "city_id": None,
        "first": world.first,
        "last": world.last,
        "daypart": "all-day",
        "step": "day",
    }
    return disclosure.ReportQuery(**(fields | changes))


def cells(view, group) -> dict:
    return {cell["key"]: cell for cell in view.figures["groups"][group]}


def test_a_cell_of_three_listeners_is_released_as_suppressed_with_no_number(world):
    released = disclosure.release(organisation=world.orbit, query=query(world), channel="portal")

    tracks = cells(released.view, "tracks")
    assert tracks[str(world.tracks["tiny"].id)] == {
        "key": str(world.tracks["tiny"].id),
        "suppressed": True,
    }
    big = tracks[str(world.tracks["big"].id)]
    assert not big["suppressed"] and big["listeners"] >= 11
    # Noise of scale 13 (ε 1): off by more than 13 × 20 once in a billion releases.
    assert abs(big["listeners"] - 300) < 13 * 20


def test_the_same_view_again_gives_the_same_figures_and_spends_nothing(world):
    first = disclosure.release(organisation=world.orbit, query=query(world), channel="portal")
    again = disclosure.release(organisation=world.orbit, query=query(world), channel="api")

    assert (first.new, again.new) == (True, False)
    assert again.view.pk == first.view.pk and again.view.figures == first.view.figures
    spent = [r.epsilon_spent for r in Release.objects.order_by("id")]
    assert spent == [disclosure.view_cost(), 0.0]
    assert disclosure.budget_of(organisation=world.orbit).spent == disclosure.view_cost()


def test_another_organisations_same_question_is_its_own_view(world):
    mine = disclosure.release(organisation=world.orbit, query=query(world), channel="portal")
    theirs = disclosure.release(organisation=world.zenith, query=query(world), channel="portal")
    assert mine.view.key != theirs.view.key and theirs.new


def test_a_spent_budget_refuses_new_views_until_the_first_and_spends_nothing(world):
    world.orbit.monthly_epsilon = disclosure.view_cost() * 2
    world.orbit.save()
    disclosure.release(organisation=world.orbit, query=query(world), channel="portal")
    disclosure.release(organisation=world.orbit, query=query(world, step="week"), channel="portal")
    views, releases = ReleasedView.objects.count(), Release.objects.count()

    with pytest.raises(disclosure.BudgetSpent) as refused:
        disclosure.release(
            organisation=world.orbit, query=query(world, daypart="evening"), channel="portal"
        )

    budget = disclosure.budget_of(organisation=world.orbit)
    assert refused.value.renews == budget.renews
    assert budget.renews == (budget.month + timedelta(days=32)).replace(day=1)
    assert budget.renews.strftime("%-d %B %Y") in refused.value.message
    assert (ReleasedView.objects.count(), Release.objects.count()) == (views, releases)
    # What was released stays available, for nothing.
    assert not disclosure.release(
        organisation=world.orbit, query=query(world), channel="export"
    ).new


def test_the_budget_renews_on_the_first_of_the_next_month(world):
    world.orbit.monthly_epsilon = disclosure.view_cost()
    world.orbit.save()
    disclosure.release(organisation=world.orbit, query=query(world), channel="portal")
    with pytest.raises(disclosure.BudgetSpent):
        disclosure.release(
            organisation=world.orbit, query=query(world, step="week"), channel="portal"
        )
    renews = disclosure.budget_of(organisation=world.orbit).renews
    zone = ZoneInfo(settings.TIME_ZONE)
    last_minute = datetime.combine(renews, time(0), tzinfo=zone) - timedelta(minutes=1)
    first_minute = datetime.combine(renews, time(0), tzinfo=zone)
    assert disclosure.budget_of(organisation=world.orbit, now=last_minute).left == 0
    assert disclosure.budget_of(organisation=world.orbit, now=first_minute).left == (
        disclosure.view_cost()
    )


@pytest.mark.parametrize(
    ("changes", "status", "words"),
    [
        ({"first": date(2026, 1, 9), "last": date(2026, 1, 2)}, 400, "ends before it begins"),
        ({"daypart": "brunch"}, 400, "Unknown daypart"),
        ({"step": "fortnight"}, 400, "step"),
        ({"tracks": ()}, 400, "no tracks"),
    ],
)
def test_malformed_queries_are_refused_before_anything_is_read_or_spent(
    world, changes, status, words
):
    with pytest.raises(disclosure.Refused) as refused:
        disclosure.release(organisation=world.orbit, query=query(world, **changes), channel="api")
    assert refused.value.status == status and words in refused.value.message
    assert not Release.objects.exists() and not ReleasedView.objects.exists()


def test_ranges_too_long_today_and_days_not_rolled_up_are_refused(world):
    too_long = query(world, first=world.last - timedelta(days=200))
    today = query(world, last=disclosure.today_in_site())
    with pytest.raises(disclosure.Refused, match="at most 92 days"):
        disclosure.release(organisation=world.orbit, query=too_long, channel="api")
    with pytest.raises(disclosure.Refused, match="up to yesterday"):
        disclosure.release(organisation=world.orbit, query=today, channel="api")
    RollupWatermark.objects.update(processed_until=timezone.now() - timedelta(days=6))
    with pytest.raises(disclosure.NotFinal) as refused:
        disclosure.release(organisation=world.orbit, query=query(world), channel="api")
    assert refused.value.status == 409
    assert not Release.objects.exists()


def test_a_released_total_is_a_figure_of_its_own_so_no_difference_gives_a_hidden_cell(world):
    """Total minus the rows shown is what a hidden cell would be if totals were sums: with
    its own noise, it is a different number every release and rarely near the hidden 3."""
    differences = []
    for _ in range(50):
        figures = disclosure._figures(query(world), epsilon=1.0, min_listeners=11)
        shown = [c for c in figures["groups"]["tracks"] if not c["suppressed"]]
        total = figures["groups"]["total"][0]
        differences.append(total["listeners"] - sum(c["listeners"] for c in shown))
    assert len(set(differences)) >= 20
    assert median(abs(d - 3) for d in differences) > 5
