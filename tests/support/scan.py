"""Look for values in every column of every table of the database, sessions decoded."""

import json
from collections import defaultdict

from django.contrib.sessions.backends.db import SessionStore
from django.db import connection


def _texts(table: str, column: str, value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, memoryview | bytes):
        value = bytes(value).decode("utf-8", errors="replace")
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    texts = [text]
    if table == "django_session" and column == "session_data":
        # Stored signed and base64-encoded: what it holds shows only decoded.
        texts.append(json.dumps(SessionStore().decode(text), default=str))
    return texts


def places_holding(values: dict[str, str]) -> dict[str, list[str]]:
    """Return {what: ["table.column", ...]} for each value found anywhere, case ignored."""
    found = defaultdict(list)
    needles = {what: value.lower() for what, value in values.items()}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(include_views=False):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            columns = [description[0] for description in cursor.description]
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    texts = [t.lower() for t in _texts(table, column, value)]
                    for what, needle in needles.items():
                        if any(needle in text for text in texts):
                            found[what].append(f"{table}.{column}")
    return dict(found)
