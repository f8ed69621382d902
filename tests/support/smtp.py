"""A real SMTP server on loopback (aiosmtpd), and the site's mail pointed at it.

`smtp.messages` holds every message as it arrived, parsed; `smtp.refuse_after = n` makes the
server answer 421 (closing) to every message after the n-th, as a server going away does."""

from __future__ import annotations

import email
import socket
from email.message import EmailMessage
from email.policy import default

import pytest
from aiosmtpd.controller import Controller


class Inbox:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refuse_after: int | None = None

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.refuse_after is not None and len(self.messages) >= self.refuse_after:
            return "421 4.3.2 Service shutting down"
        self.messages.append(email.message_from_bytes(envelope.content, policy=default))
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(settings):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": "127.0.0.1",
                "port": controller.port,
                "use_tls": False,
                "timeout": 10,
            },
        }
    }
    try:
        yield inbox
    finally:
        controller.stop()
