"""Reads the stream view needs: the few columns that describe a track's audio.

Audio never changes after ingest, so each process keeps the answers it has read; a player
seeking through a track sends many range requests and none of them needs the database."""

import threading
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


# Track id -> source, filled by the stream view. Entries never go stale (audio is
# immutable) and the oldest make way past the bound.
_SOURCES: dict[int, StreamSource] = {}
_SOURCES_MAX = 8192
_SOURCES_LOCK = threading.Lock()


def stream_source_by_track_id(track_id: int) -> StreamSource | None:
    """Return the track's stream source, or None when the catalog has no such track."""
    source = _SOURCES.get(track_id)
    if source is not None:
        return source
    row = (
        Track.objects.filter(pk=track_id)
        .order_by()
        .values_list("audio", "audio_size", "mime_type", "checksum", "created_at")
        .first()
    )
    if row is None:
        return None
    source = StreamSource(*row)
    with _SOURCES_LOCK:
        _SOURCES[track_id] = source
        while len(_SOURCES) > _SOURCES_MAX:
            del _SOURCES[next(iter(_SOURCES))]
    return source


def stream_source_known(track_id: int) -> StreamSource | None:
    """Return the source if this process has read it already; never touch the database."""
    return _SOURCES.get(track_id)


def stream_source_cache_clear() -> None:
    _SOURCES.clear()
