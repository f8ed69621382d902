"""Memory and CPU time of a server's process tree, read from /proc while load runs."""

import os
import threading
from pathlib import Path

_PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _stat_fields(pid: int) -> list[str]:
    stat = Path(f"/proc/{pid}/stat").read_text()
    # The command name sits in parentheses and may hold spaces; fields 3... follow it.
    return stat.rsplit(")", 1)[1].split()


def process_tree(pid: int) -> list[int]:
    """Return `pid` and all its descendants."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int(_stat_fields(int(entry.name))[1])
            except (OSError, IndexError, ValueError):
                continue
    tree = [pid]
    for parent in tree:
        tree.extend(child for child, its_parent in parents.items() if its_parent == parent)
    return tree


def tree_rss_bytes(pids: list[int]) -> int | None:
    """Sum the resident set sizes; None when one of the processes is gone."""
    total = 0
    for pid in pids:
        try:
            resident_pages = int(Path(f"/proc/{pid}/statm").read_text().split()[1])
        except (OSError, IndexError, ValueError):
            return None
        total += resident_pages * _PAGE_SIZE
    return total


def tree_cpu_seconds(pids: list[int]) -> float:
    """Sum the user and system CPU time the processes have used so far."""
    ticks = 0
    for pid in pids:
        try:
            fields = _stat_fields(pid)
        except OSError:
            continue
        # utime and stime are fields 14 and 15 of stat; the list starts at field 3.
        ticks += int(fields[11]) + int(fields[12])
    return ticks / _CLOCK_TICKS


def machine_cpu_seconds() -> tuple[float, float]:
    """Return the CPU time all cores have spent in processes and in interrupts since boot.

    Interrupt time (mostly the loopback's network softirq) belongs to no process, so it is
    kept apart from the time processes were charged for."""
    # cpu  user nice system idle iowait irq softirq steal guest guest_nice
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    user, nice, system, _, _, irq, softirq, _ = fields[:8]
    return (user + nice + system) / _CLOCK_TICKS, (irq + softirq) / _CLOCK_TICKS


class ProcessTreeSampler:
    """Sample a process tree's summed RSS every `interval` seconds in a background thread,
    and the CPU time it, and the whole machine, used between entering and leaving the
    `with` block.

    The tree is walked once up front and again only when a process disappears, so each
    sample is a few small reads rather than a scan of /proc."""

    def __init__(self, pid: int, *, interval: float = 0.1) -> None:
        self._pid = pid
        self._interval = interval
        self._pids = process_tree(pid)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._cpu_at_start = 0.0
        self._machine_at_start = (0.0, 0.0)
        self.peak_rss_bytes = 0
        self.cpu_seconds = 0.0
        self.machine_process_seconds = 0.0
        self.machine_interrupt_seconds = 0.0

    def _run(self) -> None:
        while not self._stop.is_set():
            total = tree_rss_bytes(self._pids)
            if total is None:
                self._pids = process_tree(self._pid)
            else:
                self.peak_rss_bytes = max(self.peak_rss_bytes, total)
            self._stop.wait(self._interval)

    def __enter__(self) -> "ProcessTreeSampler":
        self._cpu_at_start = tree_cpu_seconds(self._pids)
        self._machine_at_start = machine_cpu_seconds()
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        self._thread.join()
        self.cpu_seconds = tree_cpu_seconds(self._pids) - self._cpu_at_start
        processes, interrupts = machine_cpu_seconds()
        self.machine_process_seconds = processes - self._machine_at_start[0]
        self.machine_interrupt_seconds = interrupts - self._machine_at_start[1]
