"""The hourly rollups of the access log, which the operations dashboard reads for a week.

A week of records is millions of rows at a few dozen requests a second; the hours hold a
row per route and one per city, genre and track requested. The rollup (a task of the
worker, every few minutes) reads the records stored since its mark (models.RollupMark), and
makes again, whole, every hour they fall in: a record that arrives late (nginx's edge log,
a spool drained after an outage) changes its own hour at the next run. Each hour is
written in one transaction with the mark, so a stopped run leaves the hours and the mark
as they were.

Durations go into buckets 5% wide: bucket b holds [1.05^b, 1.05^(b+1)) microseconds, and
a percentile read from the buckets is the upper end of the bucket of the nearest rank, at
most 5% over the exact value and never under it."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.db.models.functions import TruncHour

from twentytwo.traffic.models import AccessRecord, CatalogHour, RollupMark, RouteHour

HOUR = timedelta(hours=1)
BUCKET_BASE = 1.05
MARK = "hours"


def duration_bucket(duration_us: int) -> int:
    return int(math.log(max(duration_us, 1)) / math.log(BUCKET_BASE))


def bucket_upper_us(bucket: int) -> float:
    return BUCKET_BASE ** (bucket + 1)


@dataclass
class RouteFigures:
    requests: int = 0
    client_errors: int = 0
    server_errors: int = 0
    response_bytes: int = 0
    longest_us: int = 0
    durations: Counter = field(default_factory=Counter)

    def add(self, other: RouteFigures) -> None:
        self.requests += other.requests
        self.client_errors += other.client_errors
        self.server_errors += other.server_errors
        self.response_bytes += other.response_bytes
        self.longest_us = max(self.longest_us, other.longest_us)
        self.durations.update(other.durations)

    def percentile_us(self, percentile: int) -> float:
        """The nearest-rank percentile, as the upper end of its bucket (or the longest)."""
        rank = math.ceil(percentile * self.requests / 100)
        seen = 0
        for bucket in sorted(self.durations):
            seen += self.durations[bucket]
            if seen >= rank:
                return min(bucket_upper_us(bucket), self.longest_us)
        return float(self.longest_us)


@dataclass
class HourFigures:
    """What one hour's records add up to, per route and per city, genre and track."""

    routes: dict[str, RouteFigures] = field(default_factory=lambda: defaultdict(RouteFigures))
    catalog: Counter = field(default_factory=Counter)  # (kind, id) -> requests


def figures_of_records(*, start: datetime, end: datetime) -> dict[datetime, HourFigures]:
    """Add up the records from `start` to `end` (whole hours) by hour, from the table."""
    hours: dict[datetime, HourFigures] = defaultdict(HourFigures)
    rows = (
        AccessRecord.objects.filter(time__gte=start, time__lt=end)
        .order_by()
        .values_list(
            "time",
            "route",
            "status",
            "response_bytes",
            "duration_us",
            "city_id",
            "genre_id",
            "track_id",
        )
    )
    for moment, route, status, size, duration, city, genre, track in rows.iterator(5000):
        hour = hours[moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)]
        figures = hour.routes[route]
        figures.requests += 1
        figures.client_errors += 400 <= status < 500
        figures.server_errors += status >= 500
        figures.response_bytes += size
        figures.longest_us = max(figures.longest_us, duration)
        figures.durations[duration_bucket(duration)] += 1
        for kind, target in (("city", city), ("genre", genre), ("track", track)):
            if target is not None:
                hour.catalog[kind, target] += 1
    return hours


def figures_of_hours(*, start: datetime, end: datetime) -> dict[datetime, HourFigures]:
    """Read the hours from `start` to `end` as the rollup stored them."""
    hours: dict[datetime, HourFigures] = defaultdict(HourFigures)
    for row in RouteHour.objects.filter(hour__gte=start, hour__lt=end):
        hours[row.hour.astimezone(UTC)].routes[row.route] = RouteFigures(
            requests=row.requests,
            client_errors=row.client_errors,
            server_errors=row.server_errors,
            response_bytes=row.response_bytes,
            longest_us=row.longest_us,
            durations=Counter({int(b): n for b, n in row.durations.items()}),
        )
    rows = CatalogHour.objects.filter(hour__gte=start, hour__lt=end).values_list(
        "hour", "kind", "target_id", "requests"
    )
    for hour, kind, target, requests in rows:
        hours[hour.astimezone(UTC)].catalog[kind, target] = requests
    return hours


def hours_not_rolled_up() -> set[datetime]:
    """The hours holding records the rollup has not read yet."""
    mark = RollupMark.objects.filter(rollup=MARK).values_list("last_id", flat=True).first() or 0
    found = (
        AccessRecord.objects.filter(id__gt=mark)
        .annotate(hour=TruncHour("time", tzinfo=UTC))
        .order_by()
        .values_list("hour", flat=True)
        .distinct()
    )
    return {hour.astimezone(UTC) for hour in found}


def figures(*, start: datetime, end: datetime) -> dict[datetime, HourFigures]:
    """The hours from `start` to `end` (whole hours): as rolled up, and from the records for
    the hours the rollup has not finished (the current one, one with a late record)."""
    hours = figures_of_hours(start=start, end=end)
    for hour in sorted(h for h in hours_not_rolled_up() if start <= h < end):
        hours[hour] = figures_of_records(start=hour, end=hour + HOUR).get(hour, HourFigures())
    return hours
