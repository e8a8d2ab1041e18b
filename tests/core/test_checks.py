"""Start-up refusals of plugin mistakes that used to start cleanly and fail on first use (issue 10
§4, core/checks.py): one line naming the plugin and the place."""
from __future__ import annotations

import importlib.metadata
import sys
import textwrap
import types

import pytest

from rongtong.core import hookimpl
from rongtong.core.contract import AdminViewSpec, ApiResource, Permission, ServiceEntry
from rongtong.core.errors import PluginError
from rongtong.core.workflow import Step, Workflow
from tests.core import test_cli



@pytest.fixture
def site(tmp_path):
    """The sample plugin installed and enabled in ./rongtong.toml (test_cli's ``site`` without its
    step override, which raises the sample's steps above its promise: see check_promises)."""
    test_cli.install_plugin(tmp_path / "site")
    test_cli.write_config(tmp_path, '[site]\nsecret_key = "s3cret-value"\n\n[plugins]\nenabled = ["sample"]\n')
    return tmp_path


def module_plugin(monkeypatch, name, **hooks):
    """An importable plugin module ``name`` with the given hook functions; returns its entry points."""
    module = types.ModuleType(name)
    for hook, function in hooks.items():
        function.__name__ = hook
        setattr(module, hook, hookimpl(function))
    monkeypatch.setitem(sys.modules, name, module)
    return {name: importlib.metadata.EntryPoint(name, name, "rongtong.plugins")}


def typo_workflow(roles=("staff",)):
    return Workflow("typo", "错字", "Typo", steps=(
        Step("accept", "受理", "Accept", roles=("staff",)),
        Step("review", "评审", "Review", roles=roles),
    ))


def test_a_misspelt_role_on_a_step_is_refused_naming_plugin_workflow_and_step(make_platform, monkeypatch):
    eps = module_plugin(monkeypatch, "typo", register_workflows=lambda: [typo_workflow(("expret",))])
    with pytest.raises(PluginError) as err:
        make_platform(plugins=("typo",), entry_points=eps, migrate=False)
    message = err.value.message
    assert "plugin 'typo'" in message and "workflow 'typo' v1 step 'review'" in message
    assert "unknown role 'expret'" in message and "expert" in message  # the known roles are listed
    assert "\n" not in message


def test_a_misspelt_role_on_a_permission_is_refused(make_platform, monkeypatch):
    eps = module_plugin(monkeypatch, "typo", register_permissions=lambda: [
        Permission("typo.case.view", "查看", "View", ("staff", "enterprice"))])
    with pytest.raises(PluginError, match=r"plugin 'typo': permission 'typo.case.view': unknown role 'enterprice'"):
        make_platform(plugins=("typo",), entry_points=eps, migrate=False)


def _ping():
    return {}


def test_a_misspelt_permission_on_an_api_resource_is_refused(make_platform, monkeypatch):
    eps = module_plugin(
        monkeypatch, "typo",
        register_permissions=lambda: [Permission("typo.case.view", "查看", "View", ("staff",))],
        register_api_resources=lambda platform: [ApiResource("typo/cases", _ping, permission="typo.cases.view")],
    )
    with pytest.raises(PluginError) as err:
        make_platform(plugins=("typo",), entry_points=eps, migrate=False)
    assert err.value.message.startswith("plugin 'typo': API resource 'typo/cases': unknown permission 'typo.cases.view'")
    assert "typo.case.view" in err.value.message  # the right spelling is offered


def test_a_misspelt_permission_on_an_admin_view_is_refused_before_any_app(make_platform, monkeypatch):
    from tests.fixtures.sampleplugin.models import SampleNote

    eps = module_plugin(monkeypatch, "typo", register_admin_views=lambda platform: [
        AdminViewSpec(model=SampleNote, permission="typo.note.edti", slug="note")])
    with pytest.raises(PluginError, match=r"plugin 'typo': admin view 'note': unknown permission 'typo.note.edti'"):
        make_platform(plugins=("sample", "typo"), entry_points=eps, migrate=False)


def test_correct_roles_and_permissions_start(make_platform, monkeypatch):
    eps = module_plugin(
        monkeypatch, "typo",
        register_workflows=lambda: [typo_workflow(("expert", "staff"))],
        register_services=lambda: [ServiceEntry("typo", "错字", "Typo", workflow="typo")],
        register_api_resources=lambda platform: [ApiResource("typo/cases", _ping, permission="workflow.typo.act")],
    )
    platform = make_platform(plugins=("typo",), entry_points=eps)
    assert platform.registry.permissions["workflow.typo.act"].roles == ("expert", "staff")


# --- a plugin that takes a built-in's name -------------------------------------------------------

def fake_distribution(site, dist_name, entry_points: str):
    dist = site / f"{dist_name}-1.0.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist_name}\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text(f"[rongtong.plugins]\n{entry_points}\n")


def test_a_third_party_plugin_named_like_a_built_in_is_refused(make_platform, tmp_path, monkeypatch):
    fake_distribution(tmp_path / "site", "acme_training", "training = acme_training")
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    with pytest.raises(PluginError) as err:
        make_platform(plugins=(), migrate=False)
    message = err.value.message
    assert message.startswith("plugin 'training': the distribution 'acme_training' takes the name of a built-in plugin")
    assert "training = acme_training" in message and "rename" in message


def test_two_third_party_plugins_with_one_name_are_refused(make_platform, tmp_path, monkeypatch):
    fake_distribution(tmp_path / "site", "acme_one", "patents = acme_one")
    fake_distribution(tmp_path / "site", "acme_two", "patents = acme_two")
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    with pytest.raises(PluginError, match=r"plugin 'patents': two entry points .* share the name"):
        make_platform(plugins=(), migrate=False)


# --- an enabled plugin without its tables --------------------------------------------------------

PLUGIN_SOURCE = textwrap.dedent('''
    import peewee
    from rongtong.core import hookimpl
    from rongtong.core.models import BaseModel


    class Record(BaseModel):
        text = peewee.TextField(default="")

        class Meta:
            table_name = "{name}_record"


    @hookimpl
    def register_models():
        return [Record]
''')

MIGRATION_SOURCE = textwrap.dedent('''
    from peewee import *


    def up(migrator, db):
        class Record(Model):
            text = TextField(default="")

            class Meta:
                database = db
                table_name = "{name}_record"
        db.create_tables([Record])
''')


def package_plugin(tmp_path, monkeypatch, name, with_migrations):
    """A plugin package on disk, installed the way a wheel installs it (with or without migrations/)."""
    folder = tmp_path / "pkgs" / name
    folder.mkdir(parents=True)
    (folder / "__init__.py").write_text(PLUGIN_SOURCE.format(name=name))
    if with_migrations:
        (folder / "migrations").mkdir()
        (folder / "migrations" / "0001_initial.py").write_text(MIGRATION_SOURCE.format(name=name))
    monkeypatch.syspath_prepend(str(tmp_path / "pkgs"))
    return {name: importlib.metadata.EntryPoint(name, name, "rongtong.plugins")}


def test_a_wheel_without_its_migrations_is_refused_when_the_app_starts(make_platform, tmp_path, monkeypatch):
    from rongtong.core.web.app import create_app

    eps = package_plugin(tmp_path, monkeypatch, "nomig", with_migrations=False)
    platform = make_platform(plugins=("nomig",), entry_points=eps)  # `db upgrade` has nothing to apply
    with pytest.raises(PluginError) as err:
        create_app(platform=platform)
    message = err.value.message
    assert message.startswith("plugin 'nomig': table 'nomig_record' does not exist and there are no migrations in ")
    assert "wheel built without the plugin's migrations/ directory" in message and "package data" in message


def test_unapplied_migrations_are_refused_until_db_upgrade(make_platform, tmp_path, monkeypatch):
    from rongtong.core.web.app import create_app

    eps = package_plugin(tmp_path, monkeypatch, "pending", with_migrations=True)
    platform = make_platform(plugins=("pending",), entry_points=eps, migrate=False)
    with pytest.raises(PluginError) as err:
        create_app(platform=platform)
    assert err.value.message.startswith("the core: table ")  # a fresh database: nothing applied yet
    assert "run `rongtong db upgrade`" in err.value.message
    from rongtong.core import migrations

    migrations.runner(platform.registry, "core").up()  # the core is upgraded, the plugin is not
    with pytest.raises(PluginError) as err:
        create_app(platform=platform)
    assert err.value.message == ("plugin 'pending': table 'pending_record' does not exist: 1 migration(s) not applied "
                                 "(0001_initial); run `rongtong db upgrade`")
    platform.upgrade()
    assert create_app(platform=platform).url_map  # starts once upgraded


def test_a_command_on_an_unmigrated_database_is_refused_but_db_upgrade_runs(site, database_url):
    refused = test_cli.rongtong("audit", "verify", cwd=site, database_url=database_url)
    test_cli.assert_user_error(refused, 2, "does not exist", "run `rongtong db upgrade`")
    assert test_cli.rongtong("db", "status", cwd=site, database_url=database_url).returncode == 0
    assert test_cli.rongtong("db", "upgrade", cwd=site, database_url=database_url).returncode == 0
    verified = test_cli.rongtong("audit", "verify", cwd=site, database_url=database_url)
    assert verified.returncode == 0 and verified.stdout.startswith("ok ")


# --- every service's published limit covers its steps (DB1302 5.4.1; issue 12) -------------------

def promise_plugin(monkeypatch, promised, **overrides):
    """Plugin ``promise``: a two-step workflow (accept 2 + deliver 3 = 5 days) and its service."""
    steps = (Step("accept", "受理", "Accept", time_limit_days=2), Step("deliver", "实施", "Deliver", time_limit_days=3))
    return module_plugin(monkeypatch, "promise",
                         register_workflows=lambda: [Workflow("promise", "承诺", "Promise", steps=steps)],
                         register_services=lambda: [ServiceEntry("promise.service", "承诺服务", "Promised service",
                                                                 workflow="promise", time_limit_days=promised)])


def test_5_4_1_a_promise_shorter_than_the_steps_stops_start_up(make_platform, monkeypatch):
    eps = promise_plugin(monkeypatch, 4)
    with pytest.raises(PluginError) as err:
        make_platform(plugins=("promise",), entry_points=eps, migrate=False)
    message = err.value.message
    assert message.startswith("plugin 'promise': service 'promise.service' promises 4 working days, but the steps "
                              "of workflow 'promise' v1 add up to 5 (accept 2 + deliver 3)")
    assert "\n" not in message


def test_5_4_1_a_promise_that_covers_the_steps_starts(make_platform, monkeypatch):
    assert make_platform(plugins=("promise",), entry_points=promise_plugin(monkeypatch, 5), migrate=False)
    assert make_platform(plugins=("promise",), entry_points=promise_plugin(monkeypatch, 8), migrate=False)
    # No published number: the engine promises the steps' sum itself.
    assert make_platform(plugins=("promise",), entry_points=promise_plugin(monkeypatch, None), migrate=False)


def test_5_4_1_the_latest_version_after_config_overrides_is_checked(make_platform, monkeypatch):
    eps = promise_plugin(monkeypatch, 5)
    with pytest.raises(PluginError, match=r"promises 5 working days, but the steps of workflow 'promise' v1 add up "
                                          r"to 8 \(accept 2 \+ deliver 6\)"):
        make_platform(plugins=("promise",), entry_points=eps, migrate=False,
                      workflows={"promise": {"steps": {"deliver": {"time_limit_days": 6}}}})
    # Lowering a step keeps the promise.
    assert make_platform(plugins=("promise",), entry_points=eps, migrate=False,
                         workflows={"promise": {"steps": {"deliver": {"time_limit_days": 1}}}})


def test_5_4_1_an_operator_publishes_a_longer_limit_for_longer_steps(make_platform, monkeypatch):
    """A step given more days in config is no dead end: the operator publishes the longer promise
    (``[workflows.<key>] time_limit_days``), and the catalog and the request clock use it."""
    eps = promise_plugin(monkeypatch, 5)
    steps = {"steps": {"deliver": {"time_limit_days": 6}}}
    with pytest.raises(PluginError, match=r"\[workflows.promise\] time_limit_days = 8"):  # says how
        make_platform(plugins=("promise",), entry_points=eps, migrate=False, workflows={"promise": steps})
    platform = make_platform(plugins=("promise",), entry_points=eps, migrate=False,
                             workflows={"promise": {**steps, "time_limit_days": 8}})
    assert [s.time_limit_days for s in platform.registry.services.values() if s.workflow == "promise"] == [8]


@pytest.mark.parametrize("value", [0, 2.5, "8", True])
def test_5_4_1_a_published_limit_in_config_is_a_positive_whole_number(make_platform, monkeypatch, value):
    from rongtong.core.errors import ConfigError

    eps = promise_plugin(monkeypatch, 5)
    with pytest.raises(ConfigError, match=r"workflows.promise.time_limit_days: must be a positive whole number"):
        make_platform(plugins=("promise",), entry_points=eps, migrate=False,
                      workflows={"promise": {"time_limit_days": value}})


def test_5_4_1_every_built_in_plugin_keeps_its_promise(make_platform):
    from rongtong.core.setup import installed_builtin_plugins

    platform = make_platform(plugins=installed_builtin_plugins(), migrate=False)  # would raise otherwise
    registry = platform.registry
    for key, service in registry.services.items():
        total = registry.workflows[service.workflow].total_days
        assert service.time_limit_days is None or service.time_limit_days >= total, key


def test_5_4_1_the_command_line_stops_with_one_line_and_exit_2(tmp_path, database_url):
    test_cli.write_config(tmp_path, '[plugins]\nenabled = ["information"]\n\n'
                                    '[workflows.information_consultation.steps.answer]\ntime_limit_days = 4\n')
    result = test_cli.rongtong("workflow", "list", cwd=tmp_path, database_url=database_url)
    test_cli.assert_user_error(result, 2, "plugin 'information': service 'information.consultation' promises 3 "
                                          "working days, but the steps of workflow 'information_consultation' v1 add "
                                          "up to 6 (accept 1 + answer 4 + close 1)")
