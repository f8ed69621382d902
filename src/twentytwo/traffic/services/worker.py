"""The task worker's heartbeat: the one write whose only job is to say the worker runs."""

from datetime import datetime

from twentytwo.traffic.models import WorkerHeartbeat
from twentytwo.traffic.selectors.health import HEARTBEAT


def worker_heartbeat_record(*, now: datetime) -> None:
    """Note that the task worker is running now."""
    WorkerHeartbeat.objects.update_or_create(name=HEARTBEAT, defaults={"seen_at": now})
