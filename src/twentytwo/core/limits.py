"""Token buckets: how much a client may do at once, and how fast it earns more.

A bucket holds up to `burst` tokens and refills at `per_second`; an action spends tokens and
is refused when there are not enough. With Redis configured (core/shared.py) a bucket is one
hash in Redis, updated by one script call, so every process and machine spends from the
same bucket; without it, or while Redis does not answer, each process keeps its own
buckets (the limit a client meets is then this one times the number of processes).

The keys are the caller's: a listener id, or a client address through `address_key`, which
keeps addresses themselves out of the store (a keyed hash, gone when the bucket is full
again)."""

from __future__ import annotations

import hashlib
import hmac
import math
import threading
import weakref
from collections import OrderedDict
from dataclasses import dataclass

from django.conf import settings

from twentytwo.core.shared import shared_errors, shared_store

# Buckets kept per process when there is no Redis; the longest idle is forgotten first
# (and starts again with a full bucket).
KEPT_LOCALLY = 200_000

_every_bucket_set: weakref.WeakSet[TokenBuckets] = weakref.WeakSet()

# Spend up to ARGV[4] tokens of the bucket KEYS[1] at time ARGV[3]; answer the tokens
# granted and those left (as text: Redis would cut a number to an integer).
_TAKE = """
local burst, rate, now, wanted, ttl =
  tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local state = redis.call('HMGET', KEYS[1], 't', 'at')
local tokens, at = tonumber(state[1]) or burst, tonumber(state[2]) or now
if now > at then
  tokens = math.min(burst, tokens + (now - at) * rate)
  at = now
end
local granted = math.min(wanted, math.floor(tokens))
tokens = tokens - granted
redis.call('HSET', KEYS[1], 't', tostring(tokens), 'at', tostring(at))
redis.call('EXPIRE', KEYS[1], ttl)
return {granted, tostring(tokens)}
"""


@dataclass(frozen=True)
class Take:
    granted: int
    left: float
    per_second: float

    def retry_after(self, wanted: int = 1) -> int:
        """Whole seconds until `wanted` tokens will be there (at least 1)."""
        missing = wanted - self.left
        if missing <= 0:
            return 1
        if self.per_second <= 0:
            return 86400
        # Rounded to a millisecond first: 19.9999999 s of float arithmetic is 20 s.
        return max(1, math.ceil(round(missing / self.per_second, 3)))


class TokenBuckets:
    def __init__(
        self, name: str, *, burst: int, per_second: float, kept: int = KEPT_LOCALLY
    ) -> None:
        self.name, self.burst, self.per_second, self.kept = name, burst, per_second, kept
        self._local: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()
        self._script = None
        _every_bucket_set.add(self)

    @property
    def ttl(self) -> int:
        """Seconds after which an untouched bucket is full again, and can be forgotten."""
        if self.per_second <= 0:
            return 86400
        return max(1, math.ceil(self.burst / self.per_second)) + 1

    def take(self, key: str, wanted: int, now: float) -> Take:
        """Spend up to `wanted` tokens of `key`'s bucket at `now` (seconds since the epoch)."""
        client = shared_store.client()
        if client is not None:
            try:
                if self._script is None:
                    self._script = client.register_script(_TAKE)
                granted, left = self._script(
                    keys=[f"tt:bucket:{self.name}:{key}"],
                    args=[self.burst, self.per_second, now, wanted, self.ttl],
                    client=client,
                )
            except shared_errors():
                shared_store.failed()
                self._script = None
            else:
                shared_store.answered()
                return Take(granted=int(granted), left=float(left), per_second=self.per_second)
        return self._take_locally(key, wanted, now)

    def _take_locally(self, key: str, wanted: int, now: float) -> Take:
        with self._lock:
            tokens, then = self._local.pop(key, (float(self.burst), now))
            # A clock stepping back refills nothing rather than draining the bucket.
            tokens = min(self.burst, tokens + max(0.0, now - then) * self.per_second)
            granted = max(0, min(wanted, int(tokens)))
            self._local[key] = (tokens - granted, max(now, then))
            while len(self._local) > self.kept:
                self._local.popitem(last=False)
        return Take(granted=granted, left=tokens - granted, per_second=self.per_second)

    def forget(self) -> None:
        """Empty this process's buckets (the shared ones expire by themselves)."""
        with self._lock:
            self._local.clear()


def buckets_forget() -> None:
    """Empty every set of buckets this process keeps (a test's start, a fresh state)."""
    for buckets in list(_every_bucket_set):
        buckets.forget()


def address_key(address: object) -> str:
    """A key for a client address that does not reveal the address to whoever reads Redis."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"limits:{address}".encode(), hashlib.sha256
    ).hexdigest()
    return digest[:24]
