import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command

from tests.support.factories import CityFactory, CuratorFactory, GenreFactory
from tests.support.listening import ANN, listen, local, worked_day_city
from twentytwo.audience.management.commands.ratings import UNKNOWN_CITY
from twentytwo.audience.selectors.ratings import (
    ALL_CURATORS,
    ALL_GENRES,
    CURATOR_ROW_KEYS,
    PERSON_NOTE,
    ROW_KEYS,
)
from twentytwo.audience.services.rollups import rollup_run

pytestmark = pytest.mark.django_db


@pytest.fixture
def city():
    return worked_day_city()


def ratings(*args) -> str:
    out = io.StringIO()
    call_command(
        "ratings",
        "--city",
        "amsterdam",
        "--from",
        "2026-03-02",
        "--to",
        "2026-03-02",
        *args,
        stdout=out,
    )
    return out.getvalue()


def test_morning_drive_ratings_per_genre_have_the_worked_answers(city):
    report = json.loads(ratings("--daypart", "morning-drive", "--format", "json"))
    assert report["person"] == PERSON_NOTE
    assert report["quarter_hours"] == 16
    rows = {row["genre"]: row for row in report["rows"]}
    assert list(rows) == ["jazz", "soul", "polka"]
    assert all(tuple(row) == ROW_KEYS for row in report["rows"])
    assert rows["jazz"] == {
        "genre": "jazz",
        "aqh": 0.19,  # 3 credited quarter hours / 16
        "share": 60.0,  # 3 of the 5 listener quarter hours of all genres
        "cume": 2,
        "exclusive_cume": 1,  # Bob; Ann listened to soul too
        "tsl_minutes": 22.5,  # 3 quarter hours / 2 listeners × 15
        "tlh": 0.88,  # 23 + 30 minutes
        "aas": 0.221,  # 53 minutes over 4 hours
        "session_starts": 2,
        "plays": 2,
        "completion_rate": 0.5,
        "skip_rate": 0.0,
    }
    assert rows["soul"]["cume"] == 1 and rows["soul"]["exclusive_cume"] == 0
    assert rows["soul"]["share"] == 40.0
    assert rows["soul"]["tsl_minutes"] == 30.0
    # Cat's 50 seconds are a play but no session and no listening hour.
    assert (rows["soul"]["session_starts"], rows["soul"]["plays"]) == (1, 2)
    assert rows["soul"]["tlh"] == 0.35
    assert rows["polka"]["aqh"] == 0 and rows["polka"]["cume"] == 0
    # Ann listened to two genres and is one person in the total cume.
    assert report["total"]["genre"] == ALL_GENRES
    assert (report["total"]["cume"], report["total"]["aqh"]) == (2, 0.31)


def test_csv_names_what_a_person_is_and_has_the_same_keys(city):
    lines = ratings("--daypart", "morning-drive", "--format", "csv").splitlines()
    assert lines[0] == f"# {PERSON_NOTE}"
    rows = list(csv.DictReader(lines[1:]))
    assert tuple(rows[0]) == ROW_KEYS
    assert [row["genre"] for row in rows] == ["jazz", "soul", "polka", ALL_GENRES]
    assert rows[0]["cume"] == "2"


def test_ratings_by_track_credit_each_track_on_its_own(city):
    report = json.loads(ratings("--daypart", "mon-sun", "--by", "track", "--format", "json"))
    rows = {row["track"]: row for row in report["rows"]}
    # Track numbers stand in for titles of tracks the catalog does not hold.
    assert rows["#9"]["cume"] == 1 and rows["#9"]["completion_rate"] == 1.0
    assert rows["#7"]["aqh"] == round(1 / 72, 2)
    assert report["quarter_hours"] == 72


def test_overnight_has_no_listening_but_its_quarter_hours(city):
    report = json.loads(ratings("--daypart", "overnight", "--format", "json"))
    assert report["quarter_hours"] == 24
    assert report["total"]["cume"] == 0


def test_an_unknown_city_is_refused(city):
    with pytest.raises(CommandError) as error:
        call_command("ratings", "--city", "nowhere", "--from", "2026-03-02", "--to", "2026-03-02")
    assert str(error.value) == UNKNOWN_CITY % {"slug": "nowhere"}


def test_ratings_by_curator_gather_the_curators_genres(city):
    jazz, soul = (city.genres.get(slug=slug) for slug in ("jazz", "soul"))
    soul.curator = jazz.curator
    soul.save()

    report = json.loads(ratings("--daypart", "morning-drive", "--by", "curator"))

    assert report["by"] == "curator"
    first, second = report["rows"]
    assert tuple(first) == CURATOR_ROW_KEYS
    assert (first["curator"], first["genres"]) == (jazz.curator.name, "jazz soul")
    # Jazz's 3 credited quarter hours and soul's 2, by Ann and Bob.
    assert (first["aqh"], first["share"], first["cume"], first["exclusive_cume"]) == (
        0.31,
        100.0,
        2,
        2,
    )
    assert (first["session_starts"], first["plays"]) == (3, 4)
    assert (second["genres"], second["aqh"], second["cume"]) == ("polka", 0, 0)
    assert report["total"]["curator"] == ALL_CURATORS
    assert report["total"]["cume"] == 2


def test_two_genres_of_one_curator_in_one_quarter_hour_credit_the_curator_once():
    amsterdam = CityFactory(slug="amsterdam", time_zone="Europe/Amsterdam")
    curator = CuratorFactory(name="Mira")
    jazz = GenreFactory(city=amsterdam, slug="jazz", curator=curator)
    soul = GenreFactory(city=amsterdam, slug="soul", curator=curator)
    # Six minutes of each in the 10:00 quarter hour: both genres are credited with it.
    listen(ANN, local(10, 0), local(10, 6), city=amsterdam, genre=jazz)
    listen(ANN, local(10, 6), local(10, 12), city=amsterdam, genre=soul)
    rollup_run(now=local(12, 0))

    by_genre = json.loads(ratings("--daypart", "midday"))
    by_curator = json.loads(ratings("--daypart", "midday", "--by", "curator"))

    one_quarter_hour = round(1 / by_genre["quarter_hours"], 2)
    assert [row["aqh"] for row in by_genre["rows"]] == [one_quarter_hour] * 2
    (mira,) = by_curator["rows"]
    assert mira["curator"] == "Mira" and mira["aqh"] == one_quarter_hour
    assert mira["tsl_minutes"] == 15.0  # one quarter hour, one listener
    assert by_curator["total"]["aqh"] == mira["aqh"]


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_day_outside_the_reportable_calendar_is_refused(city, day):
    with pytest.raises(CommandError, match="Choose a day from 2000-01-01 to "):
        call_command("ratings", "--city", "amsterdam", "--from", day, "--to", day)
