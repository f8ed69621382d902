"""Reads for audience measurement."""

from collections.abc import Iterable
from dataclasses import dataclass
from uuid import UUID

from twentytwo.audience.models import ListenEvent
from twentytwo.catalog.models import Genre, PlaylistEntry, Track


@dataclass(frozen=True, slots=True)
class Placement:
    """A track that is or was in a genre: what ingestion needs to know about the pair."""

    city_id: int
    duration: float


def placements(*, pairs: Iterable[tuple[int, int]]) -> dict[tuple[int, int], Placement]:
    """Return the (genre id, track id) pairs that have a playlist entry, current or retired."""
    pairs = set(pairs)
    if not pairs:
        return {}
    rows = PlaylistEntry.objects.filter(
        genre_id__in={genre for genre, _ in pairs}, track_id__in={track for _, track in pairs}
    ).values_list("genre_id", "track_id", "genre__city_id", "track__duration")
    return {
        (genre, track): Placement(city_id=city, duration=duration)
        for genre, track, city, duration in rows
        if (genre, track) in pairs
    }


def genre_ids_existing(*, ids: Iterable[int]) -> set[int]:
    return set(Genre.objects.filter(pk__in=set(ids)).values_list("pk", flat=True))


def track_ids_existing(*, ids: Iterable[int]) -> set[int]:
    return set(Track.objects.filter(pk__in=set(ids)).values_list("pk", flat=True))


def event_ids_stored(*, ids: Iterable[UUID]) -> set[UUID]:
    return set(ListenEvent.objects.filter(event_id__in=set(ids)).values_list("event_id", flat=True))
