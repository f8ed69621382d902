"""The operations dashboard: the figures of a known set of records, for staff only, and
the hourly rollups its week is read from."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from tests.support.factories import CityFactory, GenreFactory
from twentytwo.traffic.models import AccessRecord, CatalogHour, RouteHour
from twentytwo.traffic.selectors import dashboard
from twentytwo.traffic.selectors.dashboard import Point, RouteLatency
from twentytwo.traffic.selectors.hours import RouteFigures, duration_bucket
from twentytwo.traffic.services.records import access_records_store
from twentytwo.traffic.services.retention import traffic_retention_apply
from twentytwo.traffic.services.rollups import traffic_rollup_apply
from twentytwo.traffic.views import REQUEST_ID_INVALID

# The clock is pinned half a minute into 12:00; the hour window is 11:01 up to 12:01.
NOW = datetime(2025, 6, 30, 12, 0, 30, tzinfo=UTC)
URL = "/ops/"


def record(at: datetime, route: str, *, status: int = 200, ms: float = 1.0, **fields) -> dict:
    return {
        "time": at,
        "request_id": fields.pop("request_id", f"r{int(at.timestamp() * 1000):031x}"),
        "method": "GET",
        "route": route,
        "path": "/" + route.replace(":", "/"),
        "status": status,
        "duration_us": int(ms * 1000),
        "response_bytes": fields.pop("response_bytes", 100),
        "client_ip": "198.51.100.23",
        "client_network": "198.51.100.0/24",
        "listener": None,
        "city_id": None,
        "genre_id": None,
        "track_id": None,
        "user_agent_family": "Firefox",
        "referrer_host": "",
        **fields,
    }


@pytest.fixture
def pinned(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)


@pytest.fixture
def staff(db):
    client = Client()
    client.force_login(get_user_model().objects.create_user(username="ops", is_staff=True))
    return client


@pytest.fixture
def known(db, pinned):
    """29 requests in the last hour, one two hours ago and one three days ago."""
    amsterdam = CityFactory(name="Amsterdam", slug="amsterdam")
    berlin = CityFactory(name="Berlin", slug="berlin")
    house = GenreFactory(city=amsterdam, name="Deep House", slug="deep-house")
    techno = GenreFactory(city=berlin, name="Techno", slug="techno")
    minute = datetime(2025, 6, 30, 11, 59, tzinfo=UTC)
    rows = [
        record(minute + timedelta(seconds=s), "api:genre_tracks", ms=s + 1,
               city_id=amsterdam.pk, genre_id=house.pk)
        for s in range(20)
    ]  # fmt: skip
    rows += [
        record(NOW - timedelta(seconds=20 - i), "streaming:track", status=206, ms=100 * (i + 1),
               response_bytes=65536, track_id=7)
        for i in range(4)
    ]  # fmt: skip
    rows += [record(datetime(2025, 6, 30, 11, 30, i, tzinfo=UTC), "unmatched", status=404)
             for i in range(3)]  # fmt: skip
    rows += [
        record(datetime(2025, 6, 30, 11, 45, tzinfo=UTC), "api:cities", status=500, ms=50,
               request_id="err-one-0000"),
        record(datetime(2025, 6, 30, 11, 50, tzinfo=UTC), "api:cities", status=503, ms=70,
               request_id="err-two-0000"),
        record(NOW - timedelta(hours=2), "web:city", city_id=berlin.pk),
        record(NOW - timedelta(days=3), "web:genre", city_id=berlin.pk, genre_id=techno.pk),
    ]  # fmt: skip
    access_records_store(records=rows)
    return amsterdam, berlin, house, techno


def test_the_last_hours_figures_match_the_records(staff, known):
    response = staff.get(URL)
    assert response.status_code == 200
    context = response.context

    assert (context["start"], context["end"]) == (
        datetime(2025, 6, 30, 11, 1, tzinfo=UTC),
        datetime(2025, 6, 30, 12, 1, tzinfo=UTC),
    )
    assert context["totals"] == {
        "requests": 29,
        "client_errors": 3,
        "server_errors": 2,
        "stream_bytes": 4 * 65536,
    }
    points = {p.start.strftime("%H:%M"): p for p in context["points"]}
    assert len(points) == 60
    assert points["11:59"] == Point(
        start=datetime(2025, 6, 30, 11, 59, tzinfo=UTC), requests=20, per_minute=20.0,
        client_errors=0, server_errors=0, client_error_rate=0.0, server_error_rate=0.0,
        stream_bytes=0,
    )  # fmt: skip
    assert (points["11:30"].requests, points["11:30"].client_error_rate) == (3, 100.0)
    assert (points["12:00"].requests, points["12:00"].stream_bytes) == (4, 262144)
    assert (points["11:45"].server_error_rate, points["11:50"].server_errors) == (100.0, 1)
    assert points["11:01"].requests == 0

    assert context["latencies"] == [
        RouteLatency("api:genre_tracks", 20, 10.0, 19.0, 20.0, 20.0),
        RouteLatency("streaming:track", 4, 200.0, 400.0, 400.0, 400.0),
        RouteLatency("unmatched", 3, 1.0, 1.0, 1.0, 1.0),
        RouteLatency("api:cities", 2, 50.0, 70.0, 70.0, 70.0),
    ]
    assert [r.route for r in context["slowest"]] == [
        "streaming:track",
        "api:cities",
        "api:genre_tracks",
        "unmatched",
    ]
    assert [(e["request_id"], e["status"]) for e in context["server_errors"]] == [
        ("err-two-0000", 503),
        ("err-one-0000", 500),
    ]


def test_most_requested_by_day_and_by_week(staff, known):
    trends = {period: ranked for period, _title, ranked in staff.get(URL).context["trends"]}

    def table(rows):
        return [(row.name, row.requests) for row in rows]

    assert table(trends["day"]["cities"]) == [("Amsterdam", 20), ("Berlin", 1)]
    assert table(trends["week"]["cities"]) == [("Amsterdam", 20), ("Berlin", 2)]
    assert table(trends["day"]["genres"]) == [("Deep House · Amsterdam", 20)]
    assert table(trends["week"]["genres"]) == [
        ("Deep House · Amsterdam", 20),
        ("Techno · Berlin", 1),
    ]
    assert table(trends["week"]["tracks"]) == [("#7 (gone)", 4)]


def test_the_page_shows_the_figures_charts_and_links_to_errors(staff, known):
    html = staff.get(URL).content.decode()
    assert '<dd data-total="requests">29</dd>' in html
    assert '<dd data-total="stream_bytes" title="262144 bytes">256.0\xa0KB</dd>' in html
    assert html.count('<svg class="chart__svg"') == 5
    assert '<title id="chart-per_minute-title">Requests per minute</title>' in html
    assert "?window=hour&amp;request=err-two-0000" in html
    assert '<th scope="row">api:genre_tracks</th><td>20</td><td>10</td><td>19</td>' in html
    assert '<input type="radio" name="window" value="hour" id="id_window_0" checked>' in html


def test_a_longer_window_takes_hourly_buckets(staff, known):
    day = staff.get(URL, {"window": "day"}).context
    assert len(day["points"]) == 24
    assert day["totals"]["requests"] == 30
    assert day["points"][-1].requests == 4  # 12:00 to 13:00
    week = staff.get(URL, {"window": "week"}).context
    assert len(week["points"]) == 168
    assert week["totals"]["requests"] == 31


def test_a_request_id_finds_its_record(staff, known):
    found = staff.get(URL, {"request": "err-one-0000"})
    assert [r.status for r in found.context["found"]] == [500]
    assert "api/cities" in found.content.decode()
    missing = staff.get(URL, {"request": "nothing-like-it"})
    assert missing.context["found"] == []
    assert "No record has this id" in missing.content.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"window": "year"}, "Select a valid choice"),
        ({"request": "a b c d e f g h"}, REQUEST_ID_INVALID),
    ],
)
def test_bad_choices_get_a_clear_400(staff, pinned, query, message):
    response = staff.get(URL, query)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_only_staff_see_the_dashboard(db, pinned):
    from twentytwo.accounts.services import age_statement_record

    anonymous = Client().get(URL)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/admin/login/")
    listener = get_user_model().objects.create_user(username="listener")
    age_statement_record(user=listener, adult=True)
    client = Client()
    client.force_login(listener)
    signed_in = client.get(URL)
    assert signed_in.status_code == 302
    assert signed_in["Location"].startswith("/admin/login/")


def test_the_page_says_when_records_still_wait_for_the_loader(staff, settings, tmp_path):
    from twentytwo.traffic.spool import spool_write

    settings.ACCESS_LOG_SPOOL_DIR = tmp_path / "spool"
    assert 'id="backlog"' not in staff.get(URL).content.decode()

    spool_write(tmp_path / "spool", [])
    spool_write(tmp_path / "spool", [])
    html = staff.get(URL).content.decode()

    assert "Not yet here: 2 batches of records (" in html
    assert re.search(r"wait for the loader, the oldest from \d+ s ago\.", html)


WEEK_START, WEEK_END = datetime(2025, 6, 23, 13, tzinfo=UTC), datetime(2025, 6, 30, 13, tzinfo=UTC)


def week(staff_client):
    return staff_client.get(URL, {"window": "week"}).context


def test_the_week_from_the_hours_has_the_records_figures(staff, known):
    assert traffic_rollup_apply() == 4  # 12:00, 11:00, 10:00 and three days ago
    context = week(staff)
    assert context["from_hours"] is True

    window = {"start": WEEK_START, "end": WEEK_END}
    assert context["totals"] == dashboard.totals(**window)
    assert context["points"] == dashboard.request_series(**window, bucket=timedelta(hours=1))
    trends = {period: ranked for period, _title, ranked in context["trends"]}
    assert trends["week"] == dashboard.most_requested(**window)

    exact = {r.route: r for r in dashboard.route_latencies(**window)}
    for rolled in context["latencies"]:
        truth = exact[rolled.route]
        assert (rolled.requests, rolled.max_ms) == (truth.requests, truth.max_ms)
        for name in ("p50_ms", "p95_ms", "p99_ms"):
            assert getattr(truth, name) <= getattr(rolled, name) <= getattr(truth, name) * 1.05
    assert "from the hourly rollups" in staff.get(URL, {"window": "week"}).content.decode()


def test_the_week_is_read_from_the_hours_and_not_from_the_records(staff, known):
    traffic_rollup_apply()
    AccessRecord.objects.all().delete()
    assert week(staff)["totals"]["requests"] == 31
    assert staff.get(URL).context["totals"]["requests"] == 0  # the hour reads the records


def test_a_late_record_counts_at_once_and_changes_only_its_hour_at_the_next_rollup(staff, known):
    traffic_rollup_apply()
    old_hour = (NOW - timedelta(days=3)).replace(minute=0, second=0)
    before = RouteHour.objects.get(hour=old_hour, route="web:genre").requests
    others = set(RouteHour.objects.exclude(hour=old_hour).values_list("id", "requests"))

    access_records_store(records=[record(old_hour + timedelta(minutes=5), "web:genre")])
    # Not rolled up yet, the hour is added up from its records.
    assert week(staff)["totals"]["requests"] == 32

    assert traffic_rollup_apply() == 1
    assert RouteHour.objects.get(hour=old_hour, route="web:genre").requests == before + 1
    assert set(RouteHour.objects.exclude(hour=old_hour).values_list("id", "requests")) == others
    assert traffic_rollup_apply() == 0
    assert week(staff)["totals"]["requests"] == 32


def test_hours_go_with_their_records(known, settings, tmp_path):
    settings.ACCESS_LOG_DIR = tmp_path
    settings.ACCESS_LOG_SPOOL_DIR = tmp_path / "spool"
    traffic_rollup_apply()
    assert CatalogHour.objects.filter(hour__lt=NOW - timedelta(days=2)).exists()
    # Past the retention of the record three days ago, not of the ones of today.
    at = NOW - timedelta(days=3) + timedelta(days=settings.TRAFFIC_RETENTION_DAYS, hours=2)
    result = traffic_retention_apply(now=at)
    assert result.hours_deleted == 3  # its route's hour, and its city's and its genre's
    assert not RouteHour.objects.filter(hour__lt=NOW - timedelta(days=2)).exists()
    assert not CatalogHour.objects.filter(hour__lt=NOW - timedelta(days=2)).exists()
    assert RouteHour.objects.filter(hour__gte=NOW - timedelta(hours=3)).exists()


@pytest.mark.parametrize("duration_us", [1, 999, 1000, 123_456, 10**8])
def test_a_percentile_from_the_buckets_is_at_most_5_percent_over(duration_us):
    figures = RouteFigures(requests=1, longest_us=10**9)
    figures.durations[duration_bucket(duration_us)] = 1
    assert duration_us <= figures.percentile_us(50) <= duration_us * 1.05
