"""Satisfaction surveys (DB1302 7.1) and the complaint a low grade opens (5.4.2)."""
from __future__ import annotations

import datetime

import pytest

from rongtong.core.errors import Conflict, PermissionDenied, ValidationFailed
from rongtong.core.models import AuditEvent, Notification, ServiceRequest
from rongtong.plugins.evaluation import surveys
from rongtong.plugins.evaluation.models import Complaint, Survey
from tests.plugins.evaluation.conftest import complete_sample, open_sample

INSTITUTION = {"institution_id": 7, "institution_name": "河北检测研究院"}


def token_from_inbox(user) -> str:
    n = Notification.get((Notification.user == user.id) & (Notification.kind == "survey"))
    assert n.link.startswith("/survey/")
    return n.link.rsplit("/", 1)[1]


@pytest.fixture
def done(platform, people):
    return complete_sample(platform, people, open_sample(platform, people), institution=INSTITUTION)


def test_a_completed_request_gets_one_survey_and_the_enterprise_a_link(platform, people, done):
    survey = Survey.get(Survey.request == done.id)
    assert survey.institution_name == "河北检测研究院" and survey.institution_id == 7
    assert survey.staff_grade is None and survey.institution_grade is None  # no default grade
    token = token_from_inbox(people.user_a)
    assert surveys.by_token(token).id == survey.id
    assert survey.token_hash != token  # only the hash is stored
    assert not Notification.select().where(Notification.user == people.user_b.id).exists()
    # Created once: a second closing hook call adds nothing.
    assert surveys.create_for(ServiceRequest.get_by_id(done.id), {}) is None
    assert Survey.select().count() == 1


def test_rejected_or_withdrawn_requests_get_no_survey(platform, people):
    req = open_sample(platform, people)
    platform.engine.transition(req.id, "reject", people.staff, reason="不属于服务范围")
    assert Survey.select().count() == 0


def test_no_grade_is_refused_with_the_field_named(platform, people, done):
    survey = Survey.get()
    with pytest.raises(ValidationFailed) as err:
        surveys.answer(platform, survey, {"institution_grade": "satisfied"})
    assert "staff_grade" in err.value.fields
    assert Survey.get().answered_at is None


def test_the_institution_is_graded_separately_and_required_when_it_took_part(platform, people, done):
    with pytest.raises(ValidationFailed) as err:
        surveys.answer(platform, Survey.get(), {"staff_grade": "satisfied"})
    assert "institution_grade" in err.value.fields
    answered = surveys.answer(platform, Survey.get(), {"staff_grade": "very_satisfied", "institution_grade": "basically_satisfied"})
    assert (answered.staff_grade, answered.institution_grade) == ("very_satisfied", "basically_satisfied")


@pytest.mark.parametrize("grade", ["dissatisfied", "very_dissatisfied"])
def test_the_two_lowest_grades_need_a_reason(platform, people, done, grade):
    with pytest.raises(ValidationFailed) as err:
        surveys.answer(platform, Survey.get(), {"staff_grade": "satisfied", "institution_grade": grade,
                                                "institution_reason": "  "})
    assert "institution_reason" in err.value.fields
    assert Complaint.select().count() == 0 and Survey.get().answered_at is None


def test_unknown_grade_is_refused(platform, people, done):
    with pytest.raises(ValidationFailed) as err:
        surveys.answer(platform, Survey.get(), {"staff_grade": "ok", "institution_grade": "satisfied"})
    assert "staff_grade" in err.value.fields


def test_one_answer_per_request(platform, people, done):
    answer = {"staff_grade": "satisfied", "institution_grade": "satisfied"}
    surveys.answer(platform, Survey.get(), answer)
    with pytest.raises(Conflict):
        surveys.answer(platform, Survey.get(), {"staff_grade": "very_dissatisfied", "staff_reason": "x",
                                                "institution_grade": "satisfied"})
    assert Survey.get().staff_grade == "satisfied"


def test_an_expired_link_is_refused(platform, people, done):
    survey = Survey.get()
    later = survey.expires_at + datetime.timedelta(seconds=1)
    with pytest.raises(surveys.SurveyExpired):
        surveys.answer(platform, survey, {"staff_grade": "satisfied", "institution_grade": "satisfied"}, now=later)
    assert Survey.get().answered_at is None


def test_staff_cannot_rate_their_own_work(platform, people, done):
    from flask_login import AnonymousUserMixin

    answer = {"staff_grade": "very_satisfied", "institution_grade": "very_satisfied"}
    with pytest.raises(PermissionDenied) as err:
        surveys.answer(platform, Survey.get(), answer, user=people.staff)  # acted on the request
    assert "own work" in err.value.message
    with pytest.raises(PermissionDenied):
        surveys.answer(platform, Survey.get(), answer, user=people.user_b)  # another enterprise
    assert Survey.get().answered_at is None
    # Anonymous (the token is the credential) and the served enterprise's own user may.
    surveys.answer(platform, Survey.get(), answer, user=AnonymousUserMixin())
    assert Survey.get().answered_by is None


def test_a_low_grade_opens_a_complaint_in_the_same_transaction(platform, people, done):
    survey = surveys.answer(platform, Survey.get(), {
        "staff_grade": "satisfied", "institution_grade": "very_dissatisfied",
        "institution_reason": "报告延误两周且数据有误"}, user=people.user_a)
    complaint = Complaint.get()
    assert complaint.survey_id == survey.id and complaint.channel == "survey"
    assert complaint.concerns_request_id == done.id and complaint.enterprise_id == people.ent_a.id
    assert "河北检测研究院" in complaint.description and "报告延误两周" in complaint.description
    case = complaint.case
    assert case.service_key == "complaint" and case.current_step == "receive" and case.status == "open"
    assert AuditEvent.select().where((AuditEvent.object_type == "evaluation_complaint")).exists()


def test_if_the_complaint_cannot_be_opened_the_answer_is_not_kept(platform, people, done):
    people.ent_a.status = "exited"  # the engine refuses cases for enterprises no longer admitted
    people.ent_a.save()
    with pytest.raises(ValidationFailed):
        surveys.answer(platform, Survey.get(), {"staff_grade": "very_dissatisfied", "staff_reason": "态度差",
                                                "institution_grade": "satisfied"})
    assert Survey.get().answered_at is None and Complaint.select().count() == 0


def test_a_good_grade_opens_no_complaint(platform, people, done):
    surveys.answer(platform, Survey.get(), {"staff_grade": "basically_satisfied", "institution_grade": "satisfied"})
    assert Complaint.select().count() == 0


def test_the_institution_is_found_in_step_data_and_named_through_the_registry(make_eval_platform):
    """The technical plugin records the chosen institution in its plan step's data; the survey
    finds it without importing that plugin."""
    from rongtong.core.models import Transition
    from tests.factories import make_people

    platform = make_eval_platform(plugins=("sample", "technical", "evaluation"))
    people = make_people()
    Institution = next(m for m in platform.registry.models_of("technical") if m._meta.table_name == "technical_institution")
    inst = Institution.create(name="河北省产品质量监督检验研究院", contract_start=datetime.date(2026, 1, 1),
                              contract_end=datetime.date(2027, 12, 31))
    req = open_sample(platform, people)
    Transition.create(request=req.id, from_step="accept", to_step="accept", outcome="advance",
                      data={"institution": inst.id, "plan": "委托检测"})
    complete_sample(platform, people, req)
    survey = Survey.get(Survey.request == req.id)
    assert (survey.institution_id, survey.institution_name) == (inst.id, "河北省产品质量监督检验研究院")
