"""The traffic log's retention: client addresses cut after TRAFFIC_IP_TRUNCATE_DAYS, records
and day files deleted after TRAFFIC_RETENTION_DAYS, and what waits in the spool loaded or,
past the addresses' limit, removed."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction

from twentytwo.traffic import files
from twentytwo.traffic.loader import spool_load_if_idle
from twentytwo.traffic.models import AccessRecord, CatalogHour, LoadedChunk, RouteHour
from twentytwo.traffic.spool import spool_files

logger = logging.getLogger(__name__)

# How long the marks of a loaded spool file chunk may outlive the file (loader.py).
MARKS_KEPT = timedelta(days=1)


@dataclass
class RetentionResult:
    addresses_truncated: int = 0
    records_deleted: int = 0
    hours_deleted: int = 0
    files_truncated: int = 0
    files_deleted: int = 0
    # Lines of truncated files that were not records (cut short by a full disk).
    lines_dropped: int = 0
    # Records loaded from the spool because no loader was running.
    records_loaded: int = 0
    # Spool files past the age at which addresses are cut, which no loader could load.
    spool_files_deleted: int = 0


def _file_record_truncate(record: dict) -> dict:
    record["client_ip"] = None
    return record


def traffic_retention_apply(*, now: datetime) -> RetentionResult:
    """Cut client addresses past TRAFFIC_IP_TRUNCATE_DAYS and delete past
    TRAFFIC_RETENTION_DAYS, in the table and in the day files.

    A record keeps its network (IPv4 /24, IPv6 /48) once its address is cut. A day file is
    rewritten, or deleted, as soon as the oldest record it can hold (its day's first moment)
    is due, so that no line outlives the limits. Idempotent: a second run finds nothing.

    First it loads the spool when no loader is at work on it (an app server started without
    one), and it removes spool files that waited past the addresses' limit: their records
    would still hold whole addresses."""
    truncate_before = now - timedelta(days=settings.TRAFFIC_IP_TRUNCATE_DAYS)
    delete_before = now - timedelta(days=settings.TRAFFIC_RETENTION_DAYS)
    result = RetentionResult()
    if settings.ACCESS_LOG:
        result.records_loaded = spool_load_if_idle()
    result.spool_files_deleted = _spool_prune(
        Path(settings.ACCESS_LOG_SPOOL_DIR), before=truncate_before
    )
    # Marks whose file is long gone: a loader stopped between removing a file and its marks.
    LoadedChunk.objects.filter(loaded_at__lt=now - MARKS_KEPT).delete()
    with transaction.atomic():
        result.records_deleted, _ = AccessRecord.objects.filter(time__lt=delete_before).delete()
        # An hour goes once all of its records have: it says no more than they did.
        last_gone = delete_before - timedelta(hours=1)
        result.hours_deleted = RouteHour.objects.filter(hour__lte=last_gone).delete()[0]
        result.hours_deleted += CatalogHour.objects.filter(hour__lte=last_gone).delete()[0]
        result.addresses_truncated = AccessRecord.objects.filter(
            time__lt=truncate_before, client_ip__isnull=False
        ).update(client_ip=None)
    for day_file in files.day_files(Path(settings.ACCESS_LOG_DIR)):
        starts = datetime.combine(day_file.day, time.min, tzinfo=UTC)
        if starts < delete_before:
            day_file.path.unlink(missing_ok=True)
            result.files_deleted += 1
        elif starts < truncate_before and not day_file.truncated:
            rewrite = files.day_file_truncate(day_file, cut=_file_record_truncate)
            result.files_truncated += 1
            result.lines_dropped += rewrite.dropped
    return result


def _spool_prune(directory: Path, *, before: datetime) -> int:
    """Remove what lies in the spool from before `before`: files no loader could load,
    files set aside as unreadable, and the temporary files of a process that died while
    writing one."""
    limit = before.timestamp()
    removed = 0
    leftovers = [
        *(spool_file.path for spool_file in spool_files(directory)),
        *(spool_file.path for spool_file in spool_files(directory, rejected=True)),
        *directory.glob(".*.tmp"),
    ]
    for path in leftovers:
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
                removed += 1
        except FileNotFoundError:
            continue
    if removed:
        logger.warning("Removed %d access log spool file(s) past the address limit", removed)
    return removed
