"""Writes for audience measurement: events are only ever appended."""

import threading
from collections.abc import Sequence
from uuid import UUID

from django.db import connection

from twentytwo.audience.models import ListenEvent

# SQLite takes one writer at a time and makes the others sleep and retry, which is what a
# listener waits for at the slow end. Threads of one process queue here instead; PostgreSQL
# writes side by side and skips the queue.
_sqlite_writer = threading.Lock()
# Rows per statement: well inside either database's limit on parameters in one statement.
ROWS_PER_STATEMENT = 500


def _insert_statement(count: int) -> tuple[str, list]:
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
    return sql, fields


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
    sql, fields = _insert_statement(len(events))
    params = [
        field.get_db_prep_save(getattr(event, field.attname), connection)
        for event in events
        for field in fields
    ]
    event_id = ListenEvent._meta.get_field("event_id")
    if connection.vendor == "sqlite":
        with _sqlite_writer, connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
    else:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
    return {event_id.to_python(value) for (value,) in rows}
