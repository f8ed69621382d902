"""Listening written straight into the events table, the way the player would report it."""

import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from twentytwo.audience.models import ListenEvent


def event(listener, kind: str, at: datetime, *, city, genre, track: int = 1) -> ListenEvent:
    return ListenEvent.objects.create(
        event_id=uuid.uuid4(),
        listener=listener,
        kind=kind,
        city_id=city.id,
        genre_id=genre.id,
        track_id=track,
        position=0.0,
        client_time=at,
        server_time=at,
    )


def listen(listener, start: datetime, end: datetime, *, city, genre, track: int = 1, last="stop"):
    """Report listening from start to end: a start, a ping every minute, then `last`."""
    event(listener, "start", start, city=city, genre=genre, track=track)
    moment = start + timedelta(minutes=1)
    while moment < end:
        event(listener, "ping", moment, city=city, genre=genre, track=track)
        moment += timedelta(minutes=1)
    event(listener, last, end, city=city, genre=genre, track=track)


# The worked day of the ratings tests: its answers are worked out by hand in
# tests/audience/test_ratings_command.py, and the dashboard must show the same figures.
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
ANN, BOB, CAT = (uuid.UUID(int=n) for n in (1, 2, 3))


def local(hour, minute, second=0):
    """Return 2 March 2026 at this Amsterdam clock time, in UTC."""
    return datetime(2026, 3, 2, hour, minute, second, tzinfo=AMSTERDAM).astimezone(UTC)


def worked_day_city():
    """Create Amsterdam with jazz, soul and polka, the worked day's listening, and its rollups."""
    from tests.support.factories import CityFactory, GenreFactory
    from twentytwo.audience.services.rollups import rollup_run

    city = CityFactory(slug="amsterdam", time_zone="Europe/Amsterdam")
    jazz = GenreFactory(city=city, slug="jazz")
    soul = GenreFactory(city=city, slug="soul")
    GenreFactory(city=city, slug="polka")
    # Ann: jazz 07:56-08:19 (one credited quarter hour, 08:00), then soul to 08:40 (08:15, 08:30).
    listen(ANN, local(7, 56), local(8, 19), city=city, genre=jazz, track=7)
    listen(ANN, local(8, 19), local(8, 40), city=city, genre=soul, track=8)
    # Bob: jazz 08:00-08:30, the track played to its end (08:00 and 08:15).
    listen(BOB, local(8, 0), local(8, 30), city=city, genre=jazz, track=9, last="end")
    # Cat: a 50-second session, in no session metric and never credited.
    event(CAT, "start", local(9, 0), city=city, genre=soul, track=8)
    event(CAT, "stop", local(9, 0, 50), city=city, genre=soul, track=8)
    rollup_run(now=local(12, 0))
    return city
