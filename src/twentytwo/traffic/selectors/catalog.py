"""The catalog's ids by the slugs its addresses carry, for access records (records.py)."""

from __future__ import annotations

from twentytwo.catalog.models import City, Genre


def catalog_keys() -> tuple[list[tuple[int, str]], list[tuple[int, str, int]]]:
    """Return (id, slug) of every city and (id, slug, city id) of every genre."""
    cities = list(City.objects.values_list("id", "slug"))
    genres = list(Genre.objects.values_list("id", "slug", "city_id"))
    return cities, genres
