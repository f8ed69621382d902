"""Serve the site with the production app server: `python -m twentytwo serve`."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

SERVER_MISSING = (
    "The app server (granian) is not installed in this environment: run `make install`."
)


def server_command(*, host: str, port: int, workers: int, threads: int, access_log: bool) -> list:
    """Return the argv that serves the WSGI application as `make demo` and `make bench` do.

    granian's WSGI interface was measured faster than gunicorn's threaded worker for both
    the API and byte ranges on this project (see bench/README.md)."""
    granian = Path(sys.executable).parent / "granian"
    if not granian.exists():
        found = shutil.which("granian")
        if found is None:
            raise CommandError(SERVER_MISSING)
        granian = Path(found)
    return [
        str(granian),
        "--interface", "wsgi",
        "--host", host,
        "--port", str(port),
        "--workers", str(workers),
        "--blocking-threads", str(threads),
        "--no-ws",
        "--respawn-failed-workers",
        "--access-log" if access_log else "--no-access-log",
        "twentytwo.config.wsgi:application",
    ]  # fmt: skip


class Command(BaseCommand):
    help = "Serve the site with granian (WSGI) in the foreground."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--workers", type=int, default=2, help="processes")
        parser.add_argument("--threads", type=int, default=8, help="threads per process")
        # The site keeps its own access log, with its retention (traffic/); the server's
        # would print every client address to the console, outside those limits.
        parser.add_argument(
            "--no-loader",
            action="store_true",
            help="do not start the access log's loader: it runs as a service of its own "
            "(`python -m twentytwo traffic_loader`, restarted by the service manager)",
        )
        parser.add_argument(
            "--server-access-log",
            action="store_true",
            help="also print the app server's own access log (client addresses included)",
        )

    def handle(self, *args, host, port, workers, threads, server_access_log, no_loader, **options):
        argv = server_command(
            host=host, port=port, workers=workers, threads=threads, access_log=server_access_log
        )
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "twentytwo.config.settings")
        if settings.ACCESS_LOG and settings.ACCESS_LOG_LOADER == "process" and not no_loader:
            access_log_loader_start()
        os.execv(argv[0], argv)  # noqa: S606 (argv is built above, no shell)


def access_log_loader_start() -> None:
    """Start the access log's loader (traffic/loader.py) beside the app server to come.

    The loader reads a pipe whose other end this process keeps open through exec, and so
    the app server and its workers hold it: when the last of them has ended, after handing
    over what it held, the loader reads the pipe's end, loads what is left and stops."""
    read_end, write_end = os.pipe()
    subprocess.Popen(
        [sys.executable, "-m", "twentytwo", "traffic_loader", "--until-stdin-closes"],
        stdin=read_end,
        close_fds=True,
    )
    os.close(read_end)
    os.set_inheritable(write_end, True)
