"""Reads the stream view needs: one query for the few columns that describe a track's audio."""

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
    row = (
        Track.objects.filter(pk=track_id)
        .order_by()
        .values_list("audio", "audio_size", "mime_type", "checksum", "created_at")
        .first()
    )
    return None if row is None else StreamSource(*row)
