"""The cookies a visitor's choice lives in, read from a request and written to a response.

There is one truth per purpose. Audience statistics are on unless the `tt_count=off` cookie
or Global Privacy Control says otherwise: the same test the player and `/api/events`
apply (audience/listener.py), so a choice made here, on the about page or by the browser
can never disagree. Advertising is off unless the `tt_consent` cookie says it was allowed.

`tt_consent` holds the browser's random consent id (the key of its ConsentChoice rows),
the advertising answer and the policy version whose cookie purposes it answered, as
`<32 hex digits>.<0 or 1>.<version>` (a cookie from before versions were kept has no
`.<version>`, and counts as 0). Its presence says a choice was made under those purposes,
which is how the banner knows to stay hidden; once a newer version changes the purposes
(selectors.policy.cookie_purposes_version), the banner asks again, once, and the earlier
answer stays in force until the new one is given; it is not HttpOnly because the banner
and the advertising switch in consent.js read it. Pages never set it: only the answer to
a choice does, so a visitor who chooses nothing gets no cookie from us."""

import re
import secrets
from dataclasses import dataclass
from uuid import UUID

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from twentytwo.audience import listener as audience
from twentytwo.privacy.selectors.policy import cookie_purposes_version

CONSENT_COOKIE = "tt_consent"
# As long as the listener cookie: within 13 months however the months fall.
CONSENT_COOKIE_MAX_AGE = audience.LISTENER_COOKIE_MAX_AGE
_CONSENT_VALUE = re.compile(r"^([0-9a-f]{32})\.([01])(?:\.([0-9]{1,6}))?$")


@dataclass(frozen=True)
class BrowserConsent:
    """What the consent cookie says: the browser's consent id, its advertising answer, and
    the policy version whose cookie purposes it answered."""

    consent_id: UUID
    advertising: bool
    purposes_version: int = 0


@dataclass(frozen=True)
class CookieState:
    """What is in force for this browser now, and why."""

    chosen: bool
    audience_statistics: bool
    advertising: bool
    global_privacy_control: bool
    # A choice was made, under cookie purposes a newer policy version has changed.
    asked_again: bool = False


def consent_id_new() -> UUID:
    """Return 128 random bits; like the listener id, derived from nothing about the visitor."""
    return UUID(bytes=secrets.token_bytes(16))


def global_privacy_control(request: HttpRequest) -> bool:
    """True when the browser sends Global Privacy Control (`Sec-GPC: 1`)."""
    return request.headers.get("Sec-GPC", "").strip() == "1"


def consent_from_request(request: HttpRequest) -> BrowserConsent | None:
    """Return what the consent cookie says, or None when there is none or it is garbled."""
    match = _CONSENT_VALUE.match(request.COOKIES.get(CONSENT_COOKIE, ""))
    if match is None:
        return None
    return BrowserConsent(
        consent_id=UUID(hex=match[1]),
        advertising=match[2] == "1",
        purposes_version=int(match[3] or 0),
    )


def cookie_state(request: HttpRequest) -> CookieState:
    """Return the purposes in force for the browser that sent `request`."""
    consent = consent_from_request(request)
    gpc = global_privacy_control(request)
    current = cookie_purposes_version()
    return CookieState(
        chosen=consent is not None and consent.purposes_version >= current,
        asked_again=consent is not None and consent.purposes_version < current,
        audience_statistics=not audience.counting_refused(request),
        advertising=consent is not None and consent.advertising and not gpc,
        global_privacy_control=gpc,
    )


def choice_cookies_set(
    response: HttpResponse,
    *,
    consent_id: UUID,
    audience_statistics: bool,
    advertising: bool,
    purposes_version: int,
) -> None:
    """Put a recorded choice into the browser's cookies.

    Audience statistics switched off drives the player's own switch (`tt_count=off`) and
    forgets the listener id; switched on, the switch goes and the next beacon gets a new
    id, so listening before and after cannot be joined."""
    response.set_cookie(
        CONSENT_COOKIE,
        f"{consent_id.hex}.{int(advertising)}.{purposes_version}",
        max_age=CONSENT_COOKIE_MAX_AGE,
        httponly=False,
        samesite="Lax",
        secure=bool(settings.SESSION_COOKIE_SECURE),
    )
    if audience_statistics:
        audience.counting_cookie_delete(response)
    else:
        audience.counting_cookie_set_off(response)
        audience.listener_cookie_delete(response)
