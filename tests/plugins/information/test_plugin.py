"""The information plugin as a whole: its migration, its registrations, and switching it off."""
from playhouse.schema_diff import diff_models

from rongtong.plugins.information.models import MODELS


def test_migration_produces_exactly_the_models(info):
    assert not diff_models(info.db, MODELS)


def test_registrations(info):
    reg = info.registry
    assert set(reg.models_of("information")) == set(MODELS)
    service = reg.services["information.consultation"]
    # DB1302 4.1.4 fee type, 5.4.1 published time limit: the steps' sum (accept 1 + answer 1 + close 1).
    assert service.fee_type == "free" and service.time_limit_days == 3
    assert "information_consultation" in reg.workflows
    assert {"information.article.edit", "information.consultation.answer", "information.stats.view",
            "workflow.information_consultation.act"} <= set(reg.permissions)
    assert "information" in [c.name for _, c in reg.commands]


def test_disabled_plugin_leaves_nothing(make_platform):
    from rongtong.core.web.app import create_app

    plat = make_platform(plugins=[])
    reg = plat.registry
    app = create_app(platform=plat)
    assert not [r.rule for r in app.url_map.iter_rules() if "information" in r.rule]
    assert not [e for e in app.view_functions if e.startswith("information")]
    assert not [name for name in app.blueprints if name.startswith("information")]
    assert not reg.models_of("information")
    assert "information.consultation" not in reg.services
    assert not [k for k in reg.permissions if k.startswith("information.") or "information_" in k]
    assert "information" not in [c.name for _, c in reg.commands]
    assert not [o for o, _ in reg.call("register_api_resources", registry=reg) if o == "information"]
    assert not [o for o, _ in reg.call("register_admin_views", registry=reg) if o == "information"]


def _demo_context(platform):
    import random

    from rongtong.core.demo import seed_people

    rng = random.Random(1)
    ctx = seed_people(rng)
    return {"rng": rng, "platform": platform, "enterprises": ctx["enterprises"],
            "users": {"admin": [ctx["admin"]], "staff": ctx["staff"], "expert": [ctx["expert"]],
                      "evaluator": [ctx["evaluator"]], "enterprise": ctx["enterprise_users"]}}


def test_seed_demo(info):
    from rongtong.core.toolkit.periods import period_of
    from rongtong.core.models import utcnow
    from rongtong.plugins.information.models import Article, ArticlePush, Consultation
    from rongtong.plugins.information.stats import consultation_stats

    info.registry.notify("seed_demo", context=_demo_context(info))
    statuses = {a.status for a in Article.select()}
    assert statuses == {"draft", "review", "published", "expired"}
    assert ArticlePush.select().count() >= 3
    stats = consultation_stats(period_of(utcnow().date(), "year"), info.calendar.tz)
    assert stats["consultations"] >= 1 and Consultation.select().count() == 24


def test_commands_exposed_by_the_cli(info, tmp_path):
    """``rongtong information stats`` and ``expire`` through the real command line (exit 0, 2)."""
    import datetime

    from click.testing import CliRunner

    from rongtong.core.cli import cli
    from rongtong.plugins.information import consultations as cs
    from tests.factories import make_people

    cast = make_people()
    cs.open_consultation(cs.ReplyClock.of(info), enterprise=cast.ent_a, actor=cast.staff, channel="visit",
                         category="market", subject="展会", question='=HYPERLINK("x")')
    (tmp_path / "rongtong.toml").write_text(
        f'[database]\nurl = "{info.config.database_url}"\n[plugins]\nenabled = ["information"]\n', encoding="utf-8")
    runner = CliRunner()
    year = datetime.date.today().year
    r = runner.invoke(cli, ["information", "stats", "--period", str(year)])
    assert r.exit_code == 0, r.output
    assert "visit" in r.output and "section" in r.output
    r = runner.invoke(cli, ["information", "stats", "--period", f"{year}", "--format", "csv"])
    assert r.exit_code == 0 and "'=HYPERLINK" in r.output  # formula neutralised
    out = tmp_path / "s.xlsx"
    r = runner.invoke(cli, ["information", "stats", "--period", f"{year}-Q1", "--format", "xlsx", "-o", str(out)])
    assert r.exit_code == 0 and out.read_bytes()[:2] == b"PK"
    r = runner.invoke(cli, ["information", "stats", "--period", "2026-Q7"])
    assert r.exit_code == 2 and "not a period" in r.output
    r = runner.invoke(cli, ["information", "expire"])
    assert r.exit_code == 0 and "expired 0 article(s)" in r.output


def test_routes_present_when_enabled(info_app):
    rules = {r.rule for r in info_app.url_map.iter_rules()}
    assert {"/api/v1/information/articles", "/api/v1/information/stats", "/admin/information/stats/",
            "/admin/information/article/"} <= rules


def test_step_examples_are_valid_step_data(info):
    for step in info.registry.workflows["information_consultation"].steps:
        assert step.schema is not None and step.example is not None
        step.schema().load(step.example)


def test_openapi_lists_the_resources(info_app):
    doc = info_app.test_client().get("/api/v1/openapi.json").get_json()
    assert {"/api/v1/information/articles", "/api/v1/information/consultations/{consultation_id}/messages",
            "/api/v1/information/stats"} <= set(doc["paths"])
