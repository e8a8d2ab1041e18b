"""The evaluation plugin as a whole: its migration is exactly its models' schema (SQLite and
PostgreSQL), it leaves nothing behind when disabled, its commands are reachable from `rongtong`,
and its demo data builds."""
from __future__ import annotations

import random

from click.testing import CliRunner
from playhouse.schema_diff import diff_models

from rongtong.core.models import Notification, ServiceRequest
from rongtong.plugins.evaluation.models import Committee, Complaint, Evaluation, ImprovementAction, Survey


def test_migrations_equal_models(platform):
    models = platform.registry.models_of("evaluation")
    assert {m._meta.table_name for m in models} == {
        "evaluation_slaevent", "evaluation_survey", "evaluation_committee", "evaluation_committeemember",
        "evaluation_evaluation", "evaluation_evaluationscore", "evaluation_complaint", "evaluation_improvementaction"}
    assert not diff_models(platform.db, models)


def test_disabled_leaves_nothing(make_platform):
    """Removed from plugins.enabled: no routes, admin views, API resources, catalog entries,
    permissions, models or commands of it remain."""
    from rongtong.core.web.app import create_app

    platform = make_platform(plugins=["sample"])
    reg = platform.registry
    assert "complaint" not in reg.services and "complaint" not in reg.workflows
    assert not [p for p in reg.permissions if p.startswith(("evaluation.", "workflow.complaint."))]
    assert not reg.models_of("evaluation")
    assert not {"sla", "report"} & {c.name for _o, c in reg.commands}
    assert "evaluation" not in reg.options
    assert not platform.db.table_exists("evaluation_survey")
    app = create_app(platform=platform)
    rules = [r.rule for r in app.url_map.iter_rules()]
    assert not [r for r in rules if "evaluation" in r or r.startswith("/survey")]
    assert not [e for e in app.view_functions if e.startswith("evaluation")]
    # A completed request simply gets no survey.
    from tests.factories import make_people

    people = make_people()
    req = platform.engine.open_request(enterprise=people.ent_a, service_key="sample", actor=people.user_a, title="t")
    platform.engine.transition(req.id, "advance", people.staff, data={"need": "x"})
    platform.engine.transition(req.id, "advance", people.staff, data={"deliverable": "d", "hours": 1})
    platform.engine.transition(req.id, "complete", people.user_a, data={"score": 5})
    assert ServiceRequest.get_by_id(req.id).status == "completed"


def test_enabled_routes_and_commands(platform, app):
    rules = {r.rule for r in app.url_map.iter_rules()}
    assert "/survey/<token>" in rules
    assert "/admin/evaluation/board/" in rules and "/admin/evaluation/report/" in rules
    assert any(r.startswith("/api/v1/evaluation/") for r in rules)
    assert {"sla", "report"} <= {c.name for _o, c in platform.registry.commands}
    assert platform.registry.services["complaint"].fee_type == "free"
    spec = app.test_client().get("/api/v1/openapi.json").get_json()
    assert "/api/v1/evaluation/surveys/{survey_id}/answer" in spec["paths"]


def test_rongtong_cli_reaches_the_plugin_commands(platform, database_url, tmp_path):
    from rongtong.core import cli

    config = tmp_path / "rongtong.toml"
    config.write_text(f'[database]\nurl = "{database_url}"\n[plugins]\nenabled = ["evaluation"]\n'
                      '[plugins.evaluation]\nboard_after_days = 1\n', encoding="utf-8")
    result = CliRunner().invoke(cli.cli, ["--config", str(config), "sla", "check", "--json"])
    assert result.exit_code == 0, result.output
    assert '"checked": 0' in result.output
    result = CliRunner().invoke(cli.cli, ["--config", str(config), "report", "supervision", "--period", "2026-Q9"])
    assert result.exit_code == 2


def test_seed_demo(platform, people):
    from tests.plugins.evaluation.conftest import complete_sample, open_sample

    for i in range(3):
        complete_sample(platform, people, open_sample(platform, people, title=f"演示 {i}"))
    context = {"rng": random.Random(7), "platform": platform, "enterprises": [people.ent_a, people.ent_b],
               "users": {"staff": [people.staff], "evaluator": [people.evaluator], "admin": [people.admin]}}
    platform.registry.notify("seed_demo", context=context)
    assert Survey.select().where(Survey.answered_at.is_null(False)).count() >= 2
    assert Complaint.select().count() == 2  # one from the low survey grade, one by phone (closed)
    assert Complaint.select().where(Complaint.closed_at.is_null(False)).count() == 1
    assert Committee.select().count() == 1 and Evaluation.get().status == "finished"
    assert {a.stage for a in ImprovementAction.select()} >= {"plan", "closed"}
    assert Notification.select().where(Notification.kind == "survey").exists()
