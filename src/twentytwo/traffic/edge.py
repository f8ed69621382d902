"""Requests nginx answers itself, without the app, brought into the access log.

Stream requests are checked and sent by nginx (deploy/stream_edge.js), and nginx refuses
some requests for the app itself (a body too large, a per-machine limit, the app not
answering), so no process of the app sees them. nginx writes each as a line of JSON into
the edge folder (ACCESS_LOG_EDGE_DIR), one file per 10 seconds, named by that slice of time
(requests-<seconds // 10>.jsonl), and never holds the session cookie: only the listener
and counting cookies, which the record keeps or drops as for any other request. Once a
slice is over (and a few seconds more, for lines still being written), the loader turns its
file into a spool file and removes it; from there on the hits are records like any other,
with the same cutting of addresses and the same retention. The spool file's name comes from
the slice, so a file made again after a crash replaces the first."""

from __future__ import annotations

import json
import logging
import os
import re
import time
from pathlib import Path

from twentytwo.traffic.records import Hit, cookies_kept
from twentytwo.traffic.spool import spool_write

logger = logging.getLogger(__name__)

SLICE_SECONDS = 10
# A slice's file is read this long after the slice ends: nginx may still be writing its
# last lines when the clock turns.
SETTLE_SECONDS = 3.0
_EDGE_FILE = re.compile(r"requests-(\d{1,12})\.jsonl")
MAX_FIELD_CHARS = 4096


def _text(fields: dict, name: str) -> str | None:
    value = fields.get(name)
    if not isinstance(value, str) or value in ("", "-"):
        return None
    return value[:MAX_FIELD_CHARS]


def _number(fields: dict, name: str) -> float:
    value = fields.get(name)
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def edge_hit(line: bytes) -> tuple | None:
    """The hit of one line nginx wrote (deploy/nginx.conf's twentytwo_edge); None if bad."""
    try:
        fields = json.loads(line.decode("utf-8", errors="replace"))
    except ValueError:
        return None
    if not isinstance(fields, dict) or not _text(fields, "p") or not _text(fields, "m"):
        return None
    ended, seconds = _number(fields, "t"), _number(fields, "d")
    listener, counting = _text(fields, "l"), _text(fields, "c")
    cookie = "; ".join(
        f"{name}={value}"
        for name, value in (("tt_listener", listener), ("tt_count", counting))
        if value
    )
    gpc = _text(fields, "g")
    return tuple(
        Hit(
            started_us=int((ended - seconds) * 1_000_000),
            duration_us=int(seconds * 1_000_000),
            request_id=_text(fields, "id") or "",
            method=_text(fields, "m") or "",
            path=_text(fields, "p") or "",
            status=int(_number(fields, "s")),
            response_bytes=int(_number(fields, "b")),
            remote_addr=_text(fields, "a") or "",
            forwarded_for=None,
            cookie=cookies_kept(cookie or None, gpc),
            user_agent=_text(fields, "ua"),
            referer=_text(fields, "r"),
            gpc=gpc,
        )
    )


def edge_files_spool(edge_directory: Path, spool_directory: Path, *, now: float | None = None):
    """Turn every finished slice of the edge folder into a spool file; return the hits."""
    now = time.time() if now is None else now
    try:
        names = sorted(os.listdir(edge_directory))
    except FileNotFoundError:
        return 0
    moved = 0
    for name in names:
        match = _EDGE_FILE.fullmatch(name)
        if match is None or (int(match[1]) + 1) * SLICE_SECONDS + SETTLE_SECONDS > now:
            continue
        path = edge_directory / name
        hits, bad = [], 0
        for line in path.read_bytes().splitlines():
            if not line.strip():
                continue
            hit = edge_hit(line)
            if hit is None:
                bad += 1
            else:
                hits.append(hit)
        if bad:
            logger.warning("%d line(s) of %s were not requests and were left out", bad, name)
        if hits:
            ended_ns = (int(match[1]) + 1) * SLICE_SECONDS * 1_000_000_000
            spool_write(spool_directory, hits, name=f"{ended_ns:020d}-edge-{match[1]}")
        path.unlink()
        moved += len(hits)
    return moved
