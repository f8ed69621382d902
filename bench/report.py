"""Print the results as a table with the targets, and keep them as JSON."""

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from load import LoadResult

MB = 1e6


@dataclass(frozen=True)
class Measurement:
    """One load run: which scenario, against which server, and what wrk measured."""

    scenario: str
    server: str
    role: str  # "app" or "baseline"
    connections: int
    result: LoadResult

    def as_dict(self) -> dict:
        return {
            "scenario": self.scenario,
            "server": self.server,
            "role": self.role,
            "connections": self.connections,
            **self.result.as_dict(),
        }


@dataclass(frozen=True)
class Verdict:
    """A figure held against its target."""

    name: str
    value: float | None  # None when the measurements behind it were skipped
    unit: str
    target: float | None
    higher_is_better: bool = True

    @property
    def passed(self) -> bool | None:
        if self.target is None or self.value is None:
            return None
        return self.value >= self.target if self.higher_is_better else self.value <= self.target

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "value": None if self.value is None else round(self.value, 3),
            "unit": self.unit,
            "target": self.target,
            "comparison": ">=" if self.higher_is_better else "<=",
            "passed": self.passed,
        }


def _errors_text(errors: dict[str, int]) -> str:
    wrong = {name: count for name, count in errors.items() if count}
    return ", ".join(f"{name} {count}" for name, count in wrong.items()) or "0"


def measurements_table(measurements: list[Measurement], *, cores: int) -> str:
    header = (
        f"{'measurement':<22}{'server':<10}{'conns':>6}{'req/s':>10}{'MB/s':>9}"
        f"{'p50 ms':>8}{'p99 ms':>8}{'B/resp':>9}{'RSS MB':>7}{'srv CPU':>8}{'ms/req':>7}"
        f"{'wrk CPU':>8}{'irq':>5}{'other':>6}  errors"
    )
    lines = [header, "-" * len(header)]
    previous = None
    for row in measurements:
        result = row.result
        lines.append(
            f"{row.scenario if row.scenario != previous else '':<22}{row.server:<10}"
            f"{row.connections:>6}{result.requests_per_second:>10.0f}"
            f"{result.megabytes_per_second:>9.1f}{result.latency_ms['p50']:>8.1f}"
            f"{result.latency_ms['p99']:>8.1f}{result.bytes_per_response:>9.0f}"
            f"{result.server_peak_rss / MB:>7.0f}"
            f"{result.cpu_share(result.server_cpu_seconds, cores):>8.0%}"
            f"{result.server_cpu_ms_per_request:>7.2f}"
            f"{result.cpu_share(result.wrk_cpu_seconds, cores):>8.0%}"
            f"{result.cpu_share(result.interrupt_cpu_seconds, cores):>5.0%}"
            f"{result.cpu_share(result.other_cpu_seconds, cores):>6.0%}"
            f"  {_errors_text(result.errors)}"
        )
        previous = row.scenario
    return "\n".join(lines)


def beacons_table(measurements: list[Measurement], *, cores: int) -> str:
    header = (
        f"{'measurement':<24}{'conns':>6}{'req/s':>9}{'events/s':>10}{'p50 ms':>8}{'p99 ms':>8}"
        f"{'accepted/sent':>20}{'RSS MB':>7}{'srv CPU':>8}{'ms/event':>9}{'wrk CPU':>8}"
        f"{'irq':>5}{'other':>6}  errors"
    )
    lines = [header, "-" * len(header)]
    for row in measurements:
        result = row.result
        lines.append(
            f"{row.scenario:<24}{row.connections:>6}{result.requests_per_second:>9.0f}"
            f"{result.events_per_second:>10.0f}{result.latency_ms['p50']:>8.1f}"
            f"{result.latency_ms['p99']:>8.1f}"
            f"{f'{result.events_accepted}/{result.events}':>20}"
            f"{result.server_peak_rss / MB:>7.0f}"
            f"{result.cpu_share(result.server_cpu_seconds, cores):>8.0%}"
            f"{result.server_cpu_ms_per_event:>9.3f}"
            f"{result.cpu_share(result.wrk_cpu_seconds, cores):>8.0%}"
            f"{result.cpu_share(result.interrupt_cpu_seconds, cores):>5.0%}"
            f"{result.cpu_share(result.other_cpu_seconds, cores):>6.0%}"
            f"  {_errors_text(result.errors)}"
        )
    return "\n".join(lines)


def rollups_table(rollups) -> str:
    header = (
        f"{'rollup':<24}{'events':>12}{'days':>6}{'written s':>11}{'rollup s':>10}"
        f"{'CPU s':>8}{'events/s':>10}{'peak RSS MB':>13}"
    )
    lines = [header, "-" * len(header)]
    for rollup in rollups:
        lines.append(
            f"{rollup.name:<24}{rollup.events:>12,}{rollup.days:>6}"
            f"{rollup.generate_seconds:>11.1f}{rollup.seconds:>10.1f}{rollup.cpu_seconds:>8.1f}"
            f"{rollup.events_per_second:>10.0f}{rollup.peak_rss_bytes / MB:>13.0f}"
        )
    return "\n".join(lines)


def verdicts_table(verdicts: list[Verdict]) -> str:
    lines = []
    for verdict in verdicts:
        comparison = ">=" if verdict.higher_is_better else "<="
        value = "-" if verdict.value is None else f"{verdict.value:.2f}{verdict.unit}"
        if verdict.target is None:
            target, outcome = "(none)", ""
        else:
            target = f"{comparison} {verdict.target:g}{verdict.unit}"
            outcome = {True: "PASS", False: "MISS", None: "SKIPPED"}[verdict.passed]
        lines.append(f"{verdict.name:<40}{value:>10}   target {target:<12}{outcome}")
    return "\n".join(lines)


# Above this share of the cores taken by other work, the figures say more about the
# neighbours than about the servers.
BUSY_MACHINE_SHARE = 0.15


def warnings(measurements: list[Measurement], *, cores: int) -> list[str]:
    found = [
        f"WARNING: {row.scenario} on {row.server} had errors "
        f"({_errors_text(row.result.errors)}); its figures count failed requests."
        for row in measurements
        if row.result.error_count
    ]
    busy = [
        row.result.cpu_share(row.result.other_cpu_seconds, cores)
        for row in measurements
        if row.result.cpu_share(row.result.other_cpu_seconds, cores) > BUSY_MACHINE_SHARE
    ]
    if busy:
        found.append(
            f"WARNING: other processes took up to {max(busy):.0%} of the cores during"
            f" {len(busy)} of {len(measurements)} runs (column 'other'); the figures then"
            " measure the competition too. Run again on a quiet machine to compare."
        )
    return found


def results_write(path: Path, document: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2) + "\n")


def script_lines(script: Path, *, env: dict[str, str]) -> list[dict]:
    """Run a benchmark script in a process of its own, with `env` added to this one's;
    print its JSON lines indented and return them."""
    done = subprocess.run(
        [sys.executable, str(script)],
        cwd=script.parent.parent,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        output = (done.stdout + done.stderr)[-3000:]
        raise RuntimeError(f"bench/{script.name} failed:\n{output}")
    lines = [json.loads(text) for text in done.stdout.splitlines() if text.startswith("{")]
    for figures in lines:
        print("  " + json.dumps(figures), flush=True)
    return lines
