"""Reads the stream view needs: the few columns that describe a track's audio.

Audio never changes after ingest, so each process keeps the answers it has read; a player
seeking through a track sends many range requests and none of them needs the database."""

import functools
from dataclasses import dataclass
from datetime import datetime

from twentytwo.catalog.models import Track


@dataclass(frozen=True, slots=True)
class StreamSource:
    """A track's stored audio and what the response headers are made from."""

    audio: str  # default_storage name
    size: int
    mime_type: str
    checksum: str
    created_at: datetime

    @property
    def etag(self) -> str:
        # Audio never changes after ingest, so its SHA-256 is a strong validator.
        return f'"{self.checksum}"'

    @property
    def last_modified(self) -> int:
        return int(self.created_at.timestamp())


def stream_source_by_track_id(track_id: int) -> StreamSource | None:
    """Return the track's stream source, or None when the catalog has no such track."""
    try:
        return _stream_source(track_id)
    except LookupError:
        return None


@functools.lru_cache(maxsize=8192)
def _stream_source(track_id: int) -> StreamSource:
    # Raises for an unknown track: lru_cache keeps no exceptions, so a track ingested
    # later is found on the next request.
    row = (
        Track.objects.filter(pk=track_id)
        .order_by()
        .values_list("audio", "audio_size", "mime_type", "checksum", "created_at")
        .first()
    )
    if row is None:
        raise LookupError(track_id)
    return StreamSource(*row)


stream_source_cache_clear = _stream_source.cache_clear
