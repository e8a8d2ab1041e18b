"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps every message it receives."""
from __future__ import annotations

import email
import email.policy
import socket

from aiosmtpd.controller import Controller


class _Collector:
    def __init__(self, messages):
        self.messages = messages

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SmtpSink:
    """``with SmtpSink() as sink:`` — ``sink.port`` to send to, ``sink.messages`` what arrived."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.port = _free_port()
        self.controller = Controller(_Collector(self.messages), hostname="127.0.0.1", port=self.port)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()
