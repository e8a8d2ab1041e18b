"""THE plugin contract. Every hook a plugin may implement, typed, with what it gets and returns.

Plugins implement hooks with ``from rongtong.core.plugin import hookimpl``::

    @hookimpl
    def register_models():
        return [Article, Consultation]

Rules (enforced by :mod:`core.registry` at start-up):

* ``register_*`` hooks return **lists**. The core merges them and stops start-up, naming both
  plugins, on any duplicate: table, workflow key (+version), service key, admin endpoint, API
  resource path, blueprint name, permission, CLI command name.
* No behaviour may depend on the order plugins were registered.
* A hookimpl whose name matches no hook below is an error (``pm.check_pending()``).
* Plugin models' tables are prefixed with the plugin's name (``information_article``).
* Hooks that need the running state take ``platform`` (a :class:`~core.contract.PluginHost`:
  config, calendar, engine, registry, ``options_of(name)``, ``notify``); an implementation may
  leave out any argument it does not use.

Every annotation resolves with ``typing.get_type_hints`` (tests/core/test_hooks.py).
"""
from __future__ import annotations

import click
import flask
import marshmallow
import peewee

from rongtong.core import hookspec
from rongtong.core.contract import (AdminViewSpec, ApiResource, Effect, Evidence, Permission, PluginHost, PortalLink,
                                    Reaction, ServiceEntry)
from rongtong.core.models import ServiceRequest, Transition
from rongtong.core.workflow import Workflow


@hookspec
def declare_config() -> type[marshmallow.Schema] | None:
    """Return a marshmallow Schema class for this plugin's ``[plugins.<name>]`` config table.

    The table is validated with it at start-up (unknown keys are refused). The loaded, validated
    options are available as ``platform.options_of(<name>)``. Return None for no options.
    """


@hookspec
def register_models() -> list[type[peewee.Model]]:
    """Return the plugin's model classes (subclasses of ``core.models.BaseModel``).

    Their tables must be prefixed ``<plugin>_``. Tables are never created at boot: ship a migration
    in ``plugins/<name>/migrations/`` (``rongtong db new --plugin NAME MESSAGE`` writes one).
    """


@hookspec
def register_workflows() -> list[Workflow]:
    """Return ``core.workflow.Workflow`` objects. A plugin keeps returning old versions of a
    workflow as long as requests may still run on them (requests are pinned to a version)."""


@hookspec
def register_services() -> list[ServiceEntry]:
    """Return ``core.contract.ServiceEntry`` catalog entries (DB1302 4.1.4, 5.4.1): key, titles,
    description, fee type (free/paid) and fee standard, published time limit in working days, the
    workflow key that runs it, and optionally ``department``: the key of the department that serves
    it by default (DB1302 5.1.2). An operator's choice wins over that default: the admin screen
    "服务与部门" first, then ``[routing] services`` in config (see ``core.routing.department_for``);
    a key naming no department leaves the request unrouted, with a warning in the log."""


@hookspec
def register_permissions() -> list[Permission]:
    """Return ``core.contract.Permission`` objects: key (``<plugin>.<action>``), titles, and the
    roles granted it by default. Acting on a workflow step is a permission of its own
    (``workflow.<key>.act``) that the core declares for every workflow."""


@hookspec
def register_reactions() -> list[Reaction]:
    """Return ``core.contract.Reaction`` objects: what this plugin does when a request of a given
    workflow (optionally: at a given step, with a given outcome) moves. Each handler gets a
    ``TransitionEvent`` (request, transition, workflow, platform, step, outcome, data, actor) and
    runs inside the transition's transaction, exactly where ``on_transition`` runs: raise to refuse
    the transition (everything is rolled back). ``core.toolkit.records.StepRecord.reactions()``
    builds them for a per-request record. Start-up refuses an unknown workflow, step or outcome."""


@hookspec
def register_effects() -> list[Effect]:
    """Return ``core.contract.Effect`` objects: named effects and guards a declared service may
    reference from its file (``{ use = "name", ... }`` under ``[[steps.effects]]``,
    ``[[steps.guards]]`` or ``[[on_open]]``), so the low-code layer grows with the platform. Names
    are unique across plugins; the core's own (``record``, ``add_row``, ``assign_lead``,
    ``schedule``, ``survey_report``, ``row_exists``) are listed in docs/declaring-services.md."""


@hookspec
def register_evidence() -> list[Evidence]:
    """Return ``core.contract.Evidence`` objects: for a DB1302 clause the plugin serves, how to
    read its evidence from live data in a reporting period (``collect(platform, period)`` ->
    ``(figures, source)``). ``rongtong report compliance`` and the admin page "合规证据" list every
    clause of the standard with the evidence of every plugin, or as a gap (docs/compliance.md)."""


@hookspec
def sync_schema(platform: PluginHost) -> list[str]:
    """For a plugin whose tables are declared rather than migrated (a declared service's
    registers): create what is missing, add missing columns, never drop. Called by
    ``rongtong db upgrade`` after the migrations; return what was done, one line each."""


@hookspec
def check_plugin(platform: PluginHost) -> list[str]:
    """Problems found once every plugin is registered, one line each (``file:line: key: problem``);
    the first stops start-up (exit 2). Declared services check their effect and guard names and
    parameters and the permissions they name here."""


@hookspec
def register_admin_views(platform: PluginHost) -> list[AdminViewSpec]:
    """Return ``core.contract.AdminViewSpec`` objects: a model (or a custom view class), the
    permission needed, a category. The core builds them on its secure base view, at
    ``/admin/<plugin>/<model>/`` with endpoint ``<plugin>_<model>``."""


@hookspec
def register_api_resources(platform: PluginHost) -> list[ApiResource]:
    """Return ``core.contract.ApiResource`` objects: a path under ``/api/v1/``, a Flask view
    function, methods, and the marshmallow schemas used (so they appear in the OpenAPI document)."""


@hookspec
def register_blueprints() -> list[flask.Blueprint]:
    """Return Flask blueprints (portal pages, downloads). Their names must be unique."""


@hookspec
def register_portal_links() -> list[PortalLink]:
    """Return ``core.contract.PortalLink`` objects: public portal pages of this plugin (endpoint,
    Chinese and English titles) shown in the portal's main menu, in ``order``. The endpoint must be
    one of the plugin's blueprints' views."""


@hookspec
def register_commands() -> list[click.Command]:
    """Return click commands or groups, added to ``rongtong`` under their own names."""


@hookspec
def on_transition(request: ServiceRequest, transition: Transition, workflow: Workflow,
                  platform: PluginHost) -> None:
    """A broadcast: called for EVERY transition of EVERY workflow (the core's notices use it),
    inside the transition's transaction, after the Transition row, its audit event and the
    matching ``register_reactions`` handlers. Raise to refuse the transition: everything is rolled
    back. Return value ignored. To react to one workflow, use ``register_reactions`` instead."""


@hookspec
def on_request_closed(request: ServiceRequest, transition: Transition, platform: PluginHost) -> None:
    """Called inside the same transaction when a request ends (completed, rejected, withdrawn),
    after ``on_transition``. Any workflow, like ``on_transition``."""


@hookspec
def seed_demo(platform: PluginHost, context: dict) -> None:
    """Add demo data to a fresh demo database. ``context`` holds the demo's enterprises, users
    (by role) and a ``rng`` (random.Random) so data is reproducible. Return value ignored."""
