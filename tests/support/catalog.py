"""A city, a curator and a genre with a known history, for the pages and their tests."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from tests.support.factories import CityFactory, CuratorFactory, GenreFactory, track_create
from twentytwo.catalog import services

# Rotations are placed at fixed moments so dates on the pages are known.
FIRST_ROTATION = datetime(2024, 3, 4, 10, 0, tzinfo=UTC)


@pytest.fixture
def amsterdam(db):
    return CityFactory(name="Amsterdam", slug="amsterdam", position=0)


@pytest.fixture
def berlin(db):
    return CityFactory(name="Berlin", slug="berlin", position=1)


@pytest.fixture
def curator(db):
    return CuratorFactory(
        name="Mira Vos",
        slug="mira-vos",
        bio="Digs for Detroit records every Saturday.",
        links=[{"label": "Instagram", "url": "https://instagram.example/mira"}],
    )


@pytest.fixture
def house(amsterdam, curator):
    return GenreFactory(
        city=amsterdam,
        name="Deep House",
        slug="deep-house",
        description="Warm, late and slow.",
        curator=curator,
        position=0,
    )


def rotate_in(*, genre, count: int, seconds: float = 3.0, start: datetime = FIRST_ROTATION):
    """Ingest `count` tracks and add them to the genre a day apart; return them oldest first."""
    tracks = []
    for day in range(count):
        track = track_create(
            title=f"{genre.name} cut {day + 1}", artist=f"Artist {day + 1}", seconds=seconds
        )
        services.track_add_to_rotation(genre=genre, track=track, at=start + timedelta(days=day))
        tracks.append(track)
    return tracks


def genre_url(genre) -> str:
    return reverse("web:genre", kwargs={"city": genre.city.slug, "genre": genre.slug})
