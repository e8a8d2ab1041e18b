"""The public plugin API: everything a service plugin may use, from one module.

A plugin -- built-in or third-party -- imports only from here (plus its own package, the standard
library and third-party libraries such as peewee, marshmallow, flask and click)::

    from rongtong.core.plugin import hookimpl, ServiceEntry, Step, Workflow, BaseModel

``tests/core/test_plugin_api.py`` walks every built-in plugin's source and fails on any other
``rongtong.core`` import, so what is listed here is the whole contract, and the rest of the core may
change without breaking a plugin. Every name is documented in ``docs/plugins.md``.

The groups below follow the order a plugin author meets them: the hooks and what they return, the
workflow, models and fields, errors and translations, scoping and permissions, the case file and
notifications, the toolkit's building blocks, and the web and command-line helpers.
"""
from __future__ import annotations

from rongtong.core import hookimpl
from rongtong.core import audit
from rongtong.core.audit import acting_as
from rongtong.core.calendar import WorkingCalendar
from rongtong.core.cli_context import get_platform, pass_platform
from rongtong.core.contract import AdminViewSpec, ApiResource, Permission, PortalLink, ServiceEntry
from rongtong.core.db import database, is_postgres, write_transaction
from rongtong.core.demo import DEMO_PASSWORDS
from rongtong.core.errors import Conflict, NotFound, PermissionDenied, RongtongError, ValidationFailed, WorkflowError
from rongtong.core.fields import JSONField, ListField, UtcDateTime
from rongtong.core.i18n import gettext, lazy_gettext, ngettext
from rongtong.core.models import (ENTERPRISE_SCALES, Attachment, BaseModel, Department, Enterprise, ServiceRequest,
                                  Transition, User, utcnow)
from rongtong.core.notify import deliver_outbox, mail_configured, notify, notify_many
from rongtong.core.routing import escalation_chain, handlers_of
from rongtong.core.security import get_scoped, has_permission, is_staff, scope_query
from rongtong.core.toolkit import matching, periods, plans, tabular, vocab
from rongtong.core.web import surveys  # one namespace: core.toolkit.surveys and its web part
from rongtong.core.vocabulary import format_datetime, format_number
from rongtong.core.web.admin.base import SecureBaseView, SecureModelView, acting_user, current_platform, local_time
from rongtong.core.web.admin.generated import ReadOnlyView, default_options
from rongtong.core.web.api.auth import api_user
from rongtong.core.web.api.inputs import load_query
from rongtong.core.web.api.resources.common import ID
from rongtong.core.workflow import ADVANCE, COMPLETE, OPEN, PAUSE, REJECT, RETURN, Step, Workflow

_ = gettext

__all__ = [
    # hooks and what they return
    "hookimpl", "AdminViewSpec", "ApiResource", "Permission", "PortalLink", "ServiceEntry",
    # workflow
    "Step", "Workflow", "ADVANCE", "COMPLETE", "OPEN", "PAUSE", "REJECT", "RETURN", "WorkingCalendar",
    # models, fields, database
    "BaseModel", "Attachment", "Department", "Enterprise", "ServiceRequest", "Transition", "User",
    "ENTERPRISE_SCALES", "utcnow", "JSONField", "ListField", "UtcDateTime",
    "database", "is_postgres", "write_transaction",
    # errors and translations
    "RongtongError", "Conflict", "NotFound", "PermissionDenied", "ValidationFailed", "WorkflowError",
    "_", "gettext", "lazy_gettext", "ngettext", "format_datetime", "format_number",
    # scoping, permissions, audit
    "get_scoped", "has_permission", "is_staff", "scope_query", "audit", "acting_as",
    # notifications and routing
    "notify", "notify_many", "deliver_outbox", "mail_configured", "escalation_chain", "handlers_of",
    # the toolkit's building blocks
    "matching", "periods", "plans", "surveys", "tabular", "vocab",
    # web and command line
    "SecureBaseView", "SecureModelView", "ReadOnlyView", "default_options", "acting_user", "current_platform",
    "local_time", "api_user", "load_query", "ID", "get_platform", "pass_platform", "DEMO_PASSWORDS",
]
