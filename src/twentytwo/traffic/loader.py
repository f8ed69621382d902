"""The loader: from the spool's files to the day files, the table and the counts of /metrics.

Making records of hits (batches.py) and storing them costs several times what the app server
spends handing them over, so it happens in a process of its own: `python -m twentytwo
traffic_loader`, which `serve` starts beside the app server at the lowest CPU priority. It
takes what the machine does not use for answering requests. Under a load that keeps every
core busy the spool grows on disk, and the records come in once the load eases; /metrics and
the operations dashboard say how far behind it is.

Each spool file is written to the day file and to the table, each on its own: a full disk
loses the file's copy, a failing table the table's, both counted. Then the spool file is
removed. The steps leave marks, so that a loader killed at any moment, when it meets the
file again, writes each record once: the file's new name says its records are in the day
file, and each chunk of rows is stored with a row of its own (models.LoadedChunk) in the
same transaction. (Only a kill between appending to the day file and renaming the spool
file, one system call apart, would write that file's lines twice.) One loader works on a
spool at a time (a lock file), and the app server's processes never wait for it."""

from __future__ import annotations

import fcntl
import logging
import os
import threading
from contextlib import contextmanager, suppress
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction

from twentytwo.traffic import files
from twentytwo.traffic.batches import TABLE_COLUMNS, Batch, BatchEncoder
from twentytwo.traffic.edge import edge_files_spool
from twentytwo.traffic.metrics import SINK_FILE, SINK_TABLE, Counters, process_counters
from twentytwo.traffic.models import LoadedChunk
from twentytwo.traffic.process_figures import snapshot_write
from twentytwo.traffic.records import CatalogIds
from twentytwo.traffic.services.records import access_chunk_marks_forget, access_chunk_store
from twentytwo.traffic.spool import (
    SpoolFile,
    SpoolFileUnreadable,
    spool_files,
    spool_mark_filed,
    spool_read,
    spool_reject,
)

logger = logging.getLogger(__name__)
LOCK_NAME = ".loader.lock"
# Rows stored per transaction: about a millisecond of the loader's work, so that SQLite's
# write lock, which every other writer of the site waits for, is never held long by a
# process that runs at the lowest priority.
TABLE_CHUNK_ROWS = 300


class LoaderBusy(Exception):
    """Another loader works on this spool."""


class _TryLater(Exception):
    """A spool file that cannot be finished now, but can be later."""


class AccessLogLoader:
    def __init__(
        self,
        *,
        spool_directory: Path,
        directory: Path,
        counters: Counters,
        metrics_directory: Path | None = None,
        table: bool = True,
        edge_directory: Path | None = None,
    ) -> None:
        self.spool_directory = spool_directory
        # Where nginx writes the requests it answers itself (traffic/edge.py), if it does.
        self.edge_directory = edge_directory
        self.directory = directory
        self.counters = counters
        self.metrics_directory = metrics_directory
        self.table = table
        self.catalog = CatalogIds()
        self._encoder: BatchEncoder | None = None

    @contextmanager
    def lock(self, *, wait: bool):
        """Hold the spool's loader lock; LoaderBusy when `wait` is false and it is taken."""
        self.spool_directory.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.spool_directory / LOCK_NAME, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o640)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
            except BlockingIOError as error:
                raise LoaderBusy(str(self.spool_directory)) from error
            yield
        finally:
            os.close(fd)  # closing releases the lock

    def load(self) -> int:
        """Load every spool file there is now; return how many records were made.

        The caller holds the lock (or is the only loader, as in tests)."""
        if self.edge_directory is not None:
            try:
                edge_files_spool(self.edge_directory, self.spool_directory)
            except OSError as error:  # a full disk: the files wait for the next pass
                logger.warning("The edge's request files wait for the next pass: %s", error)
        loaded = rejected = 0
        for spool_file in spool_files(self.spool_directory):
            try:
                hits = spool_read(spool_file.path)
            except FileNotFoundError:
                continue
            except (SpoolFileUnreadable, OSError) as error:
                self._reject(spool_file.path, error)
                rejected += 1
                continue
            try:
                count, path = self._load_file(spool_file, hits)
            except _TryLater as error:
                logger.warning(
                    "The spool file %s waits for the next pass: %s", spool_file.name, error
                )
                continue
            except Exception as error:  # a field of the wrong kind: no retry would help
                self._reject(spool_file.path, error)
                rejected += 1
                continue
            loaded += count
            path.unlink(missing_ok=True)
            if self.table:
                self._marks_forget(spool_file.name)
        if (loaded or rejected) and self.metrics_directory is not None:
            snapshot_write(self.metrics_directory, self.counters.snapshot())
        return loaded

    def _reject(self, path: Path, error: Exception) -> None:
        logger.error("The access log spool file %s was set aside: %s", path.name, error)
        self.counters.reject_spool_file()
        with suppress(OSError):
            spool_reject(path)

    def _load_file(self, spool_file: SpoolFile, hits: list[tuple]) -> tuple[int, Path]:
        """Write a spool file's records; return how many, and where the file is now."""
        path = spool_file.path
        if not hits:
            return 0, path
        done: frozenset[int] = frozenset()
        if self.table and spool_file.filed:
            try:
                done = self._marks(spool_file.name)
            except Exception as error:  # the database is down: the file waits for it
                if connection.in_atomic_block is False:
                    connection.close()
                raise _TryLater(error) from error
        batch = self._encode(hits)
        self.counters.count_batch(batch)
        if not spool_file.filed:
            self._file_write(batch)
            path = spool_mark_filed(path)
        if self.table:
            self._table_write(batch, spool_name=spool_file.name, done=done)
        return len(batch), path

    def _encode(self, hits: list[tuple]) -> Batch:
        try:
            return self._batch_encoder().encode(hits)
        except Exception:
            # The catalog's ids could not be read (the database is down): the records are
            # written without them rather than lost.
            logger.exception("Access records could not be completed with catalog ids")
            return BatchEncoder(catalog=_NO_CATALOG, connection=connection).encode(hits)

    def _batch_encoder(self) -> BatchEncoder:
        if self._encoder is None:
            self._encoder = BatchEncoder(catalog=self.catalog, connection=connection)
        return self._encoder

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

    def _table_write(self, batch: Batch, *, spool_name: str, done: frozenset[int]) -> None:
        step = TABLE_CHUNK_ROWS * len(TABLE_COLUMNS)
        params = batch.params
        for number, start in enumerate(range(0, len(params), step)):
            if number in done:  # stored by a loader that was stopped before it finished
                continue
            chunk = params[start : start + step]
            try:
                if not connection.in_atomic_block:
                    # The loader's own connection: renewed when too old or broken, as a
                    # request's would be. (Inside a transaction it is a caller's: a test's.)
                    connection.close_if_unusable_or_obsolete()
                stored = access_chunk_store(
                    params=chunk, columns=TABLE_COLUMNS, spool_file=spool_name, chunk=number
                )
            except Exception as error:
                rows = len(chunk) // len(TABLE_COLUMNS)
                self.counters.lose(SINK_TABLE, rows)
                logger.warning("%d access records not stored in the table: %s", rows, error)
                if connection.in_atomic_block is False:
                    connection.close()
            else:
                self.counters.wrote(SINK_TABLE, stored)

    def _marks(self, spool_name: str) -> frozenset[int]:
        # In a transaction of its own: a failure leaves a caller's transaction usable.
        with transaction.atomic():
            return frozenset(
                LoadedChunk.objects.filter(spool_file=spool_name).values_list("chunk", flat=True)
            )

    def _marks_forget(self, spool_name: str) -> None:
        try:
            access_chunk_marks_forget(spool_file=spool_name)
        except Exception as error:  # retention removes what is left
            logger.warning("The marks of spool file %s stay: %s", spool_name, error)
            if connection.in_atomic_block is False:
                connection.close()


class _NoCatalog(CatalogIds):
    def ids(self, route):
        return None, None, route.track_id


_NO_CATALOG = _NoCatalog()


def loader_run(loader: AccessLogLoader, *, poll_seconds: float, stop: threading.Event) -> None:
    """Load the spool every `poll_seconds` until `stop` is set, then once more and return.

    The last pass comes after `stop`: what the app server handed over as it stopped is
    loaded before the loader ends."""
    with loader.lock(wait=True):
        while True:
            stopping = stop.is_set()
            try:
                loader.load()
            except Exception:  # the next pass tries again
                logger.exception("The access log loader failed")
            if stopping:
                return
            stop.wait(poll_seconds)


def lowest_cpu_priority() -> str:
    """Give this process the lowest CPU priority a process may take itself; say which.

    Niceness 19: the kernel gives the loader a core when no other process wants it, and a
    sliver of one when they all do. Not SCHED_IDLE, which would give it almost nothing: the
    loader's transactions hold SQLite's write lock, which requests wait for, so the loader
    must still get on with them while the machine is busy (and they are kept short: see
    TABLE_CHUNK_ROWS)."""
    os.nice(19 - os.nice(0))
    return f"nice {os.nice(0)}"


def access_log_loader_from_settings() -> AccessLogLoader:
    """A loader of the settings' spool, counting into this process's counters."""
    return AccessLogLoader(
        spool_directory=Path(settings.ACCESS_LOG_SPOOL_DIR),
        directory=Path(settings.ACCESS_LOG_DIR),
        counters=process_counters(),
        metrics_directory=Path(settings.METRICS_DIR),
        edge_directory=Path(settings.ACCESS_LOG_EDGE_DIR),
    )


def spool_load_if_idle() -> int:
    """Load the spool when no loader is at work on it (an app server started without one);
    return how many records were made."""
    loader = access_log_loader_from_settings()
    try:
        with loader.lock(wait=False):
            return loader.load()
    except LoaderBusy:
        return 0
