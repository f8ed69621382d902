"""Demo listening: made through the ingestion pipeline, repeatable, and shaped like radio."""

from collections import Counter
from datetime import UTC, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from tests.support.factories import CityFactory, GenreFactory
from twentytwo.audience.demo_listening import demo_drafts, demo_listening_ingest, demo_markets
from twentytwo.audience.models import ListenEvent
from twentytwo.catalog.models import PlaylistEntry, Track

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 16, 12, 0, tzinfo=UTC)
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
SIZE = {"days": 7, "listeners": 60}


@pytest.fixture
def catalog():
    city = CityFactory(slug="amsterdam", time_zone="Europe/Amsterdam")
    serial = 0
    for g in range(5):
        genre = GenreFactory(city=city, slug=f"genre-{g}", position=g)
        for position in range(6):
            serial += 1
            # Rows only: the listening never reads the audio.
            track = Track.objects.create(
                title=f"Track {serial}",
                artist="Artist",
                audio=f"demo-{serial}.mp3",
                audio_size=1,
                duration=30 + (serial * 7) % 60,
                codec="mp3",
                mime_type="audio/mpeg",
                bitrate=128000,
                checksum=f"{serial:064x}",
            )
            PlaylistEntry.objects.create(
                genre=genre, track=track, position=position, added_at=NOW - timedelta(days=60)
            )
    return city


def test_every_demo_event_passes_the_pipeline_and_is_stored(catalog):
    demo = demo_listening_ingest(now=NOW, **SIZE)
    assert demo.events > 1000
    assert demo.result.dropped == Counter()
    assert demo.result.accepted == demo.events == ListenEvent.objects.count()
    assert not ListenEvent.objects.filter(server_time__gt=NOW).exists()
    first_day = datetime(2026, 3, 9, tzinfo=AMSTERDAM)
    # Sessions of the last day may run past midnight, never before the first day.
    assert not ListenEvent.objects.filter(server_time__lt=first_day).exists()


def test_a_second_run_adds_nothing(catalog):
    first = demo_listening_ingest(now=NOW, **SIZE)
    again = demo_listening_ingest(now=NOW + timedelta(hours=1), **SIZE)
    assert again.result.accepted == 0
    assert again.result.dropped == Counter({"duplicate": first.events})
    assert ListenEvent.objects.count() == first.events


def test_the_same_seed_gives_the_same_events_and_another_seed_others(catalog):
    markets = demo_markets()

    def payloads(seed):
        drafts = demo_drafts(markets=markets, now=NOW, seed=seed, **SIZE)
        return [(d.listener, d.server_time, d.payload) for d in drafts]

    assert payloads(22) == payloads(22)
    assert payloads(22) != payloads(23)


def test_the_listening_has_a_daily_rhythm_and_genres_of_different_popularity(catalog):
    demo_listening_ingest(now=NOW, days=14, listeners=80)
    starts = ListenEvent.objects.filter(kind="start")
    hours = Counter(
        t.astimezone(AMSTERDAM).hour for t in starts.values_list("server_time", flat=True)
    )
    assert hours[8] > 4 * max(hours[4], 1)
    assert hours[20] > 4 * max(hours[3], 1)
    listening = Counter(starts.values_list("genre_id", flat=True))
    ranked = [count for _, count in listening.most_common()]
    assert len(ranked) == 5
    assert ranked[0] > 2 * ranked[-1]


def test_listeners_come_back_skip_pause_and_seek(catalog):
    demo_listening_ingest(now=NOW, **SIZE)
    kinds = Counter(ListenEvent.objects.values_list("kind", flat=True))
    assert set(kinds) == {"start", "ping", "pause", "resume", "seek", "skip", "end", "stop"}
    assert 0.15 < kinds["skip"] / kinds["start"] < 0.35
    seen = {
        (listener, time.astimezone(AMSTERDAM).date())
        for listener, time in ListenEvent.objects.values_list("listener", "server_time")
    }
    days = Counter(listener for listener, _ in seen)
    assert sum(1 for count in days.values() if count >= 3) >= 10


def test_the_command_reports_what_was_generated_and_accepted(catalog):
    out = StringIO()
    call_command("audience_demo", "--days", "2", "--listeners", "10", stdout=out)
    lines = out.getvalue().splitlines()
    generated = int(lines[0].removeprefix("generated: "))
    assert lines == [f"generated: {generated}", f"accepted: {generated}"]
    assert ListenEvent.objects.count() == generated
