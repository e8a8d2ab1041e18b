"""The technical plugin over HTTP (DB1302 6.4.2 a–d, 6.2.2 equipment sharing): the workflow walked
through the generic request API with the right roles, refused with the wrong ones; invalid data
gets field errors and writes nothing."""
import datetime

from rongtong.core.models import AuditEvent, ServiceRequest, Transition
from rongtong.plugins.technical.models import Assignment, Booking, Equipment, Institution
from tests.plugins.technical.conftest import working_slot
from tests.support.apiflow import field_errors


def test_workflow_end_to_end(api, cast, institutions):
    r = api.post(cast.user_a, "requests", {"service_key": "technical.service", "title": "新材料检测",
                                           "data": {"need": "复合材料拉伸强度检测", "kind": "teleportation"}})
    assert r.status_code == 422 and "kind" in field_errors(r)
    rid = api.file(cast.user_a, "technical.service", "新材料检测",
                   {"need": "复合材料拉伸强度检测", "kind": "inspection_testing"})["id"]
    # a) accept: staff only
    assert api.act(cast.user_a, rid, "advance", {"kind": "inspection_testing"}).status_code == 403
    api.advance(cast.staff, rid, {"kind": "inspection_testing", "remarks": "材料齐全"})
    # b) plan: candidates ranked with reasons (staff only), then an eligible choice
    assert api.get(cast.user_a, f"technical/requests/{rid}/candidates").status_code == 403
    report = api.get(cast.staff, f"technical/requests/{rid}/candidates").get_json()
    assert [c["candidate"]["name"] for c in report["candidates"]] == ["省检测研究院", "市质检中心"]
    assert all(r["text"] for c in report["candidates"] for r in c["reasons"])
    n = (Transition.select().count(), AuditEvent.select().count())
    r = api.act(cast.staff, rid, "advance", {"institution": institutions["old"].id, "plan": "方案"})
    assert r.status_code == 422 and "institution" in field_errors(r)
    r = api.act(cast.staff, rid, "advance", {"institution": institutions["lab"].id})
    assert r.status_code == 422 and "plan" in field_errors(r)
    assert (Transition.select().count(), AuditEvent.select().count()) == n and Assignment.select().count() == 0
    api.advance(cast.staff, rid, {"institution": institutions["lab"].id, "plan": "10个工作日内出具检测报告"})
    # c) deliver
    r = api.act(cast.staff, rid, "advance", {"records": "完成", "deliverables": []})
    assert r.status_code == 422 and "deliverables" in field_errors(r)
    api.advance(cast.staff, rid, {"records": "完成三批次检测", "deliverables": ["检测报告"]})
    # d) evaluate: the enterprise itself
    assert api.act(cast.staff, rid, "complete", {"score": 5}).status_code == 403
    r = api.act(cast.user_a, rid, "complete", {"score": 9})
    assert r.status_code == 422 and "score" in field_errors(r)
    api.advance(cast.user_a, rid, {"score": 5, "comment": "专业、及时"}, outcome="complete")
    assert ServiceRequest.get_by_id(rid).status == "completed"
    a = api.get(cast.user_a, f"technical/requests/{rid}/assignment").get_json()
    assert a["institution"]["name"] == "省检测研究院" and a["deliverables"] == ["检测报告"] and a["score"] == 5
    assert api.get(cast.user_b, f"technical/requests/{rid}/assignment").status_code == 404


def _iso(moment):
    """A naive-UTC moment as ISO text in the site's zone (+08:00), as a caller in Hebei writes it."""
    return (moment + datetime.timedelta(hours=8)).isoformat() + "+08:00"


def test_bookings_over_http(api, cast, tech):
    device = Equipment.create(name="扫描电子显微镜", location="共享实验室 B")
    start, end = working_slot(tech.calendar, 1, 9)
    slot = {"equipment": device.id, "starts_at": _iso(start), "ends_at": _iso(end), "purpose": "断口分析"}
    assert api.post(cast.expert, "technical/bookings", slot).status_code == 403
    r = api.post(cast.user_a, "technical/bookings", {**slot, "enterprise": cast.ent_b.id})
    assert r.status_code == 422 and "enterprise" in field_errors(r)
    r = api.post(cast.user_a, "technical/bookings", slot)
    assert r.status_code == 201, r.get_json()
    booking = r.get_json()
    assert booking["starts_at"] == start.isoformat() + "+00:00"  # stored in UTC, given with its offset (issue 9 §1)
    hour = datetime.timedelta(hours=1)
    r = api.post(cast.user_b, "technical/bookings", {**slot, "starts_at": _iso(start + hour), "ends_at": _iso(end + hour)})
    assert r.status_code == 422 and "starts_at" in field_errors(r)
    r = api.post(cast.user_b, "technical/bookings", {**slot, "ends_at": _iso(start - hour)})
    assert r.status_code == 422 and "ends_at" in field_errors(r)
    assert Booking.select().count() == 1
    assert api.get(cast.user_b, "technical/bookings").get_json() == []
    assert len(api.get(cast.user_b, f"technical/equipment/{device.id}/bookings").get_json()) == 1
    assert api.post(cast.user_b, f"technical/bookings/{booking['id']}/cancel").status_code == 404
    assert api.post(cast.user_a, f"technical/bookings/{booking['id']}/cancel").status_code == 200
    r = api.post(cast.staff, "technical/bookings", {**slot, "enterprise": cast.ent_b.id})
    assert r.status_code == 201


def test_6_2_2_booking_limits_refused_with_422_in_chinese_and_english(api, cast, tech):
    """Issue 12: the century-long booking, and every limit, refused over the API naming the field
    and the limit, in the caller's language; the device lists its limits."""
    device = Equipment.create(name="扫描电子显微镜", max_hours=4, horizon_days=30, max_open_bookings=1)
    listed = api.get(cast.user_a, "technical/equipment").get_json()[0]
    assert (listed["opens_at"], listed["closes_at"], listed["max_hours"], listed["horizon_days"],
            listed["max_open_bookings"], listed["working_days_only"]) == ("08:30:00", "17:30:00", 4, 30, 1, True)
    century = {"equipment": device.id, "starts_at": "2027-01-04T09:00:00+08:00", "ends_at": "2127-01-04T11:00:00+08:00"}
    r = api.post(cast.user_a, "technical/bookings", century)
    assert r.status_code == 422 and "17:30" in field_errors(r)["ends_at"][0] and "开放" in r.get_json()["error"]["message"]
    r = api.post(cast.user_a, "technical/bookings?lang=en", century)
    assert r.status_code == 422 and "is open from 08:30 to 17:30" in field_errors(r)["ends_at"][0]
    start, _end = working_slot(tech.calendar, 1, 9)
    long = {"equipment": device.id, "starts_at": _iso(start), "ends_at": _iso(start + datetime.timedelta(hours=5))}
    r = api.post(cast.user_a, "technical/bookings?lang=zh_Hans_CN", long)
    assert r.status_code == 422 and "最长 4 小时" in field_errors(r)["ends_at"][0]
    r = api.post(cast.user_a, "technical/bookings?lang=en", long)
    assert r.status_code == 422 and "at most 4 hours" in field_errors(r)["ends_at"][0]
    ok = {**long, "ends_at": _iso(start + datetime.timedelta(hours=2))}
    assert api.post(cast.user_a, "technical/bookings", ok).status_code == 201
    later = working_slot(tech.calendar, 2, 9)
    r = api.post(cast.user_a, "technical/bookings?lang=en", {**ok, "starts_at": _iso(later[0]), "ends_at": _iso(later[1])})
    assert r.status_code == 422 and "at most 1 open bookings" in field_errors(r)["enterprise"][0]
    assert Booking.select().count() == 1


def test_institution_register(api, cast):
    body = {"name": "省工业设计中心", "capabilities": ["design"], "contract_start": "2026-01-01",
            "contract_end": "2027-12-31", "contact_name": "王工"}
    assert api.post(cast.user_a, "technical/institutions", body).status_code == 403
    r = api.post(cast.staff, "technical/institutions", {**body, "capabilities": ["magic"], "contract_end": "2025-01-01"})
    assert r.status_code == 422 and {"capabilities", "contract_end"} <= set(field_errors(r))
    assert Institution.select().count() == 0
    assert api.post(cast.staff, "technical/institutions", body).status_code == 201
    r = api.post(cast.staff, "technical/institutions", body)
    assert r.status_code == 422 and "name" in field_errors(r)
    assert [i["name"] for i in api.get(cast.staff, "technical/institutions").get_json()] == ["省工业设计中心"]
