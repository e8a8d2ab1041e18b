"""THE plugin contract. Every hook a plugin may implement, typed, with what it gets and returns.

Plugins implement hooks with ``from core import hookimpl``::

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
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rongtong.core import hookspec

if TYPE_CHECKING:  # pragma: no cover - typing only
    import click
    import flask
    import marshmallow
    import peewee

    from rongtong.core.config import Config
    from rongtong.core.models import ServiceRequest, Transition
    from rongtong.core.contract import AdminViewSpec, ApiResource, Permission, PortalLink, ServiceEntry
    from rongtong.core.workflow import Workflow


@hookspec
def declare_config() -> "type[marshmallow.Schema] | None":
    """Return a marshmallow Schema class for this plugin's ``[plugins.<name>]`` config table.

    The table is validated with it at start-up (unknown keys are refused). The loaded, validated
    options are available as ``registry.options[<name>]``. Return None for no options.
    """


@hookspec
def register_models() -> "list[type[peewee.Model]]":
    """Return the plugin's model classes (subclasses of ``core.models.BaseModel``).

    Their tables must be prefixed ``<plugin>_``. Tables are never created at boot: ship a migration
    in ``plugins/<name>/migrations/`` (``rongtong db new --plugin NAME MESSAGE`` writes one).
    """


@hookspec
def register_workflows() -> "list[Workflow]":
    """Return ``core.workflow.Workflow`` objects. A plugin keeps returning old versions of a
    workflow as long as requests may still run on them (requests are pinned to a version)."""


@hookspec
def register_services() -> "list[ServiceEntry]":
    """Return ``core.contract.ServiceEntry`` catalog entries (DB1302 4.1.4, 5.4.1): key, titles,
    description, fee type (free/paid) and fee standard, published time limit in working days, the
    workflow key that runs it, and optionally ``department``: the key of the department that serves
    it by default (DB1302 5.1.2). An operator's choice wins over that default: the admin screen
    "服务与部门" first, then ``[routing] services`` in config (see ``core.routing.department_for``);
    a key naming no department leaves the request unrouted, with a warning in the log."""


@hookspec
def register_permissions() -> "list[Permission]":
    """Return ``core.contract.Permission`` objects: key (``<plugin>.<action>``), titles, and the
    roles granted it by default. Acting on a workflow step is a permission of its own
    (``workflow.<key>.act``) that the core declares for every workflow."""


@hookspec
def register_admin_views(registry: "Any") -> "list[AdminViewSpec]":
    """Return ``core.contract.AdminViewSpec`` objects: a model (or a custom view class), the
    permission needed, a category. The core builds them on its secure base view, at
    ``/admin/<plugin>/<model>/`` with endpoint ``<plugin>_<model>``."""


@hookspec
def register_api_resources(registry: "Any") -> "list[ApiResource]":
    """Return ``core.contract.ApiResource`` objects: a path under ``/api/v1/``, a Flask view
    function, methods, and the marshmallow schemas used (so they appear in the OpenAPI document)."""


@hookspec
def register_blueprints() -> "list[flask.Blueprint]":
    """Return Flask blueprints (portal pages, downloads). Their names must be unique."""


@hookspec
def register_portal_links() -> "list[PortalLink]":
    """Return ``core.contract.PortalLink`` objects: public portal pages of this plugin (endpoint,
    Chinese and English titles) shown in the portal's main menu, in ``order``. The endpoint must be
    one of the plugin's blueprints' views."""


@hookspec
def register_commands() -> "list[click.Command]":
    """Return click commands or groups, added to ``rongtong`` under their own names."""


@hookspec
def on_transition(request: "ServiceRequest", transition: "Transition", workflow: "Workflow", registry: "Any") -> None:
    """Called inside the transition's transaction, after the Transition row and its audit event
    are written. Raise to refuse the transition: everything is rolled back. Return value ignored.
    ``registry`` is the running PluginRegistry (options, services, workflows); an implementation
    may leave it out of its signature."""


@hookspec
def on_request_closed(request: "ServiceRequest", transition: "Transition", registry: "Any") -> None:
    """Called inside the same transaction when a request ends (completed, rejected, withdrawn).
    ``registry`` as for ``on_transition``."""


@hookspec
def seed_demo(registry: "Any", context: "dict") -> None:
    """Add demo data to a fresh demo database. ``context`` holds the demo's enterprises, users
    (by role) and a ``rng`` (random.Random) so data is reproducible. Return value ignored."""
