"""Other processes of the project, as a deploy runs them: management commands and servers."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

# The repository: what a server started for a test runs from, this checkout's code first.
ROOT = Path(__file__).resolve().parents[2]
PYTHONPATH = os.pathsep.join([str(ROOT / "src"), str(ROOT)])


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    """Run `python -m twentytwo <args>` in a process of its own, with `env` added."""
    # The browser tests allow sync ORM calls from async contexts; a deployment must not.
    environment = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-m", "twentytwo", *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, server: subprocess.Popen, *, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the app server exited: {server.stderr.read().decode()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("the app server did not start listening")
