"""The information plugin as a whole: its migration, its registrations, and switching it off."""
from playhouse.schema_diff import diff_models

from plugins.information.models import MODELS


def test_migration_produces_exactly_the_models(info):
    assert not diff_models(info.db, MODELS)


def test_registrations(info):
    reg = info.registry
    assert set(reg.models_of("information")) == set(MODELS)
    service = reg.services["information.consultation"]
    # DB1302 4.1.4 fee type, 5.4.1 published time limit.
    assert service.fee_type == "free" and service.time_limit_days == 2
    assert "information_consultation" in reg.workflows
    assert {"information.article.edit", "information.consultation.answer", "information.stats.view",
            "workflow.information_consultation.act"} <= set(reg.permissions)
    assert "information" in [c.name for _, c in reg.commands]


def test_disabled_plugin_leaves_nothing(make_platform):
    from core.web.app import create_app

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
