"""The access log's buffered writer: requests hand over a hit; a thread spools them.

The request path only appends a tuple to a deque (no lock, no I/O, no database). A
background thread wakes every ACCESS_LOG_FLUSH_SECONDS, or as soon as ACCESS_LOG_BATCH hits
are waiting, and writes what is waiting as one spool file (spool.py) for the loader
(loader.py), which makes the records, writes them to the day file and the table and counts
them for /metrics. Handing over costs well under a microsecond a hit; making and storing a
record costs several, so that work runs where it does not compete with the answers.

With ACCESS_LOG_LOADER = "inline" the thread loads the spool itself after each handover: for
a single process with no loader beside it (the development server). What could not be handed
over (a full buffer, a full disk, a spool past ACCESS_LOG_SPOOL_MAX_BYTES) is counted and
shown on /metrics. At a clean exit the thread is stopped and what is left is handed over."""

from __future__ import annotations

import logging
import multiprocessing.util
import os
import threading
from collections import deque
from pathlib import Path

from django.conf import settings

from twentytwo.traffic.loader import (
    AccessLogLoader,
    LoaderBusy,
    access_log_loader_from_settings,
)
from twentytwo.traffic.metrics import SINK_BUFFER, SINK_SPOOL, Counters, process_counters
from twentytwo.traffic.process_figures import snapshot_write
from twentytwo.traffic.spool import spool_bytes, spool_write

logger = logging.getLogger(__name__)
# How long a clean exit waits for the thread's last write.
STOP_TIMEOUT_SECONDS = 10.0
# The spool's size is looked at when a handover would take it this close to its limit.
SPOOL_CHECK_EVERY_BYTES = 16 * 1024 * 1024


class AccessLogWriter:
    def __init__(
        self,
        *,
        spool_directory: Path,
        counters: Counters | None = None,
        metrics_directory: Path | None = None,
        flush_seconds: float = 1.0,
        batch_size: int = 2000,
        buffer_limit: int = 100_000,
        spool_max_bytes: int = 0,
        loader: AccessLogLoader | None = None,
        background: bool = True,
    ) -> None:
        self.spool_directory = spool_directory
        self.counters = process_counters() if counters is None else counters
        self.metrics_directory = metrics_directory
        self.flush_seconds = flush_seconds
        self.batch_size = batch_size
        self.buffer_limit = buffer_limit
        self.spool_max_bytes = spool_max_bytes
        # Loads the spool after each handover ("inline"); None when a loader process does.
        self.loader = loader
        self.pid = os.getpid()
        self._spooled_since_check = 0
        self._spool_was_full = False
        self._closed = False
        self._losses_published = 0
        self._pending: deque[tuple] = deque()
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

    def submit(self, hit: tuple) -> None:
        """Take a hit (a plain tuple of records.Hit's fields) for writing; called in the
        request path, so it never waits or fails."""
        pending = self._pending
        if len(pending) >= self.buffer_limit or self._closed:
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
        """Hand over every waiting hit (and load them, inline); return how many were."""
        if os.getpid() != self.pid:
            # A forked child inherits the parent's writer and its waiting hits (and its
            # exit hook): they are the parent's to hand over.
            return 0
        with self._flush_lock:
            hits = []
            pending = self._pending
            popleft = pending.popleft
            while pending:
                hits.append(popleft())
            spooled = self._spool(hits) if hits else 0
            if self.loader is not None:
                self._load_inline()
            self._losses_publish()
            return spooled

    def _spool(self, hits: list[tuple]) -> int:
        lost = None
        if self.spool_max_bytes and self._spool_full(len(hits)):
            lost = f"the spool holds more than {self.spool_max_bytes} bytes"
        else:
            try:
                spool_write(self.spool_directory, hits)
            except OSError as error:
                lost = str(error)
        if lost is None:
            return len(hits)
        self.counters.lose(SINK_SPOOL, len(hits))
        logger.warning(
            "%d access records not handed over to %s: %s", len(hits), self.spool_directory, lost
        )
        return 0

    def _losses_publish(self) -> None:
        """Leave this process's figures for /metrics when it lost records since it last did:
        a scrape answered by another process must count them too."""
        lost = self.counters.lost_total()
        if lost != self._losses_published and self.metrics_directory is not None:
            snapshot_write(self.metrics_directory, self.counters.snapshot(), pid=self.pid)
            self._losses_published = lost

    def _spool_full(self, count: int) -> bool:
        """Whether the spool is past its limit. Looked at once per SPOOL_CHECK_EVERY_BYTES
        (or a quarter of the limit) handed over, counting about 100 bytes a hit, and at every
        handover while it is full."""
        self._spooled_since_check += count * 100
        every = min(SPOOL_CHECK_EVERY_BYTES, self.spool_max_bytes // 4)
        if self._spooled_since_check < every and not self._spool_was_full:
            return False
        self._spooled_since_check = 0
        self._spool_was_full = spool_bytes(self.spool_directory) >= self.spool_max_bytes
        return self._spool_was_full

    def _load_inline(self) -> None:
        loader = self.loader
        try:
            with loader.lock(wait=True):
                loader.load()
        except LoaderBusy:
            pass
        except Exception:
            logger.exception("The access log's inline loader failed")

    def close(self) -> None:
        """Stop the thread and hand over what is left; safe to call more than once. Hits
        that come after are counted lost."""
        self._stopping.set()
        self._wake.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(STOP_TIMEOUT_SECONDS)
        self.flush()
        self._closed = True
        self.flush()  # what came in meanwhile


LOADER_PROCESS, LOADER_INLINE = "process", "inline"
_OFF = object()  # the process's writer when the log is off
_writer: AccessLogWriter | object | None = None
_writer_lock = threading.Lock()


def _writer_from_settings() -> AccessLogWriter:
    inline = settings.ACCESS_LOG_LOADER == LOADER_INLINE
    writer = AccessLogWriter(
        spool_directory=Path(settings.ACCESS_LOG_SPOOL_DIR),
        metrics_directory=Path(settings.METRICS_DIR),
        flush_seconds=settings.ACCESS_LOG_FLUSH_SECONDS,
        batch_size=settings.ACCESS_LOG_BATCH,
        buffer_limit=settings.ACCESS_LOG_BUFFER,
        spool_max_bytes=settings.ACCESS_LOG_SPOOL_MAX_BYTES,
        loader=access_log_loader_from_settings() if inline else None,
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
