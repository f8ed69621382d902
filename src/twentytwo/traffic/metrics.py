"""The figures /metrics reports, counted per process as the access log's records pass by.

Counts are taken by the loader from the records it makes (loader.py), never in the request
path; an app server's process counts only the records it could not hand over. Listening
beacons are counted from the answers of POST /api/events, which say how many events were
accepted and why the others were dropped: the audience app is not asked, and a beacon's
content is not read here (DESIGN.md, walls 1 and 3)."""

from __future__ import annotations

import json
import os
import threading
from collections import Counter

# Upper bounds of the latency histogram, in seconds (Prometheus' `le`).
DURATION_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
OTHER_METHOD = "other"
EVENTS_ROUTE = "api:events"
# Where a record can be lost: the process's buffer was full, the spool could not take it
# (a full disk, or past its limit), or the file or the table refused it.
SINK_BUFFER, SINK_SPOOL, SINK_FILE, SINK_TABLE = "buffer", "spool", "file", "table"
SINKS_LOSING = (SINK_BUFFER, SINK_SPOOL, SINK_FILE, SINK_TABLE)
MAX_DROP_REASON_CHARS = 32


class Counters:
    """Request counts, latency histograms, bytes, beacon events and lost records."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.requests: Counter = Counter()  # (route, method, status)
        self.buckets: dict[tuple[str, str], list[int]] = {}  # (route, status) -> per bucket
        self.duration_sum: Counter = Counter()  # (route, status) -> seconds
        self.response_bytes: Counter = Counter()  # route
        self.events_accepted = 0
        self.events_dropped: Counter = Counter()  # reason
        self.records_lost: Counter = Counter()  # sink
        self.records_written: Counter = Counter()  # sink
        self.spool_files_rejected = 0

    def count_batch(self, batch) -> None:
        """Add a written batch's tallies (batches.Batch) to the counts."""
        with self._lock:
            for shape, tally in batch.tallies.items():
                code = str(shape.status)
                requests, microseconds, size = tally[0], tally[1], tally[2]
                self.requests[(shape.route, shape.method, code)] += requests
                counts = self.buckets.get((shape.route, code))
                if counts is None:
                    counts = self.buckets[(shape.route, code)] = [0] * (len(DURATION_BUCKETS) + 1)
                for i, n in enumerate(tally[3:]):
                    counts[i] += n
                self.duration_sum[(shape.route, code)] += microseconds / 1_000_000
                self.response_bytes[shape.route] += size
            for body in batch.beacon_answers:
                self._observe_beacon_answer(body)

    def _observe_beacon_answer(self, body: bytes) -> None:
        try:
            answer = json.loads(body)
            accepted = answer["accepted"]
            dropped = answer["dropped"]
        except (ValueError, TypeError, KeyError):
            return
        if isinstance(accepted, int):
            self.events_accepted += accepted
        if isinstance(dropped, dict):
            for reason, count in dropped.items():
                if isinstance(count, int):
                    self.events_dropped[str(reason)[:MAX_DROP_REASON_CHARS]] += count

    def lose(self, sink: str, count: int) -> None:
        with self._lock:
            self.records_lost[sink] += count

    def lost_total(self) -> int:
        with self._lock:
            return sum(self.records_lost.values())

    def reject_spool_file(self) -> None:
        with self._lock:
            self.spool_files_rejected += 1

    def wrote(self, sink: str, count: int) -> None:
        with self._lock:
            self.records_written[sink] += count

    def snapshot(self) -> dict:
        """Return every figure as plain JSON values (what another process can read back)."""
        with self._lock:
            return {
                "requests": [[*key, n] for key, n in self.requests.items()],
                "durations": [
                    [route, status, list(counts), self.duration_sum[(route, status)]]
                    for (route, status), counts in self.buckets.items()
                ],
                "response_bytes": dict(self.response_bytes),
                "events_accepted": self.events_accepted,
                "events_dropped": dict(self.events_dropped),
                "records_lost": dict(self.records_lost),
                "records_written": dict(self.records_written),
                "spool_files_rejected": self.spool_files_rejected,
            }


def snapshots_merge(snapshots: list[dict]) -> dict:
    """Add up the snapshots of several processes into one of the same shape."""
    requests: Counter = Counter()
    durations: dict[tuple[str, str], list] = {}
    sums: Counter = Counter()
    merged: dict[str, Counter] = {
        name: Counter()
        for name in ("response_bytes", "events_dropped", "records_lost", "records_written")
    }
    accepted = rejected = 0
    for snapshot in snapshots:
        for route, method, status, n in snapshot.get("requests", []):
            requests[(route, method, status)] += n
        for route, status, counts, total in snapshot.get("durations", []):
            known = durations.setdefault((route, status), [0] * (len(DURATION_BUCKETS) + 1))
            for i, n in enumerate(counts[: len(known)]):
                known[i] += n
            sums[(route, status)] += total
        for name, counter in merged.items():
            counter.update(snapshot.get(name, {}))
        accepted += snapshot.get("events_accepted", 0)
        rejected += snapshot.get("spool_files_rejected", 0)
    return {
        "requests": [[*key, n] for key, n in requests.items()],
        "durations": [[r, s, counts, sums[(r, s)]] for (r, s), counts in durations.items()],
        **{name: dict(counter) for name, counter in merged.items()},
        "events_accepted": accepted,
        "spool_files_rejected": rejected,
    }


def _label(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _labels(**labels: str) -> str:
    return "{" + ",".join(f'{name}="{_label(str(v))}"' for name, v in labels.items()) + "}"


def _number(value: float) -> str:
    return repr(float(value)) if isinstance(value, float) else str(value)


def exposition(figures: dict, *, gauges: list[tuple[str, str, dict, float]]) -> str:
    """Return the figures in Prometheus' text format (version 0.0.4).

    `gauges` are (name, help, labels, value) read at the moment of the scrape."""
    lines: list[str] = []

    def family(name: str, kind: str, help_text: str) -> None:
        lines.append(f"# HELP {name} {help_text}")
        lines.append(f"# TYPE {name} {kind}")

    family("twentytwo_http_requests_total", "counter", "Requests answered, by route and status.")
    for route, method, status, n in sorted(figures["requests"]):
        labels = _labels(route=route, method=method, status=status)
        lines.append(f"twentytwo_http_requests_total{labels} {n}")

    name = "twentytwo_http_request_duration_seconds"
    family(name, "histogram", "Time from the request's arrival to its answer's last byte.")
    for route, status, counts, total in sorted(figures["durations"]):
        cumulative = 0
        for bound, n in zip((*DURATION_BUCKETS, "+Inf"), counts, strict=True):
            cumulative += n
            le = bound if bound == "+Inf" else _number(float(bound))
            lines.append(f"{name}_bucket{_labels(route=route, status=status, le=le)} {cumulative}")
        lines.append(f"{name}_sum{_labels(route=route, status=status)} {_number(float(total))}")
        lines.append(f"{name}_count{_labels(route=route, status=status)} {cumulative}")

    family("twentytwo_http_response_bytes_total", "counter", "Bytes of answers, by route.")
    for route, n in sorted(figures["response_bytes"].items()):
        lines.append(f"twentytwo_http_response_bytes_total{_labels(route=route)} {n}")

    family(
        "twentytwo_listening_events_accepted_total",
        "counter",
        "Listening events POST /api/events accepted.",
    )
    lines.append(f"twentytwo_listening_events_accepted_total {figures['events_accepted']}")
    family(
        "twentytwo_listening_events_dropped_total",
        "counter",
        "Listening events POST /api/events dropped, by reason.",
    )
    for reason, n in sorted(figures["events_dropped"].items()):
        lines.append(f"twentytwo_listening_events_dropped_total{_labels(reason=reason)} {n}")

    family(
        "twentytwo_access_log_records_lost_total",
        "counter",
        "Access records not written: the buffer or the spool was full, or the file or the table"
        " failed.",
    )
    for sink in SINKS_LOSING:
        n = figures["records_lost"].get(sink, 0)
        lines.append(f"twentytwo_access_log_records_lost_total{_labels(sink=sink)} {n}")
    family(
        "twentytwo_access_log_records_written_total", "counter", "Access records written, by sink."
    )
    for sink in (SINK_FILE, SINK_TABLE):
        n = figures["records_written"].get(sink, 0)
        lines.append(f"twentytwo_access_log_records_written_total{_labels(sink=sink)} {n}")
    family(
        "twentytwo_access_log_spool_files_rejected_total",
        "counter",
        "Spool files the loader could not read and set aside.",
    )
    lines.append(
        f"twentytwo_access_log_spool_files_rejected_total {figures['spool_files_rejected']}"
    )

    seen: set[str] = set()
    for gauge, help_text, labels, value in gauges:
        if gauge not in seen:
            family(gauge, "gauge", help_text)
            seen.add(gauge)
        lines.append(f"{gauge}{_labels(**labels) if labels else ''} {_number(value)}")
    return "\n".join(lines) + "\n"


_process_counters = Counters()


def process_counters() -> Counters:
    """This process's counters, shared by its writer and its loader (if it runs one)."""
    return _process_counters


def _fresh_counters_after_fork() -> None:
    # A forked process counts from nothing: the parent's counts are the parent's.
    global _process_counters
    _process_counters = Counters()


os.register_at_fork(after_in_child=_fresh_counters_after_fork)
