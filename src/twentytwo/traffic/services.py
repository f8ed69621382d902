"""Writes of the traffic app: storing access records, retention and the worker's heartbeat."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import connection, models, transaction

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
