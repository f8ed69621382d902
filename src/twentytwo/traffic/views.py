"""Health, metrics and the operations dashboard.

/healthz and /readyz are for load balancers and answer anyone; /metrics is for Prometheus and
answers staff or clients from TWENTYTWO_INTERNAL_ADDRESSES (the address our trusted proxies
saw, never a header a client wrote); the dashboard is for staff."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe

from twentytwo.traffic import health
from twentytwo.traffic.addresses import address_in, client_address, networks_parse
from twentytwo.traffic.metrics import exposition, snapshots_merge
from twentytwo.traffic.process_figures import snapshots_of_other_processes
from twentytwo.traffic.selectors import worker_last_seen
from twentytwo.traffic.writer import access_log_writer

METRICS_FORBIDDEN = "Metrics are for staff and for the configured internal addresses.\n"
PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8"
PLAIN_TEXT = "text/plain; charset=utf-8"


def _plain(text: str, *, status: int = 200, content_type: str = PLAIN_TEXT) -> HttpResponse:
    response = HttpResponse(text, status=status, content_type=content_type)
    response["Cache-Control"] = "no-store"
    return response


@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """Say that the process is up; nothing else is asked."""
    return _plain("ok\n")


@require_safe
def readyz(request: HttpRequest) -> HttpResponse:
    """Say whether the database answers and the task worker was seen lately; 503 if not."""
    state = health.readiness()
    lines = [*state.problems, *state.notes]
    return _plain("\n".join(lines) + "\n", status=200 if state.ready else 503)


def request_is_internal(request: HttpRequest) -> bool:
    """True when the client (as our trusted proxies saw it) is an internal address."""
    if not settings.INTERNAL_ADDRESSES:
        return False
    address = client_address(
        remote_addr=request.META.get("REMOTE_ADDR", ""),
        forwarded_for=request.META.get("HTTP_X_FORWARDED_FOR"),
        trusted=networks_parse(tuple(settings.TRUSTED_PROXIES)),
    )
    return address_in(address, networks_parse(tuple(settings.INTERNAL_ADDRESSES)))


def _gauges() -> list[tuple[str, str, dict, float]]:
    gauges = []
    writer = access_log_writer()
    if writer is not None:
        gauges.append(
            (
                "twentytwo_access_log_records_pending",
                "Access records waiting to be written in this process.",
                {},
                writer.pending,
            )
        )
    now = timezone.now()
    up = health.database_answers() is None
    gauges.append(("twentytwo_database_up", "1 when the database answers.", {}, int(up)))
    if not up:
        return gauges
    for state, count in health.task_queue_depth(now=now).items():
        gauges.append(
            (
                "twentytwo_task_queue_depth",
                "Tasks in the queue: due (ready), waiting for later (scheduled), running.",
                {"state": state},
                count,
            )
        )
    seen = worker_last_seen()
    if seen is not None:
        gauges.append(
            (
                "twentytwo_task_worker_last_seen_seconds",
                "Seconds since the task worker last ran the heartbeat task.",
                {},
                round((now - seen).total_seconds(), 3),
            )
        )
    return gauges


@require_safe
def metrics(request: HttpRequest) -> HttpResponse:
    """The site's figures in Prometheus' text format, added up over the server's processes."""
    if not (request.user.is_active and request.user.is_staff) and not request_is_internal(request):
        return _plain(METRICS_FORBIDDEN, status=403)
    writer = access_log_writer()
    snapshots = snapshots_of_other_processes(Path(settings.METRICS_DIR))
    if writer is not None:
        snapshots.append(writer.counters.snapshot())
    text = exposition(snapshots_merge(snapshots), gauges=_gauges())
    return _plain(text, content_type=PROMETHEUS_TEXT)
