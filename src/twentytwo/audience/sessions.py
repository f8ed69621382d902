"""Sessions, listening intervals and plays derived from one listener's events (Triton rules).

The rules (METRICS.md):
- a session belongs to one station (city, genre); a `start` opens it, and so does any sign of
  playback (`ping`, `resume`) when none is open: a browser that froze a tab still played;
- a pause shorter than 3 minutes continues the session, a longer one closes it; so does a gap
  of 3 minutes without any event, an explicit `stop`, or a `start` on another station;
- a session ends at its last event: listening after the last beacon is not assumed, which
  undercounts by at most one ping interval but never invents listening;
- sessions shorter than 1 minute count in no session metric.

Listening intervals run from `start`/`resume`/`ping` to the next `pause`/`end`/`skip`/`stop`,
the next `start`, or the listener's last event before a 3-minute gap. A `seek` changes nothing.
A play is a `start`; it counts when its track was listened to for at least 30 seconds.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

GONE_AFTER = timedelta(minutes=3)
SESSION_MINIMUM = timedelta(minutes=1)
PLAY_MINIMUM_SECONDS = 30

PLAYBACK_KINDS = frozenset({"ping", "resume"})
OUTCOME_KINDS = frozenset({"end", "skip"})


@dataclass(frozen=True)
class Event:
    """The fields of a listen event that the rules read."""

    time: datetime
    kind: str
    city_id: int
    genre_id: int
    track_id: int


@dataclass
class Session:
    city_id: int
    genre_id: int
    track_id: int  # the track playing when the session opened
    start: datetime
    end: datetime
    # Opened before the events we were given: its start lies earlier and is counted there.
    inherited: bool = False

    @property
    def duration(self) -> timedelta:
        return self.end - self.start

    @property
    def counted(self) -> bool:
        """Say whether the session counts in session metrics (TLH, AAS, session starts).

        An inherited session that still plays inside the window has lasted longer than the
        look-back before it, which is longer than the minimum."""
        return self.inherited or self.duration >= SESSION_MINIMUM


@dataclass
class Play:
    city_id: int
    genre_id: int
    track_id: int
    start: datetime
    listened_seconds: float = 0.0
    outcome: str = ""  # "end", "skip" or "" (stopped, switched or gone)
    outcome_time: datetime | None = None
    inherited: bool = False

    @property
    def counted(self) -> bool:
        return not self.inherited and self.listened_seconds >= PLAY_MINIMUM_SECONDS


@dataclass(frozen=True)
class Interval:
    city_id: int
    genre_id: int
    track_id: int
    start: datetime
    end: datetime
    session: Session = field(compare=False, repr=False)


@dataclass
class ListenerHistory:
    sessions: list[Session] = field(default_factory=list)
    intervals: list[Interval] = field(default_factory=list)
    plays: list[Play] = field(default_factory=list)


class _Replay:
    """Walk one listener's events in order, keeping what is open."""

    def __init__(self, history_known_from: datetime | None) -> None:
        self.known_from = history_known_from
        self.out = ListenerHistory()
        self.session: Session | None = None
        self.play: Play | None = None
        self.playing_since: datetime | None = None
        self.paused_since: datetime | None = None
        self.last: datetime | None = None

    def _history_unknown(self, time: datetime) -> bool:
        # Without the 3 minutes before an event we cannot tell a fresh start from a session
        # that was already open.
        return self.known_from is not None and time < self.known_from + GONE_AFTER

    def _stop_playing(self, time: datetime) -> None:
        since, play, session = self.playing_since, self.play, self.session
        if since is not None and play is not None and session is not None and time > since:
            self.out.intervals.append(
                Interval(play.city_id, play.genre_id, play.track_id, since, time, session)
            )
            play.listened_seconds += (time - since).total_seconds()
        self.playing_since = None

    def _close(self, time: datetime) -> None:
        self._stop_playing(time)
        if self.session is not None:
            self.session.end = time
            self.out.sessions.append(self.session)
        self.session = None
        self.play = None
        self.paused_since = None

    def _open(self, event: Event, *, inherited: bool) -> None:
        self.session = Session(
            event.city_id, event.genre_id, event.track_id, event.time, event.time, inherited
        )

    def feed(self, event: Event) -> None:
        t = event.time
        if self.session is not None and self.last is not None:
            gone = t - self.last >= GONE_AFTER
            paused_too_long = self.paused_since is not None and t - self.paused_since >= GONE_AFTER
            if gone or paused_too_long:
                self._close(self.last)
        station = (event.city_id, event.genre_id)
        switched = self.session is not None and (
            (self.session.city_id, self.session.genre_id) != station
        )
        if switched and (event.kind in PLAYBACK_KINDS or event.kind == "start"):
            self._close(t)
        handler = getattr(self, f"_on_{event.kind}", None)
        if handler is not None:
            handler(event)
        self.last = t

    def _on_start(self, event: Event) -> None:
        if self.session is None:
            self._open(event, inherited=False)
        self._stop_playing(event.time)
        self.play = Play(event.city_id, event.genre_id, event.track_id, event.time)
        self.out.plays.append(self.play)
        self.playing_since = event.time
        self.paused_since = None

    def _on_playback(self, event: Event) -> None:
        if self.session is None:
            self._open(event, inherited=self._history_unknown(event.time))
        if self.play is None or self.play.track_id != event.track_id:
            self._stop_playing(event.time)
            # Playback of a track whose start we never saw is listening but not a play.
            self.play = Play(
                event.city_id, event.genre_id, event.track_id, event.time, inherited=True
            )
            self.out.plays.append(self.play)
        if self.playing_since is None:
            self.playing_since = event.time
        self.paused_since = None

    _on_ping = _on_playback
    _on_resume = _on_playback

    def _on_pause(self, event: Event) -> None:
        if self.session is None and self._history_unknown(event.time):
            # A paused session from before the window: a resume within 3 minutes continues it.
            self._open(event, inherited=True)
        if self.session is not None:
            self._stop_playing(event.time)
            self.paused_since = event.time

    def _on_outcome(self, event: Event) -> None:
        self._stop_playing(event.time)
        if self.play is not None and self.play.track_id == event.track_id:
            self.play.outcome = event.kind
            self.play.outcome_time = event.time
        self.play = None

    _on_end = _on_outcome
    _on_skip = _on_outcome

    def _on_stop(self, event: Event) -> None:
        if self.session is not None:
            self._close(event.time)

    def finish(self) -> ListenerHistory:
        if self.session is not None and self.last is not None:
            self._close(self.last)
        return self.out


def listener_history(
    events: Iterable[Event], *, history_known_from: datetime | None = None
) -> ListenerHistory:
    """Replay one listener's events (in server-time order) into sessions, intervals and plays.

    `history_known_from` is where the given events begin when earlier ones exist but were not
    loaded; a session already open then is marked inherited (its start is counted earlier)."""
    replay = _Replay(history_known_from)
    for event in events:
        replay.feed(event)
    return replay.finish()
