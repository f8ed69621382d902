"""Whether a request comes from this site's own pages, by its Origin header.

Browsers send Origin with every cross-site POST, so a request that names another origin did
not come from one of our pages. Endpoints that take a POST without a CSRF token (the
player's beacons, the cookie banner's choice) refuse such requests by it."""

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest


def _own_origins(request: HttpRequest) -> set[str]:
    return {f"{request.scheme}://{request.get_host()}", *settings.CSRF_TRUSTED_ORIGINS}


def origin_is_foreign(request: HttpRequest) -> bool:
    """True when the request names an Origin that is not this site's."""
    origin = request.headers.get("Origin")
    if origin is None:
        # Not from a browser page (or a very old browser): nothing to check it against.
        return False
    parts = urlsplit(origin)
    return f"{parts.scheme}://{parts.netloc}" not in _own_origins(request)
