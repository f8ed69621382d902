"""The WSGI application the app server runs.

Everyday stream requests and the player's listening beacons are answered before Django's
request cycle (streaming/fast_path.py, audience/fast_path.py); other requests for audio
and pictures, and anything else under /api/events, go to a handler with a short
middleware chain (a beacon uses no session, user or CSRF token: audience/api.py checks the
Origin); everything else goes through the full one, behind a shared cache that answers
repeated catalog API reads and the pages of visitors nobody knows for as long as their
Cache-Control allows (core/response_cache.py). Outermost,
the access log gives every request its id and records every answer, whichever layer gave
it (traffic/access_log.py)."""

import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "twentytwo.config.settings")

site = get_wsgi_application()

from twentytwo.audience.fast_path import BeaconFastPath  # noqa: E402 (needs setup first)
from twentytwo.core.address_limits import address_limits_refusal  # noqa: E402
from twentytwo.core.lean_handler import LeanWSGIHandler  # noqa: E402
from twentytwo.core.response_cache import SharedResponseCache  # noqa: E402
from twentytwo.streaming.fast_path import StreamFastPath  # noqa: E402
from twentytwo.traffic.access_log import AccessLog  # noqa: E402

FILE_ROUTE_PREFIXES = ("/stream/", "/pictures/")
# Measured in-process, one event per request on SQLite: 437-508 requests/s through the
# full chain, 559-598 through the short one (before the one-statement insert).
BEACON_ROUTE_PREFIXES = ("/api/events",)
# Everything the full chain answers; only answers marked public are kept.
SHARED_CACHE_PREFIXES = ("/",)

files = StreamFastPath(LeanWSGIHandler())
beacons = BeaconFastPath(LeanWSGIHandler("BEACON_ROUTE_MIDDLEWARE"), guard=address_limits_refusal)
shared_cache = SharedResponseCache(
    site, prefixes=SHARED_CACHE_PREFIXES, page_cookies=settings.PAGE_COOKIES
)


def route(environ, start_response):
    """Send file and beacon routes to the lean handlers and the rest to the full one."""
    path = environ.get("PATH_INFO", "")
    if path.startswith(FILE_ROUTE_PREFIXES):
        return files(environ, start_response)
    if path.startswith(BEACON_ROUTE_PREFIXES):
        return beacons(environ, start_response)
    return shared_cache(environ, start_response)


application = AccessLog(route)
