"""Adding up /metrics across the app server's processes.

Each process counts its own figures (metrics.Counters): the loader the requests it makes
records of, an app server's process the records it lost. A scrape reaches one app process
at random. So each leaves a snapshot of its counters in METRICS_DIR when they change,
named by its process id, and /metrics adds up its own live counters and the snapshots of
the other processes still running. The file of a process that has ended is
removed: its counts leave the sums, which Prometheus reads as a counter reset."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

logger = logging.getLogger(__name__)
SUFFIX = ".json"


def snapshot_write(directory: Path, snapshot: dict, *, pid: int | None = None) -> None:
    """Replace this process's snapshot file in one rename: readers never see half of it."""
    pid = os.getpid() if pid is None else pid
    try:
        directory.mkdir(parents=True, exist_ok=True)
        temporary = directory / f".{pid}{SUFFIX}.tmp"
        temporary.write_text(json.dumps(snapshot))
        os.replace(temporary, directory / f"{pid}{SUFFIX}")
    except OSError as error:
        logger.debug("metrics snapshot not written to %s: %s", directory, error)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def snapshots_of_other_processes(directory: Path) -> list[dict]:
    """Return the snapshots of the other running processes; remove those of ended ones."""
    if not directory.is_dir():
        return []
    found = []
    for path in directory.glob(f"*{SUFFIX}"):
        try:
            pid = int(path.stem)
        except ValueError:
            continue
        if pid == os.getpid():
            continue
        if not _running(pid):
            path.unlink(missing_ok=True)
            continue
        try:
            found.append(json.loads(path.read_text()))
        except (OSError, ValueError):
            continue
    return found
