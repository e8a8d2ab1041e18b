"""Needs surveys (core.toolkit.surveys): DB1302 6.4.3 a, 6.4.4.1 a, 6.4.4.2 a, 6.4.5 a, 6.4.6 a."""
import pytest
from playhouse.schema_diff import diff_models

from rongtong.core.audit import events_for
from rongtong.core.errors import Conflict, NotFound, ValidationFailed, WorkflowError
from rongtong.core.toolkit import surveys
from rongtong.core.toolkit.surveys import Survey, SurveyAnswer, SurveyInvitation
from tests import factories

QUESTIONS = [
    {"key": "topics", "kind": "multiple", "text": "需要哪些主题？", "text_en": "Topics?", "choices": ["管理", "技术", "营销"]},
    {"key": "format", "kind": "single", "text": "形式？", "choices": ["线上", "线下"]},
    {"key": "urgency", "kind": "scale", "text": "紧迫程度？", "min": 1, "max": 5},
    {"key": "other", "kind": "text", "text": "其他需求", "required": False},
]


@pytest.fixture
def survey(platform, people):
    return surveys.create_survey("training", {"title": "2026 培训需求调研", "questions": QUESTIONS}, people.staff)


def test_core_migration_creates_exactly_the_survey_models(platform):
    # DB1302 6.4.3 a: the core migration 0002 builds the survey tables the models describe.
    assert not diff_models(platform.db, surveys.MODELS)
    assert not diff_models(platform.db, platform.registry.models_of("core"))
    assert Survey in platform.registry.models_of("core")


def test_create_survey_is_audited(survey, people):
    assert survey.status == "open" and survey.owner == "training"
    assert [e.action for e in events_for(survey)] == ["create"]


@pytest.mark.parametrize("questions, field", [
    ([], "questions"),
    ([{"key": "a", "kind": "single", "text": "q", "choices": ["only"]}], "questions"),
    ([{"key": "a", "kind": "rating", "text": "q"}], "questions"),
    ([{"key": "a", "kind": "text", "text": "q"}, {"key": "a", "kind": "text", "text": "r"}], "questions"),
    ([{"key": "a", "kind": "scale", "text": "q", "min": 5, "max": 1}], "questions"),
    ([{"key": "a", "kind": "text", "text": "q", "choices": ["x", "y"]}], "questions"),
])
def test_invalid_survey_refused_with_field_errors_and_nothing_written(platform, people, questions, field):
    with pytest.raises(ValidationFailed) as err:
        surveys.create_survey("training", {"title": "x", "questions": questions}, people.staff)
    assert field in err.value.fields
    assert Survey.select().count() == 0


def test_invite_only_admitted_enterprises_and_skip_repeats(survey, people):
    applied = factories.enterprise("丙公司", status="applied")
    with pytest.raises(ValidationFailed) as err:
        surveys.invite(survey, [people.ent_a, applied], people.staff)
    assert "enterprises" in err.value.fields
    assert SurveyInvitation.select().count() == 0
    sent = surveys.invite(survey, [people.ent_a], people.staff)
    assert len(sent) == 1 and len(sent[0][1]) > 20
    assert sent[0][0].token_hash != sent[0][1]  # only the hash is stored
    assert surveys.invite(survey, [people.ent_a, people.ent_b], people.staff)[0][0].enterprise_id == people.ent_b.id
    assert SurveyInvitation.select().count() == 2


def test_answers_validated_per_question_kind(survey, people):
    bad = {"topics": ["财务"], "format": "邮件", "urgency": 9, "nonsense": "x"}
    with pytest.raises(ValidationFailed) as err:
        surveys.submit_answer(survey, people.ent_a, bad, people.user_a)
    errors = err.value.fields["answers"]
    assert set(errors) == {"topics", "format", "urgency", "nonsense"}
    with pytest.raises(ValidationFailed) as err:
        surveys.submit_answer(survey, people.ent_a, {"topics": [], "urgency": True}, people.user_a)
    assert set(err.value.fields["answers"]) == {"topics", "format", "urgency"}
    assert SurveyAnswer.select().count() == 0


def test_only_invited_enterprises_answer_once_and_not_after_closing(survey, people):
    surveys.invite(survey, [people.ent_a], people.staff)
    good = {"topics": ["技术", "管理"], "format": "线下", "urgency": 4}
    with pytest.raises(NotFound):
        surveys.submit_answer(survey, people.ent_b, good, people.user_b)
    answer = surveys.submit_answer(survey, people.ent_a, good, people.user_a)
    assert answer.answers["topics"] == ["管理", "技术"]  # survey order
    assert SurveyInvitation.get().answered_at is not None
    with pytest.raises(Conflict):
        surveys.submit_answer(survey, people.ent_a, good, people.user_a)
    surveys.close_survey(survey, people.staff)
    # a closed survey takes neither invitations nor answers
    with pytest.raises(WorkflowError):
        surveys.invite(Survey.get_by_id(survey.id), [people.ent_b], people.staff)
    with pytest.raises(WorkflowError):
        surveys.submit_answer(survey, people.ent_b, good, people.user_b)
    assert SurveyAnswer.select().count() == 1


def test_answer_by_token(survey, people):
    (inv, token), = surveys.invite(survey, [people.ent_b], people.staff)
    with pytest.raises(NotFound):
        surveys.submit_answer_by_token("not-a-token", {"format": "线上", "topics": ["管理"], "urgency": 1})
    answer = surveys.submit_answer_by_token(token, {"format": "线上", "topics": ["管理"], "urgency": 1})
    assert answer.enterprise_id == people.ent_b.id and answer.answered_by_id is None


def test_analyse_counts_choices_averages_scales_and_lists_texts(survey, people):
    c = factories.enterprise("丙公司")
    surveys.invite(survey, [people.ent_a, people.ent_b, c], people.staff)
    surveys.submit_answer(survey, people.ent_a, {"topics": ["管理", "技术"], "format": "线下", "urgency": 5,
                                                 "other": "希望有现场参观"}, people.user_a)
    surveys.submit_answer(survey, people.ent_b, {"topics": ["管理"], "format": "线下", "urgency": 2}, people.user_b)
    report = surveys.analyse(survey)
    assert report["invited"] == 3 and report["respondents"] == 2 and report["response_rate"] == pytest.approx(0.6667)
    q = {item["key"]: item for item in report["questions"]}
    assert q["topics"]["counts"] == {"管理": 2, "技术": 1, "营销": 0}
    assert q["topics"]["shares"]["管理"] == 1.0
    assert q["format"]["counts"] == {"线上": 0, "线下": 2}
    assert q["urgency"]["average"] == 3.5
    assert q["urgency"]["distribution"] == {"1": 0, "2": 1, "3": 0, "4": 0, "5": 1}
    assert q["other"]["answers"] == ["希望有现场参观"] and q["other"]["answered"] == 1


def test_analyse_of_unanswered_survey(survey):
    report = surveys.analyse(survey)
    assert report["respondents"] == 0 and report["response_rate"] is None
    assert report["questions"][2]["average"] is None


def test_survey_step_schema_needs_an_answered_survey_of_the_owner(survey, people):
    schema = surveys.survey_step_schema("training")
    errors = schema().validate({"survey": survey.id, "conclusions": "x"})
    assert "survey" in errors  # no answers yet
    surveys.submit_answer(survey, people.ent_a, {"topics": ["管理"], "format": "线上", "urgency": 3}, people.user_a)
    assert schema().validate({"survey": survey.id, "conclusions": "需求集中在管理"}) == {}
    assert "survey" in surveys.survey_step_schema("management")().validate({"survey": survey.id, "conclusions": "x"})
    assert "conclusions" in schema().validate({"survey": survey.id})


def test_demo_helpers_make_valid_answers_and_a_survey_with_respondents(platform, people):
    import random

    rng = random.Random(7)
    for _ in range(20):
        assert surveys.validate_answers(QUESTIONS, surveys.random_answers(QUESTIONS, rng))[1] == {}
    context = {"rng": rng, "enterprises": [people.ent_a, people.ent_b, factories.enterprise("申请中", status="applied")],
               "users": {"staff": [people.staff], "enterprise": [people.user_a]}}
    survey = surveys.seed_demo_survey("training", {"title": "演示", "questions": QUESTIONS}, context, answered=1)
    report = surveys.analyse(survey)
    assert (report["invited"], report["respondents"]) == (2, 1)  # only admitted enterprises are invited
    assert SurveyAnswer.get().answered_by_id == people.user_a.id


def test_admin_screens_show_only_the_owner_s_surveys_and_hide_tokens(make_platform, login):
    # Staff read each plugin's surveys in that plugin's screens; the answer-link token never shows.
    from rongtong.core.web.app import create_app

    plat = make_platform(plugins=["training", "management"])
    people = factories.make_people()
    mine = surveys.create_survey("training", {"title": "培训调研甲", "questions": QUESTIONS}, people.staff)
    surveys.create_survey("management", {"title": "管理调研乙", "questions": QUESTIONS}, people.staff)
    (inv, token), = surveys.invite(mine, [people.ent_a], people.staff)
    app = create_app(platform=plat)
    staff, ent = app.test_client(), app.test_client()
    login(staff, people.staff), login(ent, people.user_a)
    page = staff.get("/admin/training/survey/").get_data(as_text=True)
    assert "培训调研甲" in page and "管理调研乙" not in page
    invitations = staff.get("/admin/training/surveyinvitation/").get_data(as_text=True)
    assert people.ent_a.name in invitations
    assert inv.token_hash not in invitations and token not in invitations
    assert staff.get("/admin/management/surveyinvitation/").status_code == 200
    assert ent.get("/admin/training/survey/").status_code == 403


def test_invited_enterprise_users_are_told_once(survey, people):
    colleague = factories.user("colleague", ["enterprise"], enterprise=people.ent_a)
    surveys.invite(survey, [people.ent_a], people.staff)
    surveys.invite(survey, [people.ent_a, people.ent_b], people.staff)  # A is not invited twice
    assert [n.kind for n in people.user_a.notifications] == ["survey"]
    assert colleague.notifications.count() == 1 and people.user_b.notifications.count() == 1
    assert people.staff.notifications.count() == 0


def test_answer_link_works_without_login(make_platform):
    # The invited enterprise answers through the link in its inbox, without logging in.
    import re

    from rongtong.core.models import Notification
    from rongtong.core.web.app import create_app

    plat = make_platform(plugins=["training"])
    people = factories.make_people()
    survey = surveys.create_survey("training", {"title": "链接调研", "questions": QUESTIONS}, people.staff)
    surveys.invite(survey, [people.ent_a], people.staff)
    link = Notification.get(Notification.user == people.user_a.id).link
    app = create_app(platform=plat)
    app.config["TESTING"] = True
    client = app.test_client()
    page = client.get(link)
    assert page.status_code == 200 and "链接调研" in page.get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    bad = client.post(link, data={"csrf_token": csrf, "q.topics": ["财务"], "q.urgency": "9"})
    assert bad.status_code == 422 and SurveyAnswer.select().count() == 0
    good = client.post(link, data={"csrf_token": csrf, "q.topics": ["管理", "营销"], "q.format": "线上", "q.urgency": "3"})
    assert good.status_code == 200, good.get_data(as_text=True)
    assert SurveyAnswer.get().answers == {"topics": ["管理", "营销"], "format": "线上", "urgency": 3}
    assert SurveyAnswer.get().enterprise_id == people.ent_a.id
    assert client.post(link, data={"csrf_token": csrf, "q.format": "线上"}).status_code == 409
    assert client.get("/training/survey/not-a-token").status_code == 404
    assert client.get(link.replace("/training/", "/management/")).status_code == 404
