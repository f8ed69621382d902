"""Responses that carry stored files: whole, one byte range, several ranges, or none at all.

Under a WSGI server with `wsgi.file_wrapper` (gunicorn), Django hands a FileResponse's file
to the server, which may send it with sendfile(2) from the descriptor's current position
for Content-Length bytes. `FileWindow` keeps that path open for a single range: it seeks to
the range's start and keeps `fileno()`, while its `read()` stops at the range's end for
servers that iterate the body instead (granian)."""

import secrets
from collections.abc import Iterator
from urllib.parse import quote

from django.core.files import File
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

from twentytwo.streaming.ranges import (
    WHOLE,
    ByteRange,
    RangeOutcome,
    RangeRequest,
    if_range_matches,
    range_header_parse,
)
from twentytwo.streaming.selectors import StreamSource

RANGE_NOT_SATISFIABLE = "The requested range is outside this track."

# Bytes per read when the server iterates the body instead of using sendfile().
STREAM_BLOCK_SIZE = 64 * 1024


class AudioUnavailable(Exception):
    """The stored audio is missing or does not match the catalog; `str(error)` says why."""


class FileWindow:
    """Read `length` bytes of an open file starting at `start`, and nothing past them."""

    def __init__(self, file: File, *, start: int, length: int) -> None:
        file.seek(start)
        self._file = file
        self._remaining = length

    def read(self, size: int = -1) -> bytes:
        if self._remaining <= 0:
            return b""
        size = self._remaining if size is None or size < 0 else min(size, self._remaining)
        data = self._file.read(size)
        self._remaining -= len(data)
        return data

    def fileno(self) -> int:
        return self._file.fileno()

    def close(self) -> None:
        self._file.close()


class FileWindowResponse(FileResponse):
    """A FileResponse whose headers come from the caller, not from guessing at the file."""

    block_size = STREAM_BLOCK_SIZE

    def __init__(self, window: FileWindow, *, length: int, **kwargs) -> None:
        super().__init__(window, **kwargs)
        self.headers["Content-Length"] = str(length)


class MultipartByteranges:
    """The body of a multipart/byteranges response (RFC 9110 section 14.6)."""

    def __init__(self, file: File, *, ranges: tuple[ByteRange, ...], size: int, content_type: str):
        self.boundary = secrets.token_hex(16)
        self._file = file
        # Each delimiter after the first starts on a new line, ending the previous part.
        self._parts = [
            (
                (
                    ("\r\n" if index else "")
                    + f"--{self.boundary}\r\n"
                    + f"Content-Type: {content_type}\r\n"
                    + f"Content-Range: {byte_range.content_range(size)}\r\n\r\n"
                ).encode("latin-1"),
                byte_range,
            )
            for index, byte_range in enumerate(ranges)
        ]
        self._closing = f"\r\n--{self.boundary}--\r\n".encode("latin-1")

    @property
    def length(self) -> int:
        parts = sum(len(head) + byte_range.length for head, byte_range in self._parts)
        return parts + len(self._closing)

    def __iter__(self) -> Iterator[bytes]:
        for head, byte_range in self._parts:
            yield head
            self._file.seek(byte_range.start)
            remaining = byte_range.length
            while remaining > 0:
                chunk = self._file.read(min(STREAM_BLOCK_SIZE, remaining))
                if not chunk:
                    raise AudioUnavailable("the file ended early")
                remaining -= len(chunk)
                yield chunk
        yield self._closing

    def close(self) -> None:
        self._file.close()


def audio_validators(source: StreamSource, *, max_age: int) -> dict[str, str]:
    """Return the headers every answer about a track's audio carries."""
    return {
        "ETag": source.etag,
        "Last-Modified": http_date(source.last_modified),
        "Cache-Control": f"private, max-age={max_age}",
        "Accept-Ranges": "bytes",
    }


def audio_response(request: HttpRequest, *, source: StreamSource, max_age: int) -> HttpResponseBase:
    """Answer a GET or HEAD for the track's audio: 200, 206, 304, 412 or 416.

    Raise AudioUnavailable when the stored file is missing or its size is not the one the
    catalog recorded (a Content-Length that lies would stall the player)."""
    validators = audio_validators(source, max_age=max_age)
    unconditional = HttpResponse(headers=validators)
    answer = get_conditional_response(
        request, etag=source.etag, last_modified=source.last_modified, response=unconditional
    )
    if answer is not unconditional:
        return answer  # 304 Not Modified, or 412 for a failed If-Match

    requested = _range_requested(request, source=source)
    file = _audio_open(source)
    if request.method == "HEAD":
        file.close()
        headers = {**validators, "Content-Length": str(source.size)}
        return HttpResponse(content_type=source.mime_type, headers=headers)
    return _audio_body_response(file, requested=requested, source=source, headers=validators)


def _audio_body_response(
    file: File, *, requested: RangeRequest, source: StreamSource, headers: dict[str, str]
) -> HttpResponseBase:
    size = source.size
    if requested.outcome is RangeOutcome.UNSATISFIABLE:
        file.close()
        return HttpResponse(
            RANGE_NOT_SATISFIABLE,
            status=416,
            content_type="text/plain; charset=utf-8",
            headers={
                "ETag": source.etag,
                "Accept-Ranges": "bytes",
                "Content-Range": f"bytes */{size}",
            },
        )
    if requested.outcome is RangeOutcome.WHOLE:
        return FileWindowResponse(
            FileWindow(file, start=0, length=size),
            length=size,
            content_type=source.mime_type,
            headers=headers,
        )
    if len(requested.ranges) == 1:
        (byte_range,) = requested.ranges
        return FileWindowResponse(
            FileWindow(file, start=byte_range.start, length=byte_range.length),
            length=byte_range.length,
            status=206,
            content_type=source.mime_type,
            headers={**headers, "Content-Range": byte_range.content_range(size)},
        )
    body = MultipartByteranges(
        file, ranges=requested.ranges, size=size, content_type=source.mime_type
    )
    return StreamingHttpResponse(
        body,
        status=206,
        content_type=f"multipart/byteranges; boundary={body.boundary}",
        headers={**headers, "Content-Length": str(body.length)},
    )


def _range_requested(request: HttpRequest, *, source: StreamSource) -> RangeRequest:
    # Range is defined for GET only (RFC 9110 section 14.2); a HEAD gets the 200 headers.
    header = request.headers.get("Range")
    if request.method != "GET" or not header:
        return WHOLE
    if_range = request.headers.get("If-Range")
    if if_range is not None and not if_range_matches(
        if_range, etag=source.etag, last_modified=source.last_modified
    ):
        return WHOLE
    return range_header_parse(header, size=source.size)


def _audio_open(source: StreamSource) -> File:
    try:
        file = default_storage.open(source.audio, "rb")
    except FileNotFoundError:
        raise AudioUnavailable("the file is missing") from None
    try:
        actual = file.size
    except (OSError, AttributeError):
        actual = None
    if actual != source.size:
        file.close()
        raise AudioUnavailable(f"the file has {actual} bytes, the catalog {source.size}")
    return file


def immutable_file_response(
    request: HttpRequest, *, name: str, content_type: str, cache_control: str
) -> HttpResponseBase:
    """Answer a GET or HEAD for a stored file whose name is never given to other content.

    Because the name alone identifies the bytes, it is the ETag, and a revalidation is
    answered with 304 before the file is opened. Raise OSError when it cannot be opened."""
    headers = {"ETag": f'"{name}"', "Cache-Control": cache_control}
    unconditional = HttpResponse(headers=headers)
    answer = get_conditional_response(request, etag=headers["ETag"], response=unconditional)
    if answer is not unconditional:
        return answer
    file = default_storage.open(name, "rb")
    size = file.size
    return FileWindowResponse(
        FileWindow(file, start=0, length=size),
        length=size,
        content_type=content_type,
        headers=headers,
    )


def accel_redirect_response(*, source: StreamSource, prefix: str, max_age: int) -> HttpResponse:
    """Hand the sending of the audio to nginx, which then answers ranges and conditionals.

    nginx keeps Content-Type and Cache-Control from this response and makes its own
    ETag, Last-Modified and Content-Length from the file."""
    response = HttpResponse(content_type=source.mime_type)
    response["X-Accel-Redirect"] = f"{prefix.rstrip('/')}/{quote(source.audio)}"
    response["Cache-Control"] = f"private, max-age={max_age}"
    return response
