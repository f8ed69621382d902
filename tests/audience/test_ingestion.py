"""The beacon endpoint and its pipeline: every drop has a reason and a count, valid events
of a batch are kept, a replay counts once and a refused request stores nothing."""

import json
import uuid
from datetime import timedelta

import pytest
from django.test import Client

from tests.support.beacons import LISTENER, NOW, OWN_ORIGIN, event, post_events, station
from tests.support.factories import GenreFactory, track_create
from twentytwo.audience import api as events_api
from twentytwo.audience.ingestion import (
    DROP_BAD_POSITION,
    DROP_BAD_TIME,
    DROP_DUPLICATE,
    DROP_INVALID,
    DROP_NOT_IN_GENRE,
    DROP_UNKNOWN_GENRE,
    DROP_UNKNOWN_TRACK,
    POSITION_SLACK_SECONDS,
)
from twentytwo.audience.models import ListenEvent
from twentytwo.catalog import services
from twentytwo.catalog.models import PlaylistEntry

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_clock")]


@pytest.fixture
def playlist():
    return station(seconds=30.0)


def test_a_start_is_stored_with_the_server_time_and_the_city_of_the_genre(client, playlist):
    genre, track = playlist
    sent = event(genre, track, position=1.5, client_time="2025-03-10T19:59:58+00:00")

    response = post_events(client, [sent])

    assert response.status_code == 200
    assert response.json() == {"accepted": 1, "dropped": {}}
    stored = ListenEvent.objects.get()
    assert (
        stored.event_id,
        stored.listener,
        stored.kind,
        stored.city_id,
        stored.genre_id,
        stored.track_id,
        stored.position,
        stored.server_time,
        stored.client_time,
    ) == (
        uuid.UUID(sent["id"]),
        LISTENER,
        "start",
        genre.city_id,
        genre.pk,
        track.pk,
        1.5,
        NOW,
        NOW - timedelta(seconds=2),
    )


def test_every_drop_reason_is_counted_and_the_valid_events_are_kept(client, playlist):
    genre, track = playlist
    other_genre = GenreFactory(city=genre.city, name="Disco", slug="disco")
    loose_track = track_create(title="In no playlist")
    duration = track.duration
    batch = [
        event(genre, track, type="ping", position=10.0),  # kept
        event(genre, track, type="end", position=duration + POSITION_SLACK_SECONDS),  # kept
        event(genre, track, type="dance"),  # invalid
        event(genre, track, id="not-a-uuid"),  # invalid
        event(genre, track, position="12"),  # invalid
        event(genre, track, client_time="yesterday"),  # invalid
        {"type": "start"},  # invalid
        "start",  # invalid
        {**event(genre, track), "genre": True},  # invalid: a boolean is not an id
        {**event(genre, track), "track": "1"},  # invalid: nor is a string
        {**event(genre, track), "genre": 999_999},  # unknown genre
        {**event(genre, track), "track": 999_999},  # unknown track
        event(other_genre, track),  # never in that genre
        event(genre, loose_track),  # never in that genre
        event(genre, track, position=-0.5),  # bad position
        event(genre, track, position=duration + POSITION_SLACK_SECONDS + 0.1),  # bad position
        event(genre, track, client_time=(NOW + timedelta(days=2)).isoformat()),  # bad time
        event(genre, track, client_time=(NOW - timedelta(days=30)).isoformat()),  # bad time
    ]
    batch.append(dict(batch[0]))  # the same id again in one batch: duplicate

    response = post_events(client, batch)

    assert response.status_code == 200
    assert response.json() == {
        "accepted": 2,
        "dropped": {
            DROP_BAD_POSITION: 2,
            DROP_BAD_TIME: 2,
            DROP_DUPLICATE: 1,
            DROP_INVALID: 8,
            DROP_NOT_IN_GENRE: 2,
            DROP_UNKNOWN_GENRE: 1,
            DROP_UNKNOWN_TRACK: 1,
        },
    }
    assert sorted(ListenEvent.objects.values_list("kind", flat=True)) == ["end", "ping"]


def test_a_retired_track_still_counts_in_the_genre_it_was_in(client, playlist):
    genre, track = playlist
    entry = PlaylistEntry.objects.get(genre=genre, track=track)
    services.entry_retire(entry=entry, at=NOW - timedelta(days=1))

    response = post_events(client, [event(genre, track)])

    assert response.json() == {"accepted": 1, "dropped": {}}


def test_a_replayed_batch_is_stored_once(client, playlist):
    genre, track = playlist
    batch = [event(genre, track), event(genre, track, type="ping", position=20.0)]

    first = post_events(client, batch)
    again = post_events(client, batch)

    assert first.json() == {"accepted": 2, "dropped": {}}
    assert again.json() == {"accepted": 0, "dropped": {DROP_DUPLICATE: 2}}
    assert ListenEvent.objects.count() == 2


def test_a_batch_of_too_many_events_is_refused_whole(client, playlist):
    genre, track = playlist
    batch = [event(genre, track) for _ in range(events_api.MAX_EVENTS_PER_BATCH + 1)]

    response = post_events(client, batch)

    assert response.status_code == 400
    assert response.json() == {
        "error": {"code": "too_many_events", "message": events_api.TOO_MANY_EVENTS}
    }
    assert not ListenEvent.objects.exists()


def test_a_body_over_the_limit_is_refused_whole(client, playlist):
    genre, track = playlist
    padded = event(genre, track, padding="x" * events_api.MAX_BODY_BYTES)

    response = post_events(client, [padded])

    assert response.status_code == 413
    assert response.json()["error"]["message"] == events_api.BODY_TOO_LARGE
    assert not ListenEvent.objects.exists()


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ('{"events": [', 400, events_api.BAD_JSON),
        (b"\xff\xfe", 400, events_api.BAD_JSON),
        ('[{"type": "start"}]', 400, events_api.NOT_A_BATCH),
        ('{"events": {"type": "start"}}', 400, events_api.NOT_A_BATCH),
    ],
)
def test_a_body_that_is_not_a_batch_is_refused_in_the_api_error_shape(
    client, playlist, body, status, message
):
    client.cookies["tt_listener"] = LISTENER.hex
    response = client.post(
        "/api/events", HTTP_ORIGIN=OWN_ORIGIN, data=body, content_type="application/json"
    )

    assert response.status_code == status
    assert response.json()["error"]["message"] == message
    assert not ListenEvent.objects.exists()


def test_a_beacon_from_another_sites_page_is_refused(client, playlist):
    genre, track = playlist

    response = post_events(client, [event(genre, track)], HTTP_ORIGIN="https://evil.example")

    assert response.status_code == 403
    assert response.json() == {"error": {"code": "forbidden", "message": events_api.FOREIGN_ORIGIN}}
    assert not ListenEvent.objects.exists()


def test_a_beacon_without_an_origin_did_not_come_from_a_player_and_is_refused(client, playlist):
    """Browsers send Origin with every POST of fetch and sendBeacon: a loop that takes a
    fresh cookie each time and sends none gets nothing counted."""
    genre, track = playlist
    for _ in range(5):
        response = Client().post(
            "/api/events",
            data=json.dumps({"events": [event(genre, track) for _ in range(50)]}),
            content_type="application/json",
        )
        assert response.status_code == 403
        assert response.json()["error"]["message"] == events_api.NO_ORIGIN
    assert not ListenEvent.objects.exists()


def test_a_beacon_from_the_sites_own_page_is_accepted(client, playlist):
    genre, track = playlist

    response = post_events(client, [event(genre, track)], HTTP_ORIGIN="http://testserver")

    assert response.json() == {"accepted": 1, "dropped": {}}


def test_the_answer_is_never_cached(client, playlist):
    genre, track = playlist
    assert post_events(client, [event(genre, track)])["Cache-Control"] == "no-store"


def test_the_api_documents_that_valid_events_of_a_batch_are_kept(client):
    schema = client.get("/api/openapi.json").json()
    operation = schema["paths"]["/api/events"]["post"]
    assert "the valid events of a batch are stored even when others" in " ".join(
        operation["description"].split()
    )


def test_a_fractional_client_time_offset_is_read_as_given(client, playlist):
    genre, track = playlist
    sent = event(genre, track, client_time="2025-03-10T21:00:00.250+01:00")

    assert post_events(client, [sent]).json() == {"accepted": 1, "dropped": {}}
    assert ListenEvent.objects.get().client_time == NOW + timedelta(milliseconds=250)


def test_json_shape_matches_what_the_player_sends(client, playlist):
    genre, track = playlist
    body = json.dumps(
        {
            "events": [
                {
                    "id": str(uuid.uuid4()),
                    "type": "stop",
                    "genre": genre.pk,
                    "track": track.pk,
                    "position": 3,
                    "client_time": "2025-03-10T20:00:00.000Z",
                }
            ]
        }
    )
    client.cookies["tt_listener"] = LISTENER.hex
    response = client.post(
        "/api/events", HTTP_ORIGIN=OWN_ORIGIN, data=body, content_type="text/plain;charset=UTF-8"
    )
    assert response.json() == {"accepted": 1, "dropped": {}}


# --- Durability: the real app server, killed right after its acknowledgements -------------

SETUP_SCRIPT = """
import json
from datetime import UTC, datetime
import django
django.setup()
from twentytwo.catalog import services
from tests.support.audio import sine_mp3
city = services.city_create(name="Amsterdam", slug="amsterdam", country="NL",
                            time_zone="Europe/Amsterdam")
genre = services.genre_create(city=city, name="Deep House", slug="deep-house")
track = services.track_ingest(audio=sine_mp3(seconds=30.0), title="Kept", artist="Granian")
services.track_add_to_rotation(genre=genre, track=track, at=datetime(2025, 1, 1, tzinfo=UTC))
print(json.dumps({"genre": genre.pk, "track": track.pk}))
"""


@pytest.mark.django_db(transaction=False)
@pytest.mark.slow
def test_every_acknowledged_event_survives_the_server_being_killed(tmp_path):
    import http.client
    import os
    import signal
    import sqlite3
    import subprocess
    import sys

    from tests.support.processes import PYTHONPATH, ROOT, free_port, wait_for_port
    from twentytwo.web.management.commands.serve import server_command

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "twentytwo.config.settings",
        "TWENTYTWO_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'twentytwo.sqlite3'}",
        "TWENTYTWO_SECRET_KEY": "durability-test-key-" + "x" * 40,
        "TWENTYTWO_MEDIA_ROOT": str(tmp_path / "media"),
        "TWENTYTWO_MANIFEST_STATIC": "false",
        "PYTHONPATH": PYTHONPATH,
    }
    run = {"cwd": ROOT, "env": env, "check": True, "capture_output": True}
    subprocess.run([sys.executable, "-m", "twentytwo", "migrate", "--no-input"], **run)
    made = subprocess.run([sys.executable, "-c", SETUP_SCRIPT], **run, text=True)
    ids = json.loads(made.stdout.strip().splitlines()[-1])
    port = free_port()
    command = server_command(host="127.0.0.1", port=port, workers=1, threads=4, access_log=False)
    # Its own process group, so that the kill reaches the worker processes too.
    server = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    acknowledged = []
    try:
        wait_for_port(port, server)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        for batch in range(20):
            # Many listeners, as on a live server (one alone would run out of budget).
            cookie = f"tt_listener={uuid.uuid4().hex}"
            events = [
                {
                    "id": str(uuid.uuid4()),
                    "type": "ping",
                    "genre": ids["genre"],
                    "track": ids["track"],
                    "position": float(batch),
                    "client_time": None,
                }
                for _ in range(10)
            ]
            connection.request(
                "POST",
                "/api/events",
                body=json.dumps({"events": events}),
                headers={
                    "Content-Type": "application/json",
                    "Cookie": cookie,
                    "Origin": f"http://127.0.0.1:{port}",
                },
            )
            answer = connection.getresponse()
            reply = json.loads(answer.read())
            if answer.status == 200 and reply["accepted"] == len(events):
                acknowledged += [uuid.UUID(event["id"]).hex for event in events]
    finally:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=10)

    with sqlite3.connect(tmp_path / "twentytwo.sqlite3") as database:
        stored = {row[0] for row in database.execute("SELECT event_id FROM audience_listenevent")}
    assert len(acknowledged) == 200
    assert set(acknowledged) <= stored
