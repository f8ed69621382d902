from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser

from tests.support.factories import GenreFactory, track_create
from twentytwo.catalog import services as catalog
from twentytwo.favorites import selectors, services
from twentytwo.favorites.models import Favorite

pytestmark = pytest.mark.django_db

MONDAY = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def track():
    return track_create(title="Night Bus")


@pytest.fixture
def genre():
    return GenreFactory(name="Deep House")


def test_an_adult_hearts_a_track_and_a_genre(adult, track, genre):
    services.favorite_add(user=adult, track=track)
    services.favorite_add(user=adult, genre=genre)

    ids = selectors.favorite_ids(user=adult)
    assert ids.tracks == {track.pk}
    assert ids.genres == {genre.pk}


def test_hearting_the_same_track_twice_keeps_one_favorite(adult, track):
    first = services.favorite_add(user=adult, track=track)
    second = services.favorite_add(user=adult, track=track)

    assert first.pk == second.pk
    assert Favorite.objects.filter(user=adult).count() == 1


def test_two_listeners_each_keep_their_own_heart_on_one_track(adult, other_adult, track):
    services.favorite_add(user=adult, track=track)
    services.favorite_add(user=other_adult, track=track)

    assert selectors.favorite_ids(user=adult).tracks == {track.pk}
    assert selectors.favorite_ids(user=other_adult).tracks == {track.pk}
    assert Favorite.objects.count() == 2


def test_an_under_18_listener_without_a_guardian_is_refused_and_nothing_is_kept(minor, track):
    with pytest.raises(services.FavoriteError) as refused:
        services.favorite_add(user=minor, track=track)

    assert str(refused.value) == services.FAVORITES_NOT_ALLOWED
    assert refused.value.code == "not_allowed"
    assert not Favorite.objects.exists()


def test_an_under_18_listener_whose_guardian_confirmed_keeps_favorites(minor_with_guardian, track):
    services.favorite_add(user=minor_with_guardian, track=track)

    assert selectors.favorite_ids(user=minor_with_guardian).tracks == {track.pk}


def test_a_listener_who_has_not_answered_the_age_step_is_refused(unanswered, track):
    with pytest.raises(services.FavoriteError, match="18 or older"):
        services.favorite_add(user=unanswered, track=track)

    assert not Favorite.objects.exists()


def test_an_anonymous_listener_is_asked_to_sign_in(track):
    with pytest.raises(services.FavoriteError) as refused:
        services.favorite_add(user=AnonymousUser(), track=track)

    assert str(refused.value) == services.FAVORITES_NEED_SIGN_IN
    assert refused.value.code == "sign_in_required"


@pytest.mark.parametrize("both", [True, False])
def test_a_favorite_is_one_track_or_one_genre(adult, track, genre, both):
    targets = {"track": track, "genre": genre} if both else {}

    with pytest.raises(services.FavoriteError) as refused:
        services.favorite_add(user=adult, **targets)

    assert str(refused.value) == services.FAVORITE_NEEDS_ONE_TARGET


def test_removing_a_heart_forgets_it_and_removing_it_again_says_it_is_not_there(adult, track):
    services.favorite_add(user=adult, track=track)

    services.favorite_remove(user=adult, track=track)

    assert selectors.favorite_ids(user=adult).tracks == frozenset()
    with pytest.raises(services.FavoriteError) as refused:
        services.favorite_remove(user=adult, track=track)
    assert str(refused.value) == services.FAVORITE_NOT_FOUND


def test_removing_takes_off_only_the_listeners_own_heart(adult, other_adult, track):
    services.favorite_add(user=adult, track=track)
    services.favorite_add(user=other_adult, track=track)

    services.favorite_remove(user=other_adult, track=track)

    assert selectors.favorite_ids(user=adult).tracks == {track.pk}


def test_a_favorite_outlives_the_tracks_rotation(adult, genre, settings):
    settings.PLAYLIST_SIZE = 1
    old = track_create(title="Old")
    catalog.track_add_to_rotation(genre=genre, track=old, at=MONDAY)
    services.favorite_add(user=adult, track=old)

    catalog.track_add_to_rotation(genre=genre, track=track_create(), at=MONDAY + timedelta(days=1))

    assert not old.entries.filter(retired_at__isnull=True).exists()
    assert selectors.favorite_ids(user=adult).tracks == {old.pk}


def test_a_dashboard_visit_returns_the_one_before(adult):
    assert services.dashboard_visit_record(user=adult, at=MONDAY) is None
    later = MONDAY + timedelta(days=3)

    assert services.dashboard_visit_record(user=adult, at=later) == MONDAY
    assert selectors.dashboard_last_visit(user=adult) == later
