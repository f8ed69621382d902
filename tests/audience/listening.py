"""Listening written straight into the events table, the way the player would report it."""

import uuid
from datetime import datetime, timedelta

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
