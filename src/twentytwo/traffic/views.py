"""Health, metrics and the operations dashboard.

/healthz and /readyz are for load balancers and answer anyone; /metrics is for Prometheus and
answers staff or clients from TWENTYTWO_INTERNAL_ADDRESSES (the address our trusted proxies
saw, never a header a client wrote); the dashboard is for staff."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from twentytwo.core.addresses import address_in, client_address, networks_parse
from twentytwo.traffic.metrics import exposition, snapshots_merge
from twentytwo.traffic.process_figures import snapshots_of_other_processes
from twentytwo.traffic.request_ids import request_id_acceptable
from twentytwo.traffic.selectors import dashboard, health
from twentytwo.traffic.selectors.health import worker_last_seen
from twentytwo.traffic.spool import spool_backlog
from twentytwo.traffic.writer import access_log_writer

REQUEST_ID_INVALID = "A request id is 8 to 64 letters, digits, dots, dashes or underscores."
DAY, WEEK = timedelta(days=1), timedelta(days=7)
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
    now = timezone.now()
    if writer is not None:
        gauges.append(
            (
                "twentytwo_access_log_records_pending",
                "Access records waiting in this process to be handed over to the loader.",
                {},
                writer.pending,
            )
        )
        backlog = spool_backlog(writer.spool_directory, now=now)
        gauges += [
            (
                "twentytwo_access_log_spool_files",
                "Spool files waiting for the access log's loader.",
                {},
                backlog.files,
            ),
            (
                "twentytwo_access_log_spool_bytes",
                "Bytes waiting in the access log's spool.",
                {},
                backlog.size,
            ),
            (
                "twentytwo_access_log_spool_oldest_seconds",
                "Age of the oldest spool file: how far the access log's table is behind.",
                {},
                backlog.oldest_seconds,
            ),
        ]
    shared = health.shared_store_answers()
    if shared is not None:
        gauges.append(
            (
                "twentytwo_redis_up",
                "1 when Redis answers; 0 means degraded: each process on its own state.",
                {},
                int(shared),
            )
        )
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


class OpsFilter(forms.Form):
    window = forms.ChoiceField(
        choices=[(w.name, w.label) for w in dashboard.WINDOWS.values()],
        required=False,
        widget=forms.RadioSelect,
    )
    request = forms.CharField(label="Request id", required=False, max_length=64)

    def clean_request(self) -> str:
        value = self.cleaned_data["request"].strip()
        if value and not request_id_acceptable(value):
            raise forms.ValidationError(REQUEST_ID_INVALID)
        return value


def _window_bounds(window: dashboard.TimeWindow) -> tuple[datetime, datetime]:
    """Return whole buckets ending with the current one, so every bucket is complete."""
    now = timezone.now().astimezone(UTC)
    if window.bucket >= timedelta(hours=1):
        current = now.replace(minute=0, second=0, microsecond=0)
    else:
        current = now.replace(second=0, microsecond=0)
    end = current + window.bucket
    return end - window.length, end


@require_safe
@staff_member_required
def ops_dashboard(request: HttpRequest) -> HttpResponse:
    """Requests, errors, latencies, streams and what is requested, over a chosen window."""
    data = request.GET.copy()
    data.setdefault("window", dashboard.DEFAULT_WINDOW)
    form = OpsFilter(data)
    if not form.is_valid():
        return render(request, "traffic/ops.html", {"form": form}, status=400)
    window = dashboard.WINDOWS[form.cleaned_data["window"] or dashboard.DEFAULT_WINDOW]
    start, end = _window_bounds(window)
    # A week is read from the hourly rollups; the trend of the last 7 days always is.
    hours = dashboard.hours_for(start=start, end=end)
    week = hours if hours is not None else dashboard.hours_for(start=end - WEEK, end=end)
    latencies = dashboard.route_latencies(start=start, end=end, hours=hours)
    request_id = form.cleaned_data["request"]
    context = {
        "form": form,
        "window": window,
        "windows": dashboard.WINDOWS.values(),
        "start": start,
        "end": end,
        "label_format": "H:i" if window.name != "week" else "D H:i",
        "totals": dashboard.totals(start=start, end=end, hours=hours),
        "points": dashboard.request_series(start=start, end=end, bucket=window.bucket, hours=hours),
        "latencies": latencies,
        "slowest": dashboard.slowest_routes(latencies),
        "server_errors": dashboard.recent_server_errors(start=start, end=end),
        "trends": [
            ("day", "Last 24 hours", dashboard.most_requested(start=end - DAY, end=end)),
            (
                "week",
                "Last 7 days",
                dashboard.most_requested(start=end - WEEK, end=end, hours=week),
            ),
        ],
        "request_id": request_id,
        "found": dashboard.records_by_request_id(request_id) if request_id else None,
        "from_hours": hours is not None,
        "backlog": spool_backlog(Path(settings.ACCESS_LOG_SPOOL_DIR), now=timezone.now()),
    }
    return render(request, "traffic/ops.html", context)
