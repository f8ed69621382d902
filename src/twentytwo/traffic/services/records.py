"""Storing access records: the loader's chunks of rows, and records given whole."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Sequence
from functools import partial

from django.db import connection, transaction
from django.utils import timezone

from twentytwo.traffic.models import AccessRecord, LoadedChunk

logger = logging.getLogger(__name__)

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


def access_chunk_marks_forget(*, spool_file: str) -> None:
    """Forget the marks of a spool file's chunks once the file is gone (loader.py)."""
    with transaction.atomic():
        LoadedChunk.objects.filter(spool_file=spool_file).delete()


def access_records_store(*, records: Sequence[dict]) -> int:
    """Append records given as dicts of AccessRecord's fields (imports, tests)."""
    fields = [f for f in AccessRecord._meta.concrete_fields if not f.primary_key]
    params = [
        field.get_db_prep_save(record[field.name], connection)
        for record in records
        for field in fields
    ]
    return access_rows_store(params=params, columns=[field.name for field in fields])
