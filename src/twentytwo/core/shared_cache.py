"""Django's Redis cache, falling back to this process's memory while Redis does not answer.

The cache holds what can be rebuilt (rendered answers, counters of limits): losing it for a
while costs work, never data. So a Redis that is stopped or unreachable must not turn into
500s: each call that fails is answered from a local LocMemCache instead, and Redis is left
alone for a few seconds (core/shared.py) before it is asked again."""

from __future__ import annotations

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache

from twentytwo.core.shared import shared_errors, shared_store

LOCAL_ENTRIES = 5000


def _guarded(name: str):
    def call(self, *args, **kwargs):
        if shared_store.client() is not None:
            try:
                answer = getattr(RedisCache, name)(self, *args, **kwargs)
            except shared_errors():
                shared_store.failed()
            else:
                shared_store.answered()
                return answer
        return getattr(self._local, name)(*args, **kwargs)

    call.__name__ = name
    return call


class SharedRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._local = LocMemCache(f"local-{server}", {"OPTIONS": {"MAX_ENTRIES": LOCAL_ENTRIES}})

    add = _guarded("add")
    get = _guarded("get")
    set = _guarded("set")
    touch = _guarded("touch")
    delete = _guarded("delete")
    get_many = _guarded("get_many")
    has_key = _guarded("has_key")
    incr = _guarded("incr")
    set_many = _guarded("set_many")
    delete_many = _guarded("delete_many")
    clear = _guarded("clear")
