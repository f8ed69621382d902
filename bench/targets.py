"""What the benchmark requests: found through the app's own API, checked before each run.

Stream URLs come signed from `GET /api/genres/{id}/tracks`, as a listener's player gets
them; the same tracks' files are what nginx serves from the media folder."""

import base64
import json
import os
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

MAX_TRACKS = 50
MAX_GENRES = 20

NO_TRACKS = "The catalog has no tracks in any playlist; run `python -m twentytwo seed_demo`."
UNEXPECTED_RESPONSE = "{url} answered {status} with {length} bytes; expected {expected}."


class ResponseCheckFailed(RuntimeError):
    """A URL about to be measured does not answer as it must; `str(error)` says how."""


@dataclass(frozen=True)
class Targets:
    """Paths to request, each stream or file path with its size in bytes."""

    genre_api_paths: list[str]
    genre_page_paths: list[str]
    streams: list[tuple[str, int]]
    media_files: list[tuple[str, int]]
    media_root: Path
    track_ids: list[int]


def _get(url: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def _get_json(url: str):
    status, _, body = _get(url)
    if status != 200:
        raise RuntimeError(
            UNEXPECTED_RESPONSE.format(
                url=url, status=status, length=len(body), expected="200 with JSON"
            )
        )
    return json.loads(body)


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _audio_files(track_ids: list[int]) -> dict[int, tuple[str, int]]:
    """Return each track's storage name and size, read through the catalog's selectors."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "twentytwo.config.settings")
    import django

    django.setup()
    from django.db import connections

    from twentytwo.catalog import selectors

    try:
        found = {}
        for track_id in track_ids:
            track = selectors.track_by_id(track_id)
            found[track_id] = (track.audio, track.audio_size)
        return found
    finally:
        # The benchmark must not hold the database while the app is under load.
        connections.close_all()


def _media_root() -> Path:
    # Read after _audio_files() has set Django up.
    from django.conf import settings

    return Path(settings.MEDIA_ROOT)


def targets_discover(app_url: str) -> Targets:
    """Walk cities -> genres -> tracks in the API; take up to MAX_TRACKS distinct tracks."""
    genre_api_paths, genre_page_paths, streams = [], [], {}
    for city in _get_json(f"{app_url}/api/cities"):
        for genre in _get_json(f"{app_url}/api/cities/{city['slug']}/genres"):
            if genre["track_count"] == 0 or len(genre_api_paths) >= MAX_GENRES:
                continue
            api_path = f"/api/genres/{genre['id']}/tracks"
            genre_api_paths.append(api_path)
            genre_page_paths.append(_path(genre["url"]))
            for track in _get_json(app_url + api_path):
                if len(streams) < MAX_TRACKS:
                    streams.setdefault(track["id"], _path(track["stream_url"]))
    if not streams:
        raise RuntimeError(NO_TRACKS)
    files = _audio_files(list(streams))
    return Targets(
        genre_api_paths=genre_api_paths,
        genre_page_paths=genre_page_paths,
        streams=[(path, files[track_id][1]) for track_id, path in streams.items()],
        media_files=[(f"/media/{name}", size) for name, size in files.values()],
        media_root=_media_root(),
        track_ids=list(streams),
    )


def responses_capture(app_url: str, paths: list[str]) -> dict[str, dict]:
    """Fetch each path once; return what the baseline app must answer with.

    A path that does not answer 200 is captured all the same: the check before its
    measurement reports it and skips that scenario, and the others still run."""
    captured = {}
    for path in paths:
        _, headers, body = _get(app_url + path)
        captured[path] = {
            "content_type": headers.get("Content-Type", "application/octet-stream"),
            "body": base64.b64encode(body).decode(),
        }
    return captured


def response_check(
    url: str,
    *,
    length: int | None = None,
    range_bytes: int = 0,
    headers: dict[str, str] | None = None,
    must_contain: bytes = b"",
) -> None:
    """Fail unless `url` answers 200 (or 206 for a range) with the expected length.

    A load run against a URL that answers 403 or 404 measures nothing, so each run starts
    with this one request; with `must_contain`, the body must hold those bytes (a signed-in
    page, not the anonymous one)."""
    headers = {**(headers or {})}
    if range_bytes:
        headers["Range"] = f"bytes=0-{range_bytes - 1}"
    expected_status = 206 if range_bytes else 200
    status, _, body = _get(url, headers)
    expected_length = min(range_bytes, length) if range_bytes and length else length
    if (
        status != expected_status
        or (expected_length is not None and len(body) != expected_length)
        or must_contain not in body
    ):
        expected = (
            f"{expected_status}"
            + (f" with {expected_length} bytes" if expected_length is not None else "")
            + (f" holding {must_contain.decode()}" if must_contain else "")
        )
        raise ResponseCheckFailed(
            UNEXPECTED_RESPONSE.format(url=url, status=status, length=len(body), expected=expected)
        )
