"""Every hook of core/hookspecs.py, exercised through the sample plugin (tests/fixtures/sampleplugin),
which is loaded through an entry point exactly like a third-party plugin (issue 2 §4).
"""
from __future__ import annotations

import importlib.metadata
import textwrap
import uuid

import click
import flask
import pytest

from rongtong.core import hookspecs
from rongtong.core.errors import ConfigError, PluginError
from rongtong.core.models import AuditEvent, ServiceRequest, Transition
from rongtong.core.contract import AdminViewSpec, ApiResource, Permission, ServiceEntry
from tests.fixtures import sampleplugin
from tests.fixtures.sampleplugin.models import SampleNote

HOOKS = sorted(name for name in dir(hookspecs) if name.startswith(("register_", "declare_", "on_", "seed_", "sync_", "check_")))


def make_plugin(tmp_path, monkeypatch, name: str, body: str) -> dict:
    """Write a throwaway plugin module and return ``{name: EntryPoint}`` for it."""
    module = f"rt_{name}_{uuid.uuid4().hex[:8]}"
    folder = tmp_path / "plugmods"
    folder.mkdir(exist_ok=True)
    (folder / f"{module}.py").write_text(textwrap.dedent(body), encoding="utf-8")
    monkeypatch.syspath_prepend(str(folder))
    return {name: importlib.metadata.EntryPoint(name, module, "rongtong.plugins")}


def test_the_sample_plugin_implements_every_hook(platform):
    assert platform.registry.hooks_of("sample") == HOOKS


@pytest.mark.parametrize("name", HOOKS)
def test_every_hook_is_typed_and_documented(name):
    """The contract plugin authors read: what is passed, what is returned."""
    import inspect

    spec = getattr(hookspecs, name)
    assert len(inspect.getdoc(spec) or "") > 40
    signature = inspect.signature(spec)
    assert signature.return_annotation is not inspect.Signature.empty
    assert all(p.annotation is not inspect.Parameter.empty for p in signature.parameters.values())


# --- declare_config --------------------------------------------------------------------------------

def test_declare_config_defaults_and_values(make_platform):
    assert make_platform(migrate=False).registry.options["sample"] == {"greeting": "hello"}


def _with_sample_options(make_config, table):
    from rongtong.core.platform import Platform
    from tests.conftest import SAMPLE_ENTRY_POINTS

    config = make_config().with_overrides(plugins={"sample": table})
    return Platform(config, entry_points=SAMPLE_ENTRY_POINTS)


def test_declare_config_values_are_loaded(make_config):
    platform = _with_sample_options(make_config, {"greeting": "你好"})
    assert platform.registry.options["sample"] == {"greeting": "你好"}


@pytest.mark.parametrize("table, key", [({"greeting": 3}, "plugins.sample.greeting"),
                                        ({"greting": "x"}, "plugins.sample.greting")])
def test_declare_config_refuses_bad_options(make_config, table, key):
    with pytest.raises(ConfigError) as err:
        _with_sample_options(make_config, table)
    assert f": {key}: " in err.value.message


# --- register_models -------------------------------------------------------------------------------

def test_register_models_tables_are_migrated_and_usable(platform):
    assert platform.registry.models_of("sample") == [SampleNote]
    assert platform.registry.owner_of(SampleNote) == "sample"
    assert "sample_note" in platform.db.get_tables()
    note = SampleNote.create(text="备注")
    assert SampleNote.get_by_id(note.id).text == "备注"


# --- register_workflows, register_services, register_permissions -----------------------------------

def test_register_workflows_keeps_every_version(platform):
    reg = platform.registry
    assert reg.workflow("sample").version == 2
    assert reg.workflow("sample", 1).step_keys == ["accept", "finish"]
    assert reg.workflow("sample", 2).step_keys == ["accept", "deliver", "evaluate"]
    assert reg.workflow_owner["sample"] == "sample"
    with pytest.raises(KeyError):
        reg.workflow("sample", 3)


def test_register_services_catalog_entry(platform):
    """DB1302 4.1.4 (fee type and standard), 5.4.1 (published time limit)."""
    service = platform.registry.services["sample"]
    assert (service.title, service.title_en, service.workflow) == ("示例服务", "Sample service", "sample")
    assert (service.fee_type, service.fee_standard, service.time_limit_days) == ("paid", "每次 100 元", 10)
    assert platform.registry.service_owner["sample"] == "sample"


def test_service_entry_refuses_a_paid_service_without_a_fee_standard():
    """DB1302 4.1.4: a paid service publishes its fee standard."""
    with pytest.raises(ValueError, match="fee_standard"):
        ServiceEntry("x", "x", "x", workflow="sample", fee_type="paid")
    with pytest.raises(ValueError, match="fee_type"):
        ServiceEntry("x", "x", "x", workflow="sample", fee_type="cheap")


def test_register_permissions_and_the_automatic_act_permission(platform):
    reg = platform.registry
    assert reg.permissions["sample.note.edit"].roles == ("staff",)
    assert reg.permission_owner["sample.note.edit"] == "sample"
    act = reg.permissions["workflow.sample.act"]
    assert act.roles == ("enterprise", "expert", "staff")  # the roles of the latest version's steps
    assert reg.permission_owner["workflow.sample.act"] == "sample"
    assert "workflow.sample.act" in reg.permissions_of_role("expert")
    assert "sample.note.edit" not in reg.permissions_of_role("expert")


def test_act_permission_follows_role_overrides(make_platform):
    platform = make_platform(migrate=False, workflows={"sample": {"steps": {"deliver": {"roles": ["evaluator"]}}}})
    assert platform.registry.permissions["workflow.sample.act"].roles == ("enterprise", "evaluator", "staff")


# --- surfaces: admin views, API resources, blueprints, commands -------------------------------------

def test_register_admin_views(platform):
    views = platform.registry.call("register_admin_views", registry=platform.registry)
    assert [(owner, v.model, v.permission) for owner, v in views if owner == "sample"] == [
        ("sample", SampleNote, "sample.note.edit")]
    assert all(isinstance(v, AdminViewSpec) for _, v in views)


def test_register_api_resources(platform):
    resources = [r for owner, r in platform.registry.call("register_api_resources", registry=platform.registry)
                 if owner == "sample"]
    assert len(resources) == 1 and isinstance(resources[0], ApiResource)
    assert (resources[0].path, resources[0].methods, resources[0].endpoint) == ("sample/ping", ("GET",), "sample_ping")


def test_register_blueprints(platform):
    blueprints = [bp for owner, bp in platform.registry.call("register_blueprints") if owner == "sample"]
    assert [bp.name for bp in blueprints] == ["sample"]
    assert isinstance(blueprints[0], flask.Blueprint)


def test_register_portal_links_puts_plugin_pages_in_the_portal_menu(platform):
    from rongtong.core.web.app import create_app

    links = [(owner, link.endpoint) for owner, link in platform.registry.call("register_portal_links")]
    assert links == [("sample", "sample.hello")]
    client = create_app(platform=platform).test_client()
    home = client.get("/").get_data(as_text=True)
    assert 'href="/sample/hello"' in home and "示例页面" in home
    assert "Sample page" in client.get("/?lang=en").get_data(as_text=True)


def test_a_portal_link_to_an_unknown_page_stops_start_up(platform, monkeypatch):
    import pytest

    from rongtong.core.errors import PluginError
    from rongtong.core.contract import PortalLink
    from rongtong.core.web.app import create_app

    monkeypatch.setattr(sampleplugin, "register_portal_links", lambda: [PortalLink("sample.nope", "无", "None")])
    monkeypatch.setattr(platform.registry, "call", _patched_call(platform.registry.call))
    with pytest.raises(PluginError, match="sample.nope"):
        create_app(platform=platform)


def _patched_call(original):
    def call(hook, **kwargs):
        if hook == "register_portal_links":
            return [("sample", link) for link in sampleplugin.register_portal_links()]
        return original(hook, **kwargs)
    return call


def test_register_commands(platform):
    commands = [(owner, cmd) for owner, cmd in platform.registry.commands if owner == "sample"]
    assert commands == [("sample", sampleplugin.hello_command)]
    assert isinstance(commands[0][1], click.Command)


# --- seed_demo -------------------------------------------------------------------------------------

def test_seed_demo(platform):
    platform.registry.pm.hook.seed_demo(platform=platform, context={"rng": None})
    assert SampleNote.select().where(SampleNote.text == "demo note").count() == 1


# --- on_transition, on_request_closed --------------------------------------------------------------

def _walk_to_the_end(engine, people):
    req = engine.open_request(enterprise=people.ent_a, service_key="sample", actor=people.user_a, title="t")
    engine.transition(req.id, "advance", people.staff, data={"need": "n"})
    engine.transition(req.id, "advance", people.staff, data={"deliverable": "d", "hours": 1})
    engine.transition(req.id, "complete", people.user_a, data={"score": 5})
    return req


def test_on_transition_and_on_request_closed_fire(platform, people):
    sampleplugin.CALLS.clear()
    req = _walk_to_the_end(platform.engine, people)
    assert sampleplugin.CALLS == [
        ("on_transition", req.id, "open"),
        ("on_transition", req.id, "advance"),
        ("on_transition", req.id, "advance"),
        ("on_transition", req.id, "complete"),
        ("on_request_closed", req.id, "complete"),
    ]


SPY = """
from rongtong.core import hookimpl
from rongtong.core.db import database
from rongtong.core.models import AuditEvent, Transition

SEEN = []

@hookimpl
def on_transition(request, transition, workflow, platform):
    # Inside the transaction, after the Transition row and its audit event are written.
    SEEN.append(("t", database.in_transaction(), Transition.select().where(Transition.id == transition.id).exists(),
                 AuditEvent.select().where(AuditEvent.action == "transition").count(), platform.options_of("sample")))
    if request.title == "refuse" and transition.outcome == "advance":
        raise RuntimeError("spy refuses")

@hookimpl
def on_request_closed(request, transition):
    SEEN.append(("c", database.in_transaction(), request.status))
    if request.title == "refuse-close":
        raise RuntimeError("spy refuses to close")
"""


def _spy(make_platform, tmp_path, monkeypatch):
    eps = make_plugin(tmp_path, monkeypatch, "spy", SPY)
    platform = make_platform(plugins=("sample", "spy"), entry_points=eps)
    return platform, platform.registry.plugins["spy"].module


def test_hooks_run_inside_the_transaction(make_platform, tmp_path, monkeypatch):
    platform, spy = _spy(make_platform, tmp_path, monkeypatch)
    from tests.factories import make_people

    people = make_people()
    _walk_to_the_end(platform.engine, people)
    transitions = [s for s in spy.SEEN if s[0] == "t"]
    assert [s[1:3] for s in transitions] == [(True, True)] * 4
    assert [s[3] for s in transitions] == [0, 1, 2, 3]  # this transition's audit event already written
    assert transitions[0][4] == {"greeting": "hello"}  # the registry is passed
    assert [s for s in spy.SEEN if s[0] == "c"] == [("c", True, "completed")]


def test_a_hook_raising_rolls_the_transition_back(make_platform, tmp_path, monkeypatch):
    platform, spy = _spy(make_platform, tmp_path, monkeypatch)
    from tests.factories import make_people

    people = make_people()
    req = platform.engine.open_request(enterprise=people.ent_a, service_key="sample", actor=people.user_a, title="refuse")
    before = (Transition.select().count(), AuditEvent.select().count())
    with pytest.raises(RuntimeError, match="spy refuses"):
        platform.engine.transition(req.id, "advance", people.staff, data={"need": "n"})
    fresh = ServiceRequest.get_by_id(req.id)
    assert (fresh.current_step, fresh.version, fresh.status) == ("accept", 1, "open")
    assert (Transition.select().count(), AuditEvent.select().count()) == before


def test_on_request_closed_raising_keeps_the_request_open(make_platform, tmp_path, monkeypatch):
    platform, spy = _spy(make_platform, tmp_path, monkeypatch)
    from tests.factories import make_people

    people = make_people()
    req = platform.engine.open_request(enterprise=people.ent_a, service_key="sample", actor=people.user_a,
                                       title="refuse-close")
    before = (Transition.select().count(), AuditEvent.select().count())
    with pytest.raises(RuntimeError, match="refuses to close"):
        platform.engine.transition(req.id, "reject", people.staff, reason="out of scope")
    fresh = ServiceRequest.get_by_id(req.id)
    assert (fresh.status, fresh.closed_at, fresh.version) == ("open", None, 1)
    assert (Transition.select().count(), AuditEvent.select().count()) == before


def test_a_failing_open_hook_leaves_no_request(make_platform, tmp_path, monkeypatch):
    eps = make_plugin(tmp_path, monkeypatch, "veto", """
        from rongtong.core import hookimpl

        @hookimpl
        def on_transition(request, transition, workflow):
            raise RuntimeError("no new requests today")
    """)
    platform = make_platform(plugins=("sample", "veto"), entry_points=eps)
    from tests.factories import make_people

    people = make_people()
    events = AuditEvent.select().count()
    with pytest.raises(RuntimeError):
        platform.engine.open_request(enterprise=people.ent_a, service_key="sample", actor=people.user_a, title="t")
    assert ServiceRequest.select().count() == 0 and Transition.select().count() == 0
    assert AuditEvent.select().count() == events


def test_register_hooks_failing_or_returning_a_non_list_name_the_plugin(make_platform, tmp_path, monkeypatch):
    eps = make_plugin(tmp_path, monkeypatch, "oops", """
        from rongtong.core import hookimpl

        @hookimpl
        def register_permissions():
            return "oops.view"
    """)
    with pytest.raises(PluginError, match="plugin 'oops': register_permissions must return a list"):
        make_platform(plugins=("oops",), entry_points=eps, migrate=False)
    eps = make_plugin(tmp_path, monkeypatch, "oops", """
        from rongtong.core import hookimpl

        @hookimpl
        def register_services():
            return [1 / 0]
    """)
    with pytest.raises(PluginError, match="plugin 'oops': register_services failed: ZeroDivisionError"):
        make_platform(plugins=("oops",), entry_points=eps, migrate=False)


def test_permission_dataclass_is_what_plugins_return(platform):
    assert all(isinstance(p, Permission) for p in platform.registry.permissions.values())


@pytest.mark.parametrize("name", HOOKS)
def test_every_hookspec_resolves_its_type_hints(name):
    """A plugin author's editor and type checker see real types, not ``Any`` or unresolved names."""
    import typing

    hints = typing.get_type_hints(getattr(hookspecs, name))
    assert "return" in hints
    assert all(hint is not typing.Any for hint in hints.values())


def test_hooks_receive_the_platform(platform):
    from rongtong.core.contract import PluginHost

    assert platform.registry.platform is platform
    assert isinstance(platform, PluginHost)
    assert platform.options_of("sample") == {"greeting": "hello"}


# --- register_reactions ----------------------------------------------------------------------------

def test_a_reaction_fires_for_its_workflow_and_step_only(platform, people):
    sampleplugin.REACTIONS.clear()
    req = _walk_to_the_end(platform.engine, people)
    assert [r[:3] for r in sampleplugin.REACTIONS] == [(req.id, "deliver", "advance")]
    assert sampleplugin.REACTIONS[0][3] is platform


def test_a_raising_reaction_rolls_the_transition_back(platform, people):
    engine = platform.engine
    req = engine.open_request(enterprise=people.ent_a, service_key="sample", actor=people.user_a, title="t")
    engine.transition(req.id, "advance", people.staff, data={"need": "x"})
    before = Transition.select().where(Transition.request == req.id).count()
    with pytest.raises(RuntimeError, match="refuses"):
        engine.transition(req.id, "advance", people.staff, data={"deliverable": "refuse", "hours": 1})
    assert ServiceRequest.get_by_id(req.id).current_step == "deliver"
    assert Transition.select().where(Transition.request == req.id).count() == before


def registry(make_config, plugins, entry_points):
    from rongtong.core.registry import PluginRegistry
    from tests.conftest import SAMPLE_ENTRY_POINTS

    return PluginRegistry(make_config(plugins=plugins), {**SAMPLE_ENTRY_POINTS, **entry_points})


@pytest.mark.parametrize("reaction, problem", [
    ('Reaction("nosuch", print)', "reaction to unknown workflow 'nosuch'"),
    ('Reaction("sample", print, step="delivr")', "reaction to unknown step 'delivr' of workflow 'sample'"),
    ('Reaction("sample", print, outcome="advanced")', "reaction to unknown outcome 'advanced'"),
])
def test_start_up_refuses_a_reaction_to_an_unknown_workflow_step_or_outcome(make_config, tmp_path, monkeypatch,
                                                                            reaction, problem):
    eps = make_plugin(tmp_path, monkeypatch, "typo", f"""
        from rongtong.core.plugin import Reaction, hookimpl

        @hookimpl
        def register_reactions():
            return [{reaction}]
    """)
    with pytest.raises(PluginError) as err:
        registry(make_config, ["sample", "typo"], eps)
    assert err.value.message.startswith(f"plugin 'typo': register_reactions: {problem}")
