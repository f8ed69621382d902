"""Which tracks are or were in which genre: what ingestion checks each event against."""

from collections.abc import Iterable
from dataclasses import dataclass

from twentytwo.catalog.models import Genre, PlaylistEntry, Track


@dataclass(frozen=True, slots=True)
class Placement:
    """A track that is or was in a genre: what ingestion needs to know about the pair."""

    city_id: int
    duration: float


# Pairs known to be placed, per process. A genre never moves city and a playlist entry is
# kept when it retires, so a pair once found stays true; only a replaced audio file changes
# a duration, by a second or so, well inside the position check's slack. Pairs not found
# are never kept: a track added a moment ago counts at once.
_PLACEMENTS: dict[tuple[int, int], Placement] = {}
PLACEMENTS_KEPT = 100_000


def placements(*, pairs: Iterable[tuple[int, int]]) -> dict[tuple[int, int], Placement]:
    """Return the (genre id, track id) pairs that have a playlist entry, current or retired."""
    pairs = set(pairs)
    found = {pair: _PLACEMENTS[pair] for pair in pairs if pair in _PLACEMENTS}
    unknown = pairs - found.keys()
    if not unknown:
        return found
    rows = PlaylistEntry.objects.filter(
        genre_id__in={genre for genre, _ in unknown},
        track_id__in={track for _, track in unknown},
    ).values_list("genre_id", "track_id", "genre__city_id", "track__duration")
    for genre, track, city, duration in rows:
        if (genre, track) in unknown:
            found[genre, track] = Placement(city_id=city, duration=duration)
    if len(_PLACEMENTS) + len(found) > PLACEMENTS_KEPT:
        _PLACEMENTS.clear()
    _PLACEMENTS.update(found)
    return found


def placements_forget() -> None:
    """Forget the pairs known so far (tests that reuse ids, a catalog rebuilt under us)."""
    _PLACEMENTS.clear()


def genre_ids_existing(*, ids: Iterable[int]) -> set[int]:
    return set(Genre.objects.filter(pk__in=set(ids)).values_list("pk", flat=True))


def track_ids_existing(*, ids: Iterable[int]) -> set[int]:
    return set(Track.objects.filter(pk__in=set(ids)).values_list("pk", flat=True))
