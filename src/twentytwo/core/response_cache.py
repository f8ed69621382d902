"""A shared cache in front of the site for answers that say they may be shared.

Catalog API answers carry `Cache-Control: public, max-age=60`: any cache between the app
and the listener may keep them for a minute. This WSGI layer is that cache inside each
app process, so repeated catalog reads cost a dictionary lookup instead of a trip through
Django. It follows HTTP caching rules (RFC 9111) for what it stores: only 200 answers to
GET that are `public` with a positive `max-age` and set no cookie; answers are matched on
the request headers their `Vary` names, and a matching `If-None-Match` gets a 304.

Pages vary on `Cookie`: a signed-in listener's page is their own. What a page's HTML
depends on is only a few of the cookies a browser sends (`page_cookies`: the session, the
CSRF token, the language and the messages); the listening and consent cookies are read by
scripts and beacons, never by a page. So an answer that varies on `Cookie` is kept only
when its request carried none of the page cookies, and given only to requests that carry
none either: the page any visitor nobody knows gets (web/pages.py marks it `public`).

With Redis configured (core/shared.py) an answer one process made is kept there too, for
the same time, so the other processes and machines answer from it instead of making it
again; each process keeps its own copy in front of Redis. Without Redis, or while it does
not answer, each process has only its own."""

import base64
import hashlib
import json
import math
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass

from twentytwo.core.shared import shared_errors, shared_store

_MAX_AGE = re.compile(r"(?:^|,)\s*max-age=(\d+)", re.IGNORECASE)
_COOKIE_VARY = "HTTP_COOKIE"
# Seconds a request whose answer could not be kept goes straight to the app, asking
# neither this process's copies nor Redis (an admin page, a sign-in page).
NOT_SHAREABLE_SECONDS = 60
_NOT_STORED = {"set-cookie"}
# Headers a 304 must leave out (RFC 9110 section 15.4.5): it has no body.
_BODY_HEADERS = {"content-length", "content-type", "content-encoding"}


@dataclass(frozen=True, slots=True)
class CachedAnswer:
    status: str
    headers: list[tuple[str, str]]
    body: bytes
    expires: float
    vary: tuple[tuple[str, str], ...]  # (WSGI environ key, the request's value)
    etag: str | None

    def encoded(self) -> bytes:
        fields = asdict(self) | {"body": base64.b64encode(self.body).decode()}
        return json.dumps(fields, separators=(",", ":")).encode()

    @classmethod
    def decoded(cls, data: bytes) -> "CachedAnswer":
        fields = json.loads(data)
        return cls(
            status=fields["status"],
            headers=[tuple(pair) for pair in fields["headers"]],
            body=base64.b64decode(fields["body"]),
            expires=fields["expires"],
            vary=tuple(tuple(pair) for pair in fields["vary"]),
            etag=fields["etag"],
        )


def _header(headers: list[tuple[str, str]], name: str) -> str | None:
    for key, value in headers:
        if key.lower() == name:
            return value
    return None


def _shareable_for(status: str, headers: list[tuple[str, str]]) -> int:
    """Return how many seconds the answer may be shared, 0 when it may not be stored."""
    if not status.startswith("200 ") or any(k.lower() in _NOT_STORED for k, _ in headers):
        return 0
    cache_control = (_header(headers, "cache-control") or "").lower()
    directives = {part.strip().split("=")[0] for part in cache_control.split(",")}
    if "public" not in directives or directives & {"private", "no-store", "no-cache"}:
        return 0
    vary = {part.strip().lower() for part in (_header(headers, "vary") or "").split(",")}
    if "*" in vary:
        return 0
    match = _MAX_AGE.search(cache_control)
    return int(match[1]) if match else 0


def _vary_keys(headers: list[tuple[str, str]]) -> list[str]:
    """Return the WSGI environ keys of the request headers named by `Vary`, but `Cookie`:
    which cookies matter is part of the cache key instead (see the module's text)."""
    vary = _header(headers, "vary") or ""
    keys = ["HTTP_" + name.strip().upper().replace("-", "_") for name in vary.split(",")]
    return [key for key in keys if key != "HTTP_" and key != _COOKIE_VARY]


def _cookie_names(environ: dict) -> set[str]:
    cookies = environ.get(_COOKIE_VARY, "")
    return {part.split("=", 1)[0].strip() for part in cookies.split(";")} if cookies else set()


class SharedResponseCache:
    """Wrap a WSGI application; keep its shareable answers under `prefixes` for their max-age.

    `page_cookies` names the cookies pages depend on; without them, an answer that varies
    on `Cookie` is never kept."""

    def __init__(
        self,
        app: Callable,
        *,
        prefixes: tuple[str, ...],
        page_cookies: Iterable[str] = (),
        max_entries: int = 2000,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.app = app
        self.prefixes = prefixes
        self.page_cookies = frozenset(page_cookies)
        self.max_entries = max_entries
        self.clock = clock
        self._entries: OrderedDict[tuple, CachedAnswer] = OrderedDict()
        self._not_shareable: OrderedDict[tuple, float] = OrderedDict()
        self._lock = threading.Lock()

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._not_shareable.clear()

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD")
        path = environ.get("PATH_INFO", "")
        if method not in ("GET", "HEAD") or not path.startswith(self.prefixes):
            return self.app(environ, start_response)
        # A request with a page cookie may be someone's own page: its key is apart, and only
        # answers that do not vary on cookies are kept under it.
        personal = bool(self.page_cookies) and not self.page_cookies.isdisjoint(
            _cookie_names(environ)
        )
        key = (
            environ.get("wsgi.url_scheme"),
            environ.get("HTTP_HOST") or environ.get("SERVER_NAME"),
            path,
            environ.get("QUERY_STRING", ""),
            personal,
        )
        if self._not_shareable.get(key, 0.0) > self.clock():
            return self.app(environ, start_response)
        answer = self._lookup(key, environ)
        if answer is not None:
            return self._replay(answer, environ, start_response)
        if method == "HEAD":
            return self.app(environ, start_response)
        return self._fetch(key, environ, start_response)

    def _lookup(self, key: tuple, environ: dict) -> CachedAnswer | None:
        answer = self._entries.get(key)
        if answer is None or answer.expires <= self.clock():
            answer = self._shared_get(key)
            if answer is None:
                return None
            self._keep(key, answer)
        if answer.expires <= self.clock() or any(
            environ.get(name, "") != value for name, value in answer.vary
        ):
            return None
        return answer

    def _replay(self, answer: CachedAnswer, environ: dict, start_response) -> Iterable[bytes]:
        if_none_match = environ.get("HTTP_IF_NONE_MATCH")
        if (
            answer.etag
            and if_none_match
            and answer.etag in {tag.strip() for tag in if_none_match.split(",")}
        ):
            headers = [(k, v) for k, v in answer.headers if k.lower() not in _BODY_HEADERS]
            start_response("304 Not Modified", headers)
            return []
        start_response(answer.status, list(answer.headers))
        return [] if environ.get("REQUEST_METHOD") == "HEAD" else [answer.body]

    def _keepable_for(self, key: tuple, seen: dict) -> int:
        headers = seen.get("headers", [])
        seconds = _shareable_for(seen.get("status", ""), headers)
        if seconds > 0 and (not self.page_cookies or key[-1]):
            vary = {part.strip().lower() for part in (_header(headers, "vary") or "").split(",")}
            if "cookie" in vary:
                return 0
        return seconds

    def _fetch(self, key: tuple, environ: dict, start_response) -> Iterable[bytes]:
        seen: dict = {}

        def remember(status, headers, exc_info=None):
            seen["status"], seen["headers"] = status, headers
            return start_response(status, headers, exc_info)

        result = self.app(environ, remember)
        seconds = self._keepable_for(key, seen)
        if seconds <= 0:
            self._not_shareable_mark(key)
            return result
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        headers = seen["headers"]
        answer = CachedAnswer(
            status=seen["status"],
            headers=list(headers),
            body=body,
            expires=self.clock() + seconds,
            vary=tuple((name, environ.get(name, "")) for name in _vary_keys(headers)),
            etag=_header(headers, "etag"),
        )
        self._keep(key, answer)
        self._shared_set(key, answer, seconds)
        return [body]

    def _not_shareable_mark(self, key: tuple) -> None:
        with self._lock:
            self._not_shareable[key] = self.clock() + NOT_SHAREABLE_SECONDS
            self._not_shareable.move_to_end(key)
            while len(self._not_shareable) > self.max_entries:
                self._not_shareable.popitem(last=False)

    def _keep(self, key: tuple, answer: CachedAnswer) -> None:
        with self._lock:
            self._entries[key] = answer
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    @staticmethod
    def _shared_key(key: tuple) -> str:
        return "tt:answer:" + hashlib.sha256(repr(key).encode()).hexdigest()

    def _shared_get(self, key: tuple) -> CachedAnswer | None:
        client = shared_store.client()
        if client is None:
            return None
        try:
            data = client.get(self._shared_key(key))
        except shared_errors():
            shared_store.failed()
            return None
        shared_store.answered()
        try:
            return CachedAnswer.decoded(data) if data else None
        except (ValueError, KeyError, TypeError):
            return None

    def _shared_set(self, key: tuple, answer: CachedAnswer, seconds: int) -> None:
        client = shared_store.client()
        if client is None:
            return
        try:
            client.set(self._shared_key(key), answer.encoded(), ex=max(1, math.ceil(seconds)))
        except shared_errors():
            shared_store.failed()
        else:
            shared_store.answered()
