from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from twentytwo.audience.crediting import STATION, credited_quarter_hours, quarter_hour_seconds
from twentytwo.audience.dayparts import DAYPARTS, daypart_quarter_hours

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def local(hour: int, minute: int, day: int = 2, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=AMSTERDAM).astimezone(UTC)


def test_listening_0756_to_0819_gives_4_15_4_minutes_and_one_credited_quarter_hour():
    start, end = local(7, 56), local(8, 19)
    minutes = {
        slot.astimezone(AMSTERDAM).strftime("%H:%M"): s / 60
        for slot, s in quarter_hour_seconds(start, end).items()
    }
    assert minutes == {"07:45": 4, "08:00": 15, "08:15": 4}
    credits = credited_quarter_hours([((1, 1, 10), start, end)])
    assert credits == {(1, 1, 10): {local(8, 0)}, (1, 1, STATION): {local(8, 0)}}


def test_five_minutes_exactly_are_credited_and_four_minutes_59_are_not():
    credited = credited_quarter_hours([((1, 1, 10), local(9, 0), local(9, 5))])
    assert credited[(1, 1, STATION)] == {local(9, 0)}
    almost = local(9, 5) - timedelta(seconds=1)
    assert credited_quarter_hours([((1, 1, 10), local(9, 0), almost)]) == {}


def test_two_tracks_of_one_genre_add_up_for_the_genre_but_not_for_either_track():
    credits = credited_quarter_hours(
        [((1, 1, 10), local(9, 0), local(9, 3)), ((1, 1, 11), local(9, 3), local(9, 6))]
    )
    assert credits == {(1, 1, STATION): {local(9, 0)}}


def test_quarter_hours_follow_the_city_clock_on_the_day_clocks_go_forward():
    # 29 March 2026: Amsterdam skips 02:00-03:00, so the day has 92 quarter hours.
    day = datetime(2026, 3, 29).date()
    all_day = daypart_quarter_hours(day, day, DAYPARTS["all-day"], "Europe/Amsterdam")
    assert len(all_day) == 92
    overnight = daypart_quarter_hours(day, day, DAYPARTS["overnight"], "Europe/Amsterdam")
    assert len(overnight) == 20
    assert all_day[0] == datetime(2026, 3, 28, 23, 0, tzinfo=UTC)


def test_the_night_clocks_go_back_has_100_quarter_hours_and_each_is_credited_apart():
    day = datetime(2026, 10, 25).date()
    all_day = daypart_quarter_hours(day, day, DAYPARTS["all-day"], "Europe/Amsterdam")
    assert len(all_day) == 100
    # 02:30 happens twice; listening 02:30-02:40 in the second 02:30 (01:30 UTC) is credited
    # to that quarter hour only, not merged with the first one.
    second = datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    assert second.astimezone(AMSTERDAM).strftime("%H:%M") == "02:30"
    credits = credited_quarter_hours([((1, 1, 10), second, second + timedelta(minutes=10))])
    assert credits[(1, 1, STATION)] == {second}


def test_morning_drive_in_a_week_has_112_quarter_hours():
    first, last = datetime(2026, 3, 2).date(), datetime(2026, 3, 8).date()
    slots = daypart_quarter_hours(first, last, DAYPARTS["morning-drive"], "Europe/Amsterdam")
    assert len(slots) == 7 * 16
    assert slots[0].astimezone(AMSTERDAM).strftime("%H:%M") == "06:00"
