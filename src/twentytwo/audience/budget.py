"""How many events one listener may send: a token bucket per listener id, per process.

A player sends a start, a ping a minute and a few events when someone pauses, seeks or
skips: a couple of events a minute, a burst when a listener skips through a playlist. A
client sending far more is not a player, and what it sends is dropped before it costs a
write. Budgets are kept per process (each app server worker has its own), so the limit a
client meets is this one times the number of workers; per-address limits belong at the
edge (deploy/nginx.conf), which keeps addresses out of audience code altogether."""

import threading
from collections import OrderedDict
from datetime import datetime
from uuid import UUID

# A listener may send this many events at once...
BURST_EVENTS = 120
# ...and this many more every second after that.
EVENTS_PER_SECOND = 2.0
# Listeners remembered; the longest idle is forgotten first (and starts with a full bucket).
LISTENERS_KEPT = 200_000


class ListenerBudget:
    def __init__(
        self,
        *,
        burst: int = BURST_EVENTS,
        per_second: float = EVENTS_PER_SECOND,
        kept: int = LISTENERS_KEPT,
    ) -> None:
        self.burst, self.per_second, self.kept = burst, per_second, kept
        self._buckets: OrderedDict[UUID, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, listener: UUID, wanted: int, now: datetime) -> int:
        """Spend up to `wanted` events of the listener's budget at `now`; return how many."""
        moment = now.timestamp()
        with self._lock:
            tokens, then = self._buckets.pop(listener, (float(self.burst), moment))
            # A clock stepping back refills nothing rather than draining the bucket.
            tokens = min(self.burst, tokens + max(0.0, moment - then) * self.per_second)
            granted = min(wanted, int(tokens))
            self._buckets[listener] = (tokens - granted, max(moment, then))
            while len(self._buckets) > self.kept:
                self._buckets.popitem(last=False)
        return granted

    def forget(self) -> None:
        with self._lock:
            self._buckets.clear()


beacon_budget = ListenerBudget()
