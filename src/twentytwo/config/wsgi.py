"""The WSGI application the app server runs.

Everyday stream requests are answered before Django (streaming/fast_path.py); other
requests for audio and pictures go to a handler with a short middleware chain; everything
else goes through the full one. In front of both, a shared cache answers repeated
catalog API reads for as long as their Cache-Control allows."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "twentytwo.config.settings")

site = get_wsgi_application()

from twentytwo.config.lean_handler import LeanWSGIHandler  # noqa: E402 (needs setup first)
from twentytwo.config.response_cache import SharedResponseCache  # noqa: E402
from twentytwo.streaming.fast_path import StreamFastPath  # noqa: E402

FILE_ROUTE_PREFIXES = ("/stream/", "/pictures/")
SHARED_CACHE_PREFIXES = ("/api/",)

files = StreamFastPath(LeanWSGIHandler())


def route(environ, start_response):
    """Send file routes to the lean handler and the rest to the full one."""
    if environ.get("PATH_INFO", "").startswith(FILE_ROUTE_PREFIXES):
        return files(environ, start_response)
    return site(environ, start_response)


application = SharedResponseCache(route, prefixes=SHARED_CACHE_PREFIXES)
