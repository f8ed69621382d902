"""Writes of the traffic app: storing access records, retention and the worker's heartbeat."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from functools import partial
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from twentytwo.traffic import files
from twentytwo.traffic.models import AccessRecord, LoadedChunk, WorkerHeartbeat
from twentytwo.traffic.selectors import HEARTBEAT
from twentytwo.traffic.spool import spool_files

logger = logging.getLogger(__name__)

# How long the marks of a loaded spool file chunk may outlive the file (loader.py).
MARKS_KEPT = timedelta(days=1)
# Rows per INSERT statement: one statement of many rows costs a quarter less per row than
# the same rows run one by one (measured on SQLite: 3.4-3.7 against 5.0 µs a row).
ROWS_PER_STATEMENT = 100


def _insert_sql(columns: Sequence[str], rows: int) -> str:
    quote = connection.ops.quote_name
    fields = [AccessRecord._meta.get_field(name) for name in columns]
    names = ", ".join(quote(field.column) for field in fields)
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    table = quote(AccessRecord._meta.db_table)
    return f"INSERT INTO {table} ({names}) VALUES {', '.join([one] * rows)}"  # noqa: S608 (names from the model)


def access_rows_store(*, params: list, columns: Sequence[str]) -> int:
    """Append rows given one after the other in `params` (the values of `columns` each, ready
    for the database) in one transaction; return how many rows were stored.

    The loader stores hundreds of requests at a time, and building a model
    instance per record would cost more than answering the request it describes (batches.py
    makes the values), so the rows go in as parameters of multi-row INSERT statements."""
    width = len(columns)
    count = len(params) // width
    if not count:
        return 0
    limit = connection.features.max_query_params
    per_statement = ROWS_PER_STATEMENT
    if limit:
        per_statement = max(1, min(per_statement, limit // width))
    full = count - count % per_statement
    with transaction.atomic(), connection.cursor() as cursor:
        if full:
            sql = _insert_sql(columns, per_statement)
            execute = cursor.execute
            if connection.vendor == "sqlite":
                # Django's SQLite cursor turns %s into ? with a regular expression at every
                # execute, which on a statement of a hundred rows costs 2 µs a row: the
                # statement is turned once and run on the driver's own cursor.
                sql = sql.replace("%s", "?")
                execute = partial(sqlite3.Cursor.execute, cursor.cursor)
            step = per_statement * width
            for start in range(0, full * width, step):
                execute(sql, params[start : start + step])
        if full < count:
            rest = params[full * width :]
            cursor.executemany(
                _insert_sql(columns, 1),
                [rest[i : i + width] for i in range(0, len(rest), width)],
            )
    return count


def access_chunk_store(*, params: list, columns: Sequence[str], spool_file: str, chunk: int) -> int:
    """Store one chunk of a spool file's rows and the mark that says so, in one transaction:
    a loader that meets the file again skips the chunks marked (loader.py)."""
    with transaction.atomic():
        stored = access_rows_store(params=params, columns=columns)
        LoadedChunk.objects.create(spool_file=spool_file, chunk=chunk, loaded_at=timezone.now())
    return stored


def access_records_store(*, records: Sequence[dict]) -> int:
    """Append records given as dicts of AccessRecord's fields (imports, tests)."""
    fields = [f for f in AccessRecord._meta.concrete_fields if not f.primary_key]
    params = [
        field.get_db_prep_save(record[field.name], connection)
        for record in records
        for field in fields
    ]
    return access_rows_store(params=params, columns=[field.name for field in fields])


def worker_heartbeat_record(*, now: datetime) -> None:
    """Note that the task worker is running now."""
    WorkerHeartbeat.objects.update_or_create(name=HEARTBEAT, defaults={"seen_at": now})


@dataclass
class RetentionResult:
    addresses_truncated: int = 0
    records_deleted: int = 0
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
        result.records_loaded = _spool_load_if_no_loader()
    result.spool_files_deleted = _spool_prune(
        Path(settings.ACCESS_LOG_SPOOL_DIR), before=truncate_before
    )
    # Marks whose file is long gone: a loader stopped between removing a file and its marks.
    LoadedChunk.objects.filter(loaded_at__lt=now - MARKS_KEPT).delete()
    with transaction.atomic():
        result.records_deleted, _ = AccessRecord.objects.filter(time__lt=delete_before).delete()
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


def _spool_load_if_no_loader() -> int:
    from twentytwo.traffic.loader import LoaderBusy
    from twentytwo.traffic.writer import access_log_loader_from_settings

    loader = access_log_loader_from_settings()
    try:
        with loader.lock(wait=False):
            return loader.load()
    except LoaderBusy:
        return 0


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
