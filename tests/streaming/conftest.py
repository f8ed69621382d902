import pytest
from django.core.files.storage import default_storage

from tests.support.factories import track_create


@pytest.fixture
def track(db):
    return track_create(title="Seekable", seconds=2.0)


@pytest.fixture
def audio_bytes(track) -> bytes:
    """The track's audio exactly as stored."""
    with default_storage.open(track.audio, "rb") as file:
        return file.read()
