"""The request id: made by the outermost WSGI layer (access_log.py) for every request.

It travels in a context variable, so a log line written anywhere while the request is
served carries it (app_logs.py), and in the WSGI environ, so a view can read it from
`request.META`. The answer carries it in the X-Request-ID header and every error page
shows it: a listener can quote it, and staff find the request on the operations dashboard."""

import re
import secrets
from contextvars import ContextVar

REQUEST_ID_HEADER = "X-Request-ID"
REQUEST_ID_ENVIRON = "twentytwo.request_id"
# What a trusted proxy may hand us as the id of a request (nginx's $request_id is 32 hex).
_ACCEPTABLE = re.compile(r"[A-Za-z0-9._-]{8,64}")

_current: ContextVar[str | None] = ContextVar("twentytwo_request_id", default=None)


def request_id_new() -> str:
    return secrets.token_hex(16)


def request_id_acceptable(value: str) -> bool:
    """True when an id from a trusted proxy is short and plain enough to be used as is."""
    return _ACCEPTABLE.fullmatch(value) is not None


def request_id_current() -> str | None:
    """Return the id of the request this thread is serving, if any."""
    return _current.get()


def request_id_set(value: str | None) -> None:
    _current.set(value)
