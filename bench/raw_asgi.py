"""The baseline: a bare ASGI app answering each path with bytes captured once from the app.

It does no routing beyond a dict lookup, no database and no templates, so it measures what
the server and the loopback cost; the app's figure over this one is what Django adds.
BENCH_RAW_RESPONSES names a JSON file {path: {"content_type": ..., "body": base64}}."""

import base64
import json
import os
from pathlib import Path


def _load(manifest: str) -> dict[str, tuple[list, bytes]]:
    responses = {}
    for path, captured in json.loads(Path(manifest).read_text()).items():
        body = base64.b64decode(captured["body"])
        headers = [
            (b"content-type", captured["content_type"].encode()),
            (b"content-length", str(len(body)).encode()),
        ]
        responses[path] = (headers, body)
    return responses


_RESPONSES = _load(os.environ["BENCH_RAW_RESPONSES"])
_NOT_FOUND = ([(b"content-type", b"text/plain"), (b"content-length", b"9")], b"not found")


async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    headers, body = _RESPONSES.get(scope["path"], _NOT_FOUND)
    status = 200 if scope["path"] in _RESPONSES else 404
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
