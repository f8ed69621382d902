"""The store shared by every app process and machine: Redis, when TWENTYTWO_REDIS_URL names it.

What lives there (the response cache, the listener budgets, the rate limits) must keep
working when Redis does not answer: each user of it falls back to this process's own copy
and the site goes on, degraded. A failed call marks Redis down for RETRY_SECONDS, so a
stopped Redis costs a request at most one short timeout in that time, not one per call;
/readyz and /metrics say that the site runs degraded.

Without TWENTYTWO_REDIS_URL (the embedded default) every process keeps its own state and
nothing is degraded: that is the configuration, not a fault."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings

if TYPE_CHECKING:
    import redis

# After a failed call, Redis is not asked again for this long.
RETRY_SECONDS = 5.0
# A Redis that does not connect or answer within these is treated as down.
CONNECT_TIMEOUT_SECONDS = 0.25
ANSWER_TIMEOUT_SECONDS = 0.5


@dataclass(frozen=True)
class SharedState:
    configured: bool
    up: bool
    down_since: float | None
    failures: int

    @property
    def degraded(self) -> bool:
        return self.configured and not self.up


class SharedStore:
    """One Redis client per process, and whether Redis answered lately."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._client: redis.Redis | None = None
        self._url: str | None = None
        self._down_since: float | None = None
        self._retry_at = 0.0
        self._failures = 0

    def url(self) -> str:
        return settings.REDIS_URL

    def client(self) -> redis.Redis | None:
        """The client, or None when Redis is not configured or was found down lately."""
        url = self.url()
        if not url:
            return None
        with self._lock:
            if self._down_since is not None and time.monotonic() < self._retry_at:
                return None
            if self._client is None or self._url != url:
                import redis

                self._client = redis.Redis.from_url(
                    url,
                    socket_connect_timeout=CONNECT_TIMEOUT_SECONDS,
                    socket_timeout=ANSWER_TIMEOUT_SECONDS,
                    health_check_interval=30,
                )
                self._url = url
            return self._client

    def failed(self) -> None:
        """Record that a call failed: Redis is down until RETRY_SECONDS have passed."""
        with self._lock:
            self._failures += 1
            if self._down_since is None:
                self._down_since = time.time()
            self._retry_at = time.monotonic() + RETRY_SECONDS

    def answered(self) -> None:
        """Record that a call succeeded: Redis is up."""
        if self._down_since is not None:
            with self._lock:
                self._down_since = None

    def state(self) -> SharedState:
        with self._lock:
            return SharedState(
                configured=bool(self.url()),
                up=self._down_since is None,
                down_since=self._down_since,
                failures=self._failures,
            )

    def forget(self) -> None:
        """Back to a fresh start (for tests that stop and start Redis)."""
        with self._lock:
            self._client, self._url = None, None
            self._down_since, self._retry_at, self._failures = None, 0.0, 0


shared_store = SharedStore()


def shared_errors() -> tuple[type[BaseException], ...]:
    """The exceptions a call to Redis raises when Redis cannot answer."""
    import redis

    return (redis.RedisError, OSError)
