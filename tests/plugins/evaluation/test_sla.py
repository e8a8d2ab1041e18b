"""Time-limit supervision (DB1302 5.4.1): warning at X% of a step's working days to the handler,
breach to the department head, escalation to the comprehensive management board N working days
later (DB1302 4.4.4, along core.routing.escalation_chain); `rongtong sla check` is idempotent — in
the inbox and by e-mail."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from rongtong.core.cli_context import CliContext
from rongtong.core.models import Notification, ServiceRequest
from rongtong.plugins.evaluation.models import SlaEvent
from rongtong.plugins.evaluation.sla import board, check
from tests.support.smtp import SmtpSink
from tests.plugins.evaluation.conftest import open_sample, start_step_at, utc

# The sample service's first step gets 5 working days. Started Wed 2026-09-23 10:00 (Shanghai):
# Thu 09-24 is day 1; 09-25..27 is the Mid-Autumn holiday; Mon 09-28 day 2, 09-29 day 3,
# 09-30 day 4; 10-01..07 National Day; Thu 10-08 day 5 -> due at the end of 10-08.
# Board after 2 working days past the breach: Fri 10-09 and Sat 10-10 (a make-up workday, 调休)
# -> escalated after the end of 10-10, i.e. on Sunday 10-11.
SECTIONS = {"workflows": {"sample": {"steps": {"accept": {"time_limit_days": 5}, "deliver": {"time_limit_days": 2}}}}}
POLICY = {"warn_at_percent": 80, "board_after_days": 2}
BOARD = {"routing": {"board_department": "board"}}  # the comprehensive management board (DB1302 4.4.4)


@pytest.fixture
def platform(make_eval_platform):
    return make_eval_platform(POLICY, **SECTIONS, **BOARD)


def make_board_member():
    from rongtong.core.models import Department
    from tests.factories import user

    return user("director", ["staff"], department=Department.create(key="board", name="综合管理部"))


@pytest.fixture
def late(platform, people):
    req = open_sample(platform, people, assignee=people.staff)
    return start_step_at(platform, req, "2026-09-23 10:00")


def inbox(user):
    """The supervision's notices to ``user`` (not the notices of filing the request)."""
    return list(Notification.select().where((Notification.user == user.id)
                                            & Notification.dedupe_key.startswith("evaluation.sla"))
                .order_by(Notification.id))


def levels():
    return sorted(e.level for e in SlaEvent.select())


def test_the_due_date_follows_the_working_day_calendar(platform, late):
    assert late.step_due_at == utc("2026-10-08 23:59:59")


def test_escalation_at_each_threshold_on_a_frozen_clock(platform, people, late):
    director = make_board_member()
    # Day 3 of 5 (60%): nothing yet.
    assert check(platform, now=utc("2026-09-29 10:00")).as_dict()["notifications"] == 0
    assert levels() == []

    # Day 4 of 5 (80%): the assignee is warned, nobody else.
    result = check(platform, now=utc("2026-09-30 10:00"))
    assert result.events["warning"] == 1
    assert levels() == ["warning"]
    [warning] = inbox(people.staff)
    assert warning.kind == "warning" and f"#{late.id}" in warning.body
    assert inbox(people.head) == [] and inbox(people.admin) == []

    # Late on the due day (still within the limit), in the holiday week: nothing new.
    assert check(platform, now=utc("2026-10-08 23:00")).notifications == 0

    # The next morning the step is overdue: the handler and the department head are told; the
    # request itself is still within its time limit, so the board is not.
    result = check(platform, now=utc("2026-10-09 09:00"))
    assert result.events == {"warning": 0, "breach": 1, "board": 0}
    assert [n.kind for n in inbox(people.head)] == ["breach"]
    assert [n.kind for n in inbox(people.staff)] == ["warning", "breach"]
    assert inbox(people.admin) == [] and inbox(director) == []

    # Saturday 10-10 is a make-up workday: only the 2nd working day after the breach.
    assert check(platform, now=utc("2026-10-10 12:00")).notifications == 0

    # Sunday 10-11: two working days have passed -> the comprehensive management board, not the
    # administrators (somebody else is there).
    result = check(platform, now=utc("2026-10-11 10:00"))
    assert result.events["board"] == 1
    assert [n.kind for n in inbox(director)] == ["escalation"]
    assert inbox(people.admin) == []
    assert levels() == ["board", "breach", "warning"]
    assert len(inbox(people.staff)) == 3 and len(inbox(people.head)) == 1


def test_a_request_found_late_gets_every_level_once_and_a_rerun_sends_nothing(platform, people, late):
    first = check(platform, now=utc("2026-10-12 10:00"))
    assert first.events == {"warning": 1, "breach": 1, "board": 1}
    total = Notification.select().count()
    again = check(platform, now=utc("2026-10-12 10:05"))
    assert again.events == {"warning": 0, "breach": 0, "board": 0} and again.notifications == 0
    assert Notification.select().count() == total


def test_without_an_assignee_the_warning_goes_to_the_department_head(make_eval_platform):
    from tests.factories import make_people

    platform = make_eval_platform(POLICY, routing={"assign": "none"}, **SECTIONS)  # nobody is handed it
    people = make_people()
    req = start_step_at(platform, open_sample(platform, people), "2026-09-23 10:00")
    check(platform, now=utc("2026-09-30 10:00"))
    assert [n.kind for n in inbox(people.head)] == ["warning"]
    assert req.assignee_id is None


def test_a_request_past_its_own_time_limit_reaches_the_board_at_the_breach(platform, people, late):
    # DB1302 4.4.4: the board supervises requests overdue as a whole, not only late steps.
    director = make_board_member()
    ServiceRequest.update(due_at=utc("2026-10-08 23:59:59")).where(ServiceRequest.id == late.id).execute()
    check(platform, now=utc("2026-10-09 09:00"))
    assert [n.kind for n in inbox(director)] == ["breach"]
    assert [n.kind for n in inbox(people.head)] == ["breach"] and inbox(people.admin) == []


def test_a_returned_step_is_a_new_entry_with_its_own_clock(platform, people, late):
    check(platform, now=utc("2026-10-09 09:00"))
    assert levels() == ["breach", "warning"]
    # The step is re-entered later (the engine restarts its clock): a new warning is due again.
    ServiceRequest.update(step_started_at=utc("2026-10-12 10:00"), step_due_at=utc("2026-10-19 23:59:59")) \
        .where(ServiceRequest.id == late.id).execute()
    check(platform, now=utc("2026-10-16 10:00"))  # day 4 of 5
    assert levels() == ["breach", "warning", "warning"]


def test_paused_and_closed_requests_are_not_supervised(platform, people, late):
    platform.engine.transition(late.id, "pause", people.staff, reason="等待企业补正材料")
    assert check(platform, now=utc("2026-10-12 10:00")).checked == 0
    assert levels() == []


def test_per_service_policy_overrides_the_default(make_eval_platform):
    from tests.factories import make_people

    platform = make_eval_platform({**POLICY, "services": {"sample": {"warn_at_percent": 40}}}, **SECTIONS)
    people = make_people()
    start_step_at(platform, open_sample(platform, people, assignee=people.staff), "2026-09-23 10:00")
    # 40% of 5 days = day 2 (Mon 09-28) instead of day 4.
    assert check(platform, now=utc("2026-09-28 10:00")).events["warning"] == 1


def test_bad_policy_in_config_stops_start_up(make_eval_platform):
    from rongtong.core.errors import ConfigError

    with pytest.raises(ConfigError) as err:
        make_eval_platform({"warn_at_percent": 150})
    assert "plugins.evaluation.warn_at_percent" in str(err.value)


def test_board_shows_due_soon_and_overdue_by_department_and_service(platform, people, late):
    fresh = open_sample(platform, people, title="刚受理")  # due far in the future
    data = board(platform, now=utc("2026-10-09 09:00"))
    assert [r["id"] for r in data["rows"]["overdue"]] == [late.id]
    assert fresh.id not in [r["id"] for r in data["rows"]["due_soon"] + data["rows"]["overdue"]]
    assert data["by_department"][people.department.name]["overdue"] == 1
    assert data["by_service"]["sample"] == {"due_soon": 0, "overdue": 1}
    soon = board(platform, now=utc("2026-09-30 10:00"))
    assert [r["id"] for r in soon["rows"]["due_soon"]] == [late.id]


def cli_context(platform):
    ctx = CliContext(None)
    ctx._platform = platform
    return ctx


def test_sla_check_command_twice_sends_once_in_app_and_by_smtp(make_eval_platform):
    from rongtong.plugins.evaluation.cli import sla_group
    from tests.factories import make_people

    with SmtpSink() as sink:
        platform = make_eval_platform(POLICY, mail={"host": "127.0.0.1", "port": sink.port}, **SECTIONS, **BOARD)
        people = make_people()
        director = make_board_member()
        for user in (people.staff, people.head, people.admin, director):
            user.email = f"{user.username}@example.com"
            user.save()
        start_step_at(platform, open_sample(platform, people, assignee=people.staff), "2026-09-23 10:00")
        runner = CliRunner()
        # A real run (no --now): the step started 2026-09-23 is long past every threshold.
        first = runner.invoke(sla_group, ["check", "--json"], obj=cli_context(platform))
        assert first.exit_code == 0, first.output
        summary = json.loads(first.output)
        assert summary["events"] == {"warning": 1, "breach": 1, "board": 1}
        # Every notice is e-mailed once: the supervision's six and the two of filing the request
        # (the head: a new request in the queue; the staff: assigned to you).
        assert summary["emailed"] == Notification.select().count() == 8
        second = runner.invoke(sla_group, ["check", "--json"], obj=cli_context(platform))
        assert second.exit_code == 0, second.output
        assert json.loads(second.output)["notifications"] == 0 and json.loads(second.output)["emailed"] == 0
        supervision = [n for u in (people.staff, people.head, people.admin, director) for n in inbox(u)]
        mailed = [m for m in sink.messages if m["Subject"] in {n.subject for n in supervision}]
        # warning: the handler; breach: the handler, the head and (the request itself is past its
        # time limit by now) the board; board: the handler and the board.
        assert sorted(m["To"].addresses[0].addr_spec for m in mailed) == [
            "director@example.com", "director@example.com", "head@example.com",
            "staff@example.com", "staff@example.com", "staff@example.com"]
        # Sent from cron, yet in the site's language (Chinese by default), mail and inbox alike.
        subjects = {m["Subject"] for m in mailed} | {n.subject for n in supervision}
        assert all(("时限" in s or "超时" in s or "督办" in s or "逾期" in s) for s in subjects), subjects
        # The service and the step are named by their titles, not their keys.
        bodies = [n.body for n in supervision]
        assert bodies and all("示例服务" in b and "受理" in b and "sample" not in b and "accept" not in b for b in bodies), bodies


def test_sla_check_refuses_a_bad_now(platform):
    from rongtong.plugins.evaluation.cli import sla_group

    result = CliRunner().invoke(sla_group, ["check", "--now", "yesterday"], obj=cli_context(platform))
    assert result.exit_code == 2 and "--now" in result.output


def test_an_unreachable_mail_server_keeps_the_inbox_and_retries_next_run(make_eval_platform):
    import socket

    from rongtong.plugins.evaluation.cli import sla_group
    from tests.factories import make_people

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    platform = make_eval_platform(POLICY, mail={"host": "127.0.0.1", "port": port}, **SECTIONS)
    people = make_people()
    people.staff.email = "staff@example.com"
    people.staff.save()
    start_step_at(platform, open_sample(platform, people, assignee=people.staff), "2026-09-23 10:00")
    result = CliRunner().invoke(sla_group, ["check"], obj=cli_context(platform))
    assert result.exit_code == 1 and "retry" in result.output
    assert levels() == ["board", "breach", "warning"]
    assert Notification.select().count() > 0 and all(n.emailed_at is None for n in Notification.select())


def test_5_4_1_sla_check_with_a_simulated_now_only_previews(platform, people, late):
    # DB1302 5.4.1: a simulated "now" previews what would be recorded and records nothing -- no
    # event, no notification, no audit entry; a real run then records the real events.
    from rongtong.core.models import AuditEvent
    from rongtong.plugins.evaluation.cli import sla_group

    on_time = open_sample(platform, people, title="按期申请", assignee=people.staff)  # filed today: not late
    counts = lambda: (SlaEvent.select().count(), Notification.select().count(), AuditEvent.select().count())  # noqa: E731
    before = counts()
    runner = CliRunner()
    shown = runner.invoke(sla_group, ["check", "--now", "2030-01-07T02:00"], obj=cli_context(platform))
    assert shown.exit_code == 0, shown.output
    assert "preview: nothing recorded" in shown.output
    assert f"would record breach: request #{on_time.id}" in shown.output and f"#{late.id}" in shown.output
    summary = json.loads(runner.invoke(sla_group, ["check", "--now", "2030-01-07T02:00", "--json"],
                                       obj=cli_context(platform)).output)
    assert summary["preview"] is True and summary["events"] == {"warning": 2, "breach": 2, "board": 2}
    planned = [(e["request"], e["level"]) for e in summary["would_record"]]
    assert (on_time.id, "breach") in planned and (late.id, "board") in planned
    assert all(people.staff.id in e["notify"] for e in summary["would_record"])
    dry = runner.invoke(sla_group, ["check", "--dry-run"], obj=cli_context(platform))
    assert dry.exit_code == 0 and "preview: nothing recorded" in dry.output
    assert counts() == before

    real = runner.invoke(sla_group, ["check", "--json"], obj=cli_context(platform))
    assert real.exit_code == 0 and "preview" not in json.loads(real.output)
    assert levels() == ["board", "breach", "warning"]  # the late request only; the other is on time
    assert {e.request_id for e in SlaEvent.select()} == {late.id}
    again = json.loads(runner.invoke(sla_group, ["check", "--now", "2030-01-07T02:00", "--json"],
                                     obj=cli_context(platform)).output)
    assert [(e["request"], e["level"]) for e in again["would_record"]] == [
        (on_time.id, "warning"), (on_time.id, "breach"), (on_time.id, "board")]
