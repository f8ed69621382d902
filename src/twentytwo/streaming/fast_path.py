"""The everyday stream request, answered before Django's request cycle.

A player asks for /stream/<token> with no Range or with one, and seeking repeats that many
times a track. This WSGI layer answers exactly that case: a GET with a valid token for a
track this process has served before, no conditional header, and the whole file or one
satisfiable range. Every other request (HEAD, conditionals, several ranges, 416, unknown
tracks, errors, X-Accel mode) goes on to the stream view, which answers all of them. Both
take their headers from the same functions, and tests hold the two to the same answers."""

from collections.abc import Callable, Iterable, Iterator

from django.conf import settings
from django.core.files.storage import default_storage

from twentytwo.core.hosts import host_allowed
from twentytwo.core.security_headers import security_headers
from twentytwo.streaming.ranges import RangeOutcome, range_header_parse
from twentytwo.streaming.responses import STREAM_BLOCK_SIZE, audio_validators
from twentytwo.streaming.selectors import StreamSource, stream_source_known
from twentytwo.streaming.signing import StreamTokenError, stream_token_verify
from twentytwo.streaming.views import stream_max_age

_CONDITIONAL = (
    "HTTP_IF_MATCH",
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_UNMODIFIED_SINCE",
    "HTTP_IF_RANGE",
)


def _read_window(file, *, start: int, length: int) -> Iterator[bytes]:
    try:
        file.seek(start)
        while length > 0:
            chunk = file.read(min(STREAM_BLOCK_SIZE, length))
            if not chunk:
                return
            length -= len(chunk)
            yield chunk
    finally:
        file.close()


class StreamFastPath:
    """Wrap the site's WSGI application; answer plain stream GETs, pass on the rest."""

    def __init__(self, app: Callable, *, prefix: str = "/stream/") -> None:
        self.app = app
        self.prefix = prefix

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        answer = self._answer(environ)
        if answer is None:
            return self.app(environ, start_response)
        status, headers, body = answer
        start_response(status, headers)
        return body

    def _answer(self, environ: dict):
        path = environ.get("PATH_INFO", "")
        if (
            not path.startswith(self.prefix)
            or environ.get("REQUEST_METHOD") != "GET"
            or settings.STREAM_ACCEL_REDIRECT_PREFIX
            or any(name in environ for name in _CONDITIONAL)
            # Another host's request goes on, to be refused as every layer refuses it.
            or not host_allowed(environ)
        ):
            return None
        try:
            source = stream_source_known(stream_token_verify(path[len(self.prefix) :]))
        except StreamTokenError:
            return None
        if source is None:
            return None
        requested = range_header_parse(environ.get("HTTP_RANGE"), size=source.size)
        if requested.outcome is RangeOutcome.UNSATISFIABLE or len(requested.ranges) > 1:
            return None
        file = _open_checked(source)
        if file is None:
            return None  # the view logs and answers a missing or changed file
        headers = audio_validators(source, max_age=stream_max_age())
        if requested.outcome is RangeOutcome.WHOLE:
            status, start, length = "200 OK", 0, source.size
        else:
            (byte_range,) = requested.ranges
            status, start, length = "206 Partial Content", byte_range.start, byte_range.length
            headers["Content-Range"] = byte_range.content_range(source.size)
        headers["Content-Type"] = source.mime_type
        headers["Content-Length"] = str(length)
        return (
            status,
            [*headers.items(), *security_headers(environ)],
            _read_window(file, start=start, length=length),
        )


def _open_checked(source: StreamSource):
    try:
        file = default_storage.open(source.audio, "rb")
    except OSError:
        return None
    if file.size != source.size:
        file.close()
        return None
    return file
