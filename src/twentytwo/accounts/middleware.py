"""Session limits and the age step, applied to every page request."""

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

from twentytwo.accounts.selectors import user_needs_age_step

SESSION_SIGNED_IN_AT = "twentytwo_signed_in_at"
SESSION_SEEN_AT = "twentytwo_seen_at"
SESSION_AGE_STATED = "twentytwo_age_stated"
SESSION_ENDED = "You were signed out after a period of inactivity. Sign in again to continue."
# Writing the session on every request would cost a database write per page; a minute of
# slack on the idle limit is worth far less than that.
SEEN_AT_RESOLUTION = 60

# Paths a listener who has not answered the age question can still reach.
AGE_STEP_OPEN_PREFIXES = ("/accounts/", "/admin/", "/api/", "/static/", "/stream/", "/pictures/")


def _may_be_signed_in(request: HttpRequest) -> bool:
    """False when the request carries no session cookie, so cannot be signed in.

    Looking at request.user reads the session, which adds "Vary: Cookie" to the answer; an
    anonymous listener's catalog answers must stay shareable by caches."""
    return settings.SESSION_COOKIE_NAME in request.COOKIES


class SessionTimeoutMiddleware:
    """Sign out a session idle for too long, or older than the absolute limit."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _may_be_signed_in(request) and request.user.is_authenticated:
            now = int(time.time())
            session = request.session
            signed_in_at = session.get(SESSION_SIGNED_IN_AT)
            seen_at = session.get(SESSION_SEEN_AT, signed_in_at)
            if signed_in_at is None:
                session[SESSION_SIGNED_IN_AT] = session[SESSION_SEEN_AT] = now
            elif (
                now - signed_in_at > settings.SESSION_ABSOLUTE_TIMEOUT
                or now - seen_at > settings.SESSION_IDLE_TIMEOUT
            ):
                # logout() flushes the session on the server, not only in the browser.
                logout(request)
                messages.info(request, SESSION_ENDED)
            elif now - seen_at >= SEEN_AT_RESOLUTION:
                session[SESSION_SEEN_AT] = now
        return self.get_response(request)


class AgeStepMiddleware:
    """Send a signed-in listener who has not answered the age question to that question.

    Only page loads are redirected; the API and the audio answer as for any listener, and
    favorites refuse a listener without an answer by themselves."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.method in ("GET", "HEAD")
            and not request.path.startswith(AGE_STEP_OPEN_PREFIXES)
            and _may_be_signed_in(request)
            and request.user.is_authenticated
            and not request.session.get(SESSION_AGE_STATED)
        ):
            if not user_needs_age_step(request.user):
                # The answer cannot change, so one look per session is enough.
                request.session[SESSION_AGE_STATED] = True
                return self.get_response(request)
            url = f"{reverse('accounts:age')}?{urlencode({'next': request.get_full_path()})}"
            if getattr(request, "htmx", False):
                return HttpResponseClientRedirect(url)
            return HttpResponseRedirect(url)
        return self.get_response(request)
