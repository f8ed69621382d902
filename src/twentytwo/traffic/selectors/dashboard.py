"""The operations dashboard's figures, read from the access records of a time window, or
for a week or more from the hourly rollups (selectors/hours.py).

From the records, percentiles are exact, by the nearest-rank method: the p-th percentile of
n durations is the ceil(p/100 × n)-th smallest; one window-function query per percentile,
on SQLite and PostgreSQL alike. From the hours, counts and bytes are exact and percentiles
at most 5% over. "Requests per minute" of a bucket is its requests over its minutes.

Each figure takes `hours`: the rolled-up hours of the window (`hours_for`), or None to read
the records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db.models import Count, F, Max, Q, Sum, Window
from django.db.models.functions import RowNumber, TruncHour, TruncMinute

from twentytwo.catalog.models import City, Genre, Track
from twentytwo.traffic.models import AccessRecord
from twentytwo.traffic.selectors import hours as rolled

STREAM_ROUTE = "streaming:track"
PERCENTILES = (50, 95, 99)
TOP = 10
RECENT_ERRORS = 20


@dataclass(frozen=True)
class TimeWindow:
    name: str
    label: str
    length: timedelta
    bucket: timedelta


WINDOWS = {
    "hour": TimeWindow("hour", "last hour", timedelta(hours=1), timedelta(minutes=1)),
    "day": TimeWindow("day", "last day", timedelta(days=1), timedelta(hours=1)),
    "week": TimeWindow("week", "last week", timedelta(days=7), timedelta(hours=1)),
}
DEFAULT_WINDOW = "hour"
# Windows this long or longer are read from the hourly rollups.
ROLLUP_FROM = timedelta(days=7)
Hours = dict[datetime, rolled.HourFigures]


def hours_for(*, start: datetime, end: datetime) -> Hours | None:
    """The rolled-up hours of a window of ROLLUP_FROM or more (whole hours); else None."""
    if end - start < ROLLUP_FROM:
        return None
    return rolled.figures(start=start, end=end)


@dataclass
class Point:
    start: datetime
    requests: int
    per_minute: float
    client_errors: int
    server_errors: int
    client_error_rate: float  # percent of the bucket's requests
    server_error_rate: float
    stream_bytes: int


@dataclass
class RouteLatency:
    route: str
    requests: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float


@dataclass
class Ranked:
    id: int
    name: str
    requests: int


def _records(start: datetime, end: datetime):
    return AccessRecord.objects.filter(time__gte=start, time__lt=end)


def _percent(part: int, whole: int) -> float:
    return round(part * 100 / whole, 2) if whole else 0.0


def _floor(moment: datetime, bucket: timedelta) -> datetime:
    moment = moment.astimezone(UTC)
    if bucket >= timedelta(hours=1):
        return moment.replace(minute=0, second=0, microsecond=0)
    return moment.replace(second=0, microsecond=0)


def _hourly_rows(hours: Hours) -> dict[datetime, dict]:
    rows = {}
    for hour, found in hours.items():
        routes = found.routes.values()
        rows[hour] = {
            "requests": sum(f.requests for f in routes),
            "client_errors": sum(f.client_errors for f in routes),
            "server_errors": sum(f.server_errors for f in routes),
            "stream_bytes": found.routes[STREAM_ROUTE].response_bytes
            if STREAM_ROUTE in found.routes
            else 0,
        }
    return rows


def request_series(
    *, start: datetime, end: datetime, bucket: timedelta, hours: Hours | None = None
) -> list[Point]:
    """Return one point per bucket from start to end, empty buckets included."""
    if hours is not None and bucket == timedelta(hours=1):
        return _points(_hourly_rows(hours), start=start, end=end, bucket=bucket)
    trunc = TruncHour if bucket >= timedelta(hours=1) else TruncMinute
    rows = (
        _records(start, end)
        .annotate(bucket=trunc("time", tzinfo=UTC))
        .values("bucket")
        .annotate(
            requests=Count("id"),
            client_errors=Count("id", filter=Q(status__gte=400, status__lt=500)),
            server_errors=Count("id", filter=Q(status__gte=500)),
            stream_bytes=Sum("response_bytes", filter=Q(route=STREAM_ROUTE), default=0),
        )
    )
    by_start = {row["bucket"].astimezone(UTC): row for row in rows}
    return _points(by_start, start=start, end=end, bucket=bucket)


def _points(
    by_start: dict[datetime, dict], *, start: datetime, end: datetime, bucket: timedelta
) -> list[Point]:
    minutes = bucket.total_seconds() / 60
    points = []
    moment = _floor(start, bucket)
    while moment < end:
        row = by_start.get(moment, {})
        requests = row.get("requests", 0)
        points.append(
            Point(
                start=moment,
                requests=requests,
                per_minute=round(requests / minutes, 2),
                client_errors=row.get("client_errors", 0),
                server_errors=row.get("server_errors", 0),
                client_error_rate=_percent(row.get("client_errors", 0), requests),
                server_error_rate=_percent(row.get("server_errors", 0), requests),
                stream_bytes=row.get("stream_bytes", 0) or 0,
            )
        )
        moment += bucket
    return points


def _percentile_of_routes(records, percentile: int) -> dict[str, int]:
    ranked = records.annotate(
        rank=Window(
            RowNumber(),
            partition_by=[F("route")],
            order_by=[F("duration_us").asc(), F("id").asc()],
        ),
        total=Window(Count("id"), partition_by=[F("route")]),
    )
    # ceil(p × n / 100) in whole numbers, which both databases divide exactly.
    wanted = ranked.filter(rank=(F("total") * percentile + 99) / 100)
    return dict(wanted.values_list("route", "duration_us"))


def _merged_routes(hours: Hours) -> dict[str, rolled.RouteFigures]:
    merged: dict[str, rolled.RouteFigures] = {}
    for found in hours.values():
        for route, figures in found.routes.items():
            merged.setdefault(route, rolled.RouteFigures()).add(figures)
    return merged


def route_latencies(
    *, start: datetime, end: datetime, hours: Hours | None = None
) -> list[RouteLatency]:
    """Return each route's request count and p50, p95, p99 and longest duration, busiest first."""
    if hours is not None:
        found = [
            RouteLatency(
                route=route,
                requests=f.requests,
                p50_ms=round(f.percentile_us(50) / 1000, 3),
                p95_ms=round(f.percentile_us(95) / 1000, 3),
                p99_ms=round(f.percentile_us(99) / 1000, 3),
                max_ms=f.longest_us / 1000,
            )
            for route, f in _merged_routes(hours).items()
        ]
        return sorted(found, key=lambda r: (-r.requests, r.route))
    records = _records(start, end)
    counts = records.values("route").annotate(requests=Count("id"), longest=Max("duration_us"))
    percentiles = {p: _percentile_of_routes(records, p) for p in PERCENTILES}
    found = [
        RouteLatency(
            route=row["route"],
            requests=row["requests"],
            p50_ms=percentiles[50][row["route"]] / 1000,
            p95_ms=percentiles[95][row["route"]] / 1000,
            p99_ms=percentiles[99][row["route"]] / 1000,
            max_ms=row["longest"] / 1000,
        )
        for row in counts
    ]
    return sorted(found, key=lambda r: (-r.requests, r.route))


def slowest_routes(latencies: list[RouteLatency], *, top: int = TOP) -> list[RouteLatency]:
    return sorted(latencies, key=lambda r: (-r.p95_ms, -r.p99_ms, r.route))[:top]


def recent_server_errors(*, start: datetime, end: datetime, limit: int = RECENT_ERRORS):
    return list(
        _records(start, end)
        .filter(status__gte=500)
        .order_by("-time", "-id")
        .values("time", "request_id", "method", "route", "path", "status", "duration_us")[:limit]
    )


def totals(*, start: datetime, end: datetime, hours: Hours | None = None) -> dict:
    if hours is not None:
        rows = _hourly_rows(hours).values()
        return {
            name: sum(row[name] for row in rows)
            for name in ("requests", "client_errors", "server_errors", "stream_bytes")
        }
    return _records(start, end).aggregate(
        requests=Count("id"),
        client_errors=Count("id", filter=Q(status__gte=400, status__lt=500)),
        server_errors=Count("id", filter=Q(status__gte=500)),
        stream_bytes=Sum("response_bytes", filter=Q(route=STREAM_ROUTE), default=0),
    )


def _ranked(start, end, field: str, catalog, label, hours: Hours | None) -> list[Ranked]:
    if hours is not None:
        kind = field.removesuffix("_id")
        counts: dict[int, int] = {}
        for found in hours.values():
            for (found_kind, target), requests in found.catalog.items():
                if found_kind == kind:
                    counts[target] = counts.get(target, 0) + requests
        top = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:TOP]
        rows = [{field: target, "requests": requests} for target, requests in top]
    else:
        rows = (
            _records(start, end)
            .filter(**{f"{field}__isnull": False})
            .values(field)
            .annotate(requests=Count("id"))
            .order_by("-requests", field)[:TOP]
        )
    ids = [row[field] for row in rows]
    names = {obj.pk: label(obj) for obj in catalog.filter(pk__in=ids)}
    return [
        Ranked(
            id=row[field],
            name=names.get(row[field], f"#{row[field]} (gone)"),
            requests=row["requests"],
        )
        for row in rows
    ]


def most_requested(
    *, start: datetime, end: datetime, hours: Hours | None = None
) -> dict[str, list[Ranked]]:
    """Return the most requested cities, genres and tracks in the window.

    A genre's requests count for its city too; a track's count for the track only (a track
    can be in several genres)."""
    return {
        "cities": _ranked(start, end, "city_id", City.objects.all(), lambda c: c.name, hours),
        "genres": _ranked(
            start,
            end,
            "genre_id",
            Genre.objects.select_related("city"),
            lambda g: f"{g.name} · {g.city.name}",
            hours,
        ),
        "tracks": _ranked(start, end, "track_id", Track.objects.all(), str, hours),
    }


def records_by_request_id(request_id: str) -> list[AccessRecord]:
    return list(AccessRecord.objects.filter(request_id=request_id).order_by("time", "id")[:10])
