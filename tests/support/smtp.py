"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps every message it accepts.

``sink.messages`` holds only what the server acknowledged with 250 — a message it refused or never
answered is not delivered, so it is not counted. To test a client against a bad server:

* ``sink.fail_next(n)`` — the next ``n`` messages get ``451 4.3.0`` (try again later);
* ``sink.hold(k)`` — the k-th message from now gets no answer at all until ``sink.release()``
  (``sink.holding`` is set when it arrives): a client stuck waiting for the server's reply, which
  a test may kill. The held message is never acknowledged, so never counted.
"""
from __future__ import annotations

import asyncio
import email
import email.policy
import socket
import threading

from aiosmtpd.controller import Controller

TRY_LATER = "451 4.3.0 Try again later"


class _Collector:
    def __init__(self, sink: "SmtpSink"):
        self.sink = sink

    async def handle_DATA(self, server, session, envelope):
        sink = self.sink
        with sink.lock:
            sink.received += 1
            held = sink.hold_at is not None and sink.received == sink.hold_at
            failing = not held and sink.failures > 0
            if failing:
                sink.failures -= 1
        if held:
            sink.holding.set()
            while not sink.released.is_set():
                await asyncio.sleep(0.02)
            return "421 4.3.2 Shutting down"  # never a 250: not delivered
        if failing:
            return sink.failure_reply
        with sink.lock:
            sink.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SmtpSink:
    """``with SmtpSink() as sink:`` — ``sink.port`` to send to, ``sink.messages`` what was accepted."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.lock = threading.Lock()
        self.received = 0  # DATA commands seen, accepted or not
        self.failures = 0
        self.failure_reply = TRY_LATER
        self.hold_at: int | None = None
        self.holding = threading.Event()
        self.released = threading.Event()
        self.port = _free_port()
        self.controller = Controller(_Collector(self), hostname="127.0.0.1", port=self.port)

    def fail_next(self, n: int, reply: str = TRY_LATER) -> None:
        with self.lock:
            self.failures, self.failure_reply = n, reply

    def hold(self, k: int) -> None:
        """Answer nothing to the k-th message from now (1 = the next one) until :meth:`release`."""
        with self.lock:
            self.hold_at = self.received + k
        self.holding.clear()
        self.released.clear()

    def release(self) -> None:
        self.released.set()

    def message_ids(self) -> list[str]:
        with self.lock:
            return [str(m["Message-ID"]) for m in self.messages]

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.release()
        self.controller.stop()
