"""The access log's cost: `GET /api/genres/{genre}/tracks` through the whole WSGI
application with the site's access log on and off, in the same run.

Two app servers as `make demo` runs them, each on its own copy of one throwaway catalog
(bench/audience_db.py), one with TWENTYTWO_ACCESS_LOG=false; measured in turn ROUNDS times,
off then on in one round and on then off in the next (a machine that slows down or speeds
up during the run favours neither), and compared by the median of each. Two loads:

- cached: wrk repeats the genres' paths, as listeners' players do, and the shared response
  cache answers most of them: what a deployment sees, and where the log's share is largest;
- uncached: every request has a query string of its own, so Django answers each one.

Beside the throughput, the servers' own CPU time per request is printed (the loader's
included): on a machine where other work competes for the cores (column 'other') it is the
steadier of the two figures.

The access log's loader runs at the lowest CPU priority, so under this load, which keeps
both cores busy, it takes little and the spool grows. After the runs the bench waits for
it to empty and reports how much was waiting, how long it took and the loader's CPU time
per record: what the log costs in all, paid when the machine has time. Then the log-on
server is stopped and its table is counted against the requests it answered; /metrics says
whether any record was lost."""

import json
import os
import sqlite3
import statistics
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import audience
import load
import process_stats
import report
import servers
import targets

CACHED = "tracks API, cached"
UNCACHED = "tracks API, uncached"
CONNECTIONS = 32
ROUNDS = int(os.environ.get("BENCH_TRAFFIC_ROUNDS", "5"))
LOG_ON, LOG_OFF = "log on", "log off"
# The budget: the access log may cost at most a tenth of the throughput.
TARGET_RATIO = 0.9
# How long the bench waits for the loader to empty the spool after the runs.
DRAIN_TIMEOUT_SECONDS = 600.0


@dataclass
class TrafficResults:
    measurements: list[report.Measurement]
    ratios: dict[str, float]  # scenario -> median req/s log on / log off
    records_stored: int
    requests_answered: int
    records_lost: dict[str, float]
    failures: list[str]
    backlog: "Backlog"


@dataclass
class Backlog:
    """The loader's work after the runs: what waited, how long it took, its CPU time."""

    spool_files: int
    spool_bytes: int
    drain_seconds: float
    loader_cpu_seconds: float


def _spool(var_dir: Path) -> tuple[int, int]:
    spool = var_dir / "log" / "spool"
    found = [*spool.glob("*.hits"), *spool.glob("*.filed")]
    return len(found), sum(p.stat().st_size for p in found if p.exists())


def _loader_pid(server) -> int | None:
    for pid in process_stats.process_tree(server.pid):
        try:
            if b"traffic_loader" in Path(f"/proc/{pid}/cmdline").read_bytes():
                return pid
        except OSError:
            continue
    return None


def _drain(server, var_dir: Path) -> Backlog:
    """Wait for the spool to empty; return what waited and what the loader spent in all."""
    files, size = _spool(var_dir)
    started = time.monotonic()
    # Twice: the workers hand over what they still hold within a flush interval (1 s).
    for _ in range(2):
        while _spool(var_dir)[0] and time.monotonic() - started < DRAIN_TIMEOUT_SECONDS:
            time.sleep(0.2)
        time.sleep(1.5)
    drained = time.monotonic() - started - 3.0
    pid = _loader_pid(server)
    cpu = process_stats.tree_cpu_seconds([pid]) if pid is not None else 0.0
    return Backlog(files, size, drained, cpu)


def _metrics(url: str) -> dict[str, float]:
    with urllib.request.urlopen(url + "/metrics", timeout=30) as response:
        text = response.read().decode()
    found = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            found[name] = float(value)
    return found


def _measure(server, paths, *, scenario: str, seconds: float, warmup: float, role: str):
    common = {
        "base_url": server.url,
        "targets": paths,
        "connections": CONNECTIONS,
        "server_pid": server.pid,
        "unique_query": scenario == UNCACHED,
    }
    if warmup > 0:
        load.wrk_run(seconds=warmup, **common)
    result = load.wrk_run(seconds=seconds, **common)
    print(
        f"  {scenario:<22}{server.name:<10}{result.requests_per_second:>9.0f} req/s",
        flush=True,
    )
    return report.Measurement(
        scenario=scenario, server=server.name, role=role, connections=CONNECTIONS, result=result
    )


def traffic_run(workdir: Path, *, seconds: float, warmup: float) -> TrafficResults:
    template = workdir / "traffic-template"
    template.mkdir()
    placements = audience._helper("catalog", template)["placements"]
    genres = sorted({genre for genre, _track, _duration in placements})
    measurements: list[report.Measurement] = []
    failures: list[str] = []
    on_dir = audience._var_dir_copy(template, workdir / "traffic-on")
    off_dir = audience._var_dir_copy(template, workdir / "traffic-off")
    internal = {"TWENTYTWO_INTERNAL_ADDRESSES": "127.0.0.1"}
    with (
        servers.app_server(workdir, var_dir=on_dir, extra_env=internal, name=LOG_ON) as on,
        servers.app_server(
            workdir, var_dir=off_dir, extra_env={"TWENTYTWO_ACCESS_LOG": "false"}, name=LOG_OFF
        ) as off,
    ):
        paths = [(f"/api/genres/{genre}/tracks", 0) for genre in genres]
        for server in (on, off):
            targets.response_check(server.url + paths[0][0])
        print(
            f"measuring the access log: {ROUNDS} rounds of log off then on, 2 loads,"
            f" {seconds:g} s each (+{warmup:g} s warm-up)",
            flush=True,
        )
        for scenario in (CACHED, UNCACHED):
            for round_number in range(ROUNDS):
                pair = ((off, "baseline"), (on, "app"))
                for server, role in pair if round_number % 2 == 0 else pair[::-1]:
                    measurements.append(
                        _measure(
                            server, paths, scenario=scenario, seconds=seconds, warmup=warmup,
                            role=role,
                        )
                    )  # fmt: skip
        backlog = _drain(on, on_dir)
        found = _metrics(on.url)
        lost = {
            key.split('"')[1]: value
            for key, value in found.items()
            if key.startswith("twentytwo_access_log_records_lost_total")
        }
        answered = sum(
            value for key, value in found.items() if key.startswith("twentytwo_http_requests_total")
        )
    # The log-on server has stopped: its workers wrote what they still held.
    with sqlite3.connect(on_dir / "twentytwo.sqlite3") as database:
        (stored,) = database.execute("SELECT COUNT(*) FROM traffic_accessrecord").fetchone()
    ratios = {}
    for scenario in (CACHED, UNCACHED):
        side = {
            role: statistics.median(
                row.result.requests_per_second
                for row in measurements
                if row.scenario == scenario and row.role == role
            )
            for role in ("app", "baseline")
        }
        ratios[scenario] = side["app"] / side["baseline"] if side["baseline"] else 0.0
        if any(row.result.error_count for row in measurements if row.scenario == scenario):
            failures.append(scenario)
    if any(lost.values()):
        failures.append("access log lost records")
    if _spool(on_dir)[0]:
        failures.append("the access log's spool was not emptied")
    return TrafficResults(measurements, ratios, stored, int(answered), lost, failures, backlog)


def verdicts(results: TrafficResults) -> list[report.Verdict]:
    return [
        report.Verdict(
            f"{scenario} req/s, log on / off", results.ratios.get(scenario), "x", TARGET_RATIO
        )
        for scenario in (CACHED, UNCACHED)
    ]


def summary(results: TrafficResults) -> str:
    lines = []
    for scenario in (CACHED, UNCACHED):
        rows = [row for row in results.measurements if row.scenario == scenario]
        for role, label in (("baseline", LOG_OFF), ("app", LOG_ON)):
            rates = [f"{r.result.requests_per_second:.0f}" for r in rows if r.role == role]
            median = statistics.median(r.result.requests_per_second for r in rows if r.role == role)
            lines.append(
                f"{scenario:<22}{label:<9} median {median:>7.0f} req/s  ({', '.join(rates)})"
            )
        ratio = results.ratios[scenario]
        lines.append(f"{'':<22}on / off {ratio:.3f}  (loss {1 - ratio:.1%})")
        cpu = {
            role: statistics.median(
                r.result.server_cpu_ms_per_request * 1000 for r in rows if r.role == role
            )
            for role in ("baseline", "app")
        }
        lines.append(
            f"{'':<22}server CPU per request: off {cpu['baseline']:.1f} µs, on {cpu['app']:.1f} µs"
            f" (+{cpu['app'] - cpu['baseline']:.1f} µs)"
        )
    backlog = results.backlog
    per_record = (
        backlog.loader_cpu_seconds * 1e6 / results.records_stored if results.records_stored else 0
    )
    lines.append(
        f"the loader (lowest CPU priority): {backlog.spool_files:,} spool files"
        f" ({backlog.spool_bytes / 1e6:.1f} MB) waited at the end of the runs and were loaded"
        f" {backlog.drain_seconds:.1f} s later; its CPU time in all"
        f" {backlog.loader_cpu_seconds:.1f} s, {per_record:.1f} µs a record"
    )
    lines.append(
        f"records in the log-on server's table: {results.records_stored:,};"
        f" requests it counted on /metrics: {results.requests_answered:,} (the /metrics"
        f" request itself is written after it answers); lost: {json.dumps(results.records_lost)}"
    )
    return "\n".join(lines)


def as_dict(results: TrafficResults) -> dict:
    return {
        "connections": CONNECTIONS,
        "rounds": ROUNDS,
        "measurements": [row.as_dict() for row in results.measurements],
        "ratios": {k: round(v, 4) for k, v in results.ratios.items()},
        "records_stored": results.records_stored,
        "requests_answered": results.requests_answered,
        "records_lost": results.records_lost,
        "failures": results.failures,
        "backlog": results.backlog.__dict__,
    }
