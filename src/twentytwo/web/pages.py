"""Pages that are the same for every visitor nobody knows, marked so caches may share them.

A request that carries none of the cookies a page depends on (settings.PAGE_COOKIES: the
session, the CSRF token, the language, messages) from a visitor who is not signed in gets
the page anyone would get, so its answer says `public, max-age` for as long as the
catalog API's; it keeps `Vary: Cookie`, so a cache that knows nothing of our cookies still
keeps it apart from a signed-in listener's. Such answers set no cookie (one that would is
not marked). A signed-in listener's page, or one with a page cookie, is `private`.

What a catalog page shows is read from the database at most once in that time per process
(`catalog_read`), for everyone: a signed-in listener's page then costs their session, their
hearts and the drawing of what is theirs, and a rotation reaches every page within the
minute it takes to reach the anonymous pages and the API."""

import functools
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

MAX_READS = 1024
_reads: OrderedDict[tuple, tuple[float, object]] = OrderedDict()
_reads_lock = threading.Lock()


def catalog_read[T](key: tuple, read: Callable[[], T]) -> T:
    """Return what `read()` returned for `key` in the last PAGE_SHARED_SECONDS, or read it.

    What it returns is shared by every request of the process: it must not be changed."""
    now = time.monotonic()
    found = _reads.get(key)
    if found is not None and found[0] > now:
        return found[1]  # type: ignore[return-value]
    value = read()
    with _reads_lock:
        _reads[key] = (now + settings.PAGE_SHARED_SECONDS, value)
        _reads.move_to_end(key)
        while len(_reads) > MAX_READS:
            _reads.popitem(last=False)
    return value


def catalog_reads_forget() -> None:
    with _reads_lock:
        _reads.clear()


def visitor_unknown(request: HttpRequest) -> bool:
    """True when the page for `request` is the one any visitor nobody knows would get."""
    user = getattr(request, "user", None)
    return not any(name in request.COOKIES for name in settings.PAGE_COOKIES) and not (
        user is not None and user.is_authenticated
    )


def shared_when_anonymous(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Mark the view's pages for visitors nobody knows as shareable; see the module's text."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if visitor_unknown(request):
            if response.status_code == 200 and not response.cookies:
                patch_cache_control(response, public=True, max_age=settings.PAGE_SHARED_SECONDS)
        else:
            patch_cache_control(response, private=True)
        return response

    return wrapped
