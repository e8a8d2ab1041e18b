"""``rongtong notify worker`` and ``notify status``, run for real in subprocesses against the
aiosmtpd sink (issue 9 §3: a killed worker loses nothing and sends nothing twice)."""
from __future__ import annotations

import collections
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.core.test_cli import assert_user_error, rongtong, write_config
from tests.support.smtp import SmtpSink

from rongtong.core.models import OutboxMessage, utcnow
from rongtong.core.notify import notify
from rongtong.core.notify.outbox import counts

REPO = Path(__file__).resolve().parents[2]
LEASE = 10  # seconds; the worker's SMTP timeout is half of it


def config_text(database_url, port, **mail) -> str:
    extra = "".join(f"{key} = {value}\n" for key, value in mail.items())
    return (f'[site]\nsecret_key = "s3cret"\nurl = "https://rt.example"\n\n[database]\nurl = "{database_url}"\n\n'
            f'[plugins]\nenabled = []\n\n[mail]\nhost = "127.0.0.1"\nport = {port}\nsender = "noreply@rongtong.test"\n'
            f"{extra}")


def start_worker(config: Path, *args) -> subprocess.Popen:
    """``python cli.py --config CONFIG notify worker ARGS`` with a clean RONGTONG_* environment."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RONGTONG_")}
    env["PYTHONPATH"] = str(REPO)
    return subprocess.Popen([sys.executable, str(REPO / "cli.py"), "--config", str(config), "notify", "worker", *args],
                            cwd=config.parent, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_until(condition, deadline_seconds=60):
    end = time.monotonic() + deadline_seconds
    while not condition():
        if time.monotonic() > end:
            raise AssertionError("gave up waiting")
        time.sleep(0.1)


@pytest.fixture
def recipients(make_platform):
    """A platform with e-mail on, and five users with addresses."""
    from tests import factories

    def build(port):
        make_platform(plugins=(), mail={"host": "127.0.0.1", "port": port})
        return [factories.user(f"u{i}", ["staff"], email=f"u{i}@example.com",
                               language="en" if i % 2 else "zh_Hans_CN") for i in range(5)]

    return build


@pytest.mark.slow
def test_a_killed_worker_loses_nothing_and_sends_nothing_twice(recipients, database_url, tmp_path):
    with SmtpSink() as sink:
        users = recipients(sink.port)
        notes = [notify(users[i % len(users)], f"通知 {i}", f"第 {i} 条") for i in range(7)]
        config = write_config(tmp_path, config_text(database_url, sink.port, lease_seconds=LEASE,
                                                    worker_interval_seconds=1))
        sink.hold(3)  # the server takes the third message and never answers
        first = start_worker(config)
        try:
            assert sink.holding.wait(60), first.stderr.read() if first.poll() is not None else "no third message"
        finally:
            first.send_signal(signal.SIGKILL)
            first.communicate(timeout=30)
        # Two were acknowledged and marked sent at once; the rest of its claim is held by the dead
        # worker's lease (the third was in flight, never acknowledged).
        status = {row.notification_id: row for row in OutboxMessage.select()}
        assert [status[n.id].status for n in notes] == ["sent", "sent"] + ["sending"] * 5
        assert len(sink.messages) == 2
        lease_until = status[notes[2].id].lease_until
        time.sleep(max(0.0, (lease_until - utcnow()).total_seconds()) + 0.5)

        second = start_worker(config)  # after the lease: it takes the third over, then the rest
        try:
            wait_until(lambda: counts()["sent"] == len(notes))
        finally:
            second.send_signal(signal.SIGTERM)  # stops cleanly
            out, err = second.communicate(timeout=30)
        assert second.returncode == 0, err
        assert out.strip() == "sent 5, retrying 0, failed 0"
        assert "sent 5" in err  # its progress log
        assert len(sink.messages) == 7
    assert collections.Counter(sink.message_ids()) == {f"<rongtong.notification.{n.id}@rt.example>": 1 for n in notes}
    assert counts() == {"pending": 0, "sending": 0, "sent": 7, "failed": 0}
    assert [row.attempts for row in OutboxMessage.select().order_by(OutboxMessage.id)] == [1, 1] + [2] * 5


def test_worker_once_and_status_report_clearly(recipients, database_url, tmp_path):
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    users = recipients(port)
    notify(users[0], "等待发送")
    no_mail = write_config(tmp_path, f'[site]\nsecret_key = "s"\n\n[database]\nurl = "{database_url}"\n',
                           name="no-mail.toml")
    assert_user_error(rongtong("--config", no_mail, "notify", "worker", "--once", cwd=tmp_path), 2,
                      "e-mail is not configured", "[mail] host")
    config = write_config(tmp_path, config_text(database_url, port))
    assert_user_error(rongtong("--config", config, "notify", "worker", "--once", cwd=tmp_path), 2,
                      "cannot reach the SMTP server", f"127.0.0.1:{port}")
    status = rongtong("--config", config, "notify", "status", "--json", cwd=tmp_path)
    assert status.returncode == 0, status.stderr
    assert json.loads(status.stdout) == {"pending": 1, "sending": 0, "sent": 0, "failed": 0, "due_now": 1,
                                         "mail_configured": True}
    with SmtpSink() as sink:
        config.write_text(config_text(database_url, sink.port), encoding="utf-8")
        once = rongtong("--config", config, "notify", "worker", "--once", cwd=tmp_path)
        assert once.returncode == 0 and once.stdout.strip() == "sent 1, retrying 0, failed 0", once.stderr
        assert len(sink.messages) == 1
    text = rongtong("--config", no_mail, "notify", "status", cwd=tmp_path)
    assert text.returncode == 0
    assert text.stdout.splitlines() == ["pending 0 (due now 0), sending 0, sent 1, failed 0",
                                        "e-mail is not configured ([mail] host): notifications stay in the in-app inbox"]
