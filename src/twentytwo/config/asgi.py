"""There is no ASGI entry point: the site is served over WSGI (config/wsgi.py).

What stands in front of Django there (the access log with its request ids, the shared
response cache, the stream and beacon fast paths) are WSGI layers; an ASGI server would
serve the site without any of them. Measured here, a Django+ninja endpoint also answered
about 450 requests a second under ASGI against 3,000-3,900 under WSGI. So this module
refuses to start rather than serve a site without its access log."""

from django.core.exceptions import ImproperlyConfigured

ASGI_REFUSED = (
    "22tracks is served over WSGI: `python -m twentytwo serve` (granian --interface wsgi) "
    "or any WSGI server with twentytwo.config.wsgi:application. The access log, request "
    "ids, shared cache and fast paths are WSGI layers that an ASGI server would leave out."
)

raise ImproperlyConfigured(ASGI_REFUSED)
