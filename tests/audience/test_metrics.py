from datetime import UTC, datetime, timedelta
from fractions import Fraction

from twentytwo.audience.metrics import ALL, Counts, ratings

Q0 = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)


def q(n: int) -> datetime:
    return Q0 + timedelta(minutes=15 * n)


def test_a_listener_credited_to_two_genres_in_one_quarter_hour_counts_once_in_the_total():
    result = ratings(
        credits=[("jazz", q(0), "ann"), ("soul", q(0), "ann")], counts={}, quarter_hours=4
    )
    assert result["jazz"].credited_quarter_hours == 1
    assert result["soul"].credited_quarter_hours == 1
    assert result[ALL].credited_quarter_hours == 1
    assert result[ALL].aqh == Fraction(1, 4)
    assert result["jazz"].share == 100


def test_exclusive_cume_counts_listeners_credited_to_only_this_genre():
    credits = [
        ("jazz", q(0), "ann"),
        ("jazz", q(1), "bob"),
        ("soul", q(2), "bob"),
        ("soul", q(3), "cat"),
        ("soul", q(4), "cat"),
    ]
    result = ratings(credits=credits, counts={}, quarter_hours=16)
    assert (result["jazz"].cume, result["jazz"].exclusive_cume) == (2, 1)
    assert (result["soul"].cume, result["soul"].exclusive_cume) == (2, 1)
    assert result[ALL].cume == 3


def test_sum_of_credited_quarter_hours_equals_aqh_times_n_equals_tsl_times_cume_exactly():
    # Three listeners over a daypart of 7 quarter hours: shares that do not divide evenly.
    credits = [
        ("jazz", q(0), "ann"),
        ("jazz", q(1), "ann"),
        ("jazz", q(1), "bob"),
        ("jazz", q(5), "ann"),
        ("jazz", q(6), "cat"),
        ("soul", q(5), "ann"),
        ("soul", q(6), "bob"),
    ]
    result = ratings(credits=credits, counts={}, quarter_hours=7)
    for station, expected_sum in (("jazz", 5), ("soul", 2), (ALL, 6)):
        r = result[station]
        assert r.credited_quarter_hours == expected_sum
        assert r.aqh * 7 == expected_sum
        assert r.tsl_quarter_hours * r.cume == expected_sum
    assert result["jazz"].aqh == Fraction(5, 7)
    assert result["jazz"].tsl_minutes == 25
    # Ann is credited to both genres at q(5): the total counts her once, so shares add past 100.
    assert result["jazz"].share == Fraction(250, 3)
    assert result["soul"].share == Fraction(100, 3)


def test_tlh_aas_and_play_rates_come_from_the_summed_counts():
    counts = {
        "jazz": Counts(counted_listening_seconds=5400, session_starts=3, plays=8, ends=6, skips=2)
    }
    result = ratings(credits=[], counts=counts, quarter_hours=16)
    jazz = result["jazz"]
    assert jazz.tlh == Fraction(3, 2)
    # 1.5 listening hours over a 4-hour daypart: on average 0.375 sessions were active.
    assert jazz.aas == Fraction(3, 8)
    assert (jazz.session_starts, jazz.plays) == (3, 8)
    assert (jazz.completion_rate, jazz.skip_rate) == (Fraction(3, 4), Fraction(1, 4))
    assert jazz.aqh == 0 and jazz.cume == 0 and jazz.tsl_quarter_hours == 0
