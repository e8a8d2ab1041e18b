"""The technical plugin as a whole: its migration, its registrations, and switching it off."""
from playhouse.schema_diff import diff_models

from rongtong.plugins.technical.models import MODELS


def test_migration_produces_exactly_the_models(tech):
    assert not diff_models(tech.db, MODELS)


def test_registrations(tech):
    reg = tech.registry
    assert set(reg.models_of("technical")) == set(MODELS)
    service = reg.services["technical.service"]
    # DB1302 4.1.4 fee type and standard, 5.4.1 published time limit.
    assert service.fee_type == "paid" and service.fee_standard
    assert service.time_limit_days == reg.workflows["technical"].total_days
    assert {"technical.booking.make", "technical.candidates.view", "workflow.technical.act"} <= set(reg.permissions)


def test_disabled_plugin_leaves_nothing(make_platform):
    from rongtong.core.web.app import create_app

    plat = make_platform(plugins=[])
    reg = plat.registry
    app = create_app(platform=plat)
    assert not [r.rule for r in app.url_map.iter_rules() if "technical" in r.rule]
    assert not [e for e in app.view_functions if e.startswith("technical")]
    assert not [name for name in app.blueprints if name.startswith("technical")]
    assert not reg.models_of("technical")
    assert "technical.service" not in reg.services and "technical" not in reg.workflows
    assert not [k for k in reg.permissions if k.startswith("technical.") or k == "workflow.technical.act"]
    assert not [o for o, _ in reg.call("register_api_resources", registry=reg) if o == "technical"]
    assert not [o for o, _ in reg.call("register_admin_views", registry=reg) if o == "technical"]
    assert not [o for o, _ in reg.commands if o == "technical"]


def test_seed_demo(tech):
    import random

    from rongtong.core.demo import seed_people
    from rongtong.core.models import ServiceRequest
    from rongtong.plugins.technical.models import Assignment, Booking, Equipment, Institution

    rng = random.Random(1)
    ctx = seed_people(rng)
    context = {"rng": rng, "platform": tech, "enterprises": ctx["enterprises"],
               "users": {"admin": [ctx["admin"]], "staff": ctx["staff"], "enterprise": ctx["enterprise_users"]}}
    tech.registry.notify("seed_demo", context=context)
    kinds = {k for i in Institution.select() for k in i.capabilities}
    from rongtong.plugins.technical.models import KIND_KEYS

    assert kinds == set(KIND_KEYS)  # DB1302 6.2.2: all eight kinds covered
    assert Equipment.select().count() == 4 and Booking.select().count() >= 4
    steps = {r.current_step for r in ServiceRequest.select().where(ServiceRequest.workflow_key == "technical")}
    assert steps == {"accept", "plan", "deliver", "evaluate"}
    assert Assignment.select().where(Assignment.score.is_null(False)).count() >= 1


def test_routes_present_when_enabled(tech_app):
    rules = {r.rule for r in tech_app.url_map.iter_rules()}
    assert "/api/v1/technical/requests/<int:request_id>/candidates" in rules
    assert "/admin/technical/institution/" in rules


def test_step_examples_are_valid_step_data(tech):
    # The demo and the docs walk requests with these examples.
    for wf in (tech.registry.workflows["technical"],):
        for step in wf.steps:
            assert step.schema is not None and step.example is not None
            step.schema().load(step.example)


def test_openapi_lists_the_resources(tech_app):
    doc = tech_app.test_client().get("/api/v1/openapi.json").get_json()
    assert {"/api/v1/technical/bookings", "/api/v1/technical/requests/{request_id}/candidates"} <= set(doc["paths"])
