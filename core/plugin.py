"""The public plugin API: everything a service plugin may use, from one module.

A plugin -- built-in or third-party -- imports only from here (plus its own package, the standard
library and third-party libraries such as peewee, marshmallow, flask and click)::

    from rongtong.core.plugin import hookimpl, ServiceEntry, Step, Workflow, BaseModel

``tests/core/test_plugin_api.py`` walks every built-in plugin's source and fails on any other
``rongtong.core`` import (a plugin's generated ``migrations/`` may also name ``rongtong.core.fields``),
so what is listed here is the whole contract, and the rest of the core may change without breaking
a plugin. Every name is documented in ``docs/plugins.md`` (checked by the same test).

The three things a plugin declares instead of writing by hand: ``Reaction`` (what to do when a
request of ONE workflow moves, hook ``register_reactions``), ``StepRecord`` (the per-request record
each step fills in) and ``AuditedModel`` (the core audits every write of the model).

The groups below follow the order a plugin author meets them: the hooks and what they return, the
workflow, models and fields, errors and translations, scoping and permissions, the case file and
notifications, the toolkit's building blocks, and the web and command-line helpers.
"""
from __future__ import annotations

from rongtong.core import hookimpl
from rongtong.core import audit
from rongtong.core.audit import AuditedModel, acting_as, attributed_to
from rongtong.core.calendar import WorkingCalendar
from rongtong.core.cli_context import get_platform, pass_platform
from rongtong.core.compliance.core_evidence import requests_evidence
from rongtong.core.contract import (AdminViewSpec, ApiResource, DeclaredServiceView, Effect, Evidence, Permission,
                                    PluginHost, PortalLink, Reaction, ServiceEntry, TransitionEvent)
from rongtong.core.declared.loader import declared_service
from rongtong.core.db import database, is_postgres, write_transaction
from rongtong.core.errors import Conflict, NotFound, PermissionDenied, RongtongError, ValidationFailed, WorkflowError
from rongtong.core.fields import JSONField, ListField, UtcDateTime
from rongtong.core.i18n import gettext, lazy_gettext, ngettext
from rongtong.core.models import (ENTERPRISE_SCALES, Attachment, BaseModel, Department, Enterprise, ServiceRequest,
                                  Transition, User, utcnow)
from rongtong.core.notify import deliver_outbox, mail_configured, notify, notify_many
from rongtong.core.routing import escalation_chain, handlers_of
from rongtong.core.security import get_scoped, has_permission, is_staff, scope_query
from rongtong.core.toolkit import matching, periods, plans, records, tabular, vocab
from rongtong.core.toolkit.records import StepRecord
from rongtong.core.toolkit.vocab import label, one_of
from rongtong.core.web import surveys  # one namespace: core.toolkit.surveys and its web part
from rongtong.core.vocabulary import format_datetime, format_number
from rongtong.core.web.admin.base import SecureBaseView, SecureModelView, acting_user, local_time
from rongtong.core.web.app import current_platform
from rongtong.core.web.api.auth import api_user
from rongtong.core.web.api.inputs import load_query
from rongtong.core.web.api.resources.common import ID as _ID_CONVERTER
from rongtong.core.workflow import (ADVANCE, COMPLETE, OPEN, PAUSE, REJECT, RESUME, RETURN, WITHDRAW, Step, Workflow,
                                   not_before_scheduled)

_ = gettext

__all__ = [
    # hooks and what they return
    "hookimpl", "PluginHost", "AdminViewSpec", "ApiResource", "Permission", "PortalLink", "ServiceEntry",
    # declared services: a package that ships a service.toml, and named effects and guards
    "declared_service", "Effect", "DeclaredServiceView",
    # the compliance report: evidence per DB1302 clause
    "Evidence", "requests_evidence",
    # workflow and reactions
    "Reaction", "TransitionEvent", "StepRecord", "Step", "Workflow", "WorkingCalendar", "not_before_scheduled",
    "ADVANCE", "COMPLETE", "OPEN", "PAUSE", "REJECT", "RESUME", "RETURN", "WITHDRAW",
    # models, fields, database
    "BaseModel", "AuditedModel", "Attachment", "Department", "Enterprise", "ServiceRequest", "Transition", "User",
    "ENTERPRISE_SCALES", "utcnow", "JSONField", "ListField", "UtcDateTime",
    "database", "is_postgres", "write_transaction",
    # errors and translations
    "RongtongError", "Conflict", "NotFound", "PermissionDenied", "ValidationFailed", "WorkflowError",
    "_", "gettext", "lazy_gettext", "ngettext", "format_datetime", "format_number", "label", "one_of",
    # scoping, permissions, audit
    "get_scoped", "has_permission", "is_staff", "scope_query", "audit", "acting_as", "attributed_to",
    # notifications and routing
    "notify", "notify_many", "deliver_outbox", "mail_configured", "escalation_chain", "handlers_of",
    # the toolkit's building blocks
    "matching", "periods", "plans", "records", "surveys", "tabular", "vocab",
    # web and command line
    "SecureBaseView", "SecureModelView", "acting_user", "current_platform", "local_time",
    "api_user", "load_query", "path_id", "get_platform", "pass_platform",
]


def path_id(name: str) -> str:
    """An id in an ``ApiResource`` path: ``f"surveys/{path_id('survey_id')}"`` matches positive
    ids only, so an id out of range is a plain 404 and never reaches the view."""
    return f"<{_ID_CONVERTER}:{name}>"
