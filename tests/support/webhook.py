"""A real HTTP server on loopback that takes webhook POSTs, as an affiliate's would.

`webhook.url` is its address; `webhook.received` holds (headers, body) of each POST as it
arrived, the headers' names in lower case; `webhook.status` is what it answers (500 plays
an affiliate that is down)."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


class Receiver:
    def __init__(self) -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.status = 204
        self.url = ""


@pytest.fixture
def webhook():
    receiver = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            headers = {name.lower(): value for name, value in self.headers.items()}
            receiver.received.append((headers, self.rfile.read(length)))
            self.send_response(receiver.status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    receiver.url = f"http://127.0.0.1:{server.server_port}/entries"
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
