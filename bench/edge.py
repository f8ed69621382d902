"""Streaming through the production stack against the same nginx sending the same files
unchecked: `BENCH_ONLY=edge make bench`, or `.venv/bin/python bench/edge.py`.

The stack of deploy/prod.py (nginx with TLS and HTTP/1.1 keep-alive to wrk, the stream
URLs checked by njs at the edge) is started with the demo catalog; its baseline is a
location of the same nginx that sends the same audio files with no check at all
(/bench-media/, only in this loopback run). wrk asks both over TLS, for whole files and
for random 64 KB ranges, and the table shows requests a second and their ratio. It needs
PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/twentytwo_bench_edge)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "deploy"))
from prod import Stack, free_port, postgres_problem

LUA = Path(__file__).parent / "lua" / "targets.lua"
TRACKS = 50
SECONDS = float(os.environ.get("BENCH_SECONDS", "10"))
SCENARIOS = (("stream whole files", 16, False), ("stream 64 KB ranges", 32, True))


def _wrk(targets: Path, *, connections: int, ranges: bool, origin: str) -> float:
    done = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{SECONDS:g}s", "-s", str(LUA), origin,
         "--", str(targets), "65536" if ranges else "0"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    rate = re.search(r"Requests/sec:\s+([\d.]+)", done.stdout)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", done.stdout)
    if rate is None or errors:
        raise SystemExit(f"wrk: {done.stdout}\n{done.stderr}")
    return float(rate[1])


def main() -> int:
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/x").rsplit("/", 1)[0]
    if (problem := postgres_problem(f"{base}/postgres")) is not None:
        print(f"edge: skipped, {problem}")
        return 0
    if shutil.which("wrk") is None:
        raise SystemExit("edge: wrk is missing (apt-get install wrk)")
    database = f"twentytwo_bench_edge_{uuid.uuid4().hex[:8]}"
    var = Path(tempfile.mkdtemp(prefix="bench-edge-"))
    stack = Stack(
        var=var, https_port=free_port(), http_port=free_port(), app_port=free_port(),
        redis_port=free_port(), database_url=f"{base}/{database}", workers=2, threads=8,
        bench_baseline=True,
    )  # fmt: skip
    try:
        stack.prepare(seed=True)
        stack.start()
        stack.wait_ready()
        with psycopg.connect(stack.database_url) as connection:
            rows = connection.execute(
                "SELECT id, audio, audio_size FROM catalog_track ORDER BY id LIMIT %s", [TRACKS]
            ).fetchall()
        edge = _edge_urls(stack, [row[0] for row in rows])
        results = {}
        for name, connections, ranges in SCENARIOS:
            sides = {
                "stack": [(url, size) for url, (_id, _audio, size) in zip(edge, rows, strict=True)],
                "nginx": [(f"/bench-media/{audio}", size) for _id, audio, size in rows],
            }
            rates = {}
            for side, targets in sides.items():
                listed = var / f"{side}.targets"
                listed.write_text("".join(f"{path} {size}\n" for path, size in targets))
                rates[side] = _wrk(listed, connections=connections, ranges=ranges,
                                   origin=stack.origin)  # fmt: skip
            results[name] = rates | {"ratio": round(rates["stack"] / rates["nginx"], 3)}
    finally:
        stack.stop()
        with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        shutil.rmtree(var, ignore_errors=True)
    print(f"\n| streaming over TLS ({SECONDS:g} s each) | stack (req/s) | nginx direct | ratio |")
    print("|---|---|---|---|")
    for name, figures in results.items():
        print(f"| {name} | {figures['stack']:,.0f} | {figures['nginx']:,.0f} | "
              f"{figures['ratio']:.2f}× |")  # fmt: skip
    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    (out / "edge.json").write_text(json.dumps(results, indent=2) + "\n")
    return 0


def _edge_urls(stack: Stack, track_ids: list[int]) -> list[str]:
    """The stream URLs the site hands out for these tracks (the API's stream_url)."""
    import ssl
    import urllib.request

    context = ssl.create_default_context(cafile=str(stack.tls / "cert.pem"))
    urls = []
    for track in track_ids:
        with urllib.request.urlopen(
            f"{stack.origin}/api/tracks/{track}", context=context
        ) as answer:
            urls.append("/" + json.load(answer)["stream_url"].split("/", 3)[3])
    return urls


if __name__ == "__main__":
    sys.exit(main())
