"""Application logs as JSON lines that carry the request id.

Configured in settings.LOGGING: the filter puts the current request id on every record (so
the text format can show it too), the formatter writes one JSON object per line. Nothing in
here may import models: logging is configured before the apps are loaded."""

import json
import logging
from datetime import UTC, datetime

from twentytwo.traffic.request_ids import request_id_current

# A log message is cut to this many characters: a huge one must not flood the log.
MAX_MESSAGE_CHARS = 8192


class RequestIdFilter(logging.Filter):
    """Give every record the id of the request being served (None outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id_current()
        return True


class JsonFormatter(logging.Formatter):
    """Write a record as one JSON object: time, level, logger, message, request id."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage()[:MAX_MESSAGE_CHARS],
            "request_id": getattr(record, "request_id", None) or request_id_current(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)[:MAX_MESSAGE_CHARS]
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)[:MAX_MESSAGE_CHARS]
        return json.dumps(entry, ensure_ascii=False, default=str)
