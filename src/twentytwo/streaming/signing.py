"""Signed, expiring stream URLs.

A URL names the track, the moment it expires and an HMAC of both, so the stream view can
check it without a database read. Expiry is rounded up to a whole window: every page
rendered within the same window hands out the same URL, which keeps the browser's cache
and ETag revalidation working across page loads.

Given the track's storage name, the URL also names its file (the 32 hex digits of
audio/<2>/<32>.<ext>) under the same HMAC, so that nginx can check the URL and send the
file itself with no request to the app (deploy/stream_edge.js). nginx gets the signer's
derived key (`stream_edge_key`), which signs stream URLs and nothing else: the HMAC is
HMAC-SHA256 under a key derived from the site's secret, 256 bits either way."""

import hashlib
import re
import time

from django.conf import settings
from django.core.signing import BadSignature, Signer
from django.urls import reverse

STREAM_TOKEN_INVALID = "This stream link is not valid."  # noqa: S105
STREAM_TOKEN_EXPIRED = "This stream link has expired; reload the page for a fresh one."  # noqa: S105

_SALT = "twentytwo.streaming.url"
# The storage names track_ingest makes: audio/<first two of 32 hex digits>/<32 hex>.<ext>.
_EDGE_NAME = re.compile(r"audio/([0-9a-f]{2})/(\1[0-9a-f]{30})\.(mp3|ogg|opus)")
_FILE_PART = re.compile(r"[0-9a-f]{32}")


class StreamTokenError(ValueError):
    """The token is forged, malformed or expired; `str(error)` is the message."""


def _signer() -> Signer:
    return Signer(salt=_SALT, sep=".", algorithm="sha256")


def stream_edge_key() -> str:
    """The key the signer signs stream URLs with, in hex: what nginx checks them with.

    Django's Signer signs with HMAC under sha256(salt + "signer" + SECRET_KEY); a test
    holds this to the signer's own signatures."""
    return hashlib.sha256(f"{_SALT}signer{settings.SECRET_KEY}".encode()).hexdigest()


def stream_token(track_id: int, *, now: float | None = None, file: str = "") -> str:
    now = time.time() if now is None else now
    ttl = settings.STREAM_URL_TTL
    window = max(ttl // 4, 1)
    expires = int((now + ttl) // window * window + window)
    return _signer().sign(f"{track_id}-{expires}" + (f"-{file}" if file else ""))


def stream_url(
    track_id: int, *, extension: str = "mp3", now: float | None = None, audio: str = ""
) -> str:
    """The signed URL of a track's stream; with its storage name, one nginx can check."""
    file = ""
    if match := _EDGE_NAME.fullmatch(audio):
        file, extension = match[2], match[3]
    token = stream_token(track_id, now=now, file=file)
    return reverse("streaming:track", kwargs={"token": token}) + f".{extension}"


def stream_token_verify(token: str, *, now: float | None = None) -> int:
    """Return the track id the token grants; raise StreamTokenError otherwise."""
    # <track>-<expires>[-<file>].<signature>.<extension>
    token = token.rsplit(".", 1)[0] if token.count(".") == 2 else token
    try:
        value = _signer().unsign(token)
        track_part, expires_part, *file = value.split("-")
        track_id, expires = int(track_part), int(expires_part)
        if file and (len(file) > 1 or not _FILE_PART.fullmatch(file[0])):
            raise ValueError(value)
    except (BadSignature, ValueError):
        raise StreamTokenError(STREAM_TOKEN_INVALID) from None
    if expires < (time.time() if now is None else now):
        raise StreamTokenError(STREAM_TOKEN_EXPIRED)
    return track_id
