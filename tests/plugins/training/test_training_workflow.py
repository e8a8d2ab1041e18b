"""Training plugin, walked through the generic request API: DB1302 6.2.3, 6.4.3 a–f."""
import copy

import pytest

from rongtong.core.models import AuditEvent, Notification, ServiceRequest, Transition
from rongtong.plugins.training.models import (TrainingCourse, TrainingEvaluation, TrainingProgramme, TrainingRegistration,
                                     TrainingSession)
from rongtong.plugins.training.workflows import STEPS
from tests.factories import user
from tests.support.apiflow import field_errors
from tests.plugins.training.conftest import session_data, time_passes

EXAMPLES = {s.key: s.example for s in STEPS}


def walk_to(api, people, survey_id, stop_before, sessions=None):
    """File a training request as enterprise A and let staff advance it up to ``stop_before``."""
    req = api.file(people.user_a, "training", "员工精益生产培训", data={"need": "一线主管的精益生产培训", "participants": 20})
    data = copy.deepcopy(EXAMPLES)
    data["survey"]["survey"] = survey_id
    data["publish"]["sessions"] = sessions or [session_data()]
    for step in ("survey", "course", "plan", "publish", "deliver", "evaluate"):
        if step == stop_before:
            break
        api.advance(people.staff, req["id"], data[step], "complete" if step == "evaluate" else "advance")
    return req["id"]


def test_training_programme_end_to_end(api, people, answered_survey, monkeypatch):
    # DB1302 6.4.3 a: the analysis report is built from the answers
    report = api.get(people.staff, f"training/surveys/{answered_survey}/report").get_json()
    assert report["respondents"] == 1 and report["invited"] == 2
    assert report["questions"][0]["counts"] == {"精益生产": 1, "数字化": 1, "营销": 0}

    rid = walk_to(api, people, answered_survey, stop_before="deliver", sessions=[session_data(capacity=1)])
    programme = TrainingProgramme.get(TrainingProgramme.request == rid)
    assert programme.needs_report["respondents"] == 1 and programme.conclusions  # 6.4.3 a
    assert [c.topic for c in TrainingCourse.select()] == ["精益生产"]  # 6.4.3 b
    assert set(programme.plan) >= {"audience", "goals", "budget", "milestones", "trainer_introductions"}  # 6.4.3 c
    assert programme.published_at is not None and programme.channels == ["portal", "email"]  # 6.4.3 d

    # Enterprise users see the published session and register; the second goes on the waiting list.
    colleague = user("colleague_a", ["enterprise"], enterprise=people.ent_a)
    sessions = api.get(people.user_b, "training/sessions").get_json()
    assert [s["seats_left"] for s in sessions] == [1]
    sid = sessions[0]["id"]
    first = api.post(people.user_b, f"training/sessions/{sid}/registrations", {}).get_json()
    second = api.post(colleague, f"training/sessions/{sid}/registrations", {"note": "主管"}).get_json()
    assert (first["status"], second["status"], second["waitlist_position"]) == ("registered", "waitlisted", 1)
    assert api.get(people.user_b, f"training/sessions/{sid}").get_json()["waitlisted"] == 1

    # user_b cancels: the waiting list moves up automatically and the promoted user is told.
    r = api.post(people.user_b, f"training/registrations/{first['id']}/cancel")
    assert r.status_code == 201 and r.get_json()["promoted"]["id"] == second["id"]
    assert TrainingRegistration.get_by_id(second["id"]).status == "registered"
    assert colleague.notifications.count() == 1

    stranger = user("stranger_a", ["enterprise"], enterprise=people.ent_a)
    api.post(stranger, f"training/sessions/{sid}/registrations", {})  # waitlisted, never attended
    # Staff check the attendee in (DB1302 6.4.3 e) on the day of the session (5.4.1), not before.
    r = api.post(people.staff, f"training/registrations/{second['id']}/check-in")
    assert r.status_code == 422 and "session" in field_errors(r)
    time_passes(monkeypatch, days=31)
    assert api.post(people.staff, f"training/registrations/{second['id']}/check-in").status_code == 201
    # Delivered: attendees who checked in (and only they) are asked to evaluate (DB1302 6.4.3 f).
    api.advance(people.staff, rid, EXAMPLES["deliver"])
    # (the "request.answered" notice is the core's, to the enterprise that asked for the training)
    assert [(n.kind, n.event) for n in colleague.notifications.order_by(Notification.id)] == [
        ("info", ""), ("survey", ""), ("info", "request.answered")]
    asked = Notification.select().where(Notification.dedupe_key.startswith("training.evaluate"))
    assert [n.user_id for n in asked] == [colleague.id]  # not user_b (cancelled), not the stranger
    r = api.post(colleague, f"training/registrations/{second['id']}/evaluation",
                 {"satisfaction": 5, "usefulness": 4, "comment": "很实用"})
    assert r.status_code == 201, r.get_json()
    done = api.advance(people.staff, rid, EXAMPLES["evaluate"], "complete")
    assert done["request"]["status"] == "completed"
    programme = TrainingProgramme.get(TrainingProgramme.request == rid)
    assert programme.delivery["attendance"]["attended"] == 1
    assert programme.evaluation["results"]["average_satisfaction"] == 5.0
    detail = api.get(people.user_a, f"training/programmes/{rid}").get_json()
    assert detail["sessions"][0]["registered"] == 1 and detail["courses"][0]["topic"] == "精益生产"


def test_wrong_roles_are_refused(api, people, answered_survey):
    rid = walk_to(api, people, answered_survey, stop_before="course")
    # an enterprise user may not act on staff steps; another enterprise does not even see the request
    assert api.act(people.user_a, rid, "advance", EXAMPLES["course"]).status_code == 403
    assert api.act(people.user_b, rid, "advance", EXAMPLES["course"]).status_code == 404
    assert api.act(people.expert, rid, "advance", EXAMPLES["course"]).status_code in (403, 404)
    assert ServiceRequest.get_by_id(rid).current_step == "course"
    # staff do not answer surveys, enterprise users do not write or read reports
    assert api.post(people.user_a, "training/surveys", {"title": "x", "questions": []}).status_code == 403
    assert api.get(people.user_a, f"training/surveys/{answered_survey}/report").status_code == 403
    assert api.post(people.staff, f"training/surveys/{answered_survey}/answers",
                    {"answers": {"urgency": 1}}).status_code == 403
    # another enterprise cannot see the programme
    assert api.get(people.user_b, f"training/programmes/{rid}").status_code == 404


def test_registration_rules_by_role(api, people, answered_survey, monkeypatch):
    rid = walk_to(api, people, answered_survey, stop_before="deliver")
    sid = TrainingSession.get().id
    assert api.post(people.staff, f"training/sessions/{sid}/registrations", {}).status_code == 403
    reg = api.post(people.user_a, f"training/sessions/{sid}/registrations", {}).get_json()
    assert api.post(people.user_a, f"training/sessions/{sid}/registrations", {}).status_code == 409
    assert [r["id"] for r in api.get(people.user_a, "training/registrations").get_json()] == [reg["id"]]
    assert api.get(people.user_b, "training/registrations").get_json() == []
    assert len(api.get(people.staff, "training/registrations").get_json()) == 1
    # others cannot check in, cancel or evaluate it; not before check-in either
    assert api.post(people.user_a, f"training/registrations/{reg['id']}/check-in").status_code == 403
    assert api.post(people.user_b, f"training/registrations/{reg['id']}/cancel").status_code == 404
    r = api.post(people.user_a, f"training/registrations/{reg['id']}/evaluation", {"satisfaction": 5, "usefulness": 5})
    assert r.status_code == 403  # did not check in: not asked (DB1302 6.4.3 f)
    assert api.get(people.user_a, f"training/sessions/{sid}/registrations").status_code == 403
    time_passes(monkeypatch, days=31)  # the session's day
    assert api.post(people.staff, f"training/registrations/{reg['id']}/check-in").status_code == 201
    assert api.post(people.staff, f"training/registrations/{reg['id']}/check-in").status_code == 409
    assert api.post(people.user_a, f"training/registrations/{reg['id']}/cancel").status_code == 409
    assert TrainingEvaluation.select().count() == 0
    assert ServiceRequest.get_by_id(rid).current_step == "deliver"


@pytest.mark.parametrize("step, bad, field", [
    ("survey", {"survey": 999, "conclusions": "x"}, "survey"),
    ("survey", {"conclusions": "x"}, "survey"),
    ("course", {"courses": [{"topic": "x", "content": "y", "teachers": [], "materials": []}]}, "courses"),
    ("course", {"courses": [{"topic": "x", "content": "y", "teachers": [{"name": "王"}],
                             "materials": [{"title": "讲义"}]}]}, "courses"),
    ("plan", {"audience": "x"}, "goals"),
    ("publish", {"notice": "n", "channels": ["fax"], "sessions": []}, "channels"),
    ("publish", {"notice": "n", "channels": ["portal"], "sessions": [{**session_data(), "capacity": 0}]}, "sessions"),
    ("deliver", {"materials": "讲义"}, "equipment"),
])
def test_invalid_step_data_refused_with_field_errors_and_nothing_written(api, people, answered_survey, step, bad, field):
    rid = walk_to(api, people, answered_survey, stop_before=step)
    before = (Transition.select().count(), AuditEvent.select().count(), TrainingCourse.select().count(),
              TrainingSession.select().count())
    r = api.act(people.staff, rid, "advance", bad)
    assert r.status_code == 422, r.get_json()
    assert field in field_errors(r)
    assert before == (Transition.select().count(), AuditEvent.select().count(), TrainingCourse.select().count(),
                      TrainingSession.select().count())
    assert ServiceRequest.get_by_id(rid).current_step == step


def test_survey_without_answers_cannot_feed_the_analysis(api, people):
    r = api.post(people.staff, "training/surveys", {"title": "空调研", "questions": [{"key": "q", "kind": "text", "text": "?"}]})
    req = api.file(people.user_a, "training", "培训")
    r = api.act(people.staff, req["id"], "advance", {"survey": r.get_json()["id"], "conclusions": "无"})
    assert r.status_code == 422 and "survey" in field_errors(r)


def test_enterprise_users_see_the_surveys_meant_for_them(api, people, answered_survey):
    from tests.plugins.training.conftest import QUESTIONS

    open_to_all = api.post(people.staff, "training/surveys", {"title": "公开调研", "questions": QUESTIONS}).get_json()["id"]
    only_b = api.post(people.staff, "training/surveys", {"title": "乙专属", "questions": QUESTIONS}).get_json()["id"]
    api.post(people.staff, f"training/surveys/{only_b}/invitations", {"enterprises": [people.ent_b.id]})
    assert sorted(s["id"] for s in api.get(people.user_a, "training/surveys").get_json()) == [answered_survey, open_to_all]
    assert api.get(people.user_a, f"training/surveys/{only_b}").status_code == 404
    r = api.post(people.user_a, f"training/surveys/{only_b}/answers", {"answers": {"topics": ["营销"], "urgency": 1}})
    assert r.status_code == 404
    assert api.post(people.user_a, f"training/surveys/{open_to_all}/answers",
                    {"answers": {"topics": ["营销"], "urgency": 1}}).status_code == 201
    assert len(api.get(people.staff, "training/surveys").get_json()) == 3


def test_users_of_enterprises_not_admitted_cannot_register(api, people, answered_survey):
    walk_to(api, people, answered_survey, stop_before="deliver")
    from tests.factories import enterprise

    exited = enterprise("已退出企业", status="exited")
    r = api.post(user("ex_user", ["enterprise"], enterprise=exited), f"training/sessions/{TrainingSession.get().id}/registrations", {})
    assert r.status_code == 403 and TrainingRegistration.select().count() == 0


def test_5_4_1_delivery_is_due_relative_to_the_first_session(api, people, answered_survey, platform):
    """DB1302 5.4.1 / 6.4.3 e: sessions three months ahead: delivery is due 20 working days after the
    first session's date (not 20 after publication), and the request's due date covers it."""
    rid = walk_to(api, people, answered_survey, stop_before="deliver",
                  sessions=[session_data(days_ahead=120, title="第二期"), session_data(days_ahead=90)])
    req, cal = ServiceRequest.get_by_id(rid), platform.calendar
    first = cal.local_date(min(s.starts_at for s in TrainingSession.select()))
    entered = Transition.select().where((Transition.request == rid) & (Transition.to_step == "deliver")).get()
    assert entered.scheduled_for == first
    assert cal.local_date(req.step_due_at) == cal.add_working_days(first, 20)
    assert req.due_at >= req.step_due_at


def test_5_4_1_delivery_and_check_in_cannot_be_recorded_before_the_session(api, people, answered_survey, monkeypatch):
    """DB1302 5.4.1 / 6.4.3 e: neither the delivery ("held") nor a check-in is recorded before the
    session's date; on the day both are."""
    rid = walk_to(api, people, answered_survey, stop_before="deliver", sessions=[session_data(days_ahead=30)])
    sid = TrainingSession.get().id
    reg = api.post(people.user_a, f"training/sessions/{sid}/registrations", {}).get_json()
    r = api.act(people.staff, rid, data=EXAMPLES["deliver"])
    assert r.status_code == 422 and "first_session_at" in field_errors(r)
    r = api.post(people.staff, f"training/registrations/{reg['id']}/check-in")
    assert r.status_code == 422 and "session" in field_errors(r)
    assert ServiceRequest.get_by_id(rid).current_step == "deliver"
    time_passes(monkeypatch, days=31)
    assert api.post(people.staff, f"training/registrations/{reg['id']}/check-in").status_code == 201
    api.advance(people.staff, rid, EXAMPLES["deliver"])
    assert ServiceRequest.get_by_id(rid).current_step == "evaluate"


def test_5_4_1_the_published_limit_covers_the_steps(platform):
    service = platform.registry.services["training"]
    assert service.time_limit_days >= sum(s.time_limit_days for s in STEPS)
    assert {s.key: s.schedule_from for s in STEPS}["deliver"] == "first_session_at"
