"""The request id: made by the outermost WSGI layer (access_log.py) for every request.

It travels in a context variable, so a log line written anywhere while the request is
served carries it (app_logs.py), and in the WSGI environ, so a view can read it from
`request.META`. The answer carries it in the X-Request-ID header and every error page
shows it: a listener can quote it, and staff find the request on the operations dashboard."""

import itertools
import os
import re
import secrets
from contextvars import ContextVar

REQUEST_ID_HEADER = "X-Request-ID"
REQUEST_ID_ENVIRON = "twentytwo.request_id"
# What a trusted proxy may hand us as the id of a request (nginx's $request_id is 32 hex).
_ACCEPTABLE = re.compile(r"[A-Za-z0-9._-]{8,64}")

_current: ContextVar[str | None] = ContextVar("twentytwo_request_id", default=None)


def _sequence() -> tuple[str, itertools.count]:
    # A random half per process, and a counter from a random start: unique across the
    # server's processes, and in order within one, which keeps the table's index on the id
    # cheap to insert into. The count says nothing about how many requests were served.
    return secrets.token_hex(8), itertools.count(secrets.randbits(62))


_prefix, _counter = _sequence()


def _new_sequence_after_fork() -> None:
    global _prefix, _counter
    _prefix, _counter = _sequence()


os.register_at_fork(after_in_child=_new_sequence_after_fork)


def request_id_new() -> str:
    """Return 32 hex digits no other request of this server has."""
    return f"{_prefix}{next(_counter) & 0xFFFF_FFFF_FFFF_FFFF:016x}"


def request_id_acceptable(value: str) -> bool:
    """True when an id from a trusted proxy is short and plain enough to be used as is."""
    return _ACCEPTABLE.fullmatch(value) is not None


def request_id_current() -> str | None:
    """Return the id of the request this thread is serving, if any."""
    return _current.get()


def request_id_set(value: str | None) -> None:
    _current.set(value)
