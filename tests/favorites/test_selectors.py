from datetime import UTC, datetime, timedelta

import pytest
from django.core.files.storage import default_storage

from tests.support.factories import GenreFactory, track_create
from twentytwo.catalog import services as catalog
from twentytwo.favorites import selectors, services
from twentytwo.favorites.models import Favorite

pytestmark = pytest.mark.django_db

MONDAY = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def test_a_listener_reaches_their_own_favorite_by_id(adult):
    favorite = services.favorite_add(user=adult, track=track_create())

    assert selectors.access_favorite_by_id(adult, favorite.pk) == favorite


def test_another_listeners_favorite_is_as_absent_as_a_missing_one(adult, other_adult):
    favorite = services.favorite_add(user=adult, track=track_create())

    with pytest.raises(Favorite.DoesNotExist):
        selectors.access_favorite_by_id(other_adult, favorite.pk)
    with pytest.raises(Favorite.DoesNotExist):
        selectors.access_favorite_by_id(other_adult, favorite.pk + 1000)


def test_dashboard_shows_what_arrived_in_a_favorite_genre_since_the_last_visit(adult):
    genre = GenreFactory(name="Disco")
    catalog.track_add_to_rotation(genre=genre, track=track_create(title="Before"), at=MONDAY)
    with_time = services.favorite_add(user=adult, genre=genre)
    Favorite.objects.filter(pk=with_time.pk).update(created_at=MONDAY + timedelta(hours=1))
    last_visit = MONDAY + timedelta(days=1)
    catalog.track_add_to_rotation(
        genre=genre, track=track_create(title="Seen"), at=MONDAY + timedelta(hours=12)
    )
    catalog.track_add_to_rotation(
        genre=genre, track=track_create(title="New"), at=MONDAY + timedelta(days=2)
    )

    board = selectors.dashboard(user=adult, last_visit=last_visit)

    [row] = board.genres
    assert row.genre == genre
    assert [entry.track.title for entry in row.new_entries] == ["New"]


def test_dashboard_on_a_first_visit_counts_from_the_heart(adult):
    genre = GenreFactory(name="Disco")
    catalog.track_add_to_rotation(genre=genre, track=track_create(title="Before"), at=MONDAY)
    favorite = services.favorite_add(user=adult, genre=genre)
    Favorite.objects.filter(pk=favorite.pk).update(created_at=MONDAY + timedelta(hours=1))
    catalog.track_add_to_rotation(
        genre=genre, track=track_create(title="After"), at=MONDAY + timedelta(days=1)
    )

    [row] = selectors.dashboard(user=adult, last_visit=None).genres

    assert [entry.track.title for entry in row.new_entries] == ["After"]


def test_dashboard_marks_a_recently_rotated_out_favorite_and_keeps_it_playable(adult, settings):
    settings.PLAYLIST_SIZE = 1
    genre = GenreFactory(name="Disco")
    old = track_create(title="Old")
    catalog.track_add_to_rotation(genre=genre, track=old, at=MONDAY)
    current = track_create(title="Current")
    catalog.track_add_to_rotation(genre=genre, track=current, at=MONDAY + timedelta(days=1))
    services.favorite_add(user=adult, track=old)
    services.favorite_add(user=adult, track=current)

    board = selectors.dashboard(user=adult, last_visit=None, now=MONDAY + timedelta(days=5))

    by_title = {row.track.title: row for row in board.tracks}
    assert by_title["Old"].rotated_out and by_title["Old"].playable
    assert by_title["Old"].left_at == MONDAY + timedelta(days=1)
    assert by_title["Current"].playing_in == genre and not by_title["Current"].rotated_out
    assert [row.track.title for row in board.recently_rotated_out] == ["Old"]


def test_a_favorite_that_left_long_ago_is_no_longer_news(adult, settings):
    settings.PLAYLIST_SIZE = 1
    genre = GenreFactory()
    old = track_create(title="Old")
    catalog.track_add_to_rotation(genre=genre, track=old, at=MONDAY)
    catalog.track_add_to_rotation(genre=genre, track=track_create(), at=MONDAY + timedelta(days=1))
    services.favorite_add(user=adult, track=old)

    board = selectors.dashboard(user=adult, last_visit=None, now=MONDAY + timedelta(days=90))

    assert board.tracks[0].rotated_out
    assert board.recently_rotated_out == []


def test_a_favorite_whose_audio_is_gone_is_not_playable(adult):
    track = track_create(title="Gone")
    services.favorite_add(user=adult, track=track)
    default_storage.delete(track.audio)

    [row] = selectors.dashboard(user=adult, last_visit=None).tracks

    assert row.track == track and not row.playable
