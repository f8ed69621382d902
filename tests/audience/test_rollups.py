import io
import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tests.support.factories import CityFactory, GenreFactory
from tests.support.listening import event, listen
from twentytwo.audience.crediting import STATION
from twentytwo.audience.management.commands.audience_rollup import BAD_DATE
from twentytwo.audience.models import (
    CreditedQuarterHour,
    ListenEvent,
    ListeningDay,
    ListeningHour,
    ListeningQuarterHour,
    PlayedQuarterHour,
    RollupWatermark,
)
from twentytwo.audience.selectors.rollups import rollup_watermark
from twentytwo.audience.services.retention import (
    events_delete_expired,
    listener_ids_pseudonymize,
)
from twentytwo.audience.services.rollups import ROLLUP_BEFORE_RETENTION, rollup_run
from twentytwo.audience.tasks import (
    ROLLUP_EVERY,
    audience_retention_task,
    audience_rollup_task,
    audience_tasks_schedule,
)

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
ANN, BOB = uuid.UUID(int=1), uuid.UUID(int=2)


def local(hour, minute, day=2, month=3, second=0, fold=0):
    moment = datetime(2026, month, day, hour, minute, second, tzinfo=AMSTERDAM, fold=fold)
    return moment.astimezone(UTC)


@pytest.fixture
def city():
    return CityFactory(time_zone="Europe/Amsterdam")


@pytest.fixture
def jazz(city):
    return GenreFactory(city=city)


@pytest.fixture
def soul(city):
    return GenreFactory(city=city)


def tables():
    """Every rollup row, without ids, in a stable order."""
    result = {}
    for model in (
        ListeningQuarterHour,
        ListeningHour,
        ListeningDay,
        CreditedQuarterHour,
        PlayedQuarterHour,
    ):
        fields = [f.name for f in model._meta.fields if f.name != "id"]
        result[model.__name__] = sorted(model.objects.values_list(*fields), key=str)
    return result


def test_listening_0756_to_0819_is_rolled_up_as_4_15_4_minutes_and_one_credit(city, jazz):
    listen(ANN, local(7, 56), local(8, 19), city=city, genre=jazz, track=7)
    rollup_run(now=local(12, 0))
    minutes = {
        row.slot_start.astimezone(AMSTERDAM).strftime("%H:%M"): row.listening_seconds / 60
        for row in ListeningQuarterHour.objects.all()
    }
    assert minutes == {"07:45": 4, "08:00": 15, "08:15": 4}
    credits = CreditedQuarterHour.objects.values_list("track_id", "slot_start", "listener")
    assert sorted(credits) == [(STATION, local(8, 0), ANN), (7, local(8, 0), ANN)]
    (day,) = ListeningDay.objects.all()
    assert (day.local_date.isoformat(), day.listening_seconds) == ("2026-03-02", 23 * 60)
    assert (day.session_starts, day.plays) == (1, 1)
    hours = ListeningHour.objects.order_by("hour_start").values_list(
        "local_hour", "listening_seconds"
    )
    assert list(hours) == [(7, 4 * 60), (8, 19 * 60)]


def test_what_one_listener_did_with_each_track_is_kept_per_quarter_hour(city, jazz):
    # A skip at 08:04, then a second track to its end at 08:20.
    listen(ANN, local(8, 0), local(8, 4), city=city, genre=jazz, track=7, last="skip")
    listen(ANN, local(8, 4), local(8, 20), city=city, genre=jazz, track=8, last="end")
    rollup_run(now=local(12, 0))

    rows = {
        (row.track_id, row.slot_start.astimezone(AMSTERDAM).strftime("%H:%M")): (
            row.plays,
            row.ends,
            row.skips,
            round(row.listening_seconds),
        )
        for row in PlayedQuarterHour.objects.filter(listener=ANN)
    }

    assert rows == {
        (7, "08:00"): (1, 0, 1, 240),
        (8, "08:00"): (1, 0, 0, 660),
        (8, "08:15"): (0, 1, 0, 300),
    }


def test_fifty_second_session_counts_in_no_session_metric(city, jazz):
    event(ANN, "start", local(9, 0), city=city, genre=jazz)
    event(ANN, "stop", local(9, 0, second=50), city=city, genre=jazz)
    rollup_run(now=local(12, 0))
    (row,) = ListeningQuarterHour.objects.all()
    assert row.listening_seconds == 50
    assert (row.counted_listening_seconds, row.session_starts) == (0, 0)
    # Fifty seconds are a play: the 30-second rule is about the track, not the session.
    assert row.plays == 1


def test_rerunning_the_rollup_gives_the_same_tables(city, jazz, soul):
    listen(ANN, local(7, 56), local(8, 40), city=city, genre=jazz)
    listen(BOB, local(8, 2), local(8, 30), city=city, genre=soul, last="end")
    rollup_run(now=local(12, 0))
    first = tables()
    rollup_run(now=local(12, 0), since=local(0, 0))
    assert tables() == first
    assert first["CreditedQuarterHour"]


def test_quarter_hour_by_quarter_hour_runs_equal_one_run_and_catch_up_after_a_gap(city, jazz, soul):
    # Sessions that cross the windows, pauses that straddle a boundary, a genre switch.
    listen(ANN, local(7, 50), local(8, 20), city=city, genre=jazz, last="pause")
    event(ANN, "resume", local(8, 22), city=city, genre=jazz)
    listen(ANN, local(8, 23), local(9, 10), city=city, genre=soul, track=3)
    listen(BOB, local(8, 14, second=30), local(8, 31), city=city, genre=jazz, last="skip")
    rollup_run(now=local(12, 0))
    at_once = tables()

    RollupWatermark.objects.all().delete()
    for model in (
        ListeningQuarterHour,
        ListeningHour,
        ListeningDay,
        CreditedQuarterHour,
        PlayedQuarterHour,
    ):
        model.objects.all().delete()
    moment = local(7, 50)
    while moment <= local(8, 40):
        rollup_run(now=moment)
        moment += timedelta(minutes=15)
    assert rollup_watermark() == local(8, 30)
    # Down from 08:40 to noon: the next run catches up.
    result = rollup_run(now=local(12, 0))
    assert result.windows[0].start == local(8, 30)
    assert rollup_watermark() == local(11, 45)
    assert tables() == at_once


def test_rollup_stops_three_minutes_before_now_at_a_whole_quarter_hour(city, jazz):
    listen(ANN, local(8, 0), local(8, 10), city=city, genre=jazz)
    rollup_run(now=local(8, 17, second=59))
    assert rollup_watermark() is None
    rollup_run(now=local(8, 18))
    assert rollup_watermark() == local(8, 15)
    rollup_run(now=local(8, 32, second=59))
    assert rollup_watermark() == local(8, 15)
    rollup_run(now=local(8, 33))
    assert rollup_watermark() == local(8, 30)


def test_the_repeated_hour_of_the_night_clocks_go_back_is_rolled_up_twice(city, jazz):
    first = local(2, 30, day=25, month=10)
    second = local(2, 30, day=25, month=10, fold=1)
    assert second - first == timedelta(hours=1)
    listen(ANN, first, first + timedelta(minutes=10), city=city, genre=jazz)
    listen(BOB, second, second + timedelta(minutes=10), city=city, genre=jazz)
    rollup_run(now=local(12, 0, day=25, month=10))
    credits = CreditedQuarterHour.objects.filter(track_id=STATION)
    assert sorted(credits.values_list("slot_start", "local_minute")) == [
        (first, 150),
        (second, 150),
    ]
    hours = ListeningHour.objects.order_by("hour_start").values_list("hour_start", "local_hour")
    assert list(hours) == [(local(2, 0, day=25, month=10), 2), (local(2, 0, 25, 10, fold=1), 2)]


def test_retention_deletes_old_events_and_keeps_rollups(city, jazz, settings):
    settings.AUDIENCE_RETENTION_DAYS = 30
    listen(ANN, local(8, 0), local(8, 10), city=city, genre=jazz)
    listen(BOB, local(8, 0, day=30), local(8, 10, day=30), city=city, genre=jazz)
    rollup_run(now=local(9, 0, day=30))
    before = tables()
    deleted = events_delete_expired(now=local(9, 0, day=30) + timedelta(days=3))
    assert deleted == 11
    assert set(ListenEvent.objects.values_list("listener", flat=True)) == {BOB}
    assert tables() == before


def test_retention_keeps_events_the_rollup_has_not_processed(city, jazz, settings):
    settings.AUDIENCE_RETENTION_DAYS = 1
    listen(ANN, local(8, 0), local(8, 10), city=city, genre=jazz)
    # Never rolled up: nothing may go.
    assert events_delete_expired(now=local(8, 0, day=20)) == 0
    rollup_run(now=local(8, 18))
    assert rollup_watermark() == local(8, 15)
    # The rollup stopped long ago: the events it has yet to read (and their look-back) stay.
    assert events_delete_expired(now=local(8, 0, day=20)) == 0
    assert ListenEvent.objects.count() == 11


def test_recomputing_from_before_the_retention_is_refused(city, jazz, settings):
    settings.AUDIENCE_RETENTION_DAYS = 10
    with pytest.raises(ValueError) as error:
        rollup_run(now=local(8, 0, day=20), since=local(0, 0, day=2))
    assert str(error.value).startswith(ROLLUP_BEFORE_RETENTION.split("%")[0])


def test_the_command_rolls_up_in_the_foreground(city, jazz):
    listen(ANN, local(8, 0), local(8, 10), city=city, genre=jazz)
    out = io.StringIO()
    call_command("audience_rollup", stdout=out)
    assert "11 event(s)" in out.getvalue()
    assert ListeningQuarterHour.objects.filter(slot_start=local(8, 0)).exists()


def test_the_command_refuses_a_malformed_date():
    with pytest.raises(CommandError) as error:
        call_command("audience_rollup", "--since", "March")
    assert str(error.value) == BAD_DATE


def test_scheduling_enqueues_each_chain_once(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assert audience_tasks_schedule() == ["audience_rollup_task", "audience_retention_task"]
    assert audience_tasks_schedule() == []
    assert DBTaskResult.objects.filter(status="READY").count() == 2


def test_the_rollup_task_rolls_up_and_comes_back_in_five_minutes(city, jazz, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    listen(ANN, local(8, 0), local(8, 10), city=city, genre=jazz)
    audience_rollup_task.call()
    assert rollup_watermark() is not None
    (waiting,) = DBTaskResult.objects.filter(status="READY")
    assert waiting.task_path == audience_rollup_task.module_path
    assert timedelta(minutes=4) < waiting.run_after - timezone.now() <= ROLLUP_EVERY


def test_a_backend_that_cannot_wait_gets_no_chain(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    assert audience_tasks_schedule() == []


def test_catching_up_over_silent_weeks_takes_few_windows(city, jazz):
    listen(ANN, local(8, 0), local(8, 10), city=city, genre=jazz)
    listen(BOB, local(8, 0, day=23), local(8, 10, day=23), city=city, genre=jazz)
    result = rollup_run(now=local(12, 0, day=23))
    assert len(result.windows) <= 4
    credited = CreditedQuarterHour.objects.filter(track_id=STATION)
    assert sorted(credited.values_list("slot_start", "listener")) == [
        (local(8, 0), ANN),
        (local(8, 0, day=23), BOB),
    ]
    days = ListeningDay.objects.order_by("local_date").values_list("local_date", flat=True)
    assert [d.day for d in days] == [2, 23]


def test_old_months_get_new_listener_ids_one_per_listener_and_month(city, jazz, soul, settings):
    settings.AUDIENCE_LISTENER_ID_DAYS = 40
    # March: Ann twice (two genres, two days) and Bob; April: Ann again.
    listen(ANN, local(8, 0, day=2), local(8, 20, day=2), city=city, genre=jazz)
    listen(ANN, local(8, 0, day=9), local(8, 20, day=9), city=city, genre=soul)
    listen(BOB, local(8, 0, day=9), local(8, 20, day=9), city=city, genre=jazz)
    listen(ANN, local(8, 0, day=6, month=4), local(8, 20, day=6, month=4), city=city, genre=jazz)
    rollup_run(now=local(12, 0, day=6, month=4))
    march = CreditedQuarterHour.objects.filter(local_date__month=3)
    april = CreditedQuarterHour.objects.filter(local_date__month=4)
    played_in_march = PlayedQuarterHour.objects.filter(local_date__month=3)
    march_rows = march.count() + played_in_march.count()
    april_rows = list(april.values_list("listener", flat=True))
    assert set(march.values_list("listener", flat=True)) == {ANN, BOB}
    assert set(played_in_march.values_list("listener", flat=True)) == {ANN, BOB}

    # 40 days after 6 April only March is wholly past the limit.
    now = local(12, 0, day=16, month=5)
    changed = listener_ids_pseudonymize(now=now)

    assert changed == march_rows
    new_ids = set(march.values_list("listener", flat=True))
    # Still two browsers in March (its cume is unchanged), neither by its cookie's id.
    assert len(new_ids) == 2 and not new_ids & {ANN, BOB}
    # Ann's March rows, over two days and two genres, share one id.
    first_day = set(march.filter(local_date__day=2).values_list("listener", flat=True))
    assert len(first_day) == 1 and first_day < new_ids
    assert set(march.values_list("pseudonymous", flat=True)) == {True}
    # The played quarter hours take the same new ids: one browser is one browser in both.
    assert set(played_in_march.values_list("listener", flat=True)) == new_ids
    # April is untouched, and a second run changes nothing.
    assert list(april.values_list("listener", flat=True)) == april_rows
    assert listener_ids_pseudonymize(now=now) == 0
    assert set(march.values_list("listener", flat=True)) == new_ids


def test_the_retention_task_replaces_old_ids_too(city, jazz, settings):
    settings.AUDIENCE_LISTENER_ID_DAYS = 1
    listen(ANN, local(8, 0, day=2), local(8, 20, day=2), city=city, genre=jazz)
    rollup_run(now=local(12, 0, day=2))
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "now", lambda: local(12, 0, day=2, month=5))
        audience_retention_task.call()

    assert not CreditedQuarterHour.objects.filter(listener=ANN).exists()
    assert set(CreditedQuarterHour.objects.values_list("pseudonymous", flat=True)) == {True}
    assert CreditedQuarterHour.objects.values("listener").distinct().count() == 1
