"""The access log's buffered writer: requests hand over a Hit; a thread writes them.

The request path only appends to a deque (no lock, no I/O, no database). A background thread
wakes every ACCESS_LOG_FLUSH_SECONDS, or as soon as ACCESS_LOG_BATCH hits are waiting, turns
the hits into records (records.py), counts them (metrics.py) and writes them to the day file
and to the table, each on its own: a full disk loses the file's copy, a failing table the
table's, and neither reaches a request. What could not be written is counted and shown on
/metrics. At a clean exit the thread is stopped and what is left is written."""

from __future__ import annotations

import logging
import multiprocessing.util
import os
import threading
from collections import deque
from pathlib import Path

from django.conf import settings
from django.db import connection

from twentytwo.traffic import files
from twentytwo.traffic.metrics import SINK_BUFFER, SINK_FILE, SINK_TABLE, Counters
from twentytwo.traffic.process_figures import snapshot_write
from twentytwo.traffic.records import CatalogIds, Hit, access_record

logger = logging.getLogger(__name__)
# How long a clean exit waits for the thread's last write.
STOP_TIMEOUT_SECONDS = 10.0


class AccessLogWriter:
    def __init__(
        self,
        *,
        directory: Path,
        metrics_directory: Path | None = None,
        flush_seconds: float = 1.0,
        batch_size: int = 500,
        buffer_limit: int = 100_000,
        table: bool = True,
        background: bool = True,
    ) -> None:
        self.directory = directory
        self.metrics_directory = metrics_directory
        self.flush_seconds = flush_seconds
        self.batch_size = batch_size
        self.buffer_limit = buffer_limit
        self.table = table
        self.pid = os.getpid()
        self.counters = Counters()
        self.catalog = CatalogIds()
        self._pending: deque[Hit] = deque()
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._flush_lock = threading.Lock()
        self._thread: threading.Thread | None = None
        if background:
            self._thread = threading.Thread(target=self._run, name="access-log-writer", daemon=True)
            self._thread.start()

    @property
    def pending(self) -> int:
        return len(self._pending)

    def submit(self, hit: Hit) -> None:
        """Take a hit for writing; called in the request path, so it never waits or fails."""
        pending = self._pending
        if len(pending) >= self.buffer_limit:
            self.counters.lose(SINK_BUFFER, 1)
            return
        pending.append(hit)
        if len(pending) == self.batch_size:
            self._wake.set()

    def _run(self) -> None:
        while not self._stopping.is_set():
            self._wake.wait(self.flush_seconds)
            self._wake.clear()
            try:
                self.flush()
            except Exception:  # a bug here must not end the thread; the next flush retries
                logger.exception("The access log writer failed")

    def flush(self) -> int:
        """Write every waiting hit; return how many records were made of them."""
        with self._flush_lock:
            written = 0
            while self._pending:
                written += self._flush_batch()
            if written and self.metrics_directory is not None:
                snapshot_write(self.metrics_directory, self.counters.snapshot(), pid=self.pid)
            return written

    def _flush_batch(self) -> int:
        hits = []
        pending = self._pending
        while pending and len(hits) < self.batch_size:
            hits.append(pending.popleft())
        records = []
        for hit in hits:
            try:
                record = access_record(hit, catalog=self.catalog)
            except Exception:
                # The catalog's ids could not be read (the database is down): the record is
                # written without them rather than lost.
                logger.exception("An access record could not be completed")
                record = access_record(hit, catalog=_NO_CATALOG)
            records.append(record)
            self.counters.observe(record, body=hit.body)
        self._file_write(records)
        if self.table:
            self._table_write(records)
        return len(records)

    def _file_write(self, records: list[dict]) -> None:
        try:
            files.records_append(self.directory, records)
        except OSError as error:
            self.counters.lose(SINK_FILE, len(records))
            logger.warning(
                "%d access records not written to %s: %s", len(records), self.directory, error
            )
        else:
            self.counters.wrote(SINK_FILE, len(records))

    def _table_write(self, records: list[dict]) -> None:
        from twentytwo.traffic.services import access_records_store

        try:
            connection.close_if_unusable_or_obsolete()
            access_records_store(records=records)
        except Exception as error:
            self.counters.lose(SINK_TABLE, len(records))
            logger.warning("%d access records not stored in the table: %s", len(records), error)
            if connection.in_atomic_block is False:
                connection.close()
        else:
            self.counters.wrote(SINK_TABLE, len(records))

    def close(self) -> None:
        """Stop the thread and write what is left; safe to call more than once."""
        self._stopping.set()
        self._wake.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(STOP_TIMEOUT_SECONDS)
        self.flush()


class _NoCatalog(CatalogIds):
    def ids(self, route):
        return None, None, route.track_id


_NO_CATALOG = _NoCatalog()
_writer: AccessLogWriter | None = None
_writer_lock = threading.Lock()


def _writer_from_settings() -> AccessLogWriter:
    writer = AccessLogWriter(
        directory=Path(settings.ACCESS_LOG_DIR),
        metrics_directory=Path(settings.METRICS_DIR),
        flush_seconds=settings.ACCESS_LOG_FLUSH_SECONDS,
        batch_size=settings.ACCESS_LOG_BATCH,
        buffer_limit=settings.ACCESS_LOG_BUFFER,
    )
    # An app server's worker process ends through multiprocessing, which skips atexit but
    # runs these finalizers; at a plain interpreter exit multiprocessing runs them at exit.
    multiprocessing.util.Finalize(writer, writer.close, exitpriority=10)
    return writer


def access_log_writer() -> AccessLogWriter | None:
    """Return this process's writer, started on first use; None when the log is off."""
    global _writer
    if not settings.ACCESS_LOG:
        return None
    writer = _writer
    if writer is None or writer.pid != os.getpid():
        with _writer_lock:
            writer = _writer
            # A writer made before a fork belongs to the parent: its thread did not come along.
            if writer is None or writer.pid != os.getpid():
                writer = _writer = _writer_from_settings()
    return writer


def access_log_writer_install(writer: AccessLogWriter | None) -> AccessLogWriter | None:
    """Make `writer` this process's writer (tests); return the one it replaces."""
    global _writer
    with _writer_lock:
        previous, _writer = _writer, writer
    return previous
