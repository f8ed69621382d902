"""Import listening events from a JSON Lines file through the ingestion pipeline.

Each line is one event as the player sends it, plus the `listener` id and the server
`time` it arrived at: {"id": "...", "type": "ping", "genre": 1, "track": 2, "position": 60,
"client_time": null, "listener": "<uuid>", "time": "2025-03-10T20:00:00+00:00"}. Backfills,
demo data and tests come in this way, judged by the same steps as a beacon."""

import json
from collections import Counter
from datetime import datetime
from uuid import UUID

from django.core.management.base import BaseCommand, CommandError

from twentytwo.audience.ingestion import Draft, events_ingest

# Lines stored per transaction: a bounded memory and a bounded loss when interrupted.
CHUNK_LINES = 1000
BAD_LINE = "line {number}: {problem}"
NOT_JSON = "not a JSON object"
BAD_LISTENER = '"listener" is not a UUID'
BAD_SERVER_TIME = '"time" is not an ISO 8601 time with an offset'
FILE_MISSING = "Cannot read {path}: {error}"


def _line_draft(line: str) -> Draft | str:
    """Return the draft of one line, or what is wrong with the line."""
    try:
        payload = json.loads(line)
    except ValueError:
        return NOT_JSON
    if not isinstance(payload, dict):
        return NOT_JSON
    try:
        listener = UUID(str(payload.pop("listener")))
    except (KeyError, ValueError):
        return BAD_LISTENER
    try:
        server_time = datetime.fromisoformat(str(payload.pop("time")))
    except (KeyError, ValueError):
        return BAD_SERVER_TIME
    if server_time.utcoffset() is None:
        return BAD_SERVER_TIME
    return Draft(payload=payload, listener=listener, server_time=server_time)


class Command(BaseCommand):
    help = "Import listening events from a JSON Lines file (one event per line)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="the .jsonl file")

    def handle(self, *args, path: str, **options):
        try:
            source = open(path, encoding="utf-8")  # noqa: SIM115 (closed below)
        except OSError as error:
            raise CommandError(FILE_MISSING.format(path=path, error=error)) from None
        accepted, dropped, bad_lines = 0, Counter(), 0
        chunk: list[Draft] = []
        with source:
            for number, line in enumerate(source, start=1):
                if not line.strip():
                    continue
                draft = _line_draft(line)
                if isinstance(draft, str):
                    bad_lines += 1
                    self.stderr.write(BAD_LINE.format(number=number, problem=draft))
                    continue
                chunk.append(draft)
                if len(chunk) >= CHUNK_LINES:
                    result = events_ingest(drafts=chunk)
                    accepted, chunk = accepted + result.accepted, []
                    dropped.update(result.dropped)
        if chunk:
            result = events_ingest(drafts=chunk)
            accepted += result.accepted
            dropped.update(result.dropped)
        self.stdout.write(f"accepted: {accepted}")
        for reason, count in sorted(dropped.items()):
            self.stdout.write(f"dropped {reason}: {count}")
        if bad_lines:
            self.stdout.write(f"bad lines: {bad_lines}")
