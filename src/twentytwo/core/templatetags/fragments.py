"""`{% shared_fragment "name" value ... %}…{% endshared_fragment %}`: a part of a page drawn
once for everyone who asks for the same values in the same language and time zone, and
kept a minute.

The rows of a playlist are most of a page's drawing (22 rows, each with addresses to
reverse and a stream URL to sign), and they are the same for every listener but for their
hearts. The block is drawn without the request or the user in its context, as for a visitor
nobody knows, and kept in this process under a digest of the values it names: for a model
instance its fields, its annotations and the related rows fetched with it. Any change to
what the block shows is a new key, so nothing stale is drawn; the installed apps'
personalisers (core/site_parts.py) then make the drawing this visitor's. A drawing is kept
PAGE_SHARED_SECONDS at most: the signed stream URLs in it stay valid for hours.

The values a page passes are most often the very objects of the last request (web/pages.py
reads the catalog once a minute), so a value's digest is kept with the value itself for
that long, and found again by identity."""

import hashlib
import threading
import time
from collections import OrderedDict
from operator import itemgetter

from django import template
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Model
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import get_current_timezone_name
from django.utils.translation import get_language

from twentytwo.core.site_parts import page_parts

register = template.Library()
MAX_FRAGMENTS = 512
NAME_MISSING = "shared_fragment needs a name, then the values the block shows."


def fingerprint(value) -> object:
    """Return a plain, comparable picture of `value`: what a drawing of it depends on."""
    if isinstance(value, Model):
        own = sorted(
            ((name, repr(field)) for name, field in vars(value).items() if name[0] != "_"),
            key=itemgetter(0),
        )
        related = sorted(
            ((name, fingerprint(row)) for name, row in value._state.fields_cache.items()),
            key=itemgetter(0),
        )
        return (value._meta.label, tuple(own), tuple(related))
    if isinstance(value, list | tuple):
        return tuple(fingerprint(item) for item in value)
    return repr(value)


class _Digests:
    """Digests of values seen lately, by identity; each kept with its value, so that no
    other object can take its id while the digest is kept."""

    def __init__(self, max_entries: int = MAX_FRAGMENTS) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[int, tuple[object, float, str]] = OrderedDict()
        self._lock = threading.Lock()

    def digest(self, values: list, now: float) -> str:
        parts = []
        for value in values:
            found = self._entries.get(id(value))
            if found is not None and found[0] is value and found[1] > now:
                parts.append(found[2])
                continue
            digest = hashlib.blake2b(repr(fingerprint(value)).encode(), digest_size=16)
            parts.append(digest.hexdigest())
            with self._lock:
                self._entries[id(value)] = (value, now + settings.PAGE_SHARED_SECONDS, parts[-1])
                while len(self._entries) > self.max_entries:
                    self._entries.popitem(last=False)
        return ".".join(parts)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


class _Drawings:
    """The drawings this process keeps: a bounded LRU whose entries expire."""

    def __init__(self, max_entries: int = MAX_FRAGMENTS) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[str, tuple[float, str]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str, now: float) -> str | None:
        found = self._entries.get(key)
        return found[1] if found is not None and found[0] > now else None

    def put(self, key: str, html: str, expires: float) -> None:
        with self._lock:
            self._entries[key] = (expires, html)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


drawings = _Drawings()
digests = _Digests()


def fragments_forget() -> None:
    """Forget every drawing and digest (tests: ids and rows are reused between them)."""
    drawings.clear()
    digests.clear()


class SharedFragmentNode(template.Node):
    def __init__(self, name, values, nodelist) -> None:
        self.name, self.values, self.nodelist = name, values, nodelist

    def render(self, context) -> SafeString:
        name = self.name.resolve(context)
        now = time.monotonic()
        values = digests.digest([value.resolve(context) for value in self.values], now)
        key = f"{name}|{get_language()}|{get_current_timezone_name()}|{values}"
        html = drawings.get(key, now)
        if html is None:
            with context.push(request=None, user=AnonymousUser()):
                html = self.nodelist.render(context)
            drawings.put(key, html, now + settings.PAGE_SHARED_SECONDS)
        request = context.get("request")
        if request is not None:
            for personalise in page_parts().personalisers:
                html = personalise(request, html)
        return mark_safe(html)  # noqa: S308 (drawn by the template engine, autoescaped)


@register.tag
def shared_fragment(parser, token) -> SharedFragmentNode:
    bits = token.split_contents()[1:]
    if not bits:
        raise template.TemplateSyntaxError(NAME_MISSING)
    nodelist = parser.parse(("endshared_fragment",))
    parser.delete_first_token()
    return SharedFragmentNode(
        parser.compile_filter(bits[0]), [parser.compile_filter(bit) for bit in bits[1:]], nodelist
    )
