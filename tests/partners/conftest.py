"""Two partner organisations and a week of listening to their tracks, as the rollup leaves it.

The week ends a few days before today (the portal answers real requests, so its clock is
the real one). Orbit holds the rights to three tracks: "Big" with 300 listeners, "Mid" with
120 and "Tiny" with 3; Zenith to one track with 150. An unowned track has listening too.
The audiences are large enough that noise never takes Big or Mid under the threshold."""

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from tests.support.factories import CityFactory, CuratorFactory, GenreFactory, track_create
from twentytwo.accounts import services as accounts
from twentytwo.audience.models import PlayedQuarterHour, RollupWatermark
from twentytwo.audience.selectors.rollups import WATERMARK
from twentytwo.partners.models import Membership, Organisation
from twentytwo.partners.services.organisations import rights_set

NAMESPACE = uuid.UUID("0b5e0d1c-5a1e-4c8e-9d7e-22a7a7e5c0de")
LISTENERS = {"big": 300, "mid": 120, "tiny": 3, "zenith": 150, "unowned": 100}


@dataclass
class World:
    city: object
    house: object
    techno: object
    tracks: dict
    orbit: Organisation
    zenith: Organisation
    first: date
    last: date
    listeners: dict  # track name -> the listener ids that played it

    def params(self, **extra) -> dict:
        return {
            "first": self.first.isoformat(),
            "last": self.last.isoformat(),
            "daypart": "all-day",
            "step": "day",
            **extra,
        }


def played(*, city, genre, track, listener, day: date, minute: int, seconds=180, ends=1):
    slot = datetime.combine(day, time(0), tzinfo=UTC) + timedelta(minutes=minute)
    return PlayedQuarterHour(
        slot_start=slot,
        city_id=city.id,
        genre_id=genre.id,
        track_id=track.id,
        local_date=day,
        local_minute=minute,
        listener=listener,
        plays=1,
        ends=ends,
        skips=1 - ends,
        listening_seconds=seconds,
    )


def person(username: str, **fields):
    user = get_user_model().objects.create_user(username=username, **fields)
    accounts.age_statement_record(user=user, adult=True)
    return user


@pytest.fixture
def world(db) -> World:
    today = timezone.now().astimezone(UTC).date()
    first, last = today - timedelta(days=10), today - timedelta(days=4)
    city = CityFactory(name="Rotterdam", slug="rotterdam", time_zone="UTC")
    house = GenreFactory(city=city, name="House", slug="house")
    techno = GenreFactory(city=city, name="Techno", slug="techno")
    tracks = {
        "big": track_create(title="Big", artist="Orbit Band", label="Orbit Records"),
        "mid": track_create(title="Mid", artist="Orbit Band", label="Orbit Records"),
        "tiny": track_create(title="Tiny", artist="Quiet One", label="Orbit Records"),
        "zenith": track_create(title="Peak", artist="Zenith Act", label="Zenith"),
        "unowned": track_create(title="Free", artist="Nobody", label=""),
    }
    orbit = Organisation.objects.create(name="Orbit Records", slug="orbit", kind="label")
    zenith = Organisation.objects.create(name="Zenith Music", slug="zenith", kind="label")
    rights_set(tracks=[tracks[n] for n in ("big", "mid", "tiny")], organisation=orbit)
    rights_set(tracks=[tracks["zenith"]], organisation=zenith)
    rows, listeners = [], {}
    for name, count in LISTENERS.items():
        genre = techno if name == "zenith" else house
        ids = [uuid.uuid5(NAMESPACE, f"{name}-{i}") for i in range(count)]
        listeners[name] = ids
        for i, listener in enumerate(ids):
            day = first + timedelta(days=i % 7)
            rows.append(
                played(
                    city=city,
                    genre=genre,
                    track=tracks[name],
                    listener=listener,
                    day=day,
                    minute=(8 * 60 + 15 * (i % 40)) % 1440,
                    ends=i % 4 != 0,
                )
            )
    PlayedQuarterHour.objects.bulk_create(rows)
    RollupWatermark.objects.update_or_create(
        job=WATERMARK,
        defaults={"processed_until": datetime.combine(today, time(0), tzinfo=UTC)},
    )
    return World(city, house, techno, tracks, orbit, zenith, first, last, listeners)


def member(organisation, username: str, *, role: str):
    user = person(username, email=f"{username}@{organisation.slug}.example")
    Membership.objects.create(
        organisation=organisation, user=user, role=role, created_at=timezone.now()
    )
    return user


@pytest.fixture
def orbit_admin(world):
    return member(world.orbit, "olga", role="admin")


@pytest.fixture
def orbit_viewer(world):
    return member(world.orbit, "otto", role="viewer")


@pytest.fixture
def zenith_admin(world):
    return member(world.zenith, "zoe", role="admin")


@pytest.fixture
def curator_person(world):
    """The curator of house (not of techno), signed in with their own account."""
    user = person("cora", email="cora@example.org")
    curator = CuratorFactory(name="Cora", slug="cora")
    curator.accounts.add(user)
    world.house.curator = curator
    world.house.save(update_fields=["curator"])
    return user
