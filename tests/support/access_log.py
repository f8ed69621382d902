"""What the access log wrote for the requests of a test: its records and its day files."""

import json

from twentytwo.traffic.files import day_files
from twentytwo.traffic.models import AccessRecord


def records(access_log) -> list[AccessRecord]:
    """Write what the requests so far left for the writer; return the table's records."""
    access_log.flush()
    return list(AccessRecord.objects.order_by("id"))


def file_lines(access_log) -> list[dict]:
    access_log.flush()
    lines = []
    for day_file in day_files(access_log.loader.directory):
        lines += [json.loads(line) for line in day_file.path.read_text().splitlines()]
    return lines
