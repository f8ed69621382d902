from datetime import UTC, datetime, timedelta

from twentytwo.audience.sessions import Event, listener_history

T0 = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def ev(minutes: float, kind: str, genre: int = 1, track: int = 10, city: int = 1) -> Event:
    return Event(at(minutes), kind, city, genre, track)


def pings(first: float, last: float, genre: int = 1, track: int = 10) -> list[Event]:
    return [ev(m, "ping", genre, track) for m in range(int(first), int(last) + 1)]


def test_two_minute_pause_continues_the_session():
    events = [ev(0, "start"), *pings(1, 5), ev(5, "pause"), ev(7, "resume"), *pings(8, 10)]
    history = listener_history(events)
    assert [(s.start, s.end) for s in history.sessions] == [(at(0), at(10))]
    # Listening stops for the pause: 5 + 3 minutes.
    assert sum((i.end - i.start).total_seconds() for i in history.intervals) == 8 * 60


def test_four_minute_pause_starts_a_new_session():
    events = [ev(0, "start"), *pings(1, 5), ev(5, "pause"), ev(9, "resume"), *pings(10, 12)]
    history = listener_history(events)
    assert [(s.start, s.end) for s in history.sessions] == [(at(0), at(5)), (at(9), at(12))]


def test_silence_of_three_minutes_ends_the_session_at_the_last_event():
    events = [ev(0, "start"), *pings(1, 4), *pings(8, 9)]
    history = listener_history(events)
    assert [(s.start, s.end) for s in history.sessions] == [(at(0), at(4)), (at(8), at(9))]
    assert [(i.start, i.end) for i in history.intervals] == [(at(0), at(4)), (at(8), at(9))]


def test_stop_closes_the_session():
    events = [ev(0, "start"), ev(1, "ping"), ev(1.5, "stop"), ev(2, "start")]
    history = listener_history(events)
    assert [(s.start, s.end) for s in history.sessions] == [(at(0), at(1.5)), (at(2), at(2))]


def test_fifty_second_session_is_not_counted():
    events = [ev(0, "start"), ev(50 / 60, "stop")]
    (session,) = listener_history(events).sessions
    assert session.duration == timedelta(seconds=50)
    assert not session.counted


def test_session_of_one_minute_is_counted():
    (session,) = listener_history([ev(0, "start"), ev(1, "stop")]).sessions
    assert session.counted


def test_next_track_stays_in_the_session_and_switching_genre_opens_another():
    events = [
        ev(0, "start", track=10),
        *pings(1, 2),
        ev(3, "end", track=10),
        ev(3, "start", track=11),
        ev(4, "start", genre=2, track=20),
        ev(5, "ping", genre=2, track=20),
        ev(6, "stop", genre=2, track=20),
    ]
    history = listener_history(events)
    assert [(s.genre_id, s.start, s.end) for s in history.sessions] == [
        (1, at(0), at(4)),
        (2, at(4), at(6)),
    ]
    assert [(p.track_id, p.listened_seconds, p.outcome) for p in history.plays] == [
        (10, 180.0, "end"),
        (11, 60.0, ""),
        (20, 120.0, ""),
    ]


def test_play_shorter_than_thirty_seconds_is_not_a_play():
    events = [ev(0, "start"), ev(0.25, "skip"), ev(0.25, "start", track=11), ev(2, "stop")]
    plays = listener_history(events).plays
    assert [(p.track_id, p.counted, p.outcome) for p in plays] == [
        (10, False, "skip"),
        (11, True, ""),
    ]


def test_session_open_before_the_loaded_events_is_inherited():
    history = listener_history(
        [ev(1, "ping"), ev(2, "ping"), ev(3, "stop")], history_known_from=at(0)
    )
    (session,) = history.sessions
    assert session.inherited and session.counted
    assert history.plays[0].inherited and not history.plays[0].counted


def test_ping_after_known_silence_opens_a_fresh_session():
    history = listener_history([ev(4, "ping"), ev(5, "stop")], history_known_from=at(0))
    (session,) = history.sessions
    assert not session.inherited
    assert session.duration == timedelta(minutes=1)
