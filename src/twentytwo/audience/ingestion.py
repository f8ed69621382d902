"""Ingestion of listening events: a pipeline of named steps.

Each step looks at the events still in the batch and may drop some, each with one of the
stated reasons below; the last step stores what is left. The beacon
endpoint (audience/api.py) and the import command (audience_import) both come here, so an
event is judged the same way whichever door it came in by."""

import math
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from uuid import UUID

from twentytwo.audience.budget import beacon_budget
from twentytwo.audience.models import ListenEvent
from twentytwo.audience.selectors.placements import (
    genre_ids_existing,
    placements,
    track_ids_existing,
)
from twentytwo.audience.services.events import listen_events_store

# Why an event was dropped: the keys of the "dropped" counts in every answer.
DROP_OPTED_OUT = "opted_out"  # counting switched off, or Global Privacy Control
DROP_NO_LISTENER = "no_listener"  # no listener cookie came with the event
DROP_INVALID = "invalid"  # not an event: a field missing, of the wrong type, or unknown type
DROP_UNKNOWN_GENRE = "unknown_genre"
DROP_UNKNOWN_TRACK = "unknown_track"
DROP_NOT_IN_GENRE = "not_in_genre"  # the track never was in that genre's playlist
DROP_BAD_POSITION = "bad_position"  # before the start or past the end of the track
DROP_BAD_TIME = "bad_time"  # the client's clock is far off the server's
DROP_OVER_BUDGET = "over_budget"  # the listener sent far more events than a player does
DROP_DUPLICATE = "duplicate"  # this event id is already stored or earlier in the batch

# A player reports its position a little past the stated duration when decoders disagree.
POSITION_SLACK_SECONDS = 5.0
# Client clocks are often minutes or hours off; only one further off than this is nonsense.
# The server's time is the one every metric uses either way.
CLIENT_CLOCK_TOLERANCE = timedelta(days=1)
# Ids fit the catalog's integer columns.
MAX_ID = 2**31 - 1
KINDS = frozenset(ListenEvent.Kind.values)


@dataclass(slots=True)
class Draft:
    """One event on its way through the pipeline."""

    payload: object
    listener: UUID | None
    server_time: datetime
    # Why no listener came with it (DROP_OPTED_OUT or DROP_NO_LISTENER), if none did.
    refusal: str | None = None
    event_id: UUID | None = None
    kind: str = ""
    genre_id: int = 0
    track_id: int = 0
    city_id: int = 0
    position: float = 0.0
    duration: float = 0.0
    client_time: datetime | None = None


@dataclass
class IngestionResult:
    accepted: int = 0
    dropped: Counter = field(default_factory=Counter)

    def as_dict(self) -> dict:
        return {"accepted": self.accepted, "dropped": dict(sorted(self.dropped.items()))}


Verdicts = Iterator[tuple[Draft, str | None]]
Step = Callable[[list[Draft]], Verdicts]


def step_listener(drafts: list[Draft]) -> Verdicts:
    """Keep only events that came with a listener id."""
    for draft in drafts:
        if draft.listener is None:
            yield draft, draft.refusal or DROP_NO_LISTENER
        else:
            yield draft, None


def step_budget(drafts: list[Draft]) -> Verdicts:
    """Keep what each listener's budget allows (audience/budget.py); drop the rest."""
    wanted: dict[UUID, int] = {}
    for draft in drafts:
        wanted[draft.listener] = wanted.get(draft.listener, 0) + 1
    granted = {
        listener: beacon_budget.take(listener, count, drafts[0].server_time)
        for listener, count in wanted.items()
    }
    for draft in drafts:
        if granted[draft.listener] > 0:
            granted[draft.listener] -= 1
            yield draft, None
        else:
            yield draft, DROP_OVER_BUDGET


def _whole_number(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_ID:
        return None
    return value


def _shape_problem(draft: Draft) -> str | None:
    payload = draft.payload
    if not isinstance(payload, dict):
        return DROP_INVALID
    try:
        draft.event_id = UUID(payload.get("id"))
    except (TypeError, ValueError, AttributeError):
        return DROP_INVALID
    kind = payload.get("type")
    genre = _whole_number(payload.get("genre"))
    track = _whole_number(payload.get("track"))
    position = payload.get("position")
    if (
        kind not in KINDS
        or genre is None
        or track is None
        or isinstance(position, bool)
        or not isinstance(position, int | float)
        or not math.isfinite(position)
    ):
        return DROP_INVALID
    draft.kind, draft.genre_id, draft.track_id, draft.position = kind, genre, track, position
    client_time = payload.get("client_time")
    if client_time is None:
        return None
    if not isinstance(client_time, str):
        return DROP_INVALID
    try:
        draft.client_time = datetime.fromisoformat(client_time)
    except ValueError:
        return DROP_INVALID
    if draft.client_time.utcoffset() is None:
        # A clock reading without its offset cannot be placed in time.
        return DROP_INVALID
    return None


def step_shape(drafts: list[Draft]) -> Verdicts:
    """Read the fields of each event; drop what is not an event of a known type."""
    for draft in drafts:
        yield draft, _shape_problem(draft)


def step_catalog(drafts: list[Draft]) -> Verdicts:
    """Keep events whose track is or was in their genre; learn the city and the duration."""
    found = placements(pairs=((d.genre_id, d.track_id) for d in drafts))
    missing = [d for d in drafts if (d.genre_id, d.track_id) not in found]
    # Only a batch with a bad pair pays for telling which half of it is wrong.
    genres = genre_ids_existing(ids=(d.genre_id for d in missing)) if missing else set()
    tracks = track_ids_existing(ids=(d.track_id for d in missing)) if missing else set()
    for draft in drafts:
        placement = found.get((draft.genre_id, draft.track_id))
        if placement is not None:
            draft.city_id, draft.duration = placement.city_id, placement.duration
            yield draft, None
        elif draft.genre_id not in genres:
            yield draft, DROP_UNKNOWN_GENRE
        elif draft.track_id not in tracks:
            yield draft, DROP_UNKNOWN_TRACK
        else:
            yield draft, DROP_NOT_IN_GENRE


def step_position(drafts: list[Draft]) -> Verdicts:
    """Drop positions before the start or well past the end of the track."""
    for draft in drafts:
        sane = 0 <= draft.position <= draft.duration + POSITION_SLACK_SECONDS
        yield draft, None if sane else DROP_BAD_POSITION


def step_client_time(drafts: list[Draft]) -> Verdicts:
    """Drop events whose client clock is absurdly far from the server's."""
    for draft in drafts:
        off = draft.client_time is not None and (
            abs(draft.client_time - draft.server_time) > CLIENT_CLOCK_TOLERANCE
        )
        yield draft, DROP_BAD_TIME if off else None


def step_once(drafts: list[Draft]) -> Verdicts:
    """Drop an event whose id came earlier in this batch."""
    seen = set()
    for draft in drafts:
        if draft.event_id in seen:
            yield draft, DROP_DUPLICATE
        else:
            seen.add(draft.event_id)
            yield draft, None


def step_store(drafts: list[Draft]) -> Verdicts:
    """Store the events; drop a retried one whose id is already stored.

    The last step: what passes it is stored. Asking the database first and then writing
    would take two round trips and leave a gap between them, so the insert itself skips
    the ids it already holds and says which rows it wrote."""
    stored = listen_events_store(events=[_event(d) for d in drafts])
    for draft in drafts:
        yield draft, None if draft.event_id in stored else DROP_DUPLICATE


PIPELINE: tuple[tuple[str, Step], ...] = (
    ("listener", step_listener),
    ("shape", step_shape),
    ("catalog", step_catalog),
    ("position", step_position),
    ("client_time", step_client_time),
    ("once", step_once),
    ("store", step_store),
)
# Beacons from the player also spend their listener's budget, first, before they cost a
# lookup or a write; an import (backfill, demo data) is one operator's deliberate act and
# does not.
BEACON_PIPELINE: tuple[tuple[str, Step], ...] = (
    PIPELINE[0],
    ("budget", step_budget),
    *PIPELINE[1:],
)


def _event(draft: Draft) -> ListenEvent:
    return ListenEvent(
        event_id=draft.event_id,
        listener=draft.listener,
        kind=draft.kind,
        city_id=draft.city_id,
        genre_id=draft.genre_id,
        track_id=draft.track_id,
        position=draft.position,
        client_time=draft.client_time,
        server_time=draft.server_time,
    )


def events_ingest(
    *, drafts: Iterable[Draft], pipeline: tuple[tuple[str, Step], ...] = PIPELINE
) -> IngestionResult:
    """Run the drafts through every step; the last one stores the survivors.

    The events that pass are kept even when others of the same batch are dropped. They are
    committed before this returns."""
    result = IngestionResult()
    remaining = list(drafts)
    for _name, step in pipeline:
        kept = []
        for draft, reason in step(remaining):
            if reason is None:
                kept.append(draft)
            else:
                result.dropped[reason] += 1
        remaining = kept
        if not remaining:
            break
    result.accepted = len(remaining)
    return result
