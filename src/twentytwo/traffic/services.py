"""Writes of the traffic app: storing access records, retention and the worker's heartbeat."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from django.conf import settings
from django.db import connection, models, transaction

from twentytwo.traffic import files
from twentytwo.traffic.models import AccessRecord, WorkerHeartbeat
from twentytwo.traffic.selectors import HEARTBEAT

# Fields whose Python values the database driver cannot take as they are.
_CONVERTED = (models.DateTimeField, models.UUIDField, models.GenericIPAddressField)


def _record_fields() -> list[models.Field]:
    return [field for field in AccessRecord._meta.concrete_fields if not field.primary_key]


def _insert_sql(fields: list[models.Field]) -> str:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    marks = ", ".join(["%s"] * len(fields))
    table = quote(AccessRecord._meta.db_table)
    return f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608 (names from the model)


def access_records_store(*, records: Sequence[dict]) -> int:
    """Append the records in one transaction; return how many were stored.

    One parameterised INSERT run for the whole batch: the writer's thread stores a second's
    worth of requests at a time, and building a model instance per record would cost about
    as much as answering the request it describes. Dates, UUIDs and addresses are converted
    by their fields, as the ORM would; the rest are plain numbers and strings."""
    if not records:
        return 0
    fields = _record_fields()
    plan = [(field.name, field if isinstance(field, _CONVERTED) else None) for field in fields]
    rows = [
        [
            record[name] if field is None else field.get_db_prep_save(record[name], connection)
            for name, field in plan
        ]
        for record in records
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(_insert_sql(fields), rows)
    return len(rows)


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


def _file_record_truncate(record: dict) -> dict:
    record["client_ip"] = None
    return record


def traffic_retention_apply(*, now: datetime) -> RetentionResult:
    """Cut client addresses past TRAFFIC_IP_TRUNCATE_DAYS and delete past
    TRAFFIC_RETENTION_DAYS, in the table and in the day files.

    A record keeps its network (IPv4 /24, IPv6 /48) once its address is cut. A day file is
    rewritten, or deleted, as soon as the oldest record it can hold (its day's first moment)
    is due, so that no line outlives the limits. Idempotent: a second run finds nothing."""
    truncate_before = now - timedelta(days=settings.TRAFFIC_IP_TRUNCATE_DAYS)
    delete_before = now - timedelta(days=settings.TRAFFIC_RETENTION_DAYS)
    result = RetentionResult()
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


def task_results_prune(*, task_paths: Sequence[str], finished_before: datetime) -> int:
    """Delete the finished results of these tasks; a chain that runs every minute would
    otherwise leave 1,440 rows a day in the task queue's table."""
    from django_tasks_db.models import DBTaskResult

    deleted, _ = DBTaskResult.objects.filter(
        task_path__in=task_paths, finished_at__lt=finished_before
    ).delete()
    return deleted
