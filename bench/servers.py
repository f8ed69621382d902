"""Start and stop the servers under test, each on a free loopback port.

Every server runs in its own session (process group), so a Ctrl-C in the terminal reaches
only the orchestrator, which then stops each group in order; nothing is left behind."""

import contextlib
import os
import pwd
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

HOST = "127.0.0.1"
REPO = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
NGINX = "/usr/sbin/nginx"

SERVER_EXITED = "{name} exited with code {code} while starting; its log ends:\n{log}"
SERVER_NOT_READY = "{name} did not answer on {url} within {seconds} s; its log ends:\n{log}"
SERVER_LOOP_MISSING = "uvicorn's baseline needs uvloop and httptools in the virtualenv: {error}"

# Debian's nginx as a plain static file server for the same media files. tcp_nopush off:
# with it on, nginx holds back the last partial packet of a range that does not end on a
# packet boundary and each 64 KB range waits ~40 ms for the delayed ACK.
NGINX_CONF = """\
{user}worker_processes 2;
daemon off;
master_process on;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush off;
    tcp_nodelay on;
    keepalive_timeout 65;
    keepalive_requests 1000000;
    types {{ audio/mpeg mp3; audio/ogg ogg opus; audio/flac flac; audio/mp4 m4a; }}
    default_type application/octet-stream;
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    server {{
        listen {host}:{port};
        location /media/ {{ alias {media_root}/; }}
    }}
}}
"""


@dataclass
class Server:
    """A running server: its name, base URL, process and log file."""

    name: str
    url: str
    process: subprocess.Popen
    log: Path

    @property
    def pid(self) -> int:
        return self.process.pid


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def _log_tail(log: Path, lines: int = 20) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _wait_until_ready(server: Server, ready_path: str, timeout: float = 30.0) -> None:
    """Poll `ready_path` until the server answers with any HTTP status."""
    deadline = time.monotonic() + timeout
    url = server.url + ready_path
    while time.monotonic() < deadline:
        code = server.process.poll()
        if code is not None:
            raise RuntimeError(
                SERVER_EXITED.format(name=server.name, code=code, log=_log_tail(server.log))
            )
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(
        SERVER_NOT_READY.format(
            name=server.name, url=url, seconds=timeout, log=_log_tail(server.log)
        )
    )


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _stop(server: Server, grace: float = 30.0) -> None:
    """Ask the server's process group to stop and wait for all of it (the app server's
    access log loader ends last, after loading what the workers handed over as they
    stopped); kill what is left after `grace`."""
    if server.process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            server.process.wait(timeout=grace)
    deadline = time.monotonic() + grace
    while _group_alive(server.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    # Workers can outlive a master that died first; the group takes them all.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(server.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        server.process.wait(timeout=5)


@contextlib.contextmanager
def _running(
    name: str, command: list[str], *, port: int, log: Path, ready_path: str, env=None
) -> Iterator[Server]:
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            command,
            cwd=REPO,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Server(name=name, url=f"http://{HOST}:{port}", process=process, log=log)
    try:
        _wait_until_ready(server, ready_path)
        yield server
    finally:
        _stop(server)


def app_server(
    workdir: Path,
    *,
    var_dir: Path | None = None,
    extra_env: dict[str, str] | None = None,
    name: str | None = None,
) -> contextlib.AbstractContextManager[Server]:
    """Run the app exactly as `make demo` does (`python -m twentytwo serve`, which also
    starts the access log's loader), without the app server's own access log: the
    baselines log nothing either.

    With `var_dir`, on the database (and secret key) there instead of the demo's: the
    beacon benchmark writes events, which must not land in the demo's listening figures.
    `extra_env` adds settings (the traffic benchmark turns the site's access log off)."""
    port = free_port()
    command = [
        sys.executable, "-m", "twentytwo", "serve",
        "--host", HOST,
        "--port", str(port),
        "--workers", os.environ.get("WEB_WORKERS", "2"),
        "--threads", os.environ.get("WEB_THREADS", "8"),
    ]  # fmt: skip
    env = None
    if var_dir is not None or extra_env:
        env = {**os.environ, **(extra_env or {})}
    if var_dir is not None:
        env["TWENTYTWO_VAR_DIR"] = str(var_dir)
        env.pop("DATABASE_URL", None)
    log_name = name or ("app" if var_dir is None else "app-audience")
    return _running(
        name or "app",
        command,
        port=port,
        log=workdir / f"{log_name}.log",
        ready_path="/api/cities",
        env=env,
    )


def nginx_server(workdir: Path, *, media_root: Path) -> contextlib.AbstractContextManager[Server]:
    """Run nginx in the foreground serving `media_root` under /media/."""
    port = free_port()
    prefix = workdir / "nginx"
    prefix.mkdir()
    # As root, nginx would drop its workers to `nobody`, who may not read the media.
    user = f"user {pwd.getpwuid(os.geteuid()).pw_name};\n" if os.geteuid() == 0 else ""
    conf = prefix / "nginx.conf"
    conf.write_text(
        NGINX_CONF.format(user=user, prefix=prefix, host=HOST, port=port, media_root=media_root)
    )
    command = [NGINX, "-p", str(prefix), "-e", str(prefix / "error.log"), "-c", str(conf)]
    return _running("nginx", command, port=port, log=prefix / "stderr.log", ready_path="/")


def raw_asgi_server(workdir: Path, *, responses: Path) -> contextlib.AbstractContextManager[Server]:
    """Run the baseline ASGI app under uvicorn with uvloop and httptools, 2 workers."""
    # Without these two, uvicorn falls back to asyncio + h11, whose workers skip
    # TCP_NODELAY and add ~40 ms to every response: a baseline that would flatter the app.
    try:
        import httptools  # noqa: F401
        import uvloop  # noqa: F401
    except ImportError as error:
        raise RuntimeError(SERVER_LOOP_MISSING.format(error=error)) from error
    port = free_port()
    command = [
        str(VENV_BIN / "uvicorn"),
        "bench.raw_asgi:app",
        "--host",
        HOST,
        "--port",
        str(port),
        "--workers",
        "2",
        "--loop",
        "uvloop",
        "--http",
        "httptools",
        "--lifespan",
        "off",
        "--no-access-log",
        "--log-level",
        "warning",
    ]
    env = {**os.environ, "BENCH_RAW_RESPONSES": str(responses)}
    return _running(
        "uvicorn", command, port=port, log=workdir / "uvicorn.log", ready_path="/", env=env
    )
