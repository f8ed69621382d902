"""The outermost WSGI layer: a request id for every request, and its access record.

It wraps everything config/wsgi.py puts in front of Django (the shared response cache, the
stream fast path, the lean handlers), so the requests those answer are logged too. Its own
work is small on purpose, since the fastest of those answers take a few tens of
microseconds: take the time, make an id, and when the answer is complete put a tuple of the
strings a record needs (the fields of records.Hit) on the writer's queue. The writer hands
them over to the loader, which parses, resolves and writes (writer.py, loader.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from time import perf_counter, time_ns

from django.conf import settings

from twentytwo.core.addresses import (
    MAX_FORWARDED_CHARS,
    address_in,
    address_parse,
    networks_parse,
)
from twentytwo.traffic.records import (
    KEPT_GPC_CHARS,
    KEPT_HEADER_CHARS,
    KEPT_METHOD_CHARS,
    KEPT_PATH_CHARS,
    cookies_kept,
    referer_origin,
)
from twentytwo.traffic.request_ids import (
    REQUEST_ID_ENVIRON,
    REQUEST_ID_HEADER,
    request_id_acceptable,
    request_id_new,
    request_id_set,
)
from twentytwo.traffic.writer import access_log_writer

# The answer of a listening beacon is kept for /metrics (at most this much of it).
BEACON_PREFIX = "/api/events"
MAX_KEPT_BODY_BYTES = 4096


def _incoming_request_id(environ: dict) -> str | None:
    """Return the id a trusted proxy gave the request, if it gave a usable one."""
    value = environ.get("HTTP_X_REQUEST_ID")
    if not value or not settings.TRUSTED_PROXIES or not request_id_acceptable(value):
        return None
    peer = address_parse(environ.get("REMOTE_ADDR", ""))
    return value if address_in(peer, networks_parse(tuple(settings.TRUSTED_PROXIES))) else None


class _Answer:
    """One request on its way: when it came, its id, and the status start_response was told."""

    __slots__ = (
        "environ",
        "path",
        "request_id",
        "start_response",
        "started",
        "started_wall",
        "status",
        "writer",
    )

    def __init__(self, environ: dict, request_id: str, writer, start_response) -> None:
        self.environ = environ
        self.start_response = start_response
        self.request_id = request_id
        self.writer = writer
        self.started_wall = time_ns() // 1000
        self.started = perf_counter()
        # Read now: Django rewrites PATH_INFO in the environ it is handed.
        self.path = environ.get("PATH_INFO", "")[:KEPT_PATH_CHARS]
        self.status = 500  # until start_response says otherwise

    def __call__(self, status: str, headers: list, exc_info=None):
        """The start_response the application is given: note the status, add the id."""
        try:
            self.status = int(status[:3])
        except ValueError:
            self.status = 500
        # A new list: the shared cache keeps the list it was given for later answers.
        return self.start_response(
            status, [*headers, (REQUEST_ID_HEADER, self.request_id)], exc_info
        )

    def finish(self, response_bytes: int, body: bytes | None = None) -> None:
        request_id_set(None)
        writer = self.writer
        if writer is None:
            return
        get = self.environ.get
        # Every string is cut to what the loader reads of it (records.py): a huge header
        # is neither held in memory nor written to the spool whole.
        gpc = (get("HTTP_SEC_GPC") or "")[:KEPT_GPC_CHARS]
        writer.submit(
            (  # records.Hit's fields, as a plain tuple: the spool keeps nothing else
                self.started_wall,
                int((perf_counter() - self.started) * 1_000_000),
                self.request_id,
                get("REQUEST_METHOD", "")[:KEPT_METHOD_CHARS],
                self.path,
                self.status,
                response_bytes,
                get("REMOTE_ADDR", ""),
                (get("HTTP_X_FORWARDED_FOR") or "")[-MAX_FORWARDED_CHARS:],
                cookies_kept(get("HTTP_COOKIE"), gpc),
                (get("HTTP_USER_AGENT") or "")[:KEPT_HEADER_CHARS],
                referer_origin(get("HTTP_REFERER")),
                gpc,
                body,
            )
        )


class LoggedBody:
    """An answer's body passed through as it is sent, counted; the hit goes out at close()."""

    __slots__ = ("_answer", "_body", "_iterator", "_kept", "sent")

    def __init__(self, body: Iterable[bytes], answer: _Answer, *, keep: bool) -> None:
        self._body = body
        self._iterator = iter(body)
        self._answer = answer
        self._kept: list[bytes] | None = [] if keep else None
        self.sent = 0

    def __iter__(self):
        return self

    def __next__(self) -> bytes:
        chunk = next(self._iterator)
        self.sent += len(chunk)
        kept = self._kept
        if kept is not None and self.sent <= MAX_KEPT_BODY_BYTES:
            kept.append(chunk)
        return chunk

    def close(self) -> None:
        try:
            close = getattr(self._body, "close", None)
            if close is not None:
                close()
        finally:
            kept = self._kept
            self._answer.finish(self.sent, b"".join(kept) if kept is not None else None)


class AccessLog:
    """Wrap a WSGI application: give each request an id, and record how it was answered."""

    def __init__(
        self, app: Callable, *, writer: Callable[[], object | None] = access_log_writer
    ) -> None:
        self.app = app
        self.writer = writer

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        request_id = (
            "HTTP_X_REQUEST_ID" in environ and _incoming_request_id(environ)
        ) or request_id_new()
        environ[REQUEST_ID_ENVIRON] = request_id
        request_id_set(request_id)
        answer = _Answer(environ, request_id, self.writer(), start_response)
        try:
            body = self.app(environ, answer)
        except BaseException:
            answer.status = 500
            answer.finish(0)
            raise
        keep = answer.path.startswith(BEACON_PREFIX)
        if type(body) is list:
            # Already complete (the shared cache's answers): the app server's fastest path
            # takes a list, so it stays one.
            answer.finish(
                sum(map(len, body)), b"".join(body)[:MAX_KEPT_BODY_BYTES] if keep else None
            )
            return body
        return LoggedBody(body, answer, keep=keep)
