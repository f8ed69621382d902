from datetime import timedelta

from tests.support.demo import MONDAY
from twentytwo.demo.arrangement import FRAME_SAMPLES, section_frames
from twentytwo.demo.instruments import SAMPLE_RATE
from twentytwo.demo.plan import Scale, catalog_plan
from twentytwo.demo.styles import FAMILIES, MODES


def _full_plan():
    return catalog_plan(scale=Scale(), playlist_size=22, now=MONDAY)


def test_full_demo_is_two_cities_of_22_genres_each_with_history():
    plans = _full_plan()

    assert [(city.spec.name, city.spec.country, city.spec.time_zone) for city in plans] == [
        ("Amsterdam", "NL", "Europe/Amsterdam"),
        ("Berlin", "DE", "Europe/Berlin"),
    ]
    for city in plans:
        assert len(city.genres) == 22
        assert len({genre.spec.slug for genre in city.genres}) == 22
        for genre in city.genres:
            assert 22 + 3 <= len(genre.tracks) <= 22 + 6
            assert genre.spec.description and genre.curator.bio


def test_every_genre_of_the_full_demo_has_its_own_recipe():
    recipes = [genre.spec.recipe for city in _full_plan() for genre in city.genres]

    assert len(set(recipes)) == len(recipes) == 44
    assert len({recipe.seed for recipe in recipes}) == 44
    for recipe in recipes:
        assert recipe.family in FAMILIES and recipe.mode in MODES


def test_planned_tracks_last_30_to_90_seconds():
    for city in _full_plan():
        for genre in city.genres:
            section_seconds = section_frames(genre.spec.recipe) * FRAME_SAMPLES / SAMPLE_RATE
            for track in genre.tracks:
                assert 30 <= len(track.sections) * section_seconds <= 90


def test_tracks_arrive_about_five_a_week_oldest_first():
    genre = _full_plan()[0].genres[0]
    arrivals = [track.added_at for track in genre.tracks]

    assert arrivals == sorted(arrivals)
    assert arrivals[-1] <= MONDAY
    last_week = [at for at in arrivals if at > arrivals[-1] - timedelta(days=7)]
    assert len(last_week) == 5


def test_no_two_tracks_of_a_genre_share_title_and_artist():
    for city in _full_plan():
        for genre in city.genres:
            names = [(track.artist, track.title) for track in genre.tracks]
            assert len(set(names)) == len(names)


def test_curators_of_both_cities_have_distinct_slugs():
    curators = [curator for city in _full_plan() for curator in city.curators]
    assert len({curator.slug for curator in curators}) == len(curators)


def test_the_same_scale_gives_the_same_plan():
    assert catalog_plan(scale=Scale(cities=1, genres=3), playlist_size=22, now=MONDAY) == (
        catalog_plan(scale=Scale(cities=1, genres=3), playlist_size=22, now=MONDAY)
    )
