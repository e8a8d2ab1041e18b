"""The ONE secure base of every admin screen (issue 3 §2; DB1302 5.3.2 secure operation).

Flask-Admin's defaults are unsafe for a multi-enterprise platform; these classes fix them once:

* ``is_accessible`` checks a permission (:func:`core.security.has_permission`): anonymous users are
  sent to the login page, a logged-in user without the permission gets 403 (and an audit event);
* every form (create, edit, delete, bulk action) is a :class:`AdminSecureForm` — Flask-Admin's
  ``SecureForm`` carrying the same Flask-WTF CSRF token the rest of the site uses;
* the row scope (:func:`core.security.scope_query`) is applied in ``get_query``,
  ``get_count_query``, ``get_one`` (out of scope → 404), bulk actions, foreign-key choices (select
  lists and AJAX lookups) and exports;
* deletes are never recursive and refuse, with a clear message, while other rows refer to the record;
* create, update and delete are each one transaction with their audit event;
* lists never run ``COUNT(*)`` (``simple_list_pager``), exports are bounded (``export_max_rows``)
  and every exported cell goes through :func:`core.toolkit.tabular.neutralise_cell`.
"""
from __future__ import annotations

import dataclasses
import datetime
import decimal
import io

import peewee
from flask import Response, abort, current_app, flash, redirect, request, session
from flask_admin import BaseView, expose
from flask_admin.actions import action
from flask_admin.babel import lazy_gettext as admin_lazy_gettext
from flask_admin.contrib.peewee import ModelView
from flask_admin.contrib.peewee import filters as pw_filters
from flask_admin.contrib.peewee.ajax import QueryAjaxModelLoader
from flask_admin.contrib.peewee.form import CustomModelConverter
from flask_admin.form import SecureForm
from flask_admin.helpers import flash_errors, get_redirect_target
from flask_admin.model.fields import AjaxSelectField
from flask_login import current_user
from flask_wtf.csrf import _FlaskFormCSRF
from jinja2 import pass_context
from werkzeug.utils import secure_filename
from wtforms import ValidationError
from wtfpeewee.fields import SelectQueryField

from rongtong.core import audit
from rongtong.core.attachments import attachments_of
from rongtong.core.db import database
from rongtong.core.errors import RongtongError, ValidationFailed
from rongtong.core.i18n import _, lazy_gettext as _l
from rongtong.core.models import REQUEST_STATUSES, Attachment, utcnow
from rongtong.core.fields import ListField
from rongtong.core.security import has_permission, scope_query
from rongtong.core.toolkit.tabular import MIMETYPES, write_rows
from rongtong.core.vocabulary import Choice, FieldSpec, describe_model, overdue_text, with_unit
from rongtong.core.web.context import current_lang, current_platform
from rongtong.core.web.fieldview import LIST_TEXT_MAX, value_html, value_text

EXPORT_MAX_ROWS = 10_000
AJAX_MAX_ROWS = 50


def acting_user():
    """The logged-in user (a real ``User`` row), or None."""
    if getattr(current_user, "is_authenticated", False):
        return current_user._get_current_object()
    return None


class AdminSecureForm(SecureForm):
    """Flask-Admin's ``SecureForm`` (CSRF on every form), using Flask-WTF's token so the admin
    and the site-wide CSRF check agree on one token per session."""

    class Meta:
        csrf = True
        csrf_class = _FlaskFormCSRF
        csrf_field_name = "csrf_token"
        csrf_context = session

        @property
        def csrf_secret(self):
            return current_app.config.get("WTF_CSRF_SECRET_KEY", current_app.secret_key)

        @property
        def csrf_time_limit(self):
            return current_app.config.get("WTF_CSRF_TIME_LIMIT", 3600)


class SecureViewMixin:
    """Access control shared by model views and custom pages."""

    permission: str | None = "core.dashboard.view"

    def user_may(self, permission: str | None) -> bool:
        user = acting_user()
        return bool(user is not None and permission and has_permission(user, permission, current_platform().registry))

    def is_accessible(self) -> bool:
        return self.user_may(self.permission)

    def inaccessible_callback(self, name, **kwargs):
        if acting_user() is None:
            return current_app.login_manager.unauthorized()
        audit.record("permission_denied", "admin", request.endpoint or "",
                     {"permission": self.permission, "method": request.method, "path": request.path[:300]},
                     actor=acting_user())
        abort(403)


class SecureBaseView(SecureViewMixin, BaseView):
    """Base of every custom admin page (dashboard, request page, onboarding review...). Templates
    get ``days_left_text(due)`` and, like every template, ``overdue_text(n)``: "剩余 3 个工作日" /
    "今日到期" / "超期 3 个工作日", never a negative count."""

    def render(self, template, **kwargs):
        kwargs.setdefault("rt_user", acting_user())
        kwargs.setdefault("days_left_text", days_left_text)
        return super().render(template, **kwargs)


# --- Scoped foreign-key choices ---------------------------------------------------------------------

class ScopedAjaxLoader(QueryAjaxModelLoader):
    """AJAX foreign-key lookup that only ever offers (or accepts) rows in the user's scope."""

    def _scoped(self):
        return scope_query(self.model.select(), self.model, acting_user())

    def get_one(self, pk):
        try:
            pk = int(pk)
        except (TypeError, ValueError):
            return None
        return self._scoped().where(self.model._meta.primary_key == pk).first()

    def get_list(self, term, offset=0, limit=10):
        query = self._scoped()
        if term:
            cond = None
            for field in self._cached_fields:
                expr = field.contains(term)
                cond = expr if cond is None else (cond | expr)
            query = query.where(cond)
        limit = max(1, min(int(limit or 10), AJAX_MAX_ROWS))
        return list(query.order_by(self.model._meta.primary_key).offset(max(0, int(offset or 0))).limit(limit))


class StrictAjaxSelectField(AjaxSelectField):
    """An AJAX select that refuses an id it cannot resolve (e.g. another enterprise's row) instead
    of silently storing nothing."""

    def pre_validate(self, form):
        raw = self.raw_data[0] if self.raw_data else None
        if raw not in (None, "", "__None") and self.loader.get_one(raw) is None:
            raise ValidationError(self.gettext("Not a valid choice"))
        super().pre_validate(form)


class ScopedModelConverter(CustomModelConverter):
    def handle_foreign_key(self, model, field, **kwargs):
        loader = getattr(self.view, "_form_ajax_refs", {}).get(field.name)
        if loader:
            if field.null:
                kwargs["allow_blank"] = True
            return field.name, StrictAjaxSelectField(loader, **kwargs)
        return super().handle_foreign_key(model, field, **kwargs)


# --- The field vocabulary of a screen ------------------------------------------------------------------
# Every list, details page, filter and export renders a column through core.vocabulary (issue 9 §1):
# choice labels instead of keys, 是/否, times in the site's zone, JSON as rows or "label: value".

#: Columns holding a key of something the registry knows, labelled (and filtered) by its title.
#: A model may name the source itself: ``vocabulary = {"scope": {"choices_from": "services"}}``.
REGISTRY_CHOICE_COLUMNS = {
    "service_key": "services", "scope_service": "services", "workflow_key": "workflows",
    "current_step": "steps", "from_step": "steps", "to_step": "steps", "step": "steps",
    "object_type": "tables", "owner_type": "tables", "owner": "plugins",
}


def registry_choices(source: str) -> tuple[Choice, ...]:
    """Choices (key, Chinese title, English title) for keys the registry knows: ``services``,
    ``workflows``, ``steps`` (every step of every workflow version) or ``tables`` (the registered
    models, by their verbose name). Built once per app."""
    cache = current_app.extensions.setdefault("rongtong_registry_choices", {})
    if source not in cache:
        cache[source] = _registry_choices(current_platform().registry, source)
    return cache[source]


def _registry_choices(registry, source: str) -> tuple[Choice, ...]:
    out: dict = {}
    if source == "services":
        for key in sorted(registry.services):
            s = registry.services[key]
            out[key] = Choice(key, s.title, s.title_en)
    elif source == "workflows":
        for key in sorted(registry.workflows):
            wf = registry.workflows[key]
            out[key] = Choice(key, wf.title, wf.title_en)
    elif source == "steps":
        for (_key, _version), wf in sorted(registry.workflow_versions.items()):
            for step in wf.steps:
                out.setdefault((step.key, step.title), Choice(step.key, step.title, step.title_en))
    elif source == "plugins":
        for name, plugin in sorted(registry.plugins.items()):
            zh, _sep, en = str(getattr(plugin, "title", None) or name).partition(" / ")  # TITLE = "人才培训 / Training"
            out[name] = Choice(name, zh, en)
    elif source == "tables":
        for model in registry.model_owner:
            label = getattr(model, "verbose_name", None) or model.__name__
            out[model._meta.table_name] = Choice(model._meta.table_name, label)
    return tuple(out.values())


def registry_source(model, name: str) -> str | None:
    extra = (getattr(model, "vocabulary", None) or {}).get(name) or {}
    field = model._meta.fields.get(name)
    if extra.get("choices_from"):
        return extra["choices_from"]
    if field is None or field.choices or extra.get("choices") or not isinstance(field, peewee.CharField):
        return None
    return REGISTRY_CHOICE_COLUMNS.get(name)


def model_vocabulary(model) -> dict[str, FieldSpec]:
    """``{column: FieldSpec}`` of a model as the screens show it: :func:`core.vocabulary.describe_model`
    with the keys the registry knows (:data:`REGISTRY_CHOICE_COLUMNS`) labelled by their titles.
    Built once per app and model (call it in a request)."""
    cache = current_app.extensions.setdefault("rongtong_model_vocabulary", {})
    specs = cache.get(model)
    if specs is None:
        specs = describe_model(model)
        for name, spec in specs.items():
            source = registry_source(model, name)
            if source:
                spec = dataclasses.replace(spec, choices_from=source)
            specs[name] = with_registry_choices(spec)
        cache[model] = specs
    return dict(specs)


def with_registry_choices(spec: FieldSpec) -> FieldSpec:
    """``spec`` with the titles of the registry's keys as the choices of every field that names
    its source (``choices_from``), its own and those of its columns at any depth — so the
    ``owner`` of a survey report kept in a JSON column reads "人才培训", not ``training``."""
    columns = tuple(with_registry_choices(c) for c in spec.columns)
    changes = {}
    if columns != spec.columns:
        changes["columns"] = columns
    if spec.choices_from and not spec.choices:
        changes.update(choices=registry_choices(spec.choices_from), widget="multichoice" if spec.many else "choice")
    return dataclasses.replace(spec, **changes) if changes else spec


class LazyOptions:
    """A filter's options computed when the list page is drawn (in the request's language, from
    the registry), not when the screen is built."""

    def __init__(self, make):
        self.make = make

    def __iter__(self):
        return iter(self.make())

    def __bool__(self):
        return True


class ChoiceFilter(pw_filters.BasePeeweeFilter):
    """A filter on a choice column that understands labels: a select of the labels (the value is
    the key), and any text that is part of a key or of a label in Chinese or English — filtering
    服务 by "技术服务" finds the technical requests."""

    negate = False

    def __init__(self, column, name, spec_of, options=True):
        self.spec_of = spec_of
        super().__init__(column, name, LazyOptions(self._options) if options else None)

    def _options(self):
        lang = ui_lang()
        return [(str(c.key), c.title(lang)) for c in self.spec_of().choices]

    def keys(self, value) -> list:
        return self.spec_of().match_choice(str(value or ""))

    def condition(self, keys):
        return self.column.in_(keys)

    def apply(self, query, value):
        keys = self.keys(value)
        if not keys:
            return query.where(peewee.SQL("1 = 1") if self.negate else peewee.SQL("1 = 0"))
        cond = self.condition(keys)
        return query.where(~cond if self.negate else cond)

    def operation(self):
        return admin_lazy_gettext("not equal") if self.negate else admin_lazy_gettext("equals")


class ChoiceNotEqualFilter(ChoiceFilter):
    negate = True


class ChoiceTextFilter(ChoiceFilter):
    """Typed text matched against the labels (``contains``)."""

    def __init__(self, column, name, spec_of):
        super().__init__(column, name, spec_of, options=False)

    def operation(self):
        return admin_lazy_gettext("contains")


class ListChoiceFilter(ChoiceFilter):
    """A :class:`core.fields.ListField` of choice keys: rows holding any of the matching keys."""

    def condition(self, keys):
        cond = None
        for key in keys:
            expr = (self.column == key) | self.column.startswith(f"{key},") | self.column.endswith(f",{key}") \
                | self.column.contains(f",{key},")
            cond = expr if cond is None else (cond | expr)
        return cond

    def operation(self):
        return admin_lazy_gettext("contains")


def _to_utc(value, tz):
    if isinstance(value, list):
        return [_to_utc(v, tz) for v in value]
    if isinstance(value, datetime.datetime) and value.tzinfo is None:
        return value.replace(tzinfo=tz).astimezone(datetime.timezone.utc).replace(tzinfo=None)
    return value


def local_time_filter(flt):
    """A date-time filter reads what the user types in the site's time zone (the list shows local
    times; the database stores UTC)."""
    clean = flt.clean

    def clean_local(value):
        return _to_utc(clean(value), current_platform().calendar.tz)

    flt.clean = clean_local
    return flt


# --- The model view ---------------------------------------------------------------------------------

class SecureModelView(SecureViewMixin, ModelView):
    """Base of every admin model screen. ``permission`` opens the screen; ``edit_permission``
    (default: the same) allows create/edit/delete; ``allow_create`` / ``allow_edit`` /
    ``allow_delete`` switch those off entirely."""

    form_base_class = AdminSecureForm
    model_form_converter = ScopedModelConverter
    simple_list_pager = True
    page_size = 50
    can_set_page_size = False
    can_view_details = True
    can_export = True
    export_types = ["csv", "xlsx"]
    export_max_rows = EXPORT_MAX_ROWS
    column_display_pk = True
    column_default_sort = ("id", True)
    fast_mass_delete = False
    edit_permission: str | None = None
    allow_create = True
    allow_edit = True
    allow_delete = True

    # Create / edit / delete depend on the user's permission, decided per request.
    def search_placeholder(self) -> str | None:
        """What the search box searches, in the screen's labels ("搜索：名称、类型"): Flask-Admin's
        peewee backend leaves it None, which the box would show as the word "None"."""
        names = [str(self.get_column_name(getattr(c, "name", c))) for c in self.column_searchable_list or ()]
        return _("Search: %(fields)s", fields="、".join(names)) if names else None

    def _may_edit(self) -> bool:
        return self.user_may(self.edit_permission or self.permission)

    @property
    def can_create(self):
        return self.allow_create and self._may_edit()

    @property
    def can_edit(self):
        return self.allow_edit and self._may_edit()

    @property
    def can_delete(self):
        return self.allow_delete and self._may_edit()

    details_template = "admin/rt/details.html"
    attachments_enabled = True  # the details page lists the record's attachments

    def record_attachments(self, model):
        """The record's attachments for its details page (the record itself is already in scope),
        or None when this screen does not show attachments."""
        if not self.attachments_enabled or model is None:
            return None
        return list(attachments_of(model, acting_user()).limit(100))  # internal files: staff only

    # Field vocabulary ------------------------------------------------------------------------------
    #: columns whose choices only :meth:`extra_vocabulary` knows (so they get label filters too)
    extra_choice_columns: tuple = ()

    def extra_vocabulary(self) -> dict[str, FieldSpec]:
        """Specs this screen adds to or overrides in its model's vocabulary (called in a request)."""
        return {}

    def column_vocabulary(self) -> dict[str, FieldSpec]:
        """``{column: FieldSpec}``: the model's vocabulary, keys the registry knows labelled by their
        title (:data:`REGISTRY_CHOICE_COLUMNS`), and this screen's :meth:`extra_vocabulary`."""
        specs = self.__dict__.get("_rt_vocabulary")
        if specs is None:
            specs = model_vocabulary(self.model)
            specs.update(self.extra_vocabulary())
            self._rt_vocabulary = specs
        return specs

    def is_choice_column(self, name: str) -> bool:
        """Known when the screen is built (no registry needed)."""
        field = self.model._meta.fields.get(name)
        if field is None or isinstance(field, peewee.ForeignKeyField):
            return False
        return (bool(describe_model(self.model)[name].choices) or registry_source(self.model, name) is not None
                or name in self.extra_choice_columns)

    def scaffold_filters(self, name):
        """Choice columns get label filters (:class:`ChoiceFilter`); date-time filters read the
        site's time zone; everything else is Flask-Admin's."""
        attr = name if isinstance(name, str) else getattr(name, "name", None)
        field = self.model._meta.fields.get(attr) if attr else None
        if field is not None and (isinstance(name, str) or getattr(name, "model", None) is self.model) \
                and self.is_choice_column(attr):
            label = self.get_column_name(attr)

            def spec_of(column=attr):
                return self.column_vocabulary()[column]

            if isinstance(field, ListField):
                return [ListChoiceFilter(field, label, spec_of)]
            return [ChoiceFilter(field, label, spec_of), ChoiceNotEqualFilter(field, label, spec_of),
                    ChoiceTextFilter(field, label, spec_of)]
        found = super().scaffold_filters(name)
        if isinstance(field, peewee.DateTimeField) and found:
            found = [local_time_filter(f) for f in found]
        return found

    def vocabulary_value(self, model, name: str, mode: str = "list"):
        """A column's value as people read it (``mode``: ``list`` — one short line, ``detail`` —
        HTML with tables of rows, ``export`` — the full text); None for what is not a column."""
        field = self.model._meta.fields.get(name)
        spec = self.column_vocabulary().get(name) if field is not None else None
        if spec is None:
            return None
        try:
            value = getattr(model, name, None)
        except peewee.DoesNotExist:
            value = None
        if isinstance(field, peewee.ForeignKeyField) or field is self.model._meta.primary_key:
            return "" if value is None else str(value)
        lang, tz = ui_lang(), current_platform().calendar.tz
        if mode == "detail":
            return value_html(spec, value, lang, tz)
        return value_text(spec, value, lang, tz, LIST_TEXT_MAX if mode == "list" else None)

    @pass_context
    def get_list_value(self, context, model, name):
        if name not in (self.column_formatters or {}):
            shown = self.vocabulary_value(model, name, "list")
            if shown is not None:
                return shown
        return super().get_list_value(context, model, name)

    @pass_context
    def get_detail_value(self, context, model, name):
        if name not in (self.column_formatters_detail or self.column_formatters or {}):
            shown = self.vocabulary_value(model, name, "detail")
            if shown is not None:
                return shown
        return super().get_detail_value(context, model, name)

    # Row scope -------------------------------------------------------------------------------------
    def restrict(self, query):
        """Extra restriction on top of the row scope (e.g. 'only my own notifications')."""
        return query

    def get_query(self):
        return self.restrict(scope_query(self.model.select(), self.model, acting_user()))

    def get_count_query(self):
        pk = self.model._meta.primary_key
        return self.get_query().select(peewee.fn.COUNT(pk))

    def _coerce_pk(self, value):
        pk = self.model._meta.primary_key
        if isinstance(pk, (peewee.AutoField, peewee.IntegerField, peewee.BigIntegerField)):
            try:
                return int(value)
            except (TypeError, ValueError):
                return None
        return value

    def get_one(self, id):
        """The record if it is in the user's scope; otherwise 404 (never 403: that would tell
        another enterprise's user the record exists)."""
        pk = self._coerce_pk(id)
        row = None if pk is None else self.get_query().where(self.model._meta.primary_key == pk).first()
        if row is None:
            abort(404)
        return row

    def scoped_ids(self, raw_ids, limit=1000) -> list:
        pks = [p for p in (self._coerce_pk(i) for i in raw_ids[:limit]) if p is not None]
        if not pks:
            return []
        pk = self.model._meta.primary_key
        return [r[0] for r in self.get_query().select(pk).where(pk.in_(pks)).tuples()]

    def get_list(self, page, sort_column, sort_desc, search, filters, execute=True, page_size=None):
        count, rows = super().get_list(page, sort_column, sort_desc, search, filters, execute, page_size)
        if execute:
            prefetch_foreign_keys(rows, self.model)
        return count, rows

    # Foreign-key choices ---------------------------------------------------------------------------
    def _scope_form(self, form):
        user = acting_user()
        for field in form:
            if isinstance(field, SelectQueryField):
                field.query = scope_query(field.model.select(), field.model, user).limit(500)
        return form

    def _create_ajax_loader(self, name, options):
        field = getattr(self.model, name)
        return ScopedAjaxLoader(name, field.rel_model, **options)

    def create_form(self, obj=None):
        return self._scope_form(super().create_form(obj))

    def edit_form(self, obj=None):
        return self._scope_form(super().edit_form(obj))

    def list_form(self, obj=None):
        return self._scope_form(super().list_form(obj))

    # Writes: one transaction each, with the audit event ---------------------------------------------
    def _field_errors(self, form, exc: ValidationFailed):
        shown = False
        for name, messages in (exc.fields or {}).items():
            if name in form:
                errors = list(form[name].errors or [])
                errors.extend(messages if isinstance(messages, list) else [str(messages)])
                form[name].errors = errors
                shown = True
        unshown = {k: v for k, v in (exc.fields or {}).items() if k not in form}
        details = "; ".join(f"{k}: {' '.join(map(str, v)) if isinstance(v, list) else v}" for k, v in unshown.items())
        flash(f"{exc.message} {details}".strip() if details or not shown else exc.message, "error")

    def _in_scope(self, model) -> bool:
        return self.get_query().where(self.model._meta.primary_key == model.get_id()).exists()

    def _save(self, form, model, is_created):
        user = acting_user()
        before = None if is_created else model.snapshot()
        try:
            with database.atomic():
                form.populate_obj(model)
                self._on_model_change(form, model, is_created)
                model.save(force_insert=is_created)
                if not self._in_scope(model):
                    raise ValidationFailed(_("You may not save a record outside your own scope."), {})
                if audit.is_audited(model):
                    pass  # an AuditedModel's save() wrote its own event
                elif is_created:
                    audit.record_create(model, user)
                else:
                    audit.record_update(model, before, user)
        except ValidationFailed as exc:
            self._field_errors(form, exc)
            return False
        except RongtongError as exc:
            flash(exc.message, "error")
            return False
        except (peewee.IntegrityError, peewee.DataError) as exc:
            flash(_("The record could not be saved: %(error)s", error=integrity_message(exc)), "error")
            return False
        self.after_model_change(form, model, is_created)
        return True

    def create_model(self, form):
        model = self.model()
        return model if self._save(form, model, True) else False

    def update_model(self, form, model):
        return self._save(form, model, False)

    def delete_model(self, model):
        """Delete one record, never recursively: refused while other records refer to it."""
        blockers = references_to(model)
        if blockers:
            flash(_("%(record)s cannot be deleted: it is still referred to by %(what)s.",
                    record=str(model), what=", ".join(blockers)), "error")
            return False
        try:
            with database.atomic():
                self.on_model_delete(model)
                if not audit.is_audited(model):  # an AuditedModel audits its own delete
                    audit.record_delete(model, acting_user())
                model.delete_instance(recursive=False)
        except RongtongError as exc:
            flash(exc.message, "error")
            return False
        except peewee.IntegrityError as exc:
            flash(_("%(record)s cannot be deleted: %(error)s", record=str(model), error=integrity_message(exc)), "error")
            return False
        self.after_model_delete(model)
        return True

    # Bulk actions: CSRF-checked form, ids restricted to the scope ---------------------------------
    def handle_action(self, return_view=None):
        form = self.action_form()
        if self.validate_form(form):
            ids = self.scoped_ids(request.form.getlist("rowid"))
            name = form.action.data
            handler = self._actions_data.get(name)
            if handler and self.is_action_allowed(name):
                response = handler[0](ids)
                if response is not None:
                    return response
        else:
            flash_errors(form, message=_l("Failed to perform action. %(error)s"))
        return redirect(get_redirect_target() or self.get_url(".index_view"))

    @action("delete", _l("Delete"), _l("Are you sure you want to delete the selected records?"))
    def action_delete(self, ids):
        pk = self.model._meta.primary_key
        count = 0
        for row in self.get_query().where(pk.in_(self.scoped_ids(list(ids)))):
            if self.delete_model(row):
                count += 1
        if count:
            flash(_("%(count)s records were deleted.", count=count), "success")

    # Exports: scoped, bounded, neutralised, in the vocabulary -------------------------------------
    def export_value(self, row, name):
        """A cell as people read it (labels, 是/否, site-zone times, rows as text); numbers stay
        numbers (their unit is in the column header)."""
        formatter = (self.column_formatters_export or {}).get(name)
        if formatter is not None:
            return formatter(self, None, row, name)
        field = self.model._meta.fields.get(name)
        spec = self.column_vocabulary().get(name) if field is not None else None
        try:
            value = getattr(row, name, None)
        except peewee.DoesNotExist:
            value = None
        if value is None or spec is None:
            return None if value is None else str(value) if isinstance(value, peewee.Model) else value
        if isinstance(field, peewee.ForeignKeyField):
            return str(value)
        if isinstance(value, (int, float, decimal.Decimal)) and not isinstance(value, bool) and not spec.choices:
            return value
        return self.vocabulary_value(row, name, "export")

    def export_header(self, name, label) -> str:
        spec = self.column_vocabulary().get(name)
        return with_unit(label, spec.unit if spec is not None else "")  # the unit once, never twice

    @expose("/export/<export_type>/")
    def export(self, export_type):
        if not self.can_export or export_type not in self.export_types:
            abort(404)
        _count, rows = self._export_data()
        headers = [self.export_header(c, label) for c, label in self._export_columns]
        columns = [c for c, _label in self._export_columns]
        buf = io.BytesIO()
        write_rows(headers, ([self.export_value(r, c) for c in columns] for r in rows), export_type, buf,
                   bom=(export_type == "csv"), sheet_title=self.endpoint)
        with database.atomic():
            audit.record("export", self.model._meta.table_name, "",
                         {"format": export_type, "rows": len(rows), "query": request.query_string.decode("utf-8", "replace")[:500]},
                         actor=acting_user())
        stamp = datetime.datetime.now(current_platform().calendar.tz).strftime("%Y%m%d-%H%M%S")
        filename = secure_filename(f"{self.endpoint}-{stamp}.{export_type}")
        response = Response(buf.getvalue(), mimetype=MIMETYPES[export_type])
        response.headers["Content-Disposition"] = f"attachment; filename={filename}"
        if len(rows) >= self.export_max_rows:
            response.headers["X-Export-Truncated"] = str(self.export_max_rows)
        return response


# --- Helpers ------------------------------------------------------------------------------------------

def prefetch_foreign_keys(rows, model) -> None:
    """Load the related rows of every foreign key of ``rows`` in one query per key (no N+1 when a
    list shows ``str(row.enterprise)``)."""
    if not rows:
        return
    for name, field in model._meta.fields.items():
        if not isinstance(field, peewee.ForeignKeyField):
            continue
        ids = {row.__data__.get(name) for row in rows} - {None}
        if not ids:
            continue
        rel = field.rel_model
        related = {r.get_id(): r for r in rel.select().where(rel._meta.primary_key.in_(list(ids)))}
        for row in rows:
            value = row.__data__.get(name)
            if value in related:
                row.__rel__[name] = related[value]


def references_to(instance) -> list[str]:
    """Human names of what still refers to ``instance`` and would stop its deletion (foreign keys
    without ON DELETE CASCADE / SET NULL, and attachments)."""
    registered = current_platform().registry.model_owner  # a disabled plugin's tables may not exist
    found = []
    for fk, referring in instance._meta.backrefs.items():
        if (fk.on_delete or "").upper() in ("CASCADE", "SET NULL") or referring not in registered:
            continue
        if referring.select().where(fk == instance.get_id()).exists():
            found.append(str(getattr(referring, "verbose_name", None) or referring.__name__))
    if (Attachment.select().where((Attachment.owner_type == instance._meta.table_name)
                                  & (Attachment.owner_id == str(instance.get_id()))).exists()):
        found.append(str(_l("Attachments")))
    return sorted(set(found))


def integrity_message(exc: Exception) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if "UNIQUE" in text.upper() or "duplicate key" in text:
        return _("a record with the same unique value already exists.")
    if "FOREIGN KEY" in text.upper() or "foreign key" in text:
        return _("other records still refer to it.")
    return text[:200]


# --- Display helpers shared by the custom pages ----------------------------------------------------

ui_lang = current_lang  # the custom pages' name for the web kernel's accessor


def local_time(moment, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A stored naive-UTC time shown in the site's time zone."""
    if moment is None:
        return ""
    tz = current_platform().calendar.tz
    return moment.replace(tzinfo=datetime.timezone.utc).astimezone(tz).strftime(fmt)


def days_left_text(due) -> str:
    """Working days from today to ``due`` (a naive-UTC time) in words; '' without a due date."""
    if due is None:
        return ""
    cal = current_platform().calendar
    return overdue_text(cal.working_days_between(cal.local_date(utcnow()), cal.local_date(due)))


def service_title(key: str) -> str:
    service = current_platform().registry.services.get(key)
    if service is None:
        return key
    return service.title_en if ui_lang() == "en" and service.title_en else service.title


def step_title(req) -> str:
    try:
        wf = current_platform().engine.workflow_of(req)
        return wf.step(req.current_step).label(ui_lang())
    except (RongtongError, KeyError):
        return req.current_step or ""


def status_label(status: str) -> str:
    return str(dict(REQUEST_STATUSES).get(status, status))
