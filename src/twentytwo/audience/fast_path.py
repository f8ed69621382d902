"""The player's beacons, answered before Django's request cycle.

A listening beacon is the site's most frequent POST: a ping a minute from every player.
This WSGI layer hands a POST to /api/events straight to the same view the API routes it to
(audience/api.py: the checks, the refusals, the pipeline and the answer are all there), and
skips only what a beacon does not use: URL resolution, the middleware chain and the API
framework's dispatch. The security headers are the ones SecurityMiddleware would add, and
the `guard` given is asked first, as the short chain's middleware would be (the limits per
client address, which this app never reads itself).

Anything this layer does not take on goes on to Django: another path or method, a host
Django would refuse, a plain-HTTP request that production redirects to HTTPS, and any
failure. A failure is answered (and logged) by Django from the same body; ingestion is
idempotent by event id, so an event stored before the failure is not stored twice."""

import io
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core import signals
from django.core.handlers.wsgi import WSGIRequest
from django.http import HttpRequest, HttpResponse

from twentytwo.audience.api import events
from twentytwo.core.security_headers import is_secure, security_headers

EVENTS_PATH = "/api/events"


class BeaconFastPath:
    def __init__(
        self, app: Callable, *, guard: Callable[[HttpRequest], HttpResponse | None] | None = None
    ) -> None:
        self.app = app
        self.guard = guard or (lambda request: None)

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") != "POST" or environ.get("PATH_INFO") != EVENTS_PATH:
            return self.app(environ, start_response)
        if settings.SECURE_SSL_REDIRECT and not is_secure(environ):
            return self.app(environ, start_response)
        signals.request_started.send(sender=self.__class__, environ=environ)
        request = WSGIRequest(environ)
        try:
            request.get_host()
            response = self.guard(request) or events(request)
        except Exception:  # a refused host (DisallowedHost) or any failure
            return self._to_django(environ, request, start_response)
        for name, value in security_headers(environ):
            response.headers.setdefault(name, value)
        headers = [
            *response.items(),
            *(("Set-Cookie", cookie.output(header="")) for cookie in response.cookies.values()),
        ]
        start_response(f"{response.status_code} {response.reason_phrase}", headers)
        # Closing the response sends request_finished, as Django's handler does.
        return response

    def _to_django(self, environ: dict, request: WSGIRequest, start_response: Callable):
        if hasattr(request, "_body"):
            environ["wsgi.input"] = io.BytesIO(request._body)
            environ["CONTENT_LENGTH"] = str(len(request._body))
        return self.app(environ, start_response)
