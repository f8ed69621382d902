"""Benchmark the app against plain baselines on this machine: `make bench`.

Streams (whole tracks and random 64 KB ranges) are measured against nginx serving the same
files; the tracks API and the genre page (for a visitor nobody knows, which comes from the
shared cache, and for a signed-in listener with hearts) against a bare ASGI app answering
the same bytes, and the anonymous page against the cached tracks API;
listening beacons against Django inserting the same rows, and the audience rollup over a day
of 1M events and over 10M (bench/audience.py); the tracks API with the site's access log on
against the same with it off (bench/traffic.py); a month's partner report over 10M events
against the exact staff computation of the same figures, and the staff ratings page over
the same month (bench/partners.py); a campaign to 10,000 subscribers into a loopback SMTP
server against Django's SMTP backend sending as many ready-made messages (bench/outreach.py).
Everything runs on 127.0.0.1 and is stopped at the end, also on Ctrl-C or an error.
BENCH_SECONDS sets the length of each measurement (default 10; each adds a short warm-up);
BENCH_ONLY=streaming, api, audience, traffic, partners or outreach runs one part alone
(default: all)."""

import base64
import contextlib
import json
import os
import signal
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import audience
import listener
import load
import outreach
import partners
import report
import servers
import targets
import traffic
from process_stats import process_tree, tree_rss_bytes

RESULTS = Path(__file__).resolve().parent / "results" / "latest.json"
RANGE_BYTES = 64 * 1024
CORES = os.cpu_count() or 1
PEAK_RSS_TARGET_MB = 300

WHOLE_FILES = "stream whole files"
RANGES = "stream 64 KB ranges"
TRACKS_API = "tracks API"
GENRE_PAGE = "genre page"
GENRE_PAGE_SIGNED_IN = "genre page signed in"

STREAMING, API, AUDIENCE, TRAFFIC = "streaming", "api", "audience", "traffic"
PARTNERS, OUTREACH = "partners", "outreach"
PARTS = (STREAMING, API, AUDIENCE, TRAFFIC, PARTNERS, OUTREACH)
PART_OF = {
    WHOLE_FILES: STREAMING,
    RANGES: STREAMING,
    TRACKS_API: API,
    GENRE_PAGE: API,
    GENRE_PAGE_SIGNED_IN: API,
}
UNKNOWN_PART = "BENCH_ONLY must be one of {parts}, not {value!r}."


@dataclass(frozen=True)
class Side:
    """One server in a comparison and the (path, size) list to request from it."""

    role: str
    server: servers.Server
    paths: list[tuple[str, int]]
    # False for HTML pages, whose per-request tokens may change their length.
    check_length: bool = True
    # Sent with every request (a signed-in listener's cookie), and what the answer must hold.
    headers: dict[str, str] | None = None
    must_contain: bytes = b""


@dataclass(frozen=True)
class Scenario:
    """What to load, how many connections to keep open, and the two servers compared."""

    name: str
    connections: int
    app: Side
    baseline: Side
    range_bytes: int = 0


def _env_seconds(name: str, default: float) -> float:
    return float(os.environ.get(name, default))


def _measure(
    scenario: Scenario, side: Side, *, seconds: float, warmup: float
) -> report.Measurement:
    path, size = side.paths[0]
    targets.response_check(
        side.server.url + path,
        length=size if side.check_length else None,
        range_bytes=scenario.range_bytes,
        headers=side.headers,
        must_contain=side.must_contain,
    )
    common = {
        "base_url": side.server.url,
        "targets": side.paths,
        "connections": scenario.connections,
        "server_pid": side.server.pid,
        "range_bytes": scenario.range_bytes,
        "headers": side.headers,
    }
    if warmup > 0:
        load.wrk_run(seconds=warmup, **common)
    result = load.wrk_run(seconds=seconds, **common)
    print(
        f"  {scenario.name:<22}{side.server.name:<10}{result.requests_per_second:>9.0f} req/s"
        f"{result.megabytes_per_second:>9.1f} MB/s",
        flush=True,
    )
    return report.Measurement(
        scenario=scenario.name,
        server=side.server.name,
        role=side.role,
        connections=scenario.connections,
        result=result,
    )


def _scenario_measure(
    scenario: Scenario, *, seconds: float, warmup: float
) -> list[report.Measurement]:
    """Measure the app and its baseline; measure neither when either fails its check."""
    try:
        return [
            _measure(scenario, side, seconds=seconds, warmup=warmup)
            for side in (scenario.app, scenario.baseline)
        ]
    except targets.ResponseCheckFailed as error:
        print(f"  SKIPPED {scenario.name}: {error}", flush=True)
        return []


def _ratio(measurements: list[report.Measurement], scenario: str, figure: str) -> float | None:
    by_role = {
        row.role: getattr(row.result, figure) for row in measurements if row.scenario == scenario
    }
    if "app" not in by_role or "baseline" not in by_role:
        return None
    return by_role["app"] / by_role["baseline"] if by_role["baseline"] else 0.0


def _apps_ratio(measurements: list[report.Measurement], scenario: str, over: str) -> float | None:
    """The app's requests per second in `scenario` over its own in `over`, in the same run."""
    by_scenario = {
        row.scenario: row.result.requests_per_second for row in measurements if row.role == "app"
    }
    if scenario not in by_scenario or not by_scenario.get(over):
        return None
    return by_scenario[scenario] / by_scenario[over]


def _verdicts(
    measurements: list[report.Measurement],
    parts: set[str],
    audience_results,
    traffic_results,
    partner_results=None,
    outreach_results=None,
) -> list[report.Verdict]:
    # The streaming and API runs share one app server; its peak RSS is judged with them.
    app_rss = [row.result.server_peak_rss for row in measurements if row.role == "app"]
    peak_rss = max(app_rss) / report.MB if app_rss else None
    api = [
        report.Verdict(
            "tracks API req/s, app / raw ASGI",
            _ratio(measurements, TRACKS_API, "requests_per_second"),
            "x",
            0.2,
        ),
        report.Verdict(
            "genre page req/s, app / raw ASGI",
            _ratio(measurements, GENRE_PAGE, "requests_per_second"),
            "x",
            None,
        ),
        report.Verdict(
            "anonymous genre page / cached tracks API",
            _apps_ratio(measurements, GENRE_PAGE, TRACKS_API),
            "x",
            0.8,
        ),
        report.Verdict(
            "signed-in genre page req/s, app / raw ASGI",
            _ratio(measurements, GENRE_PAGE_SIGNED_IN, "requests_per_second"),
            "x",
            0.01,
        ),
    ]
    streaming = [
        report.Verdict(
            "whole-file MB/s, app / nginx",
            _ratio(measurements, WHOLE_FILES, "megabytes_per_second"),
            "x",
            0.3,
        ),
        report.Verdict(
            "64 KB range req/s, app / nginx",
            _ratio(measurements, RANGES, "requests_per_second"),
            "x",
            0.1,
        ),
    ]
    found = (api if API in parts else []) + (streaming if STREAMING in parts else [])
    if found:
        found.append(
            report.Verdict(
                "peak RSS of the app server (sum)",
                peak_rss,
                " MB",
                PEAK_RSS_TARGET_MB,
                higher_is_better=False,
            )
        )
    if audience_results is not None:
        found.extend(audience.verdicts(audience_results))
    if traffic_results is not None:
        found.extend(traffic.verdicts(traffic_results))
    if partner_results is not None:
        found.extend(partners.verdicts(partner_results))
    if outreach_results is not None:
        found.extend(outreach.verdicts(outreach_results))
    return found


def _scenarios(
    stack: contextlib.ExitStack, workdir: Path, app: servers.Server, parts: set[str]
) -> list[Scenario]:
    """Find the targets through the app, then start the baselines that serve them."""
    found = targets.targets_discover(app.url)
    scenarios = []
    if STREAMING in parts:
        nginx = stack.enter_context(servers.nginx_server(workdir, media_root=found.media_root))
        app_streams, nginx_files = (
            Side("app", app, found.streams),
            Side("baseline", nginx, found.media_files),
        )
        scenarios += [
            Scenario(WHOLE_FILES, connections=16, app=app_streams, baseline=nginx_files),
            Scenario(
                RANGES,
                connections=32,
                app=app_streams,
                baseline=nginx_files,
                range_bytes=RANGE_BYTES,
            ),
        ]
    if API in parts:
        captured = targets.responses_capture(
            app.url, found.genre_api_paths + found.genre_page_paths
        )
        manifest = workdir / "raw_responses.json"
        manifest.write_text(json.dumps(captured))
        raw = stack.enter_context(servers.raw_asgi_server(workdir, responses=manifest))

        def sized(paths: list[str]) -> list[tuple[str, int]]:
            return [(path, len(base64.b64decode(captured[path]["body"]))) for path in paths]

        api_paths, page_paths = sized(found.genre_api_paths), sized(found.genre_page_paths)
        scenarios += [
            Scenario(
                TRACKS_API,
                connections=32,
                app=Side("app", app, api_paths),
                baseline=Side("baseline", raw, api_paths),
            ),
            Scenario(
                GENRE_PAGE,
                connections=32,
                app=Side("app", app, page_paths, check_length=False),
                baseline=Side("baseline", raw, page_paths, check_length=False),
            ),
        ]
        signed_in = stack.enter_context(listener.signed_in_listener(found.track_ids))
        scenarios.append(
            Scenario(
                GENRE_PAGE_SIGNED_IN,
                connections=32,
                app=Side(
                    "app",
                    app,
                    page_paths,
                    check_length=False,
                    headers=signed_in,
                    must_contain=listener.SIGNED_IN_MARK,
                ),
                baseline=Side("baseline", raw, page_paths, check_length=False),
            )
        )
    return scenarios


def _parts() -> set[str]:
    value = os.environ.get("BENCH_ONLY", "").strip()
    if not value:
        return set(PARTS)
    if value not in PARTS:
        raise SystemExit(UNKNOWN_PART.format(parts=", ".join(PARTS), value=value))
    return {value}


def _served_measure(
    workdir: Path, parts: set[str], *, seconds: float, warmup: float
) -> tuple[list[Scenario], list[report.Measurement], int]:
    """Streaming and API: the app on the demo catalog against nginx and the raw ASGI app."""
    with contextlib.ExitStack() as stack:
        app = stack.enter_context(servers.app_server(workdir))
        scenarios = _scenarios(stack, workdir, app, parts)
        rest_rss = tree_rss_bytes(process_tree(app.pid)) or 0
        print(f"measuring {len(scenarios) * 2} runs of {seconds:g} s (+{warmup:g} s warm-up)")
        measurements = [
            row
            for scenario in scenarios
            for row in _scenario_measure(scenario, seconds=seconds, warmup=warmup)
        ]
    return scenarios, measurements, rest_rss


def bench_run(*, seconds: float, warmup: float, parts: set[str]) -> dict:
    """Bring the servers up, measure every part asked for, print the tables; return the results."""
    started = time.time()
    scenarios, measurements, rest_rss, audience_results = [], [], 0, None
    traffic_results = partner_results = outreach_results = None
    with tempfile.TemporaryDirectory(prefix="bench-") as folder:
        workdir = Path(folder)
        if parts & {STREAMING, API}:
            scenarios, measurements, rest_rss = _served_measure(
                workdir, parts, seconds=seconds, warmup=warmup
            )
        if AUDIENCE in parts:
            audience_results = audience.audience_run(workdir, seconds=seconds, warmup=warmup)
        if TRAFFIC in parts:
            traffic_results = traffic.traffic_run(workdir, seconds=seconds, warmup=warmup)
        if PARTNERS in parts:
            partner_results = partners.partners_run(workdir)
        if OUTREACH in parts:
            outreach_results = outreach.outreach_run(workdir)
    verdicts = _verdicts(
        measurements, parts, audience_results, traffic_results, partner_results, outreach_results
    )
    if measurements:
        print()
        print(report.measurements_table(measurements, cores=CORES))
        print(
            f"\nRSS MB: peak of the server's processes summed, sampled every 100 ms "
            f"(the app server at rest before the runs: {rest_rss / report.MB:.0f} MB)."
            f"\nsrv CPU, wrk CPU, irq, other: CPU time of the server, of wrk, of interrupts (the"
            f" loopback's packets) and of all other processes, as a share of the {CORES} cores"
            " over the run; ms/req: the server's CPU time per request."
        )
    if audience_results is not None:
        print()
        print(report.beacons_table(audience_results.measurements, cores=CORES))
        raw = audience_results.raw
        if raw is not None:
            print(
                f"raw Django insert, one process, same database: single create"
                f" {raw.single_rows_per_second:.0f} rows/s, bulk_create of {audience.BATCH}"
                f" {raw.batch_rows_per_second:.0f} rows/s"
            )
        print(
            "accepted/sent: events the answers accepted / events in answered requests;"
            " ms/event: the server's CPU time per event sent; wrk CPU: the load generator's."
        )
        for row in audience_results.measurements:
            for sample in row.result.drop_samples:
                print(f"  {row.scenario} dropped events, e.g.: {sample}")
        print()
        print(report.rollups_table(audience_results.rollups))
        print(
            "rollup s: wall time of `python -m twentytwo audience_rollup` from no watermark;"
            " peak RSS: its ru_maxrss; written s: generating and inserting the events."
        )
    if traffic_results is not None:
        print()
        print(report.measurements_table(traffic_results.measurements, cores=CORES))
        print()
        print(traffic.summary(traffic_results))
    print()
    print(report.verdicts_table(verdicts))
    all_measurements = (
        measurements
        + (audience_results.measurements if audience_results else [])
        + (traffic_results.measurements if traffic_results else [])
    )
    for warning in report.warnings(all_measurements, cores=CORES):
        print(warning)
    skipped = sorted({s.name for s in scenarios} - {row.scenario for row in measurements})
    if audience_results is not None:
        skipped += audience_results.failures
    if traffic_results is not None:
        skipped += traffic_results.failures
    if skipped:
        print(
            "SKIPPED or INVALID (did not answer as it must, or dropped events):"
            f" {', '.join(skipped)}"
        )
    document = {
        "started_at": started,
        "wall_seconds": round(time.time() - started, 1),
        "parts": sorted(parts),
        "bench_seconds": seconds,
        "warmup_seconds": warmup,
        "cores": CORES,
        "app_rest_rss_bytes": rest_rss,
        "measurements": [row.as_dict() for row in measurements],
        "audience": audience.as_dict(audience_results) if audience_results else None,
        "traffic": traffic.as_dict(traffic_results) if traffic_results else None,
        "partners": partner_results,
        "outreach": outreach_results,
        "skipped": skipped,
        "verdicts": [verdict.as_dict() for verdict in verdicts],
    }
    report.results_write(RESULTS, document)
    print(f"\nresults: {RESULTS.relative_to(servers.REPO)}")
    return document


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def main() -> int:
    # A SIGTERM (e.g. from a CI timeout) unwinds like Ctrl-C, so the servers are stopped.
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        document = bench_run(
            seconds=_env_seconds("BENCH_SECONDS", 10),
            warmup=_env_seconds("BENCH_WARMUP_SECONDS", 2),
            parts=_parts(),
        )
    except KeyboardInterrupt:
        print("\ninterrupted; all servers stopped", file=sys.stderr)
        return 130
    # A missed target is a result; a scenario that could not be measured is a failure.
    return 1 if document["skipped"] else 0


if __name__ == "__main__":
    sys.exit(main())
