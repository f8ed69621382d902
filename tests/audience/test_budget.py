"""Each listener's budget of events: a burst, then a steady rate; beyond it events are
dropped as `over_budget` before they cost a write, and an import is not held to it."""

import json
import uuid
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.support.beacons import LISTENER, NOW, event, post_events, station
from twentytwo.audience.budget import BURST_EVENTS, EVENTS_PER_SECOND, ListenerBudget
from twentytwo.audience.ingestion import DROP_OVER_BUDGET
from twentytwo.audience.models import ListenEvent

pytestmark = pytest.mark.django_db

OTHER = uuid.UUID(int=7)


@pytest.fixture
def clock(monkeypatch):
    """The server's clock, stopped at NOW until a test moves it."""
    moments = [NOW]
    monkeypatch.setattr(timezone, "now", lambda: moments[-1])
    return moments


def pings(genre, track, count):
    return [event(genre, track, type="ping", position=1.0) for _ in range(count)]


def test_a_listener_gets_the_burst_then_the_rate_and_others_are_not_held_back(client, clock):
    genre, track = station()
    answers = [post_events(client, pings(genre, track, 50)).json() for _ in range(3)]

    assert answers[0] == answers[1] == {"accepted": 50, "dropped": {}}
    over = 150 - BURST_EVENTS
    assert answers[2] == {"accepted": 50 - over, "dropped": {DROP_OVER_BUDGET: over}}
    # Another browser has its own budget.
    assert post_events(client, pings(genre, track, 5), listener=OTHER).json()["accepted"] == 5
    # Ten seconds later the first has earned ten seconds' worth again, and no more.
    clock.append(NOW + timedelta(seconds=10))
    earned = int(10 * EVENTS_PER_SECOND)
    assert post_events(client, pings(genre, track, earned + 3)).json() == {
        "accepted": earned,
        "dropped": {DROP_OVER_BUDGET: 3},
    }
    assert ListenEvent.objects.filter(listener=LISTENER).count() == BURST_EVENTS + earned


def test_the_budget_refills_to_the_burst_and_no_further():
    budget = ListenerBudget(burst=10, per_second=1.0)

    assert budget.take(LISTENER, 4, NOW) == 4
    assert budget.take(LISTENER, 10, NOW + timedelta(seconds=2)) == 8
    assert budget.take(LISTENER, 50, NOW + timedelta(hours=1)) == 10
    # A clock stepping back neither refills nor drains.
    assert budget.take(LISTENER, 5, NOW) == 0
    assert budget.take(LISTENER, 5, NOW + timedelta(hours=1, seconds=3)) == 3


def test_the_longest_idle_listener_is_forgotten_past_the_limit(process_only):
    budget = ListenerBudget(burst=2, per_second=0.0, kept=2)
    first, second, third = (uuid.UUID(int=n) for n in (1, 2, 3))
    budget.take(first, 2, NOW)
    budget.take(second, 2, NOW)
    budget.take(first, 1, NOW)  # first is now the most recently seen

    budget.take(third, 1, NOW)

    assert budget.take(first, 2, NOW) == 0  # remembered: still spent
    assert budget.take(second, 2, NOW) == 2  # forgotten: a full bucket


def test_an_import_is_not_held_to_a_listeners_budget(tmp_path, clock):
    genre, track = station()
    lines = [
        json.dumps({**e, "listener": str(LISTENER), "time": NOW.isoformat(), "client_time": None})
        for e in pings(genre, track, BURST_EVENTS * 2)
    ]
    path = tmp_path / "events.jsonl"
    path.write_text("\n".join(lines) + "\n")
    out = StringIO()

    call_command("audience_import", str(path), stdout=out)

    assert out.getvalue().splitlines() == [f"accepted: {BURST_EVENTS * 2}"]
