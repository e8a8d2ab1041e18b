"""Admin screens generated from models (issue 3 §2): for every model a plugin registers through
``register_admin_views`` (an :class:`core.contract.AdminViewSpec`), and for the core's own models.

Each generated screen lives at ``/admin/<plugin>/<model>/`` with endpoint ``<plugin>_<model>`` and
gets: translated labels (``verbose_name``), text search on short text columns, filters on indexed
columns, list columns without long text/JSON/secrets, newest first. All of them are
:class:`~core.web.admin.base.SecureModelView` subclasses.
"""
from __future__ import annotations

import peewee
from flask import flash, redirect, request, url_for
from flask_admin import expose
from flask_admin.actions import action
from flask_admin.contrib.peewee import filters as pw_filters
from markupsafe import Markup
from wtforms import PasswordField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional, ValidationError as WTFValidationError

from rongtong.core import audit
from rongtong.core.db import database
from rongtong.core.errors import PluginError, ValidationFailed
from rongtong.core.fields import JSONField, ListField
from rongtong.core.i18n import _, lazy_gettext as _l
from rongtong.core.models import (ROLES, ApiToken, Department, Enterprise, Notification, ServiceRequest, Transition, User,
                         utcnow)
from rongtong.core.contract import AdminViewSpec, CORE
from rongtong.core.registry import unique
from rongtong.core.vocabulary import FieldSpec, describe_model, describe_schema
from rongtong.core.web.admin.base import SecureBaseView, SecureModelView, acting_user, current_platform, step_title, ui_lang
from rongtong.core.web import sessions, tokens
from rongtong.core.web.fieldview import value_html, value_text
from rongtong.core.web.tokens import issue_token, revoke

FILTER_TYPES = ("CharField", "BooleanField", "IntegerField", "BigIntegerField", "DateField", "DateTimeField",
                "DecimalField", "FloatField", "DoubleField", "AutoField")
LIST_MAX_COLUMNS = 9
SEARCH_MAX_COLUMNS = 4
CORE_CATEGORY = _l("Platform")


def model_slug(model, plugin: str) -> str:
    """``sample_note`` → ``note`` for plugin ``sample``; ``core_enterprise`` → ``enterprise``."""
    table = model._meta.table_name
    prefix = f"{plugin}_"
    return table[len(prefix):] if table.startswith(prefix) else table


def _hidden(model, name, field) -> bool:
    return name in getattr(model, "audit_exclude", ()) or name.endswith("_hash")


def _indexed(model) -> set[str]:
    names = {n for n, f in model._meta.fields.items() if f.index or f.unique or f.primary_key}
    for index in model._meta.indexes or ():
        columns = index[0] if isinstance(index, (tuple, list)) else ()
        if columns:
            names.add(columns[0])
    return names


class CommaListField(StringField):
    """A :class:`core.fields.ListField` edited as one line of comma-separated values
    (Chinese commas accepted); the model gets a list."""

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if isinstance(self.data, (list, tuple)):
            return ", ".join(str(v) for v in self.data)
        return self.data or ""

    def process_formdata(self, valuelist):
        if valuelist:
            text = (valuelist[0] or "").replace("，", ",").replace("、", ",")
            self.data = [v.strip() for v in text.split(",") if v.strip()]

    def pre_validate(self, form):
        """The column stores the values joined by commas: its length limit applies to that text."""
        stored = ",".join(self.data or [])
        for validator in self.validators:
            limit = getattr(validator, "max", -1)
            if isinstance(validator, Length) and limit is not None and limit >= 0 and len(stored) > limit:
                raise WTFValidationError(_("At most %(n)s characters.", n=limit))


class ChoiceListField(SelectMultipleField):
    """A :class:`core.fields.ListField` of choice keys edited as a multiple select of their labels
    (the choices come from the field vocabulary through ``form_args``)."""

    def __init__(self, label=None, validators=None, choices=(), **kwargs):
        kwargs.pop("coerce", None)
        kwargs.pop("filters", None)
        validators = [v for v in (validators or []) if not isinstance(v, Length)]  # a list, not text
        super().__init__(label, validators, choices=[SelectChoice(k, v) for k, v in choices], **kwargs)

    def process_data(self, value):
        super().process_data(list(value) if isinstance(value, (list, tuple)) else value)


def _list_field_forms(model) -> tuple[dict, dict]:
    """Form overrides and arguments for ListField columns: a multiple select of labels when the
    vocabulary gives choices, else comma-separated text."""
    specs = describe_model(model)
    overrides, args = {}, {}
    for name, field in model._meta.fields.items():
        if isinstance(field, ListField):
            if specs[name].choices:
                overrides[name] = ChoiceListField
                args[name] = {"choices": [(c.key, c.label) for c in specs[name].choices]}
            else:
                overrides[name] = CommaListField
    return overrides, args


def default_options(model) -> dict:
    """The generated screen's Flask-Admin options for ``model``."""
    fields = model._meta.fields
    pk = model._meta.primary_key
    labels = {n: f.verbose_name for n, f in fields.items() if f.verbose_name}
    labels.setdefault(pk.name, _l("ID"))
    listable = [n for n, f in fields.items()
                if not isinstance(f, (peewee.TextField, peewee.BlobField)) and not _hidden(model, n, f)]
    searchable = [n for n, f in fields.items()
                  if isinstance(f, peewee.CharField) and not isinstance(f, ListField) and not f.choices
                  and not _hidden(model, n, f) and not isinstance(f, peewee.ForeignKeyField)][:SEARCH_MAX_COLUMNS]
    indexed = _indexed(model)
    column_filters = []
    for name, field in fields.items():
        if name not in indexed or _hidden(model, name, field) or field is pk:
            continue
        label = labels.get(name, name)
        if isinstance(field, peewee.ForeignKeyField):
            column_filters.append(pw_filters.IntEqualFilter(field, label))
        elif type(field).__name__ in FILTER_TYPES:
            column_filters.append(name)
    ajax_refs = {}
    for name, field in fields.items():
        if isinstance(field, peewee.ForeignKeyField) and field.rel_model is not Department:
            text = [n for n, f in field.rel_model._meta.fields.items()
                    if isinstance(f, peewee.CharField) and not isinstance(f, peewee.ForeignKeyField)
                    and not _hidden(field.rel_model, n, f)][:2]
            if text:
                ajax_refs[name] = {"fields": text, "page_size": 20}
    list_overrides, list_args = _list_field_forms(model)
    options = {
        "column_list": listable[:LIST_MAX_COLUMNS],
        "column_labels": labels,
        "column_searchable_list": searchable,
        "column_filters": column_filters,
        "column_choices": {n: list(f.choices) for n, f in fields.items() if f.choices},
        "column_default_sort": (pk.name, True),
        "column_export_exclude_list": [n for n, f in fields.items() if _hidden(model, n, f)],
        "column_details_exclude_list": [n for n, f in fields.items() if _hidden(model, n, f)],
        "form_excluded_columns": [n for n, f in fields.items() if _hidden(model, n, f) or isinstance(f, JSONField)],
        "form_ajax_refs": ajax_refs,
        "form_overrides": list_overrides,
        "form_args": list_args,
    }
    return options


def _declared(view_class, key) -> bool:
    """True if ``view_class`` (below SecureModelView) sets ``key`` itself: it then wins over the
    generated option."""
    for klass in view_class.__mro__:
        if klass is SecureModelView:
            return False
        if key in vars(klass):
            return True
    return False


class EnterpriseReadOnly:
    """Create, edit and delete only for users granted the edit permission by a role other than
    ``enterprise`` (or admins): an enterprise that may read its cases does not rewrite them --
    unless the screen says ``enterprise_may_edit`` (``AdminViewSpec(enterprise_may_edit=True)``)."""

    enterprise_may_edit = False

    def _may_edit(self) -> bool:
        if not super()._may_edit():
            return False
        if self.enterprise_may_edit:
            return True
        user = acting_user()
        if user.has_role("admin"):
            return True
        perm = current_platform().registry.permissions.get(self.edit_permission or self.permission)
        return perm is not None and bool((set(user.roles) - {"enterprise"}) & set(perm.roles))


def make_view(model, plugin: str, permission: str, *, view_class=SecureModelView, name=None, category=None,
              slug=None, options=None, edit_permission=None, enterprise_read_only=False):
    """Instantiate a secure admin screen for ``model`` at ``/admin/<plugin>/<slug>/``
    (``enterprise_read_only``: see :class:`EnterpriseReadOnly`)."""
    slug = slug or model_slug(model, plugin)
    attrs = {k: v for k, v in default_options(model).items() if not _declared(view_class, k)}
    attrs.update(options or {})
    if "form_args" in attrs and not (options or {}).get("form_args"):
        # the generated choices only go to the generated multiple selects (a screen may override the field)
        overrides = attrs.get("form_overrides", getattr(view_class, "form_overrides", None)) or {}
        attrs["form_args"] = {k: v for k, v in attrs["form_args"].items() if overrides.get(k) is ChoiceListField}
    attrs["permission"] = permission
    if edit_permission:
        attrs["edit_permission"] = edit_permission
    attrs.setdefault("enterprise_may_edit", not enterprise_read_only)
    cls = type(f"{model.__name__}Admin", (EnterpriseReadOnly, view_class), attrs)
    return cls(model, name=name or getattr(model, "verbose_name", None) or model.__name__, category=category,
               endpoint=f"{plugin}_{slug}", url=f"{plugin}/{slug}")


# --- Core model screens ------------------------------------------------------------------------------

class EnterpriseView(SecureModelView):
    """Enterprises (DB1302 6.1). The onboarding status moves only through the review screen."""

    form_excluded_columns = ["status", "status_reason", "reviewed_at", "created_at", "updated_at"]
    column_list = ["id", "name", "credit_code", "scale", "kind", "industry", "region", "status", "created_at"]


class RolesField(SelectMultipleField):
    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.pop("coerce", None)
        kwargs["choices"] = [SelectChoice(k, v) for k, v in ROLES]
        kwargs.pop("filters", None)
        super().__init__(label, validators, **kwargs)


class UserView(SecureModelView):
    """Users (DB1302 5.1.1, 5.2). The password hash is never shown; a new password can be set.
    Deactivating a user ends their sessions and revokes their API tokens."""

    column_list = ["id", "username", "display_name", "roles", "department", "enterprise", "active", "last_login_at"]
    form_excluded_columns = ["password_hash", "created_at", "last_login_at"]
    form_overrides = {"roles": RolesField}
    form_extra_fields = {
        "new_password": PasswordField(_l("New password"), validators=[Optional(), Length(min=8, max=200)],
                                      description=_l("Leave empty to keep the current password.")),
    }

    def on_model_change(self, form, model, is_created):
        password = form.new_password.data if "new_password" in form else None
        if password:
            model.set_password(password)
        elif is_created:
            raise ValidationFailed(_("A password is required for a new user."),
                                   {"new_password": [_("A password is required for a new user.")]})
        if model.has_role("enterprise") and not model.enterprise_id and not model.has_role("admin", "staff"):
            raise ValidationFailed(_("An enterprise user needs an enterprise."),
                                   {"enterprise": [_("Choose the user's enterprise.")]})
        if not is_created and not model.active:
            sessions.revoke_all(model)
            tokens.revoke_all(model, acting_user())


class ApiTokenView(SecureModelView):
    """Personal API tokens: listed and revoked here; a new token is shown once, on creation, and
    only its hash is kept. Non-admins see only their own tokens."""

    allow_edit = False
    allow_delete = False
    can_view_details = False
    can_export = False
    column_list = ["id", "name", "prefix", "user", "created_at", "last_used_at", "revoked"]
    column_filters = ["revoked"]
    column_searchable_list = ["name", "prefix"]
    form_columns = ["name"]
    form_ajax_refs = {}

    def restrict(self, query):
        user = acting_user()
        return query if user is not None and user.is_admin else query.where(ApiToken.user == getattr(user, "id", None))

    def _in_scope(self, model):
        return True

    @expose("/new/", methods=("GET", "POST"))
    def create_view(self):
        form = self.create_form()
        if self.validate_form(form):
            raw = issue_token(acting_user(), (form.name.data or "").strip(), actor=acting_user())
            response = self.render("admin/rt/token_created.html", token=raw, return_url=self.get_url(".index_view"))
            return response, 200, {"Cache-Control": "no-store"}
        return super().create_view()

    @action("revoke", _l("Revoke"), _l("Revoke the selected tokens? Programs using them will stop working."))
    def action_revoke(self, ids):
        count = sum(1 for pk in ids if revoke(int(pk), acting_user()))
        flash(_("%(count)s tokens were revoked.", count=count), "success")


class ServiceRequestView(SecureModelView):
    """Service requests: a list; each opens the request page (workflow, step form, timeline)."""

    allow_create = False
    allow_edit = False
    allow_delete = False
    column_list = ["id", "title", "enterprise", "service_key", "current_step", "status", "step_due_at", "due_at",
                   "assignee"]
    column_searchable_list = ["title"]
    column_sortable_list = ["id", "step_due_at", "due_at", "opened_at", "status"]

    def _title_link(view, context, model, name):
        return Markup('<a href="{}">{}</a>').format(url_for("core_request.page", request_id=model.id), model.title)

    def _step(view, context, model, name):
        return step_title(model) if model.current_step else ""

    column_formatters = {"title": _title_link, "current_step": _step}
    column_formatters_export = {"title": lambda v, c, m, n: m.title, "current_step": _step}

    @expose("/details/")
    def details_view(self):
        row = self.get_one(request.args.get("id"))
        return redirect(url_for("core_request.page", request_id=row.id))


class ReadOnlyView(SecureModelView):
    allow_create = False
    allow_edit = False
    allow_delete = False


def step_data_spec(transition) -> FieldSpec:
    """The step data of a transition described by the schema of the step it left (labels)."""
    columns = ()
    try:
        req = transition.request
        wf = current_platform().registry.workflow(req.workflow_key, req.workflow_version)
        columns = tuple(describe_schema(wf.step(transition.from_step).schema)) if transition.from_step else ()
    except (KeyError, peewee.DoesNotExist):
        pass
    return FieldSpec("data", label=Transition._meta.fields["data"].verbose_name, widget="table", columns=columns)


class TransitionView(ReadOnlyView):
    """The transition log: steps by their titles, the step data by its fields' labels."""

    def _data(view, context, model, name):
        return value_html(step_data_spec(model), model.data, ui_lang(), current_platform().calendar.tz)

    def _data_text(view, context, model, name):
        return value_text(step_data_spec(model), model.data, ui_lang(), current_platform().calendar.tz)

    column_formatters_detail = {"data": _data}
    column_formatters_export = {"data": _data_text}


class NotificationView(ReadOnlyView):
    """My notifications (only my own, whoever I am)."""

    column_list = ["created_at", "kind", "subject", "link", "read_at"]
    column_default_sort = ("id", True)

    def restrict(self, query):
        return query.where(Notification.user == getattr(acting_user(), "id", None))

    @action("mark_read", _l("Mark as read"))
    def action_mark_read(self, ids):
        mine = [r.id for r in Notification.select(Notification.id).where(
            Notification.id.in_(ids) & Notification.read_at.is_null() & (Notification.user == acting_user().id))]
        if not mine:
            return
        with database.atomic():
            Notification.update(read_at=utcnow()).where(Notification.id.in_(mine)).execute()
            audit.record("mark_read", "core_notification", "", {"ids": mine}, acting_user())


def core_views() -> list:
    """The screens of the core's own models (plugin ``core``)."""
    cat = CORE_CATEGORY
    return [
        make_view(Enterprise, CORE, "core.enterprise.view", view_class=EnterpriseView, category=cat,
                  edit_permission="core.enterprise.edit"),
        make_view(Department, CORE, "core.department.manage", category=cat),
        make_view(User, CORE, "core.user.manage", view_class=UserView, category=cat),
        make_view(ApiToken, CORE, "core.dashboard.view", view_class=ApiTokenView, category=cat),
        make_view(ServiceRequest, CORE, "core.request.view", view_class=ServiceRequestView, category=cat),
        make_view(Transition, CORE, "core.request.view", view_class=TransitionView, category=cat),
        make_view(Notification, CORE, "core.notification.view", view_class=NotificationView, category=cat),
    ]


# --- Plugin screens ----------------------------------------------------------------------------------

def plugin_views(registry) -> list[tuple[str, object]]:
    """Build every ``AdminViewSpec`` the plugins returned, checking each names a known permission
    and a secure view class (start-up fails with a message naming the plugin otherwise)."""
    views = []
    for owner, spec in registry.call("register_admin_views", registry=registry):
        if not isinstance(spec, AdminViewSpec):
            raise PluginError(f"plugin {owner!r}: register_admin_views must return AdminViewSpec objects")
        if not spec.permission or spec.permission not in registry.permissions:
            raise PluginError(f"plugin {owner!r}: admin view {spec.slug or spec.model}: unknown permission {spec.permission!r}")
        category = spec.category or getattr(registry.plugins.get(owner), "title", owner)
        if spec.model is not None:
            view_class = spec.view_class or SecureModelView
            if not (isinstance(view_class, type) and issubclass(view_class, SecureModelView)):
                raise PluginError(f"plugin {owner!r}: admin view for {spec.model.__name__} must subclass "
                                  "core.web.admin.SecureModelView")
            views.append((owner, make_view(spec.model, owner, spec.permission, view_class=view_class, name=spec.name,
                                           category=category, slug=spec.slug, options=_options_of(spec),
                                           enterprise_read_only=not spec.enterprise_may_edit)))
        else:
            if not (isinstance(spec.view_class, type) and issubclass(spec.view_class, SecureBaseView)) or not spec.slug:
                raise PluginError(f"plugin {owner!r}: a custom admin view needs a slug and a subclass of "
                                  "core.web.admin.SecureBaseView")
            cls = type(spec.view_class.__name__, (spec.view_class,), {"permission": spec.permission, **spec.options})
            views.append((owner, cls(name=spec.name or spec.slug, category=category,
                                     endpoint=f"{owner}_{spec.slug}", url=f"{owner}/{spec.slug}")))
    return views


def _options_of(spec: AdminViewSpec) -> dict:
    options = spec.view_options
    if spec.form_exclude:
        options["form_excluded_columns"] = [*default_options(spec.model)["form_excluded_columns"], *spec.form_exclude]
    return options


def check_unique(owned_views) -> None:
    """Stop start-up, naming both plugins, if two screens share an endpoint."""
    unique("admin endpoint", ((owner, view.endpoint) for owner, view in owned_views))
