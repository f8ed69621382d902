"""The access log's day files: JSON lines, one file per UTC day, under ACCESS_LOG_DIR.

Each process appends a whole batch with one write to a file opened with O_APPEND, so the
processes of one server can share a day's file without mixing their lines. Retention
rewrites a file whole, to a temporary file then renamed over, so a file is never seen
half-rewritten; a file whose addresses were cut says so in its name."""

from __future__ import annotations

import json
import os
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from uuid import UUID

PREFIX = "access-"
FULL_SUFFIX = ".jsonl"
TRUNCATED_SUFFIX = ".ip-truncated.jsonl"
_NAME = re.compile(r"access-(\d{4}-\d{2}-\d{2})((?:\.ip-truncated)?\.jsonl)")
FILE_MODE = 0o640


@dataclass(frozen=True)
class DayFile:
    day: date
    path: Path
    truncated: bool


def day_file_path(directory: Path, day: date, *, truncated: bool = False) -> Path:
    suffix = TRUNCATED_SUFFIX if truncated else FULL_SUFFIX
    return directory / f"{PREFIX}{day.isoformat()}{suffix}"


def _json_value(value):
    if isinstance(value, datetime):
        # Always with microseconds, so every line's time has the same width.
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if isinstance(value, UUID):
        return value.hex
    raise TypeError(f"{type(value).__name__} is not JSON")


def record_line(record: dict) -> bytes:
    return (json.dumps(record, default=_json_value, ensure_ascii=False) + "\n").encode()


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def lines_append(directory: Path, lines_by_day: dict[date, list[str]]) -> None:
    """Append each day's lines (each ending in a newline) to its file, one write per day.

    Raises OSError (a full disk, a missing or read-only folder) for the caller to count."""
    directory.mkdir(parents=True, exist_ok=True)
    for day, lines in lines_by_day.items():
        flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_CLOEXEC", 0)
        fd = os.open(day_file_path(directory, day), flags, FILE_MODE)
        try:
            _write_all(fd, "".join(lines).encode())
        finally:
            os.close(fd)


def records_append(directory: Path, records: Iterable[dict]) -> None:
    """Append records given as dicts of AccessRecord's fields to their days' files."""
    by_day: dict[date, list[str]] = defaultdict(list)
    for record in records:
        by_day[record["time"].date()].append(record_line(record).decode())
    lines_append(directory, by_day)


def day_files(directory: Path) -> list[DayFile]:
    """Return the day files in the folder, oldest first; other files are left alone."""
    if not directory.is_dir():
        return []
    found = []
    for path in directory.iterdir():
        match = _NAME.fullmatch(path.name)
        if match is None:
            continue
        try:
            day = date.fromisoformat(match[1])
        except ValueError:
            continue
        found.append(DayFile(day=day, path=path, truncated=match[2] == TRUNCATED_SUFFIX))
    return sorted(found, key=lambda f: (f.day, f.truncated))


@dataclass
class Rewrite:
    kept: int = 0
    # Lines that were not records (cut short by a full disk): they cannot be cleaned, so
    # they are not kept.
    dropped: int = 0


def day_file_truncate(day_file: DayFile, *, cut) -> Rewrite:
    """Rewrite a day file with every client address cut by `cut`, under its truncated name.

    The new file is complete and synced before it replaces anything; the full file is
    removed only then. Run again after a crash, it does the same work again."""
    target = day_file_path(day_file.path.parent, day_file.day, truncated=True)
    temporary = target.with_name(f".{target.name}.tmp")
    result = Rewrite()
    try:
        with day_file.path.open("rb") as source, temporary.open("wb") as out:
            for raw in source:
                try:
                    record = json.loads(raw)
                except ValueError:
                    result.dropped += 1
                    continue
                if not isinstance(record, dict):
                    result.dropped += 1
                    continue
                out.write(record_line(cut(record)))
                result.kept += 1
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, FILE_MODE)
        # A truncated file left by a run that stopped before removing the full one is
        # replaced: the full file holds every line.
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    day_file.path.unlink()
    return result
