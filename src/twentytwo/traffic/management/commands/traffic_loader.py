"""Load the access log's spool into the day files and the table, until stopped."""

import signal
import sys
import threading
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from twentytwo.traffic.loader import (
    access_log_loader_from_settings,
    loader_run,
    lowest_cpu_priority,
)


class Command(BaseCommand):
    help = (
        "Make access records of what the app server's processes handed over (the spool), "
        "write them to the day files and the table, and count them for /metrics. `serve` "
        "starts one; run it yourself when the app server is started some other way."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Load what waits now, then stop.")
        parser.add_argument(
            "--until-stdin-closes",
            action="store_true",
            help="Stop when standard input reaches its end, not on a signal (how `serve` "
            "runs it: the app server's processes hold the other end of the pipe).",
        )
        parser.add_argument(
            "--normal-priority",
            action="store_true",
            help="Compete for the CPU like any process (the default is the lowest priority).",
        )

    def handle(self, *args, once, until_stdin_closes, normal_priority, **options):
        if not settings.ACCESS_LOG:
            raise CommandError("The access log is off (TWENTYTWO_ACCESS_LOG=false).")
        priority = "normal" if normal_priority else lowest_cpu_priority()
        loader = access_log_loader_from_settings()
        if once:
            with loader.lock(wait=True):
                count = loader.load()
            self.stdout.write(f"Loaded {count} access record(s).")
            return
        stop = threading.Event()
        if until_stdin_closes:
            # The app server stops its workers on these; the loader waits for the last of
            # them to hand over what it held, which closes the pipe.
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            threading.Thread(
                target=_read_to_end, args=(stop,), name="stdin-watch", daemon=True
            ).start()
        else:
            for signum in (signal.SIGINT, signal.SIGTERM):
                signal.signal(signum, lambda *_: stop.set())
        self.stderr.write(
            f"Loading the access log spool {Path(settings.ACCESS_LOG_SPOOL_DIR)}"
            f" (CPU priority: {priority})."
        )
        loader_run(loader, poll_seconds=settings.ACCESS_LOG_LOADER_POLL_SECONDS, stop=stop)


def _read_to_end(stop: threading.Event) -> None:
    try:
        while sys.stdin.buffer.read(4096):
            pass
    finally:
        stop.set()
