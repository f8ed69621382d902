"""The spool: where the app server's processes leave their hits for the loader.

A process hands its waiting hits over as one file, written whole under a temporary name and
renamed into place, so the loader never sees half of one. Hits are plain tuples (the fields
of records.Hit in order) in Python's marshal format, which writes a second's worth of them
in well under a millisecond. The loader (loader.py) reads the files in the order they were
made, writes their records and removes them. A file that cannot be read is set aside under
another suffix rather than retried for ever, and retention removes what lies here past the
age at which addresses must be cut (services/retention.py)."""

from __future__ import annotations

import itertools
import marshal
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from time import time_ns

from twentytwo.traffic.records import Hit

SUFFIX = ".hits"
# A file whose records are in the day file, and go on to the table (loader.py).
FILED_SUFFIX = ".filed"
REJECTED_SUFFIX = ".rejected"
FILE_MODE = 0o640
# Written first in every file: a loader refuses a file of another layout instead of
# mistaking one field for another.
VERSION = 1
HIT_FIELDS = len(Hit._fields)
_sequence = itertools.count()


class SpoolFileUnreadable(ValueError):
    """A spool file that is not a list of hits of this version."""


@dataclass(frozen=True)
class SpoolFile:
    path: Path
    size: int
    made_ns: int  # when the process wrote it

    @property
    def name(self) -> str:
        """The file's name without its suffix, the same in every state."""
        return self.path.stem

    @property
    def filed(self) -> bool:
        """Whether its records are in the day file already."""
        return self.path.suffix == FILED_SUFFIX


def spool_write(directory: Path, hits: list[tuple], *, name: str = "") -> Path:
    """Write `hits` as one new spool file; raise OSError (a full disk) for the caller.

    Names sort in the order files were made: nanoseconds, then process and a counter. A
    caller that may write the same hits again (after a crash) gives a name of its own, of
    the same shape, so the second file replaces the first."""
    directory.mkdir(parents=True, exist_ok=True)
    name = name or f"{time_ns():020d}-{os.getpid()}-{next(_sequence)}"
    temporary = directory / f".{name}.tmp"
    data = marshal.dumps((VERSION, hits), 4)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    temporary.unlink(missing_ok=True)  # left by a crash
    fd = os.open(temporary, flags, FILE_MODE)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    except BaseException:
        os.close(fd)
        temporary.unlink(missing_ok=True)
        raise
    os.close(fd)
    final = directory / f"{name}{SUFFIX}"
    os.replace(temporary, final)
    return final


def spool_read(path: Path) -> list[tuple]:
    """Return the hits of one spool file; SpoolFileUnreadable when it is not one."""
    try:
        # Written by this site's own processes into a folder only they may write to.
        version, hits = marshal.loads(path.read_bytes())  # noqa: S302
    except (EOFError, ValueError, TypeError) as error:
        raise SpoolFileUnreadable(f"{path.name}: {error}") from error
    if version != VERSION or not isinstance(hits, list):
        raise SpoolFileUnreadable(f"{path.name}: not a version {VERSION} list of hits")
    if not all(type(hit) is tuple and len(hit) == HIT_FIELDS for hit in hits):
        raise SpoolFileUnreadable(f"{path.name}: a hit without its {HIT_FIELDS} fields")
    return hits


def spool_mark_filed(path: Path) -> Path:
    """Note, in the file's name, that its records are in the day file; return the new path."""
    filed = path.with_suffix(FILED_SUFFIX)
    os.replace(path, filed)
    return filed


def spool_reject(path: Path) -> None:
    """Set an unreadable file aside, where it is kept for a look until retention's limit."""
    os.replace(path, path.with_suffix(REJECTED_SUFFIX))


def _made_ns(name: str) -> int:
    head = name.lstrip(".").split("-", 1)[0]
    return int(head) if head.isdigit() else 0


def spool_files(directory: Path, *, rejected: bool = False) -> list[SpoolFile]:
    """The spool's files waiting to be loaded, oldest first (or the rejected ones)."""
    suffix = (REJECTED_SUFFIX,) if rejected else (SUFFIX, FILED_SUFFIX)
    found = []
    try:
        entries = list(os.scandir(directory))
    except FileNotFoundError:
        return []
    for entry in entries:
        if not entry.name.endswith(suffix) or entry.name.startswith("."):
            continue
        try:
            size = entry.stat().st_size
        except FileNotFoundError:  # loaded meanwhile
            continue
        found.append(SpoolFile(Path(entry.path), size, _made_ns(entry.name)))
    found.sort(key=lambda spool_file: spool_file.path.name)
    return found


def spool_bytes(directory: Path) -> int:
    """The size of everything waiting in the spool."""
    return sum(spool_file.size for spool_file in spool_files(directory))


@dataclass(frozen=True)
class Backlog:
    files: int
    size: int
    oldest_seconds: float  # 0 when nothing waits


def spool_backlog(directory: Path, *, now: datetime) -> Backlog:
    """What waits for the loader: how many files, how many bytes, and since when."""
    waiting = spool_files(directory)
    if not waiting:
        return Backlog(0, 0, 0.0)
    oldest = max(0.0, now.timestamp() - waiting[0].made_ns / 1e9)
    return Backlog(len(waiting), sum(f.size for f in waiting), round(oldest, 3))
