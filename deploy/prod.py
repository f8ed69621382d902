"""Run the production stack on loopback, as a production host runs it: `make prod`.

nginx in front (TLS with a certificate made for the run, HTTP/2, static files and pictures
from disk, audio through X-Accel-Redirect), the app under granian with
TWENTYTWO_PRODUCTION=true on PostgreSQL, the access log's loader beside it, Redis as the
shared store, and the task worker. The site file nginx runs is deploy/nginx.conf itself,
with the host name, paths and ports of this run put in; the processes are the ones the
units in deploy/systemd/ start on a real host.

    .venv/bin/python deploy/prod.py            # set up, start, serve until Ctrl-C
    .venv/bin/python deploy/prod.py --check    # what is missing from this machine

Everything the run writes lives in one folder (--var, default var/prod). Ports and the
database come from the options below; nothing listens beyond 127.0.0.1."""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SITE_CONF = ROOT / "deploy" / "nginx.conf"
NJS_MODULE = Path("/usr/lib/nginx/modules/ngx_http_js_module.so")
DEBIAN_PACKAGES = {
    "nginx": "nginx",
    "openssl": "openssl",
    "redis-server": "redis-server",
    "pg_isready": "postgresql-client",
}
# Processes started again when they stop, as their systemd units are (Restart=always); the
# others stopping stops the stack.
RESTARTED = {"loader", "worker"}
# The task chains a site runs (as `make demo` starts them).
SCHEDULES = (
    "audience_rollup",
    "traffic_retention",
    "privacy_retention",
    "partner_reports",
    "outreach_send",
)


@dataclass
class Stack:
    var: Path
    https_port: int
    http_port: int
    app_port: int
    redis_port: int
    database_url: str
    workers: int
    threads: int
    # make bench's baseline: the same audio files at /bench-media/, sent by the same nginx
    # with no check. Only ever on in a loopback run for the benchmark.
    bench_baseline: bool = False
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    # -- places -------------------------------------------------------------------------
    @property
    def tls(self) -> Path:
        return self.var / "tls"

    @property
    def nginx_dir(self) -> Path:
        return self.var / "nginx"

    @property
    def log(self) -> Path:
        return self.var / "log"

    @property
    def origin(self) -> str:
        return f"https://localhost:{self.https_port}"

    def env(self) -> dict[str, str]:
        hosts = "localhost,127.0.0.1"
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "twentytwo.config.settings",
            "TWENTYTWO_PRODUCTION": "true",
            "TWENTYTWO_VAR_DIR": str(self.var),
            "TWENTYTWO_ALLOWED_HOSTS": hosts,
            "TWENTYTWO_CSRF_TRUSTED_ORIGINS": ",".join(
                f"https://{host}:{self.https_port}" for host in hosts.split(",")
            ),
            "TWENTYTWO_STREAM_ACCEL_REDIRECT_PREFIX": "/protected-media/",
            "TWENTYTWO_TRUSTED_PROXIES": "127.0.0.1,::1",
            "TWENTYTWO_INTERNAL_ADDRESSES": "127.0.0.1",
            "TWENTYTWO_REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/0",
            "DATABASE_URL": self.database_url,
        }

    # -- set-up ---------------------------------------------------------------------------
    def manage(self, *args: str) -> None:
        subprocess.run(
            [sys.executable, "-m", "twentytwo", *args], env=self.env(), cwd=ROOT, check=True
        )

    def certificate(self) -> None:
        """A self-signed certificate for localhost and 127.0.0.1, made once per var folder."""
        self.tls.mkdir(parents=True, exist_ok=True)
        cert, key = self.tls / "cert.pem", self.tls / "key.pem"
        if cert.exists() and key.exists():
            return
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
             "-nodes", "-days", "30", "-subj", "/CN=localhost",
             "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
             "-keyout", str(key), "-out", str(cert)],
            check=True, capture_output=True,
        )  # fmt: skip
        key.chmod(0o600)

    def database(self) -> None:
        """Create the database named by the URL if it is not there yet."""
        import psycopg
        from psycopg import sql

        info = psycopg.conninfo.conninfo_to_dict(self.database_url)
        name = info.pop("dbname")
        with psycopg.connect(**info, dbname="postgres", autocommit=True) as connection:
            found = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if found.fetchone() is None:
                connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))

    def site_conf(self) -> str:
        """deploy/nginx.conf with this run's host names, folders and ports put in."""
        text = SITE_CONF.read_text()
        replacements = [
            ("    listen [::]:80;\n", ""),
            ("    listen [::]:443 ssl http2 default_server;\n", ""),
            ("listen 443 ssl http2 default_server;",
             f"listen 127.0.0.1:{self.https_port} ssl http2 default_server;"),
            ("    listen [::]:443 ssl http2;\n", ""),
            ("listen 80;", f"listen 127.0.0.1:{self.http_port};"),
            ("listen 443 ssl http2;", f"listen 127.0.0.1:{self.https_port} ssl http2;"),
            ("server_name 22tracks.example;", "server_name localhost 127.0.0.1;"),
            ("return 301 https://$host$request_uri;",
             f"return 301 https://$host:{self.https_port}$request_uri;"),
            ("/etc/letsencrypt/live/22tracks.example/fullchain.pem", str(self.tls / "cert.pem")),
            ("/etc/letsencrypt/live/22tracks.example/privkey.pem", str(self.tls / "key.pem")),
            ("/var/www/letsencrypt", str(self.var / "acme")),
            ("server 127.0.0.1:8000;", f"server 127.0.0.1:{self.app_port};"),
            # Not on port 443: the app must hear the port to make its absolute URLs.
            ("proxy_set_header Host $host;", "proxy_set_header Host $host:$server_port;"),
            ("/srv/22tracks/deploy/", f"{ROOT / 'deploy'}/"),
            ("/srv/22tracks/var", str(self.var)),
        ]  # fmt: skip
        if self.bench_baseline:
            replacements.append(
                ("    # Audio with an older URL",
                 f"    location /bench-media/ {{\n        alias {self.var}/media/;\n"
                 "        access_log off;\n    }\n    # Audio with an older URL"),
            )  # fmt: skip
        for old, new in replacements:
            if old not in text:
                raise SystemExit(f"deploy/nginx.conf no longer holds {old.strip()!r}")
            text = text.replace(old, new)
        return text

    def nginx_conf(self) -> Path:
        """The main nginx.conf of this run: its own pid, logs and temporary folders."""
        run = self.nginx_dir
        for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (run / name).mkdir(parents=True, exist_ok=True)
        (run / "site.conf").write_text(self.site_conf())
        self.manage("stream_edge_key", str(self.var / "stream-key.conf"))
        user = "user root;\n" if os.geteuid() == 0 else ""
        main = run / "nginx.conf"
        main.write_text(
            f"""{user}load_module {NJS_MODULE};
worker_processes 2;
pid {run}/nginx.pid;
error_log {self.log}/nginx-error.log warn;
events {{ worker_connections 4096; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    # The app keeps the access log (nginx's edge requests included: traffic/edge.py).
    access_log off;
    client_body_temp_path {run}/client_body;
    proxy_temp_path {run}/proxy;
    fastcgi_temp_path {run}/fastcgi;
    uwsgi_temp_path {run}/uwsgi;
    scgi_temp_path {run}/scgi;
    include {run}/site.conf;
}}
"""
        )
        return main

    def prepare(self, *, seed: bool) -> None:
        for folder in (self.var, self.log, self.log / "edge", self.var / "acme"):
            folder.mkdir(parents=True, exist_ok=True)
        self.certificate()
        self.database()
        self.start_redis()
        self.manage("migrate", "--no-input", "--verbosity", "0")
        self.manage("collectstatic", "--no-input", "--verbosity", "0")
        if seed:
            self.manage("seed_demo")
        for name in SCHEDULES:
            self.manage(name, "--schedule")

    # -- processes ----------------------------------------------------------------------
    def spawn(self, name: str, argv: list[str]) -> None:
        out = (self.log / f"{name}.log").open("ab")
        self.processes[name] = subprocess.Popen(
            argv, env=self.env(), cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip

    def start_redis(self) -> None:
        if "redis" in self.processes:
            return
        (self.var / "redis").mkdir(exist_ok=True)
        self.spawn(
            "redis",
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.redis_port),
             "--save", "", "--appendonly", "no", "--dir", str(self.var / "redis")],
        )  # fmt: skip
        self.wait_for_port(self.redis_port, "redis")

    def start(self) -> None:
        python = [sys.executable, "-m", "twentytwo"]
        # The loader is a process of its own, restarted when it dies (as its systemd unit
        # is); started before the app and stopped after it, so it loads what the app's
        # workers hand over as they stop.
        self.spawn("loader", [*python, "traffic_loader"])
        self.spawn(
            "app",
            [*python, "serve", "--host", "127.0.0.1", "--port", str(self.app_port),
             "--workers", str(self.workers), "--threads", str(self.threads), "--no-loader"],
        )  # fmt: skip
        self.spawn("worker", [*python, "db_worker"])
        conf = self.nginx_conf()
        subprocess.run(
            ["nginx", "-t", "-q", "-p", str(self.nginx_dir), "-c", str(conf)], check=True
        )
        self.spawn(
            "nginx", ["nginx", "-p", str(self.nginx_dir), "-c", str(conf), "-g", "daemon off;"]
        )

    def wait_for_port(self, port: int, name: str, seconds: float = 30) -> None:
        import socket

        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self.check_alive()
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.1)
        raise SystemExit(f"{name} did not listen on 127.0.0.1:{port}; see {self.log}/{name}.log")

    def wait_ready(self, seconds: float = 90) -> None:
        """Wait until /readyz answers 200 through nginx, over TLS checked against our cert."""
        context = ssl.create_default_context(cafile=str(self.tls / "cert.pem"))
        deadline = time.monotonic() + seconds
        last = ""
        while time.monotonic() < deadline:
            self.check_alive()
            try:
                with urllib.request.urlopen(  # noqa: S310 (our own https URL)
                    f"{self.origin}/readyz", context=context, timeout=5
                ) as answer:
                    if answer.status == 200:
                        return
            except urllib.error.HTTPError as error:
                last = error.read().decode(errors="replace").strip()
            except OSError as error:
                last = str(error)
            time.sleep(0.5)
        raise SystemExit(f"the stack did not become ready: {last}")

    def check_alive(self) -> None:
        for name, process in list(self.processes.items()):
            if process.poll() is None:
                continue
            if name in RESTARTED:
                print(f"{name} stopped (exit {process.returncode}); starting it again", flush=True)
                self.spawn(name, process.args)
                continue
            raise SystemExit(
                f"{name} stopped (exit {process.returncode}); see {self.log}/{name}.log"
            )

    def stop(self) -> None:
        """Stop in the reverse order: nginx, the worker, the app, the loader (which loads what
        the app's workers handed over as they stopped), Redis."""
        for name in reversed(list(self.processes)):
            process = self.processes[name]
            if process.poll() is None:
                process.send_signal(signal.SIGQUIT if name == "nginx" else signal.SIGTERM)
                try:
                    process.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
        self.processes.clear()


def free_port() -> int:
    """A loopback port nothing listens on now."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def missing_tools() -> list[str]:
    missing = [package for tool, package in DEBIAN_PACKAGES.items() if shutil.which(tool) is None]
    return sorted(set(missing))


def postgres_problem(url: str) -> str | None:
    try:
        import psycopg

        info = psycopg.conninfo.conninfo_to_dict(url)
        info["dbname"] = "postgres"
        psycopg.connect(**info, connect_timeout=3).close()
    except Exception as error:  # any failure to connect is what we report
        return f"PostgreSQL does not answer at {url} ({error.__class__.__name__}: {error})"
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--var", type=Path, default=ROOT / "var" / "prod")
    parser.add_argument("--https-port", type=int, default=8443)
    parser.add_argument("--http-port", type=int, default=8080)
    parser.add_argument("--app-port", type=int, default=8001)
    parser.add_argument("--redis-port", type=int, default=6380)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/twentytwo_prod"),
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--no-seed", action="store_true", help="do not add the demo catalog")
    parser.add_argument("--check", action="store_true", help="only say what is missing")
    options = parser.parse_args(argv)

    problems = []
    if not NJS_MODULE.exists():
        problems.append(
            f"nginx's js module is missing ({NJS_MODULE})"
            "\n  install it with: apt-get install -y libnginx-mod-http-js"
        )
    if missing := missing_tools():
        problems.append(
            "missing Debian packages: " + " ".join(missing)
            + f"\n  install them with: apt-get install -y {' '.join(missing)}"
        )  # fmt: skip
    if (problem := postgres_problem(options.database_url)) is not None:
        problems.append(problem)
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    if options.check:
        print("everything the production stack needs is here")
        return 0

    stack = Stack(
        var=options.var.resolve(),
        https_port=options.https_port,
        http_port=options.http_port,
        app_port=options.app_port,
        redis_port=options.redis_port,
        database_url=options.database_url,
        workers=options.workers,
        threads=options.threads,
    )
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    try:
        stack.prepare(seed=not options.no_seed)
        stack.start()
        stack.wait_ready()
        print(f"22tracks (production stack) is on {stack.origin}/  (Ctrl-C stops it)", flush=True)
        while not stopping:
            stack.check_alive()
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        stack.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
