"""core.notify: the in-app inbox, the transactional e-mail outbox and its delivery, against a real
SMTP sink on 127.0.0.1 (issue 9 §3; DB1302 5.4.1 supervision notices, 5.4.2 feedback)."""
from __future__ import annotations

import datetime

import pytest

from tests.support.smtp import SmtpSink

from rongtong.core.db import database
from rongtong.core.models import Notification, OutboxMessage, utcnow
from rongtong.core.notify import deliver_outbox, notify, notify_many, unread_count
from rongtong.core.notify import outbox


@pytest.fixture
def smtp_sink():
    with SmtpSink() as sink:
        yield sink


def mail_config(sink_or_port, **extra):
    port = getattr(sink_or_port, "port", sink_or_port)
    return {"host": "127.0.0.1", "port": port, "sender": "noreply@rongtong.test", **extra}


@pytest.fixture
def mailed(make_platform, smtp_sink):
    """A platform with e-mail on (the sink), and the cast with e-mail addresses."""
    from tests.factories import make_people

    platform = make_platform(mail=mail_config(smtp_sink, retry_seconds=60, max_attempts=3),
                             site={"url": "https://rt.example", "secret_key": "x"})
    people = make_people()
    for user in (people.staff, people.user_a, people.user_b):
        user.email = f"{user.username}@example.com"
        user.save()
    return platform, people


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


def test_notify_many_dedupes_per_user(platform, people):
    sent = notify_many([people.staff, people.head, people.staff], "Board", dedupe_prefix="board:1")
    assert len(sent) == 2
    assert notify_many([people.staff, people.head], "Board", dedupe_prefix="board:1") == []


def test_the_email_is_written_with_the_notification_and_rolled_back_with_it(mailed):
    platform, people = mailed
    people.user_b.active = False
    people.user_b.save()
    with pytest.raises(RuntimeError):
        with database.atomic():
            notify(people.staff, "Will vanish", dedupe_key="vanish")
            raise RuntimeError("the change that caused it failed")
    assert not Notification.select().exists() and not OutboxMessage.select().exists()
    kept = notify(people.staff, "Now it stays", dedupe_key="vanish")
    notify(people.head, "No address: inbox only")
    notify(people.user_b, "Deactivated: inbox only")
    assert [(o.notification_id, o.recipient, o.status) for o in OutboxMessage.select()] == [
        (kept.id, "staff@example.com", "pending")]


def test_without_a_mail_host_nothing_goes_to_the_outbox(platform, people):
    people.staff.email = "staff@example.com"
    people.staff.save()
    notify(people.staff, "Inbox only")
    assert Notification.select().count() == 1 and not OutboxMessage.select().exists()
    assert deliver_outbox(platform).sent == 0


def test_delivery_sends_each_email_once_in_the_recipients_language(mailed, smtp_sink):
    platform, people = mailed
    people.user_a.language = "en"
    people.user_a.save()
    n_zh = notify(people.staff, "超时提醒 Step overdue", "请尽快办理", link="/admin/core/request/7/", kind="warning")
    n_en = notify(people.user_a, "Your request was answered", "The answer is ready.", link="/my/requests/7")
    for i in range(8):
        notify(people.user_b, f"批量 {i}" if i else "标题写成了\n两行")
    report = deliver_outbox(platform)
    assert (report.sent, report.retrying, report.failed) == (10, 0, 0)
    assert deliver_outbox(platform).sent == 0  # nothing twice
    assert len(smtp_sink.messages) == 10
    assert "标题写成了 两行" in {m["Subject"] for m in smtp_sink.messages}  # a header is one line
    assert sorted(smtp_sink.message_ids()) == sorted(f"<rongtong.notification.{n.id}@rt.example>"
                                                     for n in Notification.select())
    by_to = {m["To"].addresses[0].addr_spec: m for m in smtp_sink.messages}
    zh = by_to["staff@example.com"]
    assert zh["Subject"] == "超时提醒 Step overdue"
    assert zh["From"].addresses[0].display_name == "融通企业服务平台"
    body = zh.get_content()
    # the greeting, the body, the absolute link, and the time in the site's zone (Asia/Shanghai)
    local = n_zh.created_at.replace(tzinfo=datetime.timezone.utc).astimezone(platform.config.tz)
    assert "staff，您好：" in body and "请尽快办理" in body and "https://rt.example/admin/core/request/7/" in body
    assert local.strftime("%Y-%m-%d %H:%M") in body and "Asia/Shanghai" in body
    assert zh["Date"].datetime.utcoffset() == datetime.timedelta(hours=8)
    en = by_to["user_a@example.com"].get_content()
    assert "Hello user_a," in en and "https://rt.example/my/requests/7" in en and "您好" not in en
    assert all(o.status == "sent" and o.sent_at is not None for o in OutboxMessage.select())
    assert Notification.get_by_id(n_en.id).emailed_at is not None


def test_failures_are_retried_with_backoff_then_given_up(mailed, smtp_sink):
    """A server answering 451 twice, then well: retried after 60 s, then 120 s (``now`` moves the
    clock); after max_attempts (3) a row is failed with the server's answer; 5xx fails at once."""
    platform, people = mailed
    n = notify(people.staff, "Try me")
    t0 = utcnow() + datetime.timedelta(seconds=1)
    smtp_sink.fail_next(2)
    assert deliver_outbox(platform, now=t0).retrying == 1
    row = OutboxMessage.get()
    assert (row.status, row.attempts, row.next_attempt_at) == ("pending", 1, t0 + datetime.timedelta(seconds=60))
    assert row.last_error.startswith("451")
    assert deliver_outbox(platform, now=t0 + datetime.timedelta(seconds=59)).retrying == 0  # not due yet
    t1 = t0 + datetime.timedelta(seconds=60)
    assert deliver_outbox(platform, now=t1).retrying == 1
    assert OutboxMessage.get().next_attempt_at == t1 + datetime.timedelta(seconds=120)  # doubled
    assert deliver_outbox(platform, now=t1 + datetime.timedelta(seconds=119)).sent == 0
    assert deliver_outbox(platform, now=t1 + datetime.timedelta(seconds=120)).sent == 1
    assert smtp_sink.message_ids() == [f"<rongtong.notification.{n.id}@rt.example>"]
    assert OutboxMessage.get().status == "sent" and OutboxMessage.get().last_error == ""

    # Given up after max_attempts, the last error kept; "retry now" gives it a fresh start.
    notify(people.user_a, "Never accepted")
    smtp_sink.fail_next(3)
    t = t1 + datetime.timedelta(seconds=200)
    for _attempt in range(3):
        report = deliver_outbox(platform, now=t)
        t += datetime.timedelta(hours=1)
    assert report.failed == 1
    failed = OutboxMessage.get(OutboxMessage.recipient == "user_a@example.com")
    assert (failed.status, failed.attempts) == ("failed", 3) and failed.last_error.startswith("451")
    assert deliver_outbox(platform, now=t).sent == 0
    assert outbox.retry_now([failed.id, OutboxMessage.get(OutboxMessage.status == "sent").id]) == 1
    assert deliver_outbox(platform).sent == 1 and len(smtp_sink.messages) == 2

    # A 5xx answer is final: no retry.
    notify(people.user_b, "No such mailbox")
    smtp_sink.fail_next(1, "550 5.1.1 No such user")
    assert deliver_outbox(platform).failed == 1
    assert OutboxMessage.get(OutboxMessage.recipient == "user_b@example.com").last_error.startswith("550")


def test_a_claim_has_one_winner_and_a_lease(mailed):
    platform, people = mailed
    notify(people.staff, "Mine")
    row_id = OutboxMessage.get().id
    t0 = utcnow() + datetime.timedelta(seconds=1)
    lease, won = outbox.claim([row_id], t0, 120)
    assert won == [row_id] and lease == t0 + datetime.timedelta(seconds=120)
    assert outbox.claim([row_id], t0, 120)[1] == []  # the other worker loses
    assert outbox.due_ids(t0 + datetime.timedelta(seconds=119), 10) == []  # still leased
    assert outbox.due_ids(t0 + datetime.timedelta(seconds=121), 10) == [row_id]  # its worker died
    lease, won = outbox.claim([row_id], t0 + datetime.timedelta(seconds=121), 120)
    assert won == [row_id] and OutboxMessage.get().attempts == 2
    outbox.release(won, lease)  # given back untried: due at once, the attempt not counted
    row = OutboxMessage.get()
    assert (row.status, row.attempts, row.lease_until) == ("pending", 1, None)


def test_an_unreachable_server_claims_nothing(make_platform):
    import socket

    from tests.factories import make_people

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    platform = make_platform(mail=mail_config(port))
    people = make_people()
    people.staff.email = "staff@example.com"
    people.staff.save()
    notify(people.staff, "Will wait for the server")
    with pytest.raises(OSError):
        deliver_outbox(platform)
    row = OutboxMessage.get()
    assert (row.status, row.attempts) == ("pending", 0) and Notification.get().emailed_at is None
