"""The access log's buffered writer: requests hand over a Hit; a thread writes them.

The request path only appends to a deque (no lock, no I/O, no database). A background thread
wakes every ACCESS_LOG_FLUSH_SECONDS, or as soon as ACCESS_LOG_BATCH hits are waiting, makes
the hits into records (batches.py, records.py), counts them for /metrics and writes them to
the day file and to the table, each on its own: a full disk loses the file's copy, a failing
table the table's, and neither reaches a request. What could not be written is counted and shown on
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
from twentytwo.traffic.batches import TABLE_COLUMNS, Batch, BatchEncoder
from twentytwo.traffic.metrics import SINK_BUFFER, SINK_FILE, SINK_TABLE, Counters
from twentytwo.traffic.process_figures import snapshot_write
from twentytwo.traffic.records import CatalogIds, Hit

logger = logging.getLogger(__name__)
# How long a clean exit waits for the thread's last write.
STOP_TIMEOUT_SECONDS = 10.0
# Records written in one transaction at most: a commit costs as much as some thousands of
# inserts, so a busy process commits a second's worth at once.
FLUSH_CHUNK = 10_000


class AccessLogWriter:
    def __init__(
        self,
        *,
        directory: Path,
        metrics_directory: Path | None = None,
        flush_seconds: float = 1.0,
        batch_size: int = 2000,
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
        self._batch_encoder: BatchEncoder | None = None
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
        while pending and len(hits) < FLUSH_CHUNK:
            hits.append(pending.popleft())
        try:
            batch = self._encoder().encode(hits)
        except Exception:
            # The catalog's ids could not be read (the database is down): the records are
            # written without them rather than lost.
            logger.exception("Access records could not be completed with catalog ids")
            batch = BatchEncoder(catalog=_NO_CATALOG, connection=connection).encode(hits)
        self.counters.count_batch(batch)
        self._file_write(batch)
        if self.table:
            self._table_write(batch)
        return len(batch)

    def _encoder(self) -> BatchEncoder:
        if self._batch_encoder is None:
            self._batch_encoder = BatchEncoder(catalog=self.catalog, connection=connection)
        return self._batch_encoder

    def _file_write(self, batch: Batch) -> None:
        try:
            files.lines_append(self.directory, batch.lines)
        except OSError as error:
            self.counters.lose(SINK_FILE, len(batch))
            logger.warning(
                "%d access records not written to %s: %s", len(batch), self.directory, error
            )
        else:
            self.counters.wrote(SINK_FILE, len(batch))

    def _table_write(self, batch: Batch) -> None:
        from twentytwo.traffic.services import access_rows_store

        try:
            if not connection.in_atomic_block:
                # The thread's own connection: renewed when too old or broken, as a request's
                # would be. (Inside a transaction it is a caller's, such as a test's.)
                connection.close_if_unusable_or_obsolete()
            access_rows_store(params=batch.params, columns=TABLE_COLUMNS)
        except Exception as error:
            self.counters.lose(SINK_TABLE, len(batch))
            logger.warning("%d access records not stored in the table: %s", len(batch), error)
            if connection.in_atomic_block is False:
                connection.close()
        else:
            self.counters.wrote(SINK_TABLE, len(batch))

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
_OFF = object()  # the process's writer when the log is off
_writer: AccessLogWriter | object | None = None
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
    """Return this process's writer, started on first use; None when the log is off.

    Called for every request, so it is one read of a global once decided: whether the log is
    on is read from the settings at a process's first request."""
    global _writer
    writer = _writer
    if writer is None:
        with _writer_lock:
            writer = _writer
            if writer is None:
                writer = _writer = _writer_from_settings() if settings.ACCESS_LOG else _OFF
    return None if writer is _OFF else writer


def _forget_the_parents_writer() -> None:
    # A writer made before a fork belongs to the parent: its thread did not come along.
    global _writer, _writer_lock
    _writer, _writer_lock = None, threading.Lock()


os.register_at_fork(after_in_child=_forget_the_parents_writer)


def access_log_writer_install(writer: AccessLogWriter | None) -> AccessLogWriter | None:
    """Make `writer` this process's writer (tests); None decides from the settings again.

    Return the one it replaces."""
    global _writer
    with _writer_lock:
        previous, _writer = _writer, writer
    return None if previous is _OFF else previous
