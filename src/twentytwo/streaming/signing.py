"""Signed, expiring stream URLs.

A URL names the track, the moment it expires and an HMAC of both, so the stream view can
check it without a database read. Expiry is rounded up to a whole window: every page
rendered within the same window hands out the same URL, which keeps the browser's cache
and ETag revalidation working across page loads."""

import time

from django.conf import settings
from django.core.signing import BadSignature, Signer
from django.urls import reverse

STREAM_TOKEN_INVALID = "This stream link is not valid."  # noqa: S105
STREAM_TOKEN_EXPIRED = "This stream link has expired; reload the page for a fresh one."  # noqa: S105

_SALT = "twentytwo.streaming.url"


class StreamTokenError(ValueError):
    """The token is forged, malformed or expired; `str(error)` is the message."""


def _signer() -> Signer:
    return Signer(salt=_SALT, sep=".", algorithm="sha256")


def stream_token(track_id: int, *, now: float | None = None) -> str:
    now = time.time() if now is None else now
    ttl = settings.STREAM_URL_TTL
    window = max(ttl // 4, 1)
    expires = int((now + ttl) // window * window + window)
    return _signer().sign(f"{track_id}-{expires}")


def stream_url(track_id: int, *, extension: str = "mp3", now: float | None = None) -> str:
    return reverse("streaming:track", kwargs={"token": f"{stream_token(track_id, now=now)}"}) + (
        f".{extension}"
    )


def stream_token_verify(token: str, *, now: float | None = None) -> int:
    """Return the track id the token grants; raise StreamTokenError otherwise."""
    # <track>-<expires>.<signature>.<extension>
    token = token.rsplit(".", 1)[0] if token.count(".") == 2 else token
    try:
        value = _signer().unsign(token)
        track_part, expires_part = value.split("-")
        track_id, expires = int(track_part), int(expires_part)
    except (BadSignature, ValueError):
        raise StreamTokenError(STREAM_TOKEN_INVALID) from None
    if expires < (time.time() if now is None else now):
        raise StreamTokenError(STREAM_TOKEN_EXPIRED)
    return track_id
