"""From what the outermost layer saw of a request (a Hit) to an access record.

The request path only copies a few strings into a Hit (access_log.py), keeping of the
cookies and the referrer only what a record needs (cookies_kept, referer_origin); the rest
runs later, in the loader (loader.py): resolving the route and the city, genre or track,
reading the listener cookie, the client address, the user agent's family and the
referrer's host. Every header is treated as hostile: decoded with replacement, cut to a
bounded length first."""

from __future__ import annotations

import re
import threading
import time
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import NamedTuple
from urllib.parse import urlsplit
from uuid import UUID

from django.conf import settings
from django.urls import Resolver404, resolve

from twentytwo.audience.listener import COUNTING_COOKIE, COUNTING_OFF, LISTENER_COOKIE
from twentytwo.core.addresses import address_network, client_address, networks_parse
from twentytwo.traffic.models import (
    MAX_AGENT_FAMILY_CHARS,
    MAX_HOST_CHARS,
    MAX_METHOD_CHARS,
    MAX_PATH_CHARS,
    MAX_ROUTE_CHARS,
)
from twentytwo.traffic.selectors.catalog import catalog_keys

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
UNMATCHED = "unmatched"
STATIC = "static"
# Headers are cut to these many characters before anything reads them.
MAX_HEADER_CHARS = 1024
MAX_COOKIE_CHARS = 8192
# Seconds the city and genre ids learnt from the catalog are trusted, and how soon an id not
# found there may cause another look.
CATALOG_IDS_MAX_AGE = 300.0
CATALOG_IDS_RETRY = 10.0

_LISTENER = re.compile(rf"(?:^|;)\s*{LISTENER_COOKIE}=([0-9a-f]{{32}})\s*(?:;|$)")
_COUNTING_OFF = re.compile(rf"(?:^|;)\s*{COUNTING_COOKIE}={COUNTING_OFF}\s*(?:;|$)")
# The user agent's family, first match wins: bots name themselves after a real browser.
_AGENT_FAMILIES = (
    ("Bot", re.compile(r"bot\b|crawl|spider|slurp|facebookexternalhit|preview", re.I)),
    ("Probe", re.compile(r"kube-probe|HealthChecker|Prometheus|Blackbox", re.I)),
    ("Edge", re.compile(r"Edg(?:e|A|iOS)?/")),
    ("Opera", re.compile(r"OPR/|Opera")),
    ("Firefox", re.compile(r"Firefox/|FxiOS/")),
    ("Chrome", re.compile(r"Chrome/|CriOS/|Chromium/")),
    ("Safari", re.compile(r"Safari/")),
    ("curl", re.compile(r"^curl/")),
    ("Wget", re.compile(r"^Wget/")),
    ("Python", re.compile(r"python-requests|Python-urllib|aiohttp|httpx", re.I)),
    ("Go", re.compile(r"^Go-http-client/")),
)
OTHER_AGENT = "Other"


class Hit(NamedTuple):
    """What the outermost layer copies from a request and its answer; nothing is parsed yet."""

    started_us: int  # when the request arrived, in microseconds since 1970 (UTC)
    duration_us: int
    request_id: str
    method: str
    path: str
    status: int
    response_bytes: int
    remote_addr: str
    forwarded_for: str | None
    cookie: str | None
    user_agent: str | None
    referer: str | None
    gpc: str | None
    # The answer's body, kept only for listening beacons: their counts feed /metrics.
    body: bytes | None = None


# What the request path keeps of the Cookie and Referer headers (access_log.py): the
# listener cookie of a visitor who has not refused counting, never the session or the CSRF
# token; the referrer's host, never its path, query or user name. Only this reaches the
# spool, the one place where hits are written down before they are records.
# The other strings a hit keeps are cut to what wsgi_text() would read of them, so a huge
# header costs neither memory nor spool space (X-Forwarded-For from its end: addresses.py).
KEPT_PATH_CHARS = MAX_PATH_CHARS * 4
KEPT_HEADER_CHARS = MAX_HEADER_CHARS * 4
KEPT_METHOD_CHARS = MAX_METHOD_CHARS * 4
KEPT_GPC_CHARS = 8
_LISTENER_PREFIX = f"{LISTENER_COOKIE}="
_COUNTING_OFF_PAIR = f"{COUNTING_COOKIE}={COUNTING_OFF}"
_HEX32 = re.compile(r"[0-9a-f]{32}")
_ORIGIN = re.compile(r"[^/?#]{0,32}//(?:[^/?#@]{0,300}@)?([^/?#@]{0,300})")


def _cookie_at(header: str, name_value: str) -> int:
    """Where `name_value` ("name=value…") starts a cookie of the header; -1 if nowhere."""
    at = header.find(name_value)
    while at != -1 and at > 0 and header[at - 1] not in "; ":
        at = header.find(name_value, at + 1)
    return at


def cookies_kept(header: str | None, gpc: str | None) -> str | None:
    """The listener cookie of a Cookie header, as a header of its own; None when there is
    none or the visitor refused counting (the counting cookie, or Global Privacy Control).

    Runs in the request path for every request that has cookies: string searches in C,
    no splitting and no regular expression over the whole header."""
    if not header or LISTENER_COOKIE not in header:
        return None
    if gpc is not None and gpc.strip() == "1":
        return None
    header = header[:MAX_COOKIE_CHARS]
    if _COUNTING_OFF_PAIR in header:
        off = _cookie_at(header, _COUNTING_OFF_PAIR)
        end = off + len(_COUNTING_OFF_PAIR)
        if off != -1 and header[end : end + 1] in ("", ";", " "):
            return None
    at = _cookie_at(header, _LISTENER_PREFIX)
    if at == -1:
        return None
    start = at + len(_LISTENER_PREFIX)
    end = start + 32
    if header[end : end + 1] not in ("", ";", " ") or not _HEX32.fullmatch(header, start, end):
        return None
    return header[at:end]


def referer_origin(header: str | None) -> str | None:
    """A Referer header cut to its scheme and host: "https://host:8000"."""
    if not header:
        return None
    match = _ORIGIN.match(header)
    return f"{header[: header.find('//') + 2]}{match[1]}" if match else None


def wsgi_text(value: str | None, limit: int) -> str:
    """Return a WSGI header or path as text: cut, its bytes decoded as UTF-8 or replaced.

    WSGI hands every header over as latin-1; the bytes behind it may be anything."""
    if not value:
        return ""
    cut = value[: limit * 4]
    return cut.encode("latin-1", "replace").decode("utf-8", "replace")[:limit]


def agent_family(user_agent: str) -> str:
    if not user_agent:
        return ""
    for family, pattern in _AGENT_FAMILIES:
        if pattern.search(user_agent):
            return family
    return OTHER_AGENT


def referrer_host(referer: str) -> str:
    try:
        parts = urlsplit(referer)
        host = parts.hostname if parts.scheme in ("http", "https") else None
    except ValueError:
        return ""
    return (host or "")[:MAX_HOST_CHARS]


def listener_of(cookie: str, *, gpc: str | None) -> UUID | None:
    """Return the listener id of the audience cookie, unless the visitor refused counting."""
    if not cookie or (gpc or "").strip() == "1" or _COUNTING_OFF.search(cookie):
        return None
    match = _LISTENER.search(cookie)
    return UUID(hex=match[1]) if match else None


class Route(NamedTuple):
    name: str
    city_slug: str | None = None
    genre_slug: str | None = None
    genre_id: int | None = None
    track_id: int | None = None


def _whole(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**31 else None


def _stream_track(token: str) -> int | None:
    # <track>-<expires>.<signature>[.<extension>]: the answer's status says whether the
    # signature held, so only the track's number is read here.
    return _whole(token.split(".", 1)[0].split("-", 1)[0])


@lru_cache(maxsize=8192)
def route_of(path: str) -> Route:
    """Return the route name of a path and the catalog keys its URL carries."""
    try:
        match = resolve(path)
    except Resolver404:
        return Route(STATIC if path.startswith(settings.STATIC_URL) else UNMATCHED)
    name = match.view_name
    if name.endswith(".route_not_found"):
        name = "api:not_found"
    kwargs = match.kwargs
    city = kwargs.get("city")
    genre = kwargs.get("genre")
    track = _whole(kwargs.get("track_id"))
    if "token" in kwargs:
        track = _stream_track(str(kwargs["token"]))
    if city is not None and genre is not None:
        return Route(name[:MAX_ROUTE_CHARS], city_slug=str(city), genre_slug=str(genre))
    return Route(
        name[:MAX_ROUTE_CHARS],
        city_slug=None if city is None else str(city),
        genre_id=_whole(genre),
        track_id=track,
    )


class CatalogIds:
    """City and genre ids by the slugs and ids URLs carry, learnt in one read and kept a while.

    A path names a city by its slug and a genre by its id or its city's and its own slug; a
    record stores ids. The catalog changes a few times a week, so one read of two small
    tables every few minutes serves every record written meanwhile."""

    def __init__(self, *, clock=time.monotonic) -> None:
        self.clock = clock
        self.loaded_at: float | None = None
        # Changes at every load: what was worked out from the old ids is out of date.
        self.generation = 0
        self.city_by_slug: dict[str, int] = {}
        self.genre_by_slugs: dict[tuple[str, str], int] = {}
        self.city_of_genre: dict[int, int] = {}
        self._lock = threading.Lock()

    def clear(self) -> None:
        with self._lock:
            self.loaded_at = None
            self.city_by_slug, self.genre_by_slugs, self.city_of_genre = {}, {}, {}

    def _load(self) -> None:
        cities, genres = catalog_keys()
        slug_of_city = {city_id: slug for city_id, slug in cities}
        self.city_by_slug = {slug: city_id for city_id, slug in cities}
        self.genre_by_slugs = {
            (slug_of_city.get(city_id, ""), slug): genre_id for genre_id, slug, city_id in genres
        }
        self.city_of_genre = {genre_id: city_id for genre_id, _slug, city_id in genres}
        self.loaded_at = self.clock()
        self.generation += 1

    def _fresh(self, *, missing: bool) -> None:
        age = None if self.loaded_at is None else self.clock() - self.loaded_at
        if age is None or age > CATALOG_IDS_MAX_AGE or (missing and age > CATALOG_IDS_RETRY):
            with self._lock:
                self._load()

    def ids(self, route: Route) -> tuple[int | None, int | None, int | None]:
        """Return (city, genre, track) ids for a route's keys; None for what it does not name."""
        if route.genre_slug is not None:
            key = (route.city_slug or "", route.genre_slug)
            self._fresh(missing=key not in self.genre_by_slugs)
            genre = self.genre_by_slugs.get(key)
            return self.city_by_slug.get(route.city_slug or ""), genre, None
        if route.city_slug is not None:
            self._fresh(missing=route.city_slug not in self.city_by_slug)
            return self.city_by_slug.get(route.city_slug), None, None
        if route.genre_id is not None:
            self._fresh(missing=route.genre_id not in self.city_of_genre)
            return self.city_of_genre.get(route.genre_id), route.genre_id, None
        return None, None, route.track_id


def record_shape(hit: Hit, *, catalog: CatalogIds) -> dict:
    """Return the fields of a hit's record that follow from its request's strings and status.

    Everything but the time, the request id, the duration and the size: two hits with the
    same path, method, status, addresses, cookie, user agent and referrer share them."""
    path = wsgi_text(hit.path, MAX_PATH_CHARS) or "/"
    route = route_of(path)
    city = genre = track = None
    if hit.status < 400 and route.name != UNMATCHED:
        city, genre, track = catalog.ids(route)
    address = client_address(
        remote_addr=hit.remote_addr,
        forwarded_for=hit.forwarded_for,
        trusted=networks_parse(tuple(settings.TRUSTED_PROXIES)),
    )
    listener = listener_of(wsgi_text(hit.cookie, MAX_COOKIE_CHARS), gpc=hit.gpc)
    return {
        "method": wsgi_text(hit.method, MAX_METHOD_CHARS),
        "route": route.name,
        "path": path,
        "status": hit.status,
        "client_ip": None if address is None else str(address),
        "client_network": "" if address is None else address_network(address),
        "listener": listener,
        "city_id": city,
        "genre_id": genre,
        "track_id": track,
        "user_agent_family": agent_family(wsgi_text(hit.user_agent, MAX_HEADER_CHARS))[
            :MAX_AGENT_FAMILY_CHARS
        ],
        "referrer_host": referrer_host(wsgi_text(hit.referer, MAX_HEADER_CHARS)),
    }


def access_record(hit: Hit, *, catalog: CatalogIds) -> dict:
    """Return the record of a hit: the fields of AccessRecord, ready for the file and table."""
    shape = record_shape(hit, catalog=catalog)
    return {
        "time": EPOCH + timedelta(microseconds=hit.started_us),
        "request_id": hit.request_id,
        "method": shape["method"],
        "route": shape["route"],
        "path": shape["path"],
        "status": shape["status"],
        "duration_us": hit.duration_us,
        "response_bytes": hit.response_bytes,
        **{key: shape[key] for key in SHAPE_TAIL},
    }


# The record's fields after the time, id, method, route, path, status, duration and size.
SHAPE_TAIL = (
    "client_ip",
    "client_network",
    "listener",
    "city_id",
    "genre_id",
    "track_id",
    "user_agent_family",
    "referrer_host",
)
