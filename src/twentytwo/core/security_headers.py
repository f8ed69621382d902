"""What Django's SecurityMiddleware does, for the layers that answer before Django's request
cycle (the stream and beacon fast paths): the headers it adds, and whether a request came
over HTTPS. Also the Permissions-Policy, which Django does not send: PermissionsPolicy adds
it to every answer of Django's cycles, and security_headers() to the fast paths'."""

from django.conf import settings


def security_headers(environ: dict) -> list[tuple[str, str]]:
    """Return the headers Django's SecurityMiddleware adds to a response to this request."""
    headers = []
    if settings.SECURE_HSTS_SECONDS and is_secure(environ):
        value = f"max-age={settings.SECURE_HSTS_SECONDS}"
        if settings.SECURE_HSTS_INCLUDE_SUBDOMAINS:
            value += "; includeSubDomains"
        if settings.SECURE_HSTS_PRELOAD:
            value += "; preload"
        headers.append(("Strict-Transport-Security", value))
    if settings.SECURE_CONTENT_TYPE_NOSNIFF:
        headers.append(("X-Content-Type-Options", "nosniff"))
    if settings.SECURE_REFERRER_POLICY:
        headers.append(("Referrer-Policy", settings.SECURE_REFERRER_POLICY))
    if settings.SECURE_CROSS_ORIGIN_OPENER_POLICY:
        headers.append(("Cross-Origin-Opener-Policy", settings.SECURE_CROSS_ORIGIN_OPENER_POLICY))
    if settings.PERMISSIONS_POLICY:
        headers.append(("Permissions-Policy", settings.PERMISSIONS_POLICY))
    return headers


class PermissionsPolicy:
    """Add the site's Permissions-Policy to every answer that has none."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.PERMISSIONS_POLICY:
            response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


def is_secure(environ: dict) -> bool:
    """Say whether the request came over HTTPS, believing the proxy's header if one is set."""
    proxy = settings.SECURE_PROXY_SSL_HEADER
    if proxy:
        header, secure_value = proxy
        return environ.get(header, "").split(",")[0].strip() == secure_value
    return environ.get("wsgi.url_scheme") == "https"
