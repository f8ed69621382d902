"""Reads of the traffic app (the dashboard's figures live in dashboard.py)."""

from __future__ import annotations

from datetime import datetime

from twentytwo.catalog.models import City, Genre
from twentytwo.traffic.models import WorkerHeartbeat

HEARTBEAT = "worker"


def catalog_keys() -> tuple[list[tuple[int, str]], list[tuple[int, str, int]]]:
    """Return (id, slug) of every city and (id, slug, city id) of every genre."""
    cities = list(City.objects.values_list("id", "slug"))
    genres = list(Genre.objects.values_list("id", "slug", "city_id"))
    return cities, genres


def worker_last_seen() -> datetime | None:
    """Return when the task worker last ran the heartbeat task, or None if it never did."""
    return WorkerHeartbeat.objects.filter(name=HEARTBEAT).values_list("seen_at", flat=True).first()
