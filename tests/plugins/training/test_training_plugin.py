"""Training plugin: notice period, concurrency of the waiting list, migrations, demo data, and
switching it off (DB1302 6.2.3, 6.4.3)."""
import datetime
import threading

import pytest
from playhouse.schema_diff import diff_models

from rongtong.core.errors import ConfigError, Conflict
from rongtong.core.models import AuditEvent, ServiceRequest, utcnow
from rongtong.plugins.training import registrations
from rongtong.plugins.training.models import MODELS, TrainingEvaluation, TrainingProgramme, TrainingRegistration, TrainingSession
from rongtong.plugins.training.workflows import STEPS
from tests import factories
from tests.support.apiflow import Api, field_errors
from tests.plugins.training.conftest import QUESTIONS, session_data

EXAMPLES = {s.key: s.example for s in STEPS}


def test_migrations_equal_models(platform):
    assert not diff_models(platform.db, MODELS)
    assert not diff_models(platform.db, platform.registry.models_of("core"))


def test_catalog_entry_has_fee_type_and_published_time_limit(platform):
    service = platform.registry.services["training"]
    assert service.fee_type == "free" and service.time_limit_days == sum(s.time_limit_days for s in STEPS)
    assert platform.registry.workflows["training"].step_keys == ["survey", "course", "plan", "publish", "deliver", "evaluate"]


@pytest.fixture
def with_options(make_config):
    """A migrated platform with the training plugin and ``[plugins.training]`` options."""
    from rongtong.core.platform import Platform

    built = []

    def factory(**options):
        plat = Platform(make_config(plugins=["training"]).with_overrides(plugins={"training": options}))
        built.append(plat)
        plat.upgrade()
        return plat

    yield factory
    for plat in built:
        plat.db.close()


def test_config_is_validated(with_options):
    with pytest.raises(ConfigError, match="plugins.training.minimum_notice_days"):
        with_options(minimum_notice_days=-1)
    with pytest.raises(ConfigError, match="plugins.training.notice"):
        with_options(notice=3)


def test_minimum_notice_period_from_config(with_options, api_token):
    # DB1302 6.4.3 d: sessions are published at least [plugins.training] minimum_notice_days ahead.
    from rongtong.core.web.app import create_app

    plat = with_options(minimum_notice_days=10)
    assert plat.registry.options["training"] == {"minimum_notice_days": 10}
    people = factories.make_people()
    api = Api(create_app(platform=plat).test_client(), api_token)
    survey = api.post(people.staff, "training/surveys", {"title": "调研", "questions": QUESTIONS}).get_json()["id"]
    api.post(people.user_a, f"training/surveys/{survey}/answers", {"answers": {"topics": ["营销"], "urgency": 2}})
    rid = api.file(people.user_a, "training", "培训")["id"]
    api.advance(people.staff, rid, {"survey": survey, "conclusions": "营销培训"})
    api.advance(people.staff, rid, EXAMPLES["course"])
    api.advance(people.staff, rid, EXAMPLES["plan"])
    events = AuditEvent.select().count()
    publish = {**EXAMPLES["publish"], "sessions": [session_data(days_ahead=20), session_data(days_ahead=7, title="太急")]}
    r = api.act(people.staff, rid, "advance", publish)
    assert r.status_code == 422
    assert set(field_errors(r)["sessions"]) == {"1"} and "starts_at" in field_errors(r)["sessions"]["1"]
    assert TrainingSession.select().count() == 0 and AuditEvent.select().count() == events
    assert ServiceRequest.get_by_id(rid).current_step == "publish"
    api.advance(people.staff, rid, {**publish, "sessions": [session_data(days_ahead=11)]})
    assert TrainingSession.select().count() == 1


@pytest.fixture
def full_session(platform, people):
    """A published session with ``capacity`` 2 and six enterprise users wanting a seat."""
    req = platform.engine.open_request(enterprise=people.ent_a, service_key="training", actor=people.user_a,
                                       title="甲公司班组长培训")
    prog = TrainingProgramme.get(TrainingProgramme.request == req.id)
    session = TrainingSession.create(programme=prog, title="班次", starts_at=utcnow() + datetime.timedelta(days=30),
                                     ends_at=utcnow() + datetime.timedelta(days=30, hours=3), venue="301",
                                     capacity=2, published_at=utcnow())
    users = [factories.user(f"u{i}", ["enterprise"], enterprise=people.ent_a if i % 2 else people.ent_b) for i in range(6)]
    return session, users


def _run_concurrently(fn, items):
    errors, barrier = [], threading.Barrier(len(items))

    def worker(item):
        from rongtong.core.db import database

        try:
            barrier.wait()
            fn(item)
        except Exception as exc:  # collected and checked by the test
            errors.append(exc)
        finally:
            database.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in items]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def test_concurrent_registrations_never_overbook(full_session):
    session, users = full_session
    errors = _run_concurrently(lambda u: registrations.register(session.id, u), users)
    assert errors == []
    statuses = [r.status for r in TrainingRegistration.select()]
    assert statuses.count("registered") == 2 and statuses.count("waitlisted") == 4


def test_concurrent_cancellations_promote_each_waiting_person_once(full_session):
    session, users = full_session
    for u in users:
        registrations.register(session.id, u)
    seated = list(TrainingRegistration.select().where(TrainingRegistration.status == "registered"))
    errors = _run_concurrently(lambda reg: registrations.cancel(reg, reg.user), seated + seated[:1])
    assert len(errors) == 1 and isinstance(errors[0], Conflict)  # the same cancellation twice: once only
    regs = {r.user_id: r for r in TrainingRegistration.select()}
    assert [regs[u.id].status for u in users] == ["cancelled", "cancelled", "registered", "registered",
                                                  "waitlisted", "waitlisted"]
    assert registrations.waitlist_position(regs[users[4].id]) == 1


def test_registering_again_after_cancelling_goes_to_the_back(full_session):
    session, users = full_session
    for u in users[:3]:
        registrations.register(session.id, u)
    first = TrainingRegistration.get(TrainingRegistration.user == users[0].id)
    registrations.cancel(first, users[0])  # users[2] is promoted
    again = registrations.register(session.id, users[0])
    assert again.id == first.id and again.status == "waitlisted" and registrations.waitlist_position(again) == 1


def test_seed_demo(platform, people):
    import random

    for _ in range(6):  # what the demo builder leaves: requests stuck at the survey step
        platform.engine.open_request(enterprise=people.ent_a, service_key="training", actor=people.user_a, title="培训")
    ctx = {"platform": platform, "rng": random.Random(1), "enterprises": [people.ent_a, people.ent_b],
           "users": {"staff": [people.staff], "enterprise": [people.user_a, people.user_b,
                                                              factories.user("u3", ["enterprise"], enterprise=people.ent_a),
                                                              factories.user("u4", ["enterprise"], enterprise=people.ent_b)]}}
    platform.registry.notify("seed_demo", context=ctx)
    steps = sorted(r.current_step for r in ServiceRequest.select())
    assert sorted(set(steps)) == ["course", "deliver", "evaluate", "plan", "publish", "survey"]
    assert steps.count("evaluate") >= 2  # more wait at the effect evaluation (the evaluation demo completes some)
    assert TrainingRegistration.select().where(TrainingRegistration.status == "waitlisted").count() >= 1
    assert TrainingEvaluation.select().count() >= 1


def test_admin_screens(app, full_session, people, login):
    session, users = full_session
    registrations.register(session.id, users[0])
    staff, ent_a, ent_b = app.test_client(), app.test_client(), app.test_client()
    login(staff, people.staff), login(ent_a, people.user_a), login(ent_b, people.user_b)
    for model in ("programme", "course", "session", "registration", "evaluation"):
        assert staff.get(f"/admin/training/{model}/").status_code == 200, model
    assert users[0].username in staff.get("/admin/training/registration/").get_data(as_text=True)
    # enterprise users: registrations are staff screens; programmes only their own
    assert ent_a.get("/admin/training/registration/").status_code == 403
    assert "甲公司班组长培训" in ent_a.get("/admin/training/programme/").get_data(as_text=True)
    assert "甲公司班组长培训" not in ent_b.get("/admin/training/programme/").get_data(as_text=True)
    assert "/api/v1/training/sessions" in {r.rule for r in app.url_map.iter_rules()}


def test_disabled_leaves_nothing(make_platform):
    """Removed from plugins.enabled: no routes, admin views, API resources, catalog entries, commands."""
    from rongtong.core.web.app import create_app

    plat = make_platform(plugins=["sample"])
    reg = plat.registry
    assert "training" not in reg.services and "training" not in reg.workflows
    assert not [p for p in reg.permissions if p.startswith(("training.", "workflow.training."))]
    assert not reg.models_of("training") and not [c for o, c in reg.commands if o == "training"]
    app = create_app(platform=plat)
    assert not [r.rule for r in app.url_map.iter_rules() if "training" in r.rule]
    assert not [e for e in app.view_functions if "training" in e]


def test_step_examples_are_valid_and_every_field_is_labelled_in_both_languages(platform, people):
    # The demo and the docs walk requests with the examples; the staff form shows the labels.
    from rongtong.core.toolkit.surveys import create_survey, submit_answer

    survey = create_survey("training", {"title": "s", "questions": QUESTIONS}, people.staff)
    submit_answer(survey, people.ent_a, {"topics": ["营销"], "urgency": 3}, people.user_a)
    for step in platform.registry.workflows["training"].steps:
        example = {**step.example, "survey": survey.id} if step.key == "survey" else step.example
        step.schema().load(example)
        for name, field in step.schema().fields.items():
            assert field.metadata.get("label") and field.metadata.get("label_en"), (step.key, name)


def test_naive_session_times_are_in_the_site_time_zone(platform, people):
    # Staff type local times (Asia/Shanghai, UTC+8) in the step form.
    from rongtong.plugins.training.steps import publish

    req = platform.engine.open_request(enterprise=people.ent_a, service_key="training", actor=people.user_a, title="t")
    prog = TrainingProgramme.get(TrainingProgramme.request == req.id)
    start = (utcnow() + datetime.timedelta(days=30)).replace(hour=9, minute=0, second=0, microsecond=0)
    data = {**EXAMPLES["publish"], "sessions": [{**session_data(), "starts_at": start.isoformat(),
                                                 "ends_at": (start + datetime.timedelta(hours=3)).isoformat()}]}
    session, = publish(prog, data, 5, platform.config.tz)
    assert session.starts_at == start - datetime.timedelta(hours=8)


def test_course_materials_are_links_or_uploaded_attachments(platform, people):
    # DB1302 6.4.3 b: course materials, as a link or a file uploaded to the platform.
    from rongtong.core.models import Attachment
    from rongtong.plugins.training.schemas import CourseSchema

    att = Attachment.create(owner_type="core_servicerequest", owner_id="1", filename="讲义.pdf", content_hash="0" * 64,
                            size=10, uploaded_by=people.staff)
    course = {"topic": "精益", "content": "5S", "teachers": [{"name": "王老师"}]}
    ok = CourseSchema().load({**course, "materials": [{"title": "讲义", "attachment": att.id},
                                                      {"title": "视频", "url": "https://example.com/v"}]})
    assert [m["attachment"] for m in ok["materials"]] == [att.id, None]
    for bad in ({"title": "x", "attachment": att.id + 100}, {"title": "x"},
                {"title": "x", "url": "https://example.com", "attachment": att.id}, {"title": "x", "url": "ftp://a"}):
        assert "materials" in CourseSchema().validate({**course, "materials": [bad]}), bad
