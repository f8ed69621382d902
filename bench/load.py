"""Drive load with wrk and read back what it measured.

wrk is C and stays light on CPU, which matters when the load generator shares the cores
with the server under test; the CPU it did use is measured too and reported next to the
figures it produced."""

import contextlib
import json
import os
import signal
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from process_stats import ProcessTreeSampler

WRK = "/usr/bin/wrk"
TARGETS_SCRIPT = Path(__file__).resolve().parent / "lua" / "targets.lua"
BEACONS_SCRIPT = Path(__file__).resolve().parent / "lua" / "beacons.lua"
RESULT_MARKER = "BENCH_RESULT "
WRK_THREADS = 2
# A whole track can take seconds under load; wrk's default of 2 s would count it as failed.
WRK_TIMEOUT = "15s"

WRK_NO_RESULT = "wrk printed no result line (exit code {code}); its output ends:\n{output}"


@dataclass(frozen=True)
class LoadResult:
    """What one wrk run measured, plus what the machine spent on it."""

    seconds: float
    requests: int
    bytes: int
    errors: dict[str, int]
    latency_ms: dict[str, float]
    wrk_cpu_seconds: float
    server_cpu_seconds: float
    # Interrupts, mostly the kernel moving the loopback's packets: part of the run's cost.
    interrupt_cpu_seconds: float
    # Every other process that ran meanwhile, this orchestrator included.
    other_cpu_seconds: float
    server_peak_rss: int
    # Beacon runs only: events sent in answered requests, events the app said it accepted,
    # and a few answers that dropped some.
    events: int = 0
    events_accepted: int = 0
    drop_samples: tuple[str, ...] = ()

    @property
    def events_per_second(self) -> float:
        return self.events_accepted / self.seconds if self.seconds else 0.0

    @property
    def server_cpu_ms_per_event(self) -> float:
        return self.server_cpu_seconds * 1000 / self.events if self.events else 0.0

    @property
    def requests_per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def megabytes_per_second(self) -> float:
        return self.bytes / self.seconds / 1e6 if self.seconds else 0.0

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    @property
    def bytes_per_response(self) -> float:
        return self.bytes / self.requests if self.requests else 0.0

    def cpu_share(self, cpu_seconds: float, cores: int) -> float:
        """Return `cpu_seconds` as a share of the machine's CPU time over the run."""
        return cpu_seconds / (self.seconds * cores) if self.seconds else 0.0

    @property
    def server_cpu_ms_per_request(self) -> float:
        return self.server_cpu_seconds * 1000 / self.requests if self.requests else 0.0

    def as_dict(self) -> dict:
        return {
            "seconds": round(self.seconds, 3),
            "requests": self.requests,
            "bytes": self.bytes,
            "requests_per_second": round(self.requests_per_second, 1),
            "megabytes_per_second": round(self.megabytes_per_second, 2),
            "bytes_per_response": round(self.bytes_per_response),
            "errors": self.errors,
            "latency_ms": self.latency_ms,
            "wrk_cpu_seconds": round(self.wrk_cpu_seconds, 3),
            "server_cpu_seconds": round(self.server_cpu_seconds, 3),
            "server_cpu_ms_per_request": round(self.server_cpu_ms_per_request, 3),
            "interrupt_cpu_seconds": round(self.interrupt_cpu_seconds, 3),
            "other_cpu_seconds": round(self.other_cpu_seconds, 3),
            "server_peak_rss_bytes": self.server_peak_rss,
        } | (
            {
                "events": self.events,
                "events_accepted": self.events_accepted,
                "events_per_second": round(self.events_per_second, 1),
                "server_cpu_ms_per_event": round(self.server_cpu_ms_per_event, 4),
                "drop_samples": list(self.drop_samples),
            }
            if self.events
            else {}
        )


def _parse(output: str, code: int) -> dict:
    for line in output.splitlines():
        if line.startswith(RESULT_MARKER):
            return json.loads(line.removeprefix(RESULT_MARKER))
    raise RuntimeError(WRK_NO_RESULT.format(code=code, output=output[-2000:]))


def _wrk_execute(command: list[str], *, server_pid: int, folder: Path) -> LoadResult:
    """Run wrk; measure the server's tree and the machine meanwhile; parse wrk's result."""
    output_file = folder / "wrk.out"
    with output_file.open("wb") as output, ProcessTreeSampler(server_pid) as sampler:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            # wait4 hands back the child's own CPU time along with its exit status.
            _, status, usage = os.wait4(process.pid, 0)
        except BaseException:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            raise
        process.returncode = os.waitstatus_to_exitcode(status)
    parsed = _parse(output_file.read_text(errors="replace"), process.returncode)
    latency = parsed["latency_us"]
    wrk_cpu = usage.ru_utime + usage.ru_stime
    return LoadResult(
        seconds=parsed["duration_us"] / 1e6,
        requests=parsed["requests"],
        bytes=parsed["bytes"],
        errors=parsed["errors"],
        latency_ms={name: round(value / 1000, 2) for name, value in latency.items()},
        wrk_cpu_seconds=wrk_cpu,
        server_cpu_seconds=sampler.cpu_seconds,
        interrupt_cpu_seconds=sampler.machine_interrupt_seconds,
        other_cpu_seconds=max(0.0, sampler.machine_process_seconds - sampler.cpu_seconds - wrk_cpu),
        server_peak_rss=sampler.peak_rss_bytes,
        events=parsed.get("events_sent", 0),
        events_accepted=parsed.get("accepted", 0),
        drop_samples=tuple(parsed.get("samples", ())),
    )


def _wrk_command(*, connections: int, seconds: float, script: Path, base_url: str) -> list[str]:
    return [
        WRK,
        f"--threads={min(WRK_THREADS, connections)}",
        f"--connections={connections}",
        f"--duration={max(1, round(seconds))}s",
        f"--timeout={WRK_TIMEOUT}",
        f"--script={script}",
        base_url,
        "--",
    ]


def wrk_run(
    *,
    base_url: str,
    targets: list[tuple[str, int]],
    connections: int,
    seconds: float,
    server_pid: int,
    range_bytes: int = 0,
    unique_query: bool = False,
    headers: dict[str, str] | None = None,
) -> LoadResult:
    """Load `base_url` with GETs of random `targets` (path, size) for `seconds`.

    With `range_bytes`, each request asks for a random window of that many bytes inside the
    target; with `unique_query`, each request has a query string no other has. The summed
    RSS and CPU time of `server_pid` and its children are measured too; `headers` go with
    every request (a signed-in listener's cookie)."""
    with tempfile.TemporaryDirectory(prefix="bench-wrk-") as folder:
        targets_file = Path(folder) / "targets.txt"
        targets_file.write_text("".join(f"{path} {size}\n" for path, size in targets))
        command = _wrk_command(
            connections=connections, seconds=seconds, script=TARGETS_SCRIPT, base_url=base_url
        )
        # wrk's own options go before the URL; what follows `--` is the script's.
        at = command.index(base_url)
        command[at:at] = [f"--header={name}: {value}" for name, value in (headers or {}).items()]
        command += [str(targets_file), str(range_bytes)]
        if unique_query:
            command.append("unique")
        return _wrk_execute(command, server_pid=server_pid, folder=Path(folder))


def wrk_beacons_run(
    *,
    base_url: str,
    placements: list[tuple[int, int, float]],
    batch: int,
    connections: int,
    seconds: float,
    server_pid: int,
) -> LoadResult:
    """POST batches of `batch` ping events for random (genre, track, duration) `placements`
    to /api/events for `seconds`, each request from a new listener, each event a new id."""
    with tempfile.TemporaryDirectory(prefix="bench-wrk-") as folder:
        placements_file = Path(folder) / "placements.txt"
        placements_file.write_text(
            "".join(f"{genre} {track} {duration}\n" for genre, track, duration in placements)
        )
        command = _wrk_command(
            connections=connections, seconds=seconds, script=BEACONS_SCRIPT, base_url=base_url
        )
        command += [str(placements_file), str(batch), base_url]
        return _wrk_execute(command, server_pid=server_pid, folder=Path(folder))
