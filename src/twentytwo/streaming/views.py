"""Audio behind signed, expiring URLs, and the catalog's pictures."""

import logging
import re

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.views.decorators.http import require_safe

from twentytwo.streaming.responses import (
    AudioUnavailable,
    accel_redirect_response,
    audio_response,
    immutable_file_response,
)
from twentytwo.streaming.selectors import stream_source_by_track_id
from twentytwo.streaming.signing import StreamTokenError, stream_token_verify

logger = logging.getLogger(__name__)

STREAM_TRACK_NOT_FOUND = "This track is no longer in the catalog."
STREAM_AUDIO_MISSING = "The audio of this track cannot be played right now."
PICTURE_NOT_FOUND = "There is no such picture."

PICTURE_CONTENT_TYPES = {"png": "image/png", "jpg": "image/jpeg", "webp": "image/webp"}
# Picture names are generated (pictures/<kind>/<random>.<ext>) and never reused, so a year
# of caching is safe.
PICTURE_CACHE_CONTROL = "public, max-age=31536000, immutable"
# Path segments that cannot climb out of pictures/: no "..", no hidden or empty segments.
_PICTURE_NAME = re.compile(
    r"pictures/(?:[A-Za-z0-9_-][A-Za-z0-9_.-]*/)*[A-Za-z0-9_-][A-Za-z0-9_.-]*\.([a-z]+)"
)


def _plain(message: str, *, status: int) -> HttpResponse:
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


def stream_max_age() -> int:
    # A signed URL lives at least STREAM_URL_TTL; the cached copy should not outlast it.
    return settings.STREAM_URL_TTL * 9 // 10


@require_safe
def stream_track(request: HttpRequest, token: str) -> HttpResponseBase:
    """Send a track's audio to the holder of a valid stream token, with byte ranges."""
    try:
        track_id = stream_token_verify(token)
    except StreamTokenError as error:
        return _plain(str(error), status=403)
    source = stream_source_by_track_id(track_id)
    if source is None:
        return _plain(STREAM_TRACK_NOT_FOUND, status=404)
    prefix = settings.STREAM_ACCEL_REDIRECT_PREFIX
    if prefix:
        return accel_redirect_response(source=source, prefix=prefix, max_age=stream_max_age())
    try:
        return audio_response(request, source=source, max_age=stream_max_age())
    except AudioUnavailable as error:
        logger.error("Audio of track %s (%s) cannot be sent: %s", track_id, source.audio, error)
        return _plain(STREAM_AUDIO_MISSING, status=404)


@require_safe
def picture(request: HttpRequest, name: str) -> HttpResponseBase:
    """Send a genre picture, curator photo or artwork; only files under pictures/."""
    match = _PICTURE_NAME.fullmatch(name)
    content_type = PICTURE_CONTENT_TYPES.get(match[1]) if match else None
    if content_type is None:
        return _plain(PICTURE_NOT_FOUND, status=404)
    try:
        return immutable_file_response(
            request, name=name, content_type=content_type, cache_control=PICTURE_CACHE_CONTROL
        )
    except (OSError, SuspiciousFileOperation):
        return _plain(PICTURE_NOT_FOUND, status=404)
