"""Listening added up with each browser's part bounded (audience/selectors/bounded.py)."""

import random
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from tests.support.factories import CityFactory, GenreFactory
from tests.support.listening import listen
from twentytwo.audience.models import PlayedQuarterHour
from twentytwo.audience.selectors.bounded import (
    GROUPS,
    MEASURES,
    Bounds,
    ListeningQuery,
    bounded_listening,
)
from twentytwo.audience.services.rollups import rollup_run

pytestmark = pytest.mark.django_db

FIRST = date(2026, 3, 2)


@pytest.fixture
def city():
    return CityFactory(time_zone="UTC")


def row(city, genre, *, track, listener, day=0, minute=9 * 60, plays=1, ends=0, skips=0, s=200):
    slot = datetime(2026, 3, 2, tzinfo=UTC) + timedelta(days=day, minutes=minute)
    return PlayedQuarterHour(
        slot_start=slot,
        city_id=city.id,
        genre_id=genre.id,
        track_id=track,
        local_date=slot.date(),
        local_minute=minute,
        listener=listener,
        plays=plays,
        ends=ends,
        skips=skips,
        listening_seconds=s,
    )


def query(city, tracks, *, days=7, step="day", daypart="all-day"):
    return ListeningQuery(
        tracks=frozenset(tracks),
        genres=None,
        first=FIRST,
        last=FIRST + timedelta(days=days - 1),
        daypart=daypart,
        step=step,
        city=city,
    )


def by_key(result, group):
    return {cell.key: cell for cell in result.group(group)}


def test_plays_count_once_a_quarter_hour_and_up_to_the_bound_in_a_cell(city):
    genre = GenreFactory(city=city)
    ann = uuid.uuid4()
    # Ten starts in one quarter hour, then one in each of five more quarter hours.
    rows = [row(city, genre, track=7, listener=ann, plays=10)]
    rows += [row(city, genre, track=7, listener=ann, minute=600 + 15 * i) for i in range(5)]
    PlayedQuarterHour.objects.bulk_create(rows)

    result = bounded_listening(query=query(city, {7}), bounds=Bounds(plays=3))

    track = by_key(result, "tracks")["7"]
    assert (track.listeners, track.plays) == (1, 3)


def test_a_browser_counts_in_a_bounded_number_of_tracks(city):
    genre = GenreFactory(city=city)
    ann = uuid.uuid4()
    PlayedQuarterHour.objects.bulk_create(
        [row(city, genre, track=track, listener=ann) for track in range(1, 11)]
    )

    result = bounded_listening(query=query(city, range(1, 11)), bounds=Bounds(cells=4))

    assert sum(cell.listeners for cell in result.group("tracks")) == 4
    assert by_key(result, "total")["total"].listeners == 1


def test_listening_through_the_rollup_reaches_the_cells(city):
    genre = GenreFactory(city=city)
    ann, bob = uuid.uuid4(), uuid.uuid4()
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    listen(ann, start, start + timedelta(minutes=4), city=city, genre=genre, track=7, last="end")
    listen(bob, start, start + timedelta(minutes=2), city=city, genre=genre, track=7, last="skip")
    rollup_run(now=start + timedelta(hours=3))

    result = bounded_listening(query=query(city, {7}, days=1), bounds=Bounds())

    track = by_key(result, "tracks")["7"]
    assert (track.listeners, track.plays, track.ends, track.skips) == (2, 2, 1, 1)
    assert track.seconds == 360
    assert by_key(result, "periods")["2026-03-02"].plays == 2
    assert by_key(result, "genre_totals")[str(genre.id)].seconds == 360
    assert result.quarter_hours == {"2026-03-02": 96, "total": 96}


def test_other_tracks_of_the_genre_count_only_in_its_total(city):
    genre = GenreFactory(city=city)
    ours, theirs = uuid.uuid4(), uuid.uuid4()
    PlayedQuarterHour.objects.bulk_create(
        [
            row(city, genre, track=7, listener=ours, s=100),
            row(city, genre, track=8, listener=theirs, s=300),
        ]
    )

    result = bounded_listening(query=query(city, {7}), bounds=Bounds())

    assert set(by_key(result, "tracks")) == {"7"}
    assert by_key(result, "genres")[str(genre.id)].seconds == 100
    assert by_key(result, "genre_totals")[str(genre.id)].seconds == 400


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_one_browser_changes_each_figure_by_no_more_than_its_sensitivity(city, seed):
    """The property noise relies on: add any one browser, however much it listens, and the
    cells of each group move, in all, by no more than the stated bound."""
    rng = random.Random(seed)
    genres = [GenreFactory(city=city) for _ in range(2)]
    tracks = list(range(1, 9))
    base = [
        row(
            city,
            rng.choice(genres),
            track=rng.choice([*tracks, 20, 21]),
            listener=uuid.UUID(int=rng.getrandbits(128)),
            day=rng.randrange(7),
            minute=15 * rng.randrange(96),
            plays=rng.randrange(3),
            ends=rng.randrange(2),
            skips=rng.randrange(2),
            s=rng.uniform(0, 900),
        )
        for _ in range(300)
    ]
    PlayedQuarterHour.objects.bulk_create(base)
    bounds = Bounds(cells=3, plays=2, seconds=1200)
    before = bounded_listening(query=query(city, tracks), bounds=bounds)
    heavy = uuid.uuid4()
    PlayedQuarterHour.objects.bulk_create(
        [
            row(
                city,
                genre,
                track=track,
                listener=heavy,
                day=day,
                minute=minute,
                plays=9,
                ends=9,
                skips=9,
                s=900,
            )
            for genre in genres
            for track in [*tracks, 20]
            for day in range(7)
            for minute in (0, 600, 1200)
        ],
        ignore_conflicts=True,
    )

    after = bounded_listening(query=query(city, tracks), bounds=bounds)

    for group in GROUPS:
        was, now = by_key(before, group), by_key(after, group)
        for measure in MEASURES:
            moved = sum(
                abs(getattr(now.get(key), measure, 0) - getattr(was.get(key), measure, 0))
                for key in set(was) | set(now)
            )
            assert moved <= bounds.sensitivity(group)[measure], (group, measure)
        assert any(now.get(key) != was.get(key) for key in now), group
