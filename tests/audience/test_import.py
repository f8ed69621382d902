"""`audience_import`: lines go through the same pipeline as beacons, with their own listener
and server time; bad lines are reported by number and the rest still imported."""

import json
import uuid
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.support.beacons import NOW, event, station
from twentytwo.audience.management.commands import audience_import
from twentytwo.audience.models import ListenEvent

pytestmark = pytest.mark.django_db

ONE = uuid.UUID(int=1)
TWO = uuid.UUID(int=2)


def test_import_stores_lines_with_their_listener_and_time_and_reports_the_rest(tmp_path):
    genre, track = station()
    start = event(genre, track, client_time=None)
    lines = [
        json.dumps({**start, "listener": str(ONE), "time": NOW.isoformat()}),
        json.dumps(
            {
                **event(genre, track, type="ping", position=20.0, client_time=None),
                "listener": str(TWO),
                "time": (NOW + timedelta(minutes=1)).isoformat(),
            }
        ),
        "{not json",
        json.dumps({**event(genre, track), "listener": "me", "time": NOW.isoformat()}),
        json.dumps({**event(genre, track), "listener": str(ONE), "time": "2025-03-10 20:00"}),
        "",
        json.dumps({**start, "listener": str(ONE), "time": NOW.isoformat()}),  # replayed
        json.dumps(
            {**event(genre, track, position=99.0), "listener": str(ONE), "time": NOW.isoformat()}
        ),
    ]
    path = tmp_path / "events.jsonl"
    path.write_text("\n".join(lines) + "\n")
    out, err = StringIO(), StringIO()

    call_command("audience_import", str(path), stdout=out, stderr=err)

    assert out.getvalue().splitlines() == [
        "accepted: 2",
        "dropped bad_position: 1",
        "dropped duplicate: 1",
        "bad lines: 3",
    ]
    assert err.getvalue().splitlines() == [
        audience_import.BAD_LINE.format(number=3, problem=audience_import.NOT_JSON),
        audience_import.BAD_LINE.format(number=4, problem=audience_import.BAD_LISTENER),
        audience_import.BAD_LINE.format(number=5, problem=audience_import.BAD_SERVER_TIME),
    ]
    stored = list(ListenEvent.objects.values_list("listener", "kind", "server_time", "client_time"))
    assert stored == [
        (ONE, "start", NOW, None),
        (TWO, "ping", NOW + timedelta(minutes=1), None),
    ]


def test_client_time_is_judged_against_the_lines_server_time(tmp_path):
    genre, track = station()
    long_ago = NOW - timedelta(days=400)
    line = {**event(genre, track, client_time=long_ago.isoformat()), "listener": str(ONE)}
    path = tmp_path / "old.jsonl"
    path.write_text(json.dumps({**line, "time": long_ago.isoformat()}) + "\n")
    out = StringIO()

    call_command("audience_import", str(path), stdout=out)

    assert out.getvalue().splitlines() == ["accepted: 1"]
    assert ListenEvent.objects.get().server_time == long_ago


def test_a_missing_file_is_an_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("audience_import", str(tmp_path / "none.jsonl"))


def test_a_long_import_replayed_over_part_of_itself_stores_each_event_once(tmp_path):
    # More lines than one chunk and more rows than one insert statement, with the first
    # import's lines coming again in the middle of the second.
    genre, track = station()
    lines = [
        json.dumps(
            {
                **event(genre, track, type="ping", position=float(n % 30), client_time=None),
                "listener": str(ONE),
                "time": (NOW + timedelta(seconds=n)).isoformat(),
            }
        )
        for n in range(audience_import.CHUNK_LINES + 700)
    ]
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    first.write_text("\n".join(lines[400:1300]) + "\n")
    second.write_text("\n".join(lines) + "\n")
    call_command("audience_import", str(first), stdout=StringIO())
    out = StringIO()

    call_command("audience_import", str(second), stdout=out)

    assert out.getvalue().splitlines() == [
        f"accepted: {len(lines) - 900}",
        "dropped duplicate: 900",
    ]
    assert ListenEvent.objects.count() == len(lines)
    assert ListenEvent.objects.values("event_id").distinct().count() == len(lines)
