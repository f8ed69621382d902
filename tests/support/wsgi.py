"""Call the real WSGI application the app server runs, as a server would."""

from dataclasses import dataclass
from io import BytesIO

import pytest


@pytest.fixture
def site(wsgi_on_test_connection, settings):
    """The WSGI application the app server runs, on the test's own database connection."""
    from twentytwo.config.wsgi import application, shared_cache

    settings.ALLOWED_HOSTS = ["testserver"]
    shared_cache.clear()
    yield application
    shared_cache.clear()


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode()


def environ_for(
    path: str,
    *,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    remote_addr: str = "203.0.113.9",
    body: bytes = b"",
    query: str = "",
) -> dict:
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": remote_addr,
        "HTTP_HOST": "testserver",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.url_scheme": "http",
        "wsgi.input": BytesIO(body),
        "wsgi.errors": BytesIO(),
        "wsgi.version": (1, 0),
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    for name, value in (headers or {}).items():
        key = name.upper().replace("-", "_")
        if key not in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            key = f"HTTP_{key}"
        environ[key] = value
    return environ


def call(app, path: str, **options) -> Answer:
    """Send one request through `app`; read the whole body and close it, as a server does."""
    seen = {}

    def start_response(status, headers, exc_info=None):
        seen["status"], seen["headers"] = status, headers

    result = app(environ_for(path, **options), start_response)
    try:
        body = b"".join(result)
    finally:
        if hasattr(result, "close"):
            result.close()
    return Answer(
        status=int(seen["status"][:3]),
        headers={name: value for name, value in seen["headers"]},
        body=body,
    )
