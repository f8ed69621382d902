"""The staff ratings dashboard: the figures of a small known data set, as HTML, SVG and CSV."""

import csv

import pytest
from django.contrib.auth import get_user_model

from tests.audience.listening import worked_day_city
from twentytwo.audience.ratings import ALL_GENRES, PERSON_NOTE, ROW_KEYS
from twentytwo.audience.views import DAY_KEYS, DAYPART_KEYS, RANGE_BACKWARDS

pytestmark = pytest.mark.django_db

URL = "/ratings/"
DAY = {"city": "amsterdam", "first": "2026-03-02", "last": "2026-03-02"}
MORNING = {**DAY, "daypart": "morning-drive"}


@pytest.fixture
def city():
    return worked_day_city()


@pytest.fixture
def staff(client):
    user = get_user_model().objects.create_user(username="staff", is_staff=True)
    client.force_login(user)
    return client


def csv_rows(response):
    lines = response.content.decode().splitlines()
    assert lines[0] == f"# {PERSON_NOTE}"
    return list(csv.DictReader(lines[1:]))


def test_staff_see_the_worked_figures_with_charts_and_the_person_note(staff, city):
    response = staff.get(URL, MORNING)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count(PERSON_NOTE) >= 2
    genre_rows = {row["genre"]: row for row in response.context["genre_rows"]}
    assert genre_rows["jazz"]["aqh"] == 0.19 and genre_rows["jazz"]["share"] == 60.0
    assert genre_rows["jazz"]["cume"] == 2 and genre_rows["jazz"]["tsl_minutes"] == 22.5
    assert response.context["report"].total["cume"] == 2
    (point,) = response.context["days"]
    assert (point.aqh, point.cume, point.tsl_minutes) == (0.31, 2, 37.5)
    assert "<svg" in html and '<title id="chart-aqh-title">AQH persons</title>' in html
    assert '<title id="chart-share-title">' in html
    tracks = response.context["tracks"]
    assert [(row["track"], row["plays"]) for row in tracks][:1] == [("#8", 2)]


def test_the_genre_by_daypart_table_has_a_row_per_genre_and_every_daypart(staff, city):
    response = staff.get(URL, DAY)
    table = {row["genre"]: row["cells"] for row in response.context["daypart_table"]}
    assert set(table) == {"jazz", "soul", "polka", ALL_GENRES}
    assert [cell["cume"] for cell in table["jazz"]] == [2, 0, 0, 0, 0, 2]


def test_a_genre_filter_narrows_the_tables_and_the_series(staff, city):
    response = staff.get(URL, {**MORNING, "genre": "soul"})
    assert [row["genre"] for row in response.context["genre_rows"]] == ["soul"]
    (point,) = response.context["days"]
    assert (point.cume, point.tsl_minutes) == (1, 30.0)


@pytest.mark.parametrize(
    ("table", "keys", "first_column"),
    [
        ("genres", ROW_KEYS, ["jazz", "soul", "polka", ALL_GENRES]),
        ("days", DAY_KEYS, ["2026-03-02"]),
    ],
)
def test_csv_exports_carry_the_note_the_header_and_the_rows(staff, city, table, keys, first_column):
    response = staff.get(URL, {**MORNING, "format": "csv", "table": table})
    assert response["Content-Type"].startswith("text/csv")
    rows = csv_rows(response)
    assert tuple(rows[0]) == keys
    assert [row[keys[0]] for row in rows] == first_column


def test_the_daypart_csv_has_one_row_per_genre_and_daypart(staff, city):
    rows = csv_rows(staff.get(URL, {**DAY, "format": "csv", "table": "dayparts"}))
    assert tuple(rows[0]) == DAYPART_KEYS
    assert len(rows) == 4 * 6
    jazz = {row["daypart"]: row for row in rows if row["genre"] == "jazz"}
    assert (jazz["morning-drive"]["aqh"], jazz["morning-drive"]["share"]) == ("0.19", "60.0")


def test_the_tracks_csv_lists_plays(staff, city):
    rows = csv_rows(staff.get(URL, {**MORNING, "format": "csv", "table": "tracks"}))
    # Equal plays: the track with more credited quarter hours (#9: two) comes first.
    assert [(row["track"], row["plays"]) for row in rows] == [("#8", "2"), ("#9", "1"), ("#7", "1")]


def test_a_backwards_range_is_refused_with_its_reason(staff, city):
    response = staff.get(URL, {**DAY, "first": "2026-03-03"})
    assert response.status_code == 400
    assert RANGE_BACKWARDS in response.content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(client, city):
    response = client.get(URL, MORNING)
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_signed_in_listeners_who_are_not_staff_get_no_figures(client, city):
    client.force_login(get_user_model().objects.create_user(username="listener"))
    response = client.get(URL, {**MORNING, "format": "csv", "table": "genres"})
    assert response.status_code in (302, 403)
    assert PERSON_NOTE not in response.content.decode()
