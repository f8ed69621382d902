"""What a window of listening events adds up to: sums per quarter hour, and the listeners
credited in each (the rules of sessions.py and crediting.py).

Pure computation over events already read: the rollup (services/rollups.py) reads a
window's events with what comes shortly before and after it, tallies them here and writes
the result."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from twentytwo.audience.crediting import (
    credited_quarter_hours,
    quarter_hour_seconds,
    quarter_hour_start,
)
from twentytwo.audience.sessions import GONE_AFTER, Event, listener_history

# Events before a window that still decide it: 6 minutes show whether and how a session was
# open when the window began; an end or skip counts for a play whose start lies at most
# PLAY_OUTCOME_WITHIN earlier, so that is loaded too.
PLAY_OUTCOME_WITHIN = timedelta(minutes=30)
LOOKBACK = PLAY_OUTCOME_WITHIN + 2 * GONE_AFTER
# Events after a window that decide whether its session starts lasted a minute and its plays
# 30 seconds.
LOOKAHEAD = timedelta(minutes=10)
SUM_FIELDS = (
    "listening_seconds",
    "counted_listening_seconds",
    "session_starts",
    "plays",
    "ends",
    "skips",
)


@dataclass
class QuarterHourSums:
    listening_seconds: float = 0.0
    counted_listening_seconds: float = 0.0
    session_starts: int = 0
    plays: int = 0
    ends: int = 0
    skips: int = 0


@dataclass
class PlayedSums:
    """What one listener did with one track in one quarter hour."""

    plays: int = 0
    ends: int = 0
    skips: int = 0
    listening_seconds: float = 0.0  # inside sessions of at least a minute


# (city, genre, track, quarter hour) -> sums; (city, genre, track, quarter hour, listener).
SumsKey = tuple[int, int, int, datetime]
Credit = tuple[int, int, int, datetime, object]
Played = tuple[int, int, int, datetime, object, PlayedSums]


@dataclass
class WindowTally:
    sums: dict[SumsKey, QuarterHourSums]
    credited: list[Credit]
    played: list[Played]
    events: int  # events inside the window


def window_tally(
    *, start: datetime, end: datetime, listeners: Iterable[tuple[object, list[Event]]]
) -> WindowTally:
    """Tally the quarter hours in [start, end) from each listener's events around them."""
    sums: dict[SumsKey, QuarterHourSums] = defaultdict(QuarterHourSums)
    credited: list[Credit] = []
    played: list[Played] = []
    events = 0

    def inside(moment: datetime) -> bool:
        return start <= moment < end

    for listener, listener_events in listeners:
        events += sum(1 for e in listener_events if inside(e.time))
        history = listener_history(listener_events, history_known_from=start - LOOKBACK)
        mine: dict[SumsKey, PlayedSums] = defaultdict(PlayedSums)
        _add_listening(sums, mine, history, inside)
        _add_sessions_and_plays(sums, mine, history, inside)
        played.extend((*key, listener, what) for key, what in mine.items())
        credits = credited_quarter_hours(
            ((i.city_id, i.genre_id, i.track_id), i.start, i.end) for i in history.intervals
        )
        for (city_id, genre_id, track_id), slots in credits.items():
            credited.extend(
                (city_id, genre_id, track_id, slot, listener) for slot in slots if inside(slot)
            )
    return WindowTally(sums=sums, credited=credited, played=played, events=events)


def _add_listening(sums, mine, history, inside) -> None:
    for interval in history.intervals:
        key = (interval.city_id, interval.genre_id, interval.track_id)
        for slot, seconds in quarter_hour_seconds(interval.start, interval.end).items():
            if inside(slot):
                s = sums[(*key, slot)]
                s.listening_seconds += seconds
                if interval.session.counted:
                    s.counted_listening_seconds += seconds
                    mine[(*key, slot)].listening_seconds += seconds


def _add_sessions_and_plays(sums, mine, history, inside) -> None:
    for session in history.sessions:
        if not session.inherited and session.counted and inside(session.start):
            key = (session.city_id, session.genre_id, session.track_id)
            sums[(*key, quarter_hour_start(session.start))].session_starts += 1
    for play in history.plays:
        if not play.counted:
            continue
        key = (play.city_id, play.genre_id, play.track_id)
        if inside(play.start):
            slot = quarter_hour_start(play.start)
            sums[(*key, slot)].plays += 1
            mine[(*key, slot)].plays += 1
        # A play's end or skip counts where it happens: a quarter hour is final 3 minutes
        # after it closes, long before a track started in it is over.
        done = play.outcome_time
        if done and inside(done) and done - play.start <= PLAY_OUTCOME_WITHIN:
            slot = quarter_hour_start(done)
            for counted in (sums[(*key, slot)], mine[(*key, slot)]):
                counted.ends += play.outcome == "end"
                counted.skips += play.outcome == "skip"
