"""The staff ratings dashboard: the figures of a small known data set, as HTML, SVG and CSV."""

import csv
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.support.factories import CuratorFactory
from tests.support.listening import ANN, BOB, listen, local, worked_day_city
from twentytwo.audience.forms import RANGE_BACKWARDS, RANGE_TOO_LONG
from twentytwo.audience.selectors.ratings import (
    ALL_CURATORS,
    ALL_GENRES,
    CURATOR_ROW_KEYS,
    PERSON_NOTE,
    ROW_KEYS,
)
from twentytwo.audience.selectors.ratings_dashboard import DAYPART_KEYS, SERIES_KEYS
from twentytwo.audience.services.rollups import rollup_run
from twentytwo.audience.views import NOT_YOURS

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
    genre_rows = {row["genre"]: row for row in response.context["board"].genre_rows}
    assert genre_rows["jazz"]["aqh"] == 0.19 and genre_rows["jazz"]["share"] == 60.0
    assert genre_rows["jazz"]["cume"] == 2 and genre_rows["jazz"]["tsl_minutes"] == 22.5
    assert response.context["board"].total["cume"] == 2
    (point,) = response.context["board"].series
    assert (point.aqh, point.cume, point.tsl_minutes) == (0.31, 2, 37.5)
    assert "<svg" in html and '<title id="chart-aqh-title">AQH persons</title>' in html
    assert '<title id="chart-share-title">' in html
    tracks = response.context["board"].tracks
    assert [(row["track"], row["plays"]) for row in tracks][:1] == [("#8", 2)]


def test_the_genre_by_daypart_table_has_a_row_per_genre_and_every_daypart(staff, city):
    response = staff.get(URL, DAY)
    table = {row["genre"]: row["cells"] for row in response.context["board"].daypart_table}
    assert set(table) == {"jazz", "soul", "polka", ALL_GENRES}
    assert [cell["cume"] for cell in table["jazz"]] == [2, 0, 0, 0, 0, 2]


def test_a_genre_filter_narrows_the_tables_and_the_series(staff, city):
    response = staff.get(URL, {**MORNING, "genre": "soul"})
    assert [row["genre"] for row in response.context["board"].genre_rows] == ["soul"]
    (point,) = response.context["board"].series
    assert (point.cume, point.tsl_minutes) == (1, 30.0)


@pytest.mark.parametrize(
    ("table", "keys", "first_column"),
    [
        ("genres", ROW_KEYS, ["jazz", "soul", "polka", ALL_GENRES]),
        ("series", SERIES_KEYS, ["2026-03-02"]),
        ("curators", CURATOR_ROW_KEYS, None),
    ],
)
def test_csv_exports_carry_the_note_the_header_and_the_rows(staff, city, table, keys, first_column):
    response = staff.get(URL, {**MORNING, "format": "csv", "table": table})
    assert response["Content-Type"].startswith("text/csv")
    rows = csv_rows(response)
    assert tuple(rows[0]) == keys
    if first_column is not None:
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


def test_signed_in_listeners_who_are_not_staff_or_curators_get_no_figures(
    client,
    city,
    adult,
):
    client.force_login(adult)
    response = client.get(URL, {**MORNING, "format": "csv", "table": "genres"})
    assert response.status_code == 403
    assert "jazz" not in response.content.decode()
    assert NOT_YOURS in response.content.decode()


def test_a_curator_is_sent_to_the_partner_portal_and_shown_no_exact_figure(client, city, adult):
    """A curator sees their genres through the disclosure layer (tests/partners), never the
    exact ratings: exact figures of some genres beside a share would give the city away."""
    curator = CuratorFactory(name="Mira")
    city.genres.filter(slug__in=["jazz", "soul"]).update(curator=curator)
    curator.accounts.add(adult)
    client.force_login(adult)
    for query in (MORNING, {**DAY, "format": "csv", "table": "genres"}):
        response = client.get(URL, query)
        assert response.status_code == 302 and response["Location"] == "/partners/"


def test_staff_see_every_curator_with_the_total(staff, city):
    response = staff.get(URL, MORNING)
    rows = response.context["board"].curator_rows
    assert len(rows) == 3  # the worked day's three genres each have their own curator
    assert response.context["board"].curator_total["curator"] == ALL_CURATORS


def test_a_week_series_counts_a_listener_of_two_days_once(staff, city):
    # Ann and Bob listen again on Tuesday; the week's cume is still two.
    jazz = city.genres.get(slug="jazz")
    tuesday = timedelta(days=1)
    listen(ANN, local(8, 0) + tuesday, local(8, 20) + tuesday, city=city, genre=jazz)
    listen(BOB, local(8, 0) + tuesday, local(8, 20) + tuesday, city=city, genre=jazz)
    rollup_run(now=local(12, 0) + tuesday)
    week = {**MORNING, "last": "2026-03-03"}

    by_day = staff.get(URL, week).context["board"].series
    by_week = staff.get(URL, {**week, "step": "week"}).context["board"].series

    assert [p.cume for p in by_day] == [2, 2]
    ((point),) = by_week
    assert (point.period.name, point.cume) == ("2026-W10", 2)
    rows = csv_rows(staff.get(URL, {**week, "step": "week", "format": "csv", "table": "series"}))
    assert [(r["period"], r["from"], r["to"], r["cume"]) for r in rows] == [
        ("2026-W10", "2026-03-02", "2026-03-03", "2")
    ]


def test_a_range_too_long_for_its_step_is_refused_with_its_reason(staff, city):
    response = staff.get(URL, {**DAY, "first": "2025-01-01", "step": "day"})
    assert response.status_code == 400
    assert RANGE_TOO_LONG.format(days=92, step="day") in response.content.decode()
    assert staff.get(URL, {**DAY, "first": "2025-12-01", "step": "month"}).status_code == 200


def test_a_curators_own_dashboard_links_to_their_figures_and_a_listeners_does_not(
    client,
    city,
    adult,
):
    client.force_login(adult)
    assert "/partners/" not in client.get("/me/").content.decode()
    CuratorFactory(name="Mira").accounts.add(adult)
    assert "/partners/" not in client.get("/me/").content.decode()  # a curator of no genre yet
    city.genres.filter(slug="jazz").update(curator=adult.curators.get())

    assert 'href="/partners/"' in client.get("/me/").content.decode()


@pytest.mark.parametrize(
    "query",
    [
        {"format": "csv", "table": "bogus"},
        {"format": "xml"},
        {"table": "everything"},
        {"step": "fortnight"},
        {"daypart": "teatime"},
    ],
)
def test_an_unknown_table_format_step_or_daypart_is_a_clear_400(staff, city, query):
    response = staff.get(URL, {**DAY, **query})

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "Select a valid choice" in response.content.decode()


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1999-12-31"])
def test_a_day_outside_the_calendar_anyone_listened_in_is_a_clear_400(staff, city, day):
    response = staff.get(URL, {"city": "amsterdam", "first": day, "last": day})

    assert response.status_code == 400
    assert "Choose a day from 2000-01-01 to " in response.content.decode()


def test_the_queries_of_a_page_do_not_grow_with_its_periods(staff, city):
    def queries(query) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert staff.get(URL, query).status_code == 200
        return len(captured)

    queries(DAY)  # the first visit of a session also saves the session and the notice
    one_day = queries(DAY)
    two_months = queries({**DAY, "first": "2026-01-02", "last": "2026-03-02"})

    assert one_day == two_months


def test_one_table_as_csv_reads_only_what_that_table_needs(staff, city):
    with CaptureQueriesContext(connection) as captured:
        staff.get(URL, {**DAY, "format": "csv", "table": "genres"})

    read = " ".join(query["sql"] for query in captured)
    assert "catalog_track" not in read  # the tracks' titles are for the tracks table only


def test_the_csv_links_name_each_filter_once(staff, city):
    html = staff.get(URL, {**MORNING, "step": "week"}).content.decode()

    link = next(part for part in html.split('href="?')[1:] if "table=genres" in part)
    query = link.split('"')[0].replace("&amp;", "&")
    names = [pair.split("=")[0] for pair in query.split("&")]
    assert sorted(names) == ["city", "daypart", "first", "format", "last", "step", "table"]
