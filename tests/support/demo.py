from datetime import UTC, datetime

import pytest

from twentytwo.demo.plan import Scale

# One city, two genres, playlists of three with one or two retired tracks each: the whole
# seed in a few seconds, with every part of the full one.
SMALL = Scale(cities=1, genres=2, retired=(1, 2))
SMALL_PLAYLIST = 3
MONDAY = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def small_playlists(settings):
    settings.PLAYLIST_SIZE = SMALL_PLAYLIST
