"""Loading plugins (issue 2 §4; DESIGN "The plugin contract"): the allowlist, entry points,
``requires``, ``check_pending`` and duplicates — each failure stops start-up naming the plugin(s).
"""
from __future__ import annotations

import pytest

from rongtong.core.errors import PluginError
from rongtong.core.registry import PluginRegistry
from tests.conftest import SAMPLE_ENTRY_POINTS
from tests.core.test_hooks import make_plugin


def registry(make_config, plugins, entry_points=None):
    return PluginRegistry(make_config(plugins=plugins), entry_points={**SAMPLE_ENTRY_POINTS, **(entry_points or {})})


def test_installed_but_not_enabled_is_not_loaded(make_platform):
    platform = make_platform(plugins=())
    reg = platform.registry
    assert "sample" in reg.available
    assert list(reg.plugins) == ["core"]
    assert reg.workflows == {} and "sample" not in reg.services
    assert not any(p.startswith("sample.") for p in reg.permissions)
    assert "sample_note" not in platform.db.get_tables()  # its migration is not run either


def test_two_platforms_in_one_process_do_not_share_plugins(make_config):
    """One PluginManager per app, never a module global."""
    with_sample = registry(make_config, ["sample"])
    without = registry(make_config, [])
    assert "sample" in with_sample.workflows and without.workflows == {}
    assert with_sample.pm is not without.pm


def test_unknown_plugin_names_it(make_config):
    with pytest.raises(PluginError, match=r"plugins.enabled: unknown plugin 'nosuch'"):
        registry(make_config, ["sample", "nosuch"])


def test_core_cannot_be_listed_and_a_name_only_once(make_config):
    with pytest.raises(PluginError, match="'core' is always on"):
        registry(make_config, ["core"])
    with pytest.raises(PluginError, match="'sample' is listed twice"):
        registry(make_config, ["sample", "sample"])


@pytest.mark.parametrize("body, problem", [
    ("import no_such_module_anywhere\n", "ModuleNotFoundError"),
    ("def broken(:\n", "SyntaxError"),
    ("raise RuntimeError('cannot start')\n", "RuntimeError: cannot start"),
])
def test_plugin_failing_to_import_names_it(make_config, tmp_path, monkeypatch, body, problem):
    eps = make_plugin(tmp_path, monkeypatch, "broken", body)
    with pytest.raises(PluginError) as err:
        registry(make_config, ["broken"], eps)
    assert err.value.message.startswith("plugin 'broken' failed to load: ")
    assert problem in err.value.message
    assert "\n" not in err.value.message


def test_missing_requirement_names_both(make_config, tmp_path, monkeypatch):
    eps = make_plugin(tmp_path, monkeypatch, "needy", "REQUIRES = ('sample',)\n")
    with pytest.raises(PluginError, match="plugin 'needy' requires plugin 'sample', which is not enabled"):
        registry(make_config, ["needy"], eps)
    reg = registry(make_config, ["needy", "sample"], eps)
    assert list(reg.plugins) == ["core", "sample", "needy"]


def test_requirements_decide_the_order_not_the_list(make_config, tmp_path, monkeypatch):
    eps = {**make_plugin(tmp_path, monkeypatch, "aaa", "REQUIRES = ('zzz',)\n"),
           **make_plugin(tmp_path, monkeypatch, "zzz", "REQUIRES = ('sample',)\n")}
    for order in (["aaa", "zzz", "sample"], ["sample", "zzz", "aaa"]):
        assert list(registry(make_config, order, eps).plugins) == ["core", "sample", "zzz", "aaa"]


def test_circular_requirements_fail(make_config, tmp_path, monkeypatch):
    eps = {**make_plugin(tmp_path, monkeypatch, "ping", "REQUIRES = ('pong',)\n"),
           **make_plugin(tmp_path, monkeypatch, "pong", "REQUIRES = ('ping',)\n")}
    with pytest.raises(PluginError, match="circular"):
        registry(make_config, ["ping", "pong"], eps)


def test_misspelt_hookimpl_is_an_error(make_config, tmp_path, monkeypatch):
    eps = make_plugin(tmp_path, monkeypatch, "typo", """
        from rongtong.core import hookimpl

        @hookimpl
        def register_model():
            return []
    """)
    with pytest.raises(PluginError) as err:
        registry(make_config, ["typo"], eps)
    assert err.value.message == "plugin 'typo': unknown hook 'register_model'"


def test_hookimpl_with_an_unknown_argument_is_an_error(make_config, tmp_path, monkeypatch):
    eps = make_plugin(tmp_path, monkeypatch, "badargs", """
        from rongtong.core import hookimpl

        @hookimpl
        def register_admin_views(platform, app):
            return []
    """)
    with pytest.raises(PluginError, match="plugin 'badargs'"):
        registry(make_config, ["badargs"], eps)


def test_table_without_the_plugin_prefix(make_config, tmp_path, monkeypatch):
    eps = make_plugin(tmp_path, monkeypatch, "loose", """
        import peewee
        from rongtong.core import hookimpl
        from rongtong.core.models import BaseModel

        class Thing(BaseModel):
            name = peewee.CharField()
            class Meta:
                table_name = "thing"

        @hookimpl
        def register_models():
            return [Thing]
    """)
    with pytest.raises(PluginError, match="plugin 'loose': table 'thing' of Thing must start with 'loose_'"):
        registry(make_config, ["loose"], eps)


# --- duplicates: each names both plugins --------------------------------------------------------

DUPLICATES = {
    "table": ("dup_x", """
        import peewee
        from rongtong.core import hookimpl
        from rongtong.core.models import BaseModel

        class Note(BaseModel):
            class Meta:
                table_name = "dup_x_note"

        @hookimpl
        def register_models():
            return [Note]
    """, "duplicate table 'dup_x_note'"),
    "workflow": ("dup", """
        from rongtong.core import hookimpl
        from rongtong.core.workflow import Step, Workflow

        @hookimpl
        def register_workflows():
            return [Workflow("sample", "抄袭", "Copy", version=2, steps=(Step("a", "甲", "A"),))]
    """, "duplicate workflow 'sample v2'"),
    "workflow-key": ("dup", """
        from rongtong.core import hookimpl
        from rongtong.core.workflow import Step, Workflow

        @hookimpl
        def register_workflows():
            return [Workflow("sample", "抄袭", "Copy", version=3, steps=(Step("a", "甲", "A"),))]
    """, "duplicate workflow 'sample'"),
    "service": ("dup", """
        from rongtong.core import hookimpl
        from rongtong.core.contract import ServiceEntry

        @hookimpl
        def register_services():
            return [ServiceEntry("sample", "重复", "Again", workflow="sample")]
    """, "duplicate service 'sample'"),
    "permission": ("dup", """
        from rongtong.core import hookimpl
        from rongtong.core.contract import Permission

        @hookimpl
        def register_permissions():
            return [Permission("sample.note.edit", "重复", "Again")]
    """, "duplicate permission 'sample.note.edit'"),
    "act-permission": ("dup", """
        from rongtong.core import hookimpl
        from rongtong.core.contract import Permission

        @hookimpl
        def register_permissions():
            return [Permission("workflow.sample.act", "抢", "Grab", ("evaluator",))]
    """, "duplicate permission 'workflow.sample.act'"),
    "command": ("dup", """
        import click
        from rongtong.core import hookimpl

        @click.command("sample-hello")
        def hello():
            pass

        @hookimpl
        def register_commands():
            return [hello]
    """, "duplicate command 'sample-hello'"),
}


@pytest.mark.parametrize("kind", sorted(DUPLICATES))
def test_duplicates_fail_naming_both_plugins(make_config, tmp_path, monkeypatch, kind):
    name, body, message = DUPLICATES[kind]
    if kind == "table":  # the sample plugin cannot clash on a table: pair two throwaway plugins
        eps = {**make_plugin(tmp_path, monkeypatch, "dup", body), **make_plugin(tmp_path, monkeypatch, "dup_x", body)}
        enabled, both = ["dup", "dup_x"], ("'dup'", "'dup_x'")
    else:
        eps = make_plugin(tmp_path, monkeypatch, name, body)
        enabled, both = ["sample", name], ("'sample'", f"'{name}'")
    with pytest.raises(PluginError) as err:
        registry(make_config, enabled, eps)
    assert message in err.value.message
    for plugin in both:
        assert f"plugin {plugin}" in err.value.message
    # Neither order of the allowlist changes the outcome.
    with pytest.raises(PluginError):
        registry(make_config, list(reversed(enabled)), eps)


def test_a_plugin_command_may_not_take_a_core_name(make_config, tmp_path, monkeypatch):
    eps = make_plugin(tmp_path, monkeypatch, "grabby", """
        import click
        from rongtong.core import hookimpl

        @click.command("init")
        def init():
            pass

        @hookimpl
        def register_commands():
            return [init]
    """)
    with pytest.raises(PluginError, match="duplicate command 'init': registered by plugin 'core' and plugin 'grabby'"):
        registry(make_config, ["grabby"], eps)


def test_service_with_an_unknown_workflow(make_config, tmp_path, monkeypatch):
    eps = make_plugin(tmp_path, monkeypatch, "lost", """
        from rongtong.core import hookimpl
        from rongtong.core.contract import ServiceEntry

        @hookimpl
        def register_services():
            return [ServiceEntry("lost", "迷路", "Lost", workflow="nowhere")]
    """)
    with pytest.raises(PluginError, match="plugin 'lost': service 'lost' uses unknown workflow 'nowhere'"):
        registry(make_config, ["lost"], eps)


def test_unknown_plugin_via_the_console_script_exits_2(tmp_path):
    from tests.core.test_cli import assert_user_error, rongtong, write_config

    write_config(tmp_path, '[plugins]\nenabled = ["ghost"]\n')
    assert_user_error(rongtong("db", "status", cwd=tmp_path), 2, "ghost", "rongtong.toml")
