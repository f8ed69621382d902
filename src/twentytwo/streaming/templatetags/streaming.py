"""`{% track_media track genre as media %}`: the addresses a page needs to play a track."""

from dataclasses import dataclass

from django import template
from django.urls import reverse

from twentytwo.streaming.signing import stream_url

register = template.Library()


@dataclass(frozen=True, slots=True)
class TrackMedia:
    stream_url: str  # signed and expiring: what the player streams
    artwork_url: str  # the track's picture, else its genre's: what the player shows
    thumbnail_url: str  # the track's own picture, for its row; empty when it has none


def _picture_url(name: str) -> str:
    return reverse("streaming:picture", kwargs={"name": name}) if name else ""


@register.simple_tag
def track_media(track, genre=None) -> TrackMedia:
    """Return where to stream the track from and its pictures, `genre` standing in for art."""
    thumbnail = _picture_url(track.artwork)
    return TrackMedia(
        stream_url=stream_url(track.pk, audio=track.audio),
        artwork_url=thumbnail or _picture_url(getattr(genre, "picture", "")),
        thumbnail_url=thumbnail,
    )
