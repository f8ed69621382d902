"""The site answers only for its own hosts (ALLOWED_HOSTS), in every layer: Django's full
cycle checks it when CommonMiddleware asks for the host; the short chains of the file and
beacon routes, and the stream fast path, check it here."""

from __future__ import annotations

from django.conf import settings
from django.http.request import split_domain_port, validate_host


def host_allowed(environ: dict) -> bool:
    """Say whether the request names one of the site's hosts, as HttpRequest.get_host would."""
    if settings.USE_X_FORWARDED_HOST and "HTTP_X_FORWARDED_HOST" in environ:
        host = environ["HTTP_X_FORWARDED_HOST"]
    else:
        host = environ.get("HTTP_HOST") or environ.get("SERVER_NAME", "")
    domain, _port = split_domain_port(host)
    allowed = settings.ALLOWED_HOSTS
    if settings.DEBUG and not allowed:
        allowed = [".localhost", "127.0.0.1", "[::1]"]
    return bool(domain) and validate_host(domain, allowed)


class HostCheckMiddleware:
    """Refuse a request for another host with Django's own 400 (DisallowedHost)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        request.get_host()  # raises DisallowedHost, which the handler answers with a 400
        return self.get_response(request)
