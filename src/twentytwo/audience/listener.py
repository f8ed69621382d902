"""The listener id: a random value in a first-party cookie, and the visitor's say over it.

The id holds no personal data and is never derived from anything about the visitor. It is
set by the answer to the first beacon, never by a page, so pages stay cookie-free. A
visitor who switches counting off (the `tt_count=off` cookie) or whose browser sends
Global Privacy Control gets no id, and their beacons are dropped."""

import secrets
from uuid import UUID

from django.conf import settings
from django.http import HttpRequest, HttpResponse

LISTENER_COOKIE = "tt_listener"
COUNTING_COOKIE = "tt_count"
COUNTING_OFF = "off"
# 390 days is within 13 months however the months fall (the shortest 13 months have 395 days).
LISTENER_COOKIE_MAX_AGE = 390 * 24 * 3600
COUNTING_COOKIE_MAX_AGE = LISTENER_COOKIE_MAX_AGE


def listener_id_new() -> UUID:
    """Return 128 random bits; a UUID only because that is how the column stores them."""
    return UUID(bytes=secrets.token_bytes(16))


def listener_from_request(request: HttpRequest) -> UUID | None:
    """Return the listener id the cookie carries, or None when there is none or it is garbled."""
    value = request.COOKIES.get(LISTENER_COOKIE, "")
    try:
        return UUID(hex=value) if len(value) == 32 else None
    except ValueError:
        return None


def counting_refused(request: HttpRequest) -> bool:
    """True when the visitor switched counting off or the browser sends Global Privacy Control."""
    return (
        request.COOKIES.get(COUNTING_COOKIE) == COUNTING_OFF
        or request.headers.get("Sec-GPC", "").strip() == "1"
    )


def _secure() -> bool:
    # Follows the session cookie, which production makes HTTPS-only.
    return bool(settings.SESSION_COOKIE_SECURE)


def _cookie_set(
    response: HttpResponse, name: str, value: str, *, max_age: int, httponly: bool
) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        httponly=httponly,
        samesite="Lax",
        secure=_secure(),
    )


def listener_cookie_set(response: HttpResponse, *, listener: UUID) -> None:
    _cookie_set(
        response, LISTENER_COOKIE, listener.hex, max_age=LISTENER_COOKIE_MAX_AGE, httponly=True
    )


def listener_cookie_delete(response: HttpResponse) -> None:
    response.delete_cookie(LISTENER_COOKIE, samesite="Lax")


def counting_cookie_set_off(response: HttpResponse) -> None:
    """Remember the visitor's "don't count my listening"; the player reads it, so not HttpOnly."""
    _cookie_set(
        response, COUNTING_COOKIE, COUNTING_OFF, max_age=COUNTING_COOKIE_MAX_AGE, httponly=False
    )


def counting_cookie_delete(response: HttpResponse) -> None:
    response.delete_cookie(COUNTING_COOKIE, samesite="Lax")
