"""Storing listening events: only ever appended, each once."""

import fcntl
import functools
import os
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from uuid import UUID

from django.db import connection, models

from twentytwo.audience.models import ListenEvent

# SQLite takes one writer at a time and makes the others sleep and retry (its busy handler
# sleeps for milliseconds at a time), which is what a listener waits for at the slow end.
# Beacon writers queue instead: the threads of a process on a lock, the app server's
# processes on an advisory lock on a file beside the database. PostgreSQL writes side by
# side and skips the queue.
_sqlite_writer = threading.Lock()
_sqlite_lock_files: dict[str, int] = {}


@contextmanager
def _sqlite_write_turn() -> Iterator[None]:
    name = str(connection.settings_dict["NAME"])
    with _sqlite_writer:
        descriptor = _sqlite_lock_files.get(name)
        if descriptor is None and not name.startswith(("file:", ":memory:")):
            path = Path(name).with_name(Path(name).name + ".beacon-lock")
            descriptor = _sqlite_lock_files[name] = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        if descriptor is None:
            yield
            return
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(descriptor, fcntl.LOCK_UN)


# Rows per statement: well inside either database's limit on parameters in one statement.
ROWS_PER_STATEMENT = 500


def _identity(value):
    return value


def _uuid_hex(value):
    return value.hex


def _adapter(field):
    """What get_db_prep_save does to a checked value of this field, without the detours."""
    if isinstance(field, models.UUIDField) and not connection.features.has_native_uuid_field:
        return _uuid_hex
    if isinstance(field, models.DateTimeField):
        return connection.ops.adapt_datetimefield_value
    return _identity


@functools.cache
def _insert_statement(vendor: str, count: int) -> tuple[str, list]:
    fields = [f for f in ListenEvent._meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    event_id = quote(ListenEvent._meta.get_field("event_id").column)
    # Only names from the model's own meta, quoted, go into the text; values are parameters.
    sql = (
        f"INSERT INTO {quote(ListenEvent._meta.db_table)} ({columns}) "  # noqa: S608
        f"VALUES {', '.join([row] * count)} "
        f"ON CONFLICT ({event_id}) DO NOTHING RETURNING {event_id}"
    )
    return sql, [(field.attname, _adapter(field)) for field in fields]


def listen_events_store(*, events: Sequence[ListenEvent]) -> set[UUID]:
    """Append the events whose id is not stored yet; return the ids this call stored.

    One statement does both the duplicate check and the insert: the unique index on the
    event id is the check, so a replay racing this one cannot slip between a look and a
    write. The statement commits on its own (or with the caller's transaction) before this
    returns, so whoever acknowledges the events afterwards tells the truth."""
    stored: set[UUID] = set()
    for start in range(0, len(events), ROWS_PER_STATEMENT):
        stored |= _insert(events[start : start + ROWS_PER_STATEMENT])
    return stored


def _insert(events: Sequence[ListenEvent]) -> set[UUID]:
    sql, fields = _insert_statement(connection.vendor, len(events))
    params = [adapt(getattr(event, attname)) for event in events for attname, adapt in fields]
    event_id = ListenEvent._meta.get_field("event_id")
    if connection.vendor == "sqlite":
        with _sqlite_write_turn(), connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
    else:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
    return {event_id.to_python(value) for (value,) in rows}
