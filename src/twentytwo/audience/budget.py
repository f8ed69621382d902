"""How many events one listener may send: a token bucket per listener id.

A player sends a start, a ping a minute and a few events when someone pauses, seeks or
skips: a couple of events a minute, a burst when a listener skips through a playlist. A
client sending far more is not a player, and what it sends is dropped before it costs a
write. With Redis configured the buckets are shared by every app process and machine
(core/limits.py); without it each process keeps its own. How many listener ids one client
can take is held at the edge of the app, per address (settings.ADDRESS_LIMITS), which
keeps addresses out of audience code altogether."""

from datetime import datetime
from uuid import UUID

from twentytwo.core.limits import KEPT_LOCALLY, TokenBuckets

# A listener may send this many events at once...
BURST_EVENTS = 120
# ...and this many more every second after that.
EVENTS_PER_SECOND = 2.0


class ListenerBudget:
    def __init__(
        self,
        *,
        burst: int = BURST_EVENTS,
        per_second: float = EVENTS_PER_SECOND,
        kept: int = KEPT_LOCALLY,
    ) -> None:
        self._buckets = TokenBuckets(
            f"listener:{burst}:{per_second:g}", burst=burst, per_second=per_second, kept=kept
        )

    def take(self, listener: UUID, wanted: int, now: datetime) -> int:
        """Spend up to `wanted` events of the listener's budget at `now`; return how many."""
        return self._buckets.take(listener.hex, wanted, now.timestamp()).granted

    def forget(self) -> None:
        self._buckets.forget()


beacon_budget = ListenerBudget()
