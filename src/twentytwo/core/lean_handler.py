"""A WSGI handler that runs the views behind a short middleware chain.

Stream and picture requests are most of the site's requests (a player seeking through a
track sends a range request each time), and the player's beacons most of its POSTs; none
of them needs a session, user, CSRF token, language or page security policy. Running them
behind only the middleware a settings list names (FILE_ROUTE_MIDDLEWARE,
BEACON_ROUTE_MIDDLEWARE) halves their cost. The URLconf and the views are the same ones
the full handler uses."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.handlers.exception import convert_exception_to_response
from django.core.handlers.wsgi import WSGIHandler
from django.utils.module_loading import import_string


class LeanWSGIHandler(WSGIHandler):
    def __init__(self, middleware_setting: str = "FILE_ROUTE_MIDDLEWARE") -> None:
        # Read by load_middleware, which the parent's __init__ calls.
        self.middleware_setting = middleware_setting
        super().__init__()

    def load_middleware(self, is_async=False):
        if is_async:
            raise ImproperlyConfigured("LeanWSGIHandler serves WSGI only.")
        self._view_middleware = []
        self._template_response_middleware = []
        self._exception_middleware = []
        handler = convert_exception_to_response(self._get_response)
        for path in reversed(getattr(settings, self.middleware_setting)):
            middleware = import_string(path)(handler)
            if hasattr(middleware, "process_view"):
                self._view_middleware.insert(0, middleware.process_view)
            if hasattr(middleware, "process_exception"):
                self._exception_middleware.append(middleware.process_exception)
            handler = convert_exception_to_response(middleware)
        self._middleware_chain = handler
