"""The supervision report of a period (DB1302 5.4.1, 5.4.2, 7.1, 7.2), checked figure by figure
against seeded data; `rongtong report supervision --period ... --format table|csv|xlsx`."""
from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from click.testing import CliRunner

from rongtong.core.cli_context import CliContext
from rongtong.core.models import Department, ServiceRequest
from rongtong.core.toolkit.periods import parse_period
from rongtong.plugins.evaluation import reports, surveys
from rongtong.plugins.evaluation.cli import report_group
from rongtong.plugins.evaluation.models import Complaint, ImprovementAction, Survey
from tests.plugins.evaluation.conftest import complete_sample, open_sample, utc

Q3 = parse_period("2026-Q3")


def set_times(req, opened, closed):
    """Place a completed request in time (local Shanghai times)."""
    ServiceRequest.update(opened_at=utc(opened), closed_at=utc(closed)).where(ServiceRequest.id == req.id).execute()
    from rongtong.core.models import Transition

    first = Transition.select().where(Transition.request == req.id).order_by(Transition.id).first()
    Transition.update(created_at=utc(opened)).where(Transition.id == first.id).execute()
    Transition.update(created_at=utc(closed)).where((Transition.request == req.id) & (Transition.id != first.id)).execute()


@pytest.fixture
def seeded(platform, people):
    """Sample service: 10 working days. Three requests finished in Q3 2026, one in Q4.

    * A (finance dept., institution 省检测中心): 09-01 → 09-10 on time; staff very satisfied,
      institution dissatisfied (→ complaint)
    * B (finance dept.): 09-01 → 09-30 late (09-01 + 10 working days = 09-15); staff satisfied
    * C (no department, institution 省检测中心): 07-01 → 07-03 on time; survey not answered
    * D: finished 10-20 (Q4): not counted
    """
    other = Department.create(key="rnd", name="研发服务部")
    a = complete_sample(platform, people, open_sample(platform, people, title="A"),
                        institution={"institution_id": 3, "institution_name": "省检测中心"})
    b = complete_sample(platform, people, open_sample(platform, people, title="B"))
    c = complete_sample(platform, people, open_sample(platform, people, title="C", department=None),
                        institution={"institution_id": 3, "institution_name": "省检测中心"})
    d = complete_sample(platform, people, open_sample(platform, people, title="D", department=other))
    set_times(a, "2026-09-01 09:00", "2026-09-10 17:00")
    set_times(b, "2026-09-01 09:00", "2026-09-30 17:00")
    set_times(c, "2026-07-01 09:00", "2026-07-03 17:00")
    set_times(d, "2026-10-08 09:00", "2026-10-20 17:00")
    sa, sb = Survey.get(Survey.request == a.id), Survey.get(Survey.request == b.id)
    surveys.answer(platform, sa, {"staff_grade": "very_satisfied", "institution_grade": "dissatisfied",
                                  "institution_reason": "报告延误"})
    surveys.answer(platform, sb, {"staff_grade": "satisfied"})
    Survey.update_where(Survey.id == sa.id, {"answered_at": utc("2026-09-12 10:00")})
    Survey.update_where(Survey.id == sb.id, {"answered_at": utc("2026-10-02 10:00")})  # answered in Q4
    complaint = Complaint.get()
    Complaint.update_where(Complaint.id.is_null(False), {"received_at": utc("2026-09-14 10:00"),
                                                         "closed_at": utc("2026-09-18 16:00")})  # 4 working days
    # Improvement actions: one verified and closed in Q3, one still open at the end of Q3.
    closed = ImprovementAction.create(source="complaint", complaint=complaint, finding="报告延误",
                                      created_at=utc("2026-09-15 10:00"))
    ImprovementAction.update_where(ImprovementAction.id == closed.id, {
        "stage": "closed", "effective": True, "verified_at": utc("2026-09-25 10:00"), "closed_at": utc("2026-09-26 10:00")})
    ImprovementAction.create(source="statistics", source_note="Q3", finding="受理超时", created_at=utc("2026-09-20 10:00"))
    return {"a": a, "b": b, "c": c, "d": d}


def test_report_figures_match_the_seeded_data(platform, people, seeded):
    report = reports.supervision(platform, Q3)
    assert report["consultations"] is None  # the information plugin is not enabled
    req = report["requests"]
    assert (req["finished"], req["on_time"]) == (3, 2) and req["on_time_rate"] == round(2 / 3, 4)
    assert req["by_department"] == {"-": {"finished": 1, "on_time": 1, "on_time_rate": 1.0},
                                    "投融资部": {"finished": 2, "on_time": 1, "on_time_rate": 0.5}}
    assert req["by_institution"] == {"省检测中心": {"finished": 2, "on_time": 2, "on_time_rate": 1.0}}
    staff = report["satisfaction"]["staff"]
    assert staff["answered"] == 1 and staff["grades"]["very_satisfied"] == 1 and staff["average_score"] == 5
    inst = report["satisfaction"]["institution"]
    assert inst["by_institution"]["省检测中心"]["satisfaction_rate"] == 0.0
    assert inst["by_institution"]["省检测中心"]["average_score"] == 2
    comp = report["complaints"]
    assert (comp["received"], comp["closed"], comp["average_closure_working_days"]) == (1, 1, 4)
    assert comp["by_channel"] == {"survey": 1}
    imp = report["improvements"]
    assert (imp["registered"], imp["open_at_end"], imp["verified"]) == (2, 1, 1)
    q4 = reports.supervision(platform, parse_period("2026-Q4"))
    assert q4["requests"]["finished"] == 1 and q4["satisfaction"]["staff"]["answered"] == 1
    assert q4["complaints"]["received"] == 0 and q4["improvements"]["open_at_end"] == 1


def test_a_paused_request_is_not_late_for_the_time_it_waited(platform, people):
    """Paused time (补正, awaiting the enterprise's materials) does not count (DB1302 5.4.1)."""
    eng = platform.engine
    req = open_sample(platform, people, title="补正")
    eng.transition(req.id, "pause", people.staff, reason="等待补正材料")
    eng.transition(req.id, "resume", people.user_a)
    req = complete_sample(platform, people, ServiceRequest.get_by_id(req.id))
    from rongtong.core.models import Transition

    ts = list(Transition.select().where(Transition.request == req.id).order_by(Transition.id))
    times = ["2026-09-01 09:00", "2026-09-02 09:00", "2026-09-14 09:00", "2026-09-15 09:00",
             "2026-09-16 09:00", "2026-09-21 17:00"]  # paused 09-02 .. 09-14: 8 working days
    for t, moment in zip(ts, times):
        Transition.update(created_at=utc(moment)).where(Transition.id == t.id).execute()
    ServiceRequest.update(opened_at=utc(times[0]), closed_at=utc(times[-1])).where(ServiceRequest.id == req.id).execute()
    assert reports.finished_on_time(platform.engine, ServiceRequest.get_by_id(req.id)) is True
    ServiceRequest.update(closed_at=utc("2026-09-29 17:00")).where(ServiceRequest.id == req.id).execute()
    assert reports.finished_on_time(platform.engine, ServiceRequest.get_by_id(req.id)) is False


def run(platform, *args):
    ctx = CliContext(None)
    ctx._platform = platform
    return CliRunner().invoke(report_group, list(args), obj=ctx)


def test_report_command_in_table_csv_and_xlsx(platform, people, seeded, tmp_path):
    table = run(platform, "supervision", "--period", "2026-Q3")
    assert table.exit_code == 0, table.output
    assert "requests" in table.output and "on_time_rate" in table.output
    out = run(platform, "supervision", "--period", "2026-Q3", "--format", "csv")
    rows = list(csv.reader(io.StringIO(out.output)))
    assert rows[0] == ["section", "dimension", "name", "metric", "value"]
    assert ["requests", "all", "", "on_time", "2"] in rows
    assert ["complaints", "all", "", "average_closure_working_days", "4.0"] in rows
    target = tmp_path / "q3.xlsx"
    assert run(platform, "supervision", "--period", "2026-Q3", "--format", "xlsx", "-o", str(target)).exit_code == 0
    sheet = openpyxl.load_workbook(target).active
    values = [tuple(c.value for c in row) for row in sheet.iter_rows()]
    assert values[0] == ("section", "dimension", "name", "metric", "value")
    assert any(v[0] == "improvements" and v[3] == "verified" and v[4] == 1 for v in values)


def test_report_command_refuses_a_bad_period(platform):
    result = run(platform, "supervision", "--period", "2026-Q5")
    assert result.exit_code == 2 and "period" in result.output.lower()


def test_the_api_gives_the_whole_report(client, api_token, people, seeded, platform):
    """What the API returns (through its response schema) is the report the admin page shows."""
    import json

    from rongtong.core.toolkit.periods import parse_period
    from rongtong.plugins.evaluation.reports import supervision

    body = client.get("/api/v1/evaluation/reports/supervision?period=2026-Q3",
                      headers={"Authorization": f"Bearer {api_token(people.staff)}"}).get_json()
    assert body == json.loads(json.dumps(supervision(platform, parse_period("2026-Q3"))))


def test_report_api(client, api_token, people, seeded):
    token = api_token(people.staff)
    r = client.get("/api/v1/evaluation/reports/supervision?period=2026-Q3", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200 and r.get_json()["requests"]["on_time"] == 2
    r = client.get("/api/v1/evaluation/reports/supervision?period=bad", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 422 and "period" in r.get_json()["error"]["fields"]
    enterprise = api_token(people.user_a)
    r = client.get("/api/v1/evaluation/reports/supervision?period=2026-Q3", headers={"Authorization": f"Bearer {enterprise}"})
    assert r.status_code == 403


def test_consultations_answered_on_time_come_from_the_information_plugin(make_eval_platform):
    """Read through the registry (the information plugin is never imported by ours)."""
    from tests.factories import make_people

    platform = make_eval_platform(plugins=("sample", "information", "evaluation"))
    people = make_people()
    models = {m._meta.table_name: m for m in platform.registry.models_of("information")}
    Consultation, Message = models["information_consultation"], models["information_consultationmessage"]
    c = Consultation.create(enterprise=people.ent_a, subject="政策咨询", question="研发费用加计扣除？")
    for moment, on_time in (("2026-07-02 10:00", True), ("2026-08-03 10:00", True), ("2026-09-04 10:00", False),
                            ("2026-10-05 10:00", False)):
        Message.create(consultation=c, side="platform", body="答复", created_at=utc(moment), on_time=on_time)
    Message.create(consultation=c, side="enterprise", body="追问", created_at=utc("2026-08-01 10:00"))  # not a reply
    got = reports.supervision(platform, Q3)["consultations"]
    assert got == {"replies": 3, "on_time": 2, "on_time_rate": round(2 / 3, 4)}
