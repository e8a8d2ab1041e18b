"""core.notify: the in-app inbox and e-mail over SMTP, against a real SMTP sink on 127.0.0.1
(DB1302 5.4.1 supervision notices, 5.4.2 feedback)."""
from __future__ import annotations


import pytest

from tests.support.smtp import SmtpSink

from core.db import database
from core.models import Notification
from core.notify import deliver_email, notify, notify_many, unread_count


@pytest.fixture
def smtp_sink():
    with SmtpSink() as sink:
        yield sink


def mail_config(sink):
    return {"host": "127.0.0.1", "port": sink.port, "sender": "noreply@rongtong.test"}


def test_notify_goes_to_the_inbox_and_is_idempotent_by_key(platform, people):
    first = notify(people.staff, "Step overdue", "Request 7 is overdue", link="/admin/requests/7", dedupe_key="k:7")
    again = notify(people.staff, "Step overdue", "Request 7 is overdue", dedupe_key="k:7")
    assert first is not None and again is None
    assert Notification.select().where(Notification.user == people.staff.id).count() == 1
    assert unread_count(people.staff) == 1
    # No key: every call is a new message.
    notify(people.staff, "Hello")
    notify(people.staff, "Hello")
    assert unread_count(people.staff) == 3


def test_notify_is_rolled_back_with_the_callers_transaction(platform, people):
    with pytest.raises(RuntimeError):
        with database.atomic():
            notify(people.head, "Will vanish", dedupe_key="vanish")
            raise RuntimeError("the change that caused it failed")
    assert not Notification.select().where(Notification.dedupe_key == "vanish").exists()
    # The key is free again: a later successful run sends it.
    assert notify(people.head, "Now it stays", dedupe_key="vanish") is not None


def test_notify_many_dedupes_per_user(platform, people):
    sent = notify_many([people.staff, people.head, people.staff], "Board", dedupe_prefix="board:1")
    assert len(sent) == 2
    assert notify_many([people.staff, people.head], "Board", dedupe_prefix="board:1") == []


def test_deliver_email_sends_each_notification_once(make_platform, smtp_sink):
    from tests.factories import make_people

    platform = make_platform(mail=mail_config(smtp_sink), site={"url": "https://rt.example", "secret_key": "x"})
    people = make_people()
    people.staff.email = "staff@example.com"
    people.staff.save()
    notify(people.staff, "超时提醒 Step overdue", "请尽快办理", link="/admin/requests/7", kind="warning")
    notify(people.head, "No address, inbox only")  # head has no e-mail address
    assert deliver_email(platform) == 1
    assert deliver_email(platform) == 0  # already e-mailed: nothing twice
    assert len(smtp_sink.messages) == 1
    msg = smtp_sink.messages[0]
    assert msg["To"].addresses[0].addr_spec == "staff@example.com"
    assert msg["Subject"] == "超时提醒 Step overdue"
    body = msg.get_content()
    assert "请尽快办理" in body and "https://rt.example/admin/requests/7" in body
    sent = Notification.get(Notification.user == people.staff.id)
    assert sent.emailed_at is not None
    assert Notification.get(Notification.user == people.head.id).emailed_at is None


def test_deliver_email_without_a_mail_host_keeps_the_inbox_only(platform, people):
    people.staff.email = "staff@example.com"
    people.staff.save()
    notify(people.staff, "Inbox only")
    assert deliver_email(platform) == 0
    assert Notification.get().emailed_at is None


def test_unreachable_smtp_server_marks_nothing_sent(make_platform):
    import socket

    from tests.factories import make_people

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    platform = make_platform(mail={"host": "127.0.0.1", "port": port})
    people = make_people()
    people.staff.email = "staff@example.com"
    people.staff.save()
    notify(people.staff, "Will wait for the server")
    with pytest.raises(OSError):
        deliver_email(platform)
    assert Notification.get().emailed_at is None
