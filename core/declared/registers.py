"""Registers: the record types a declared service declares (issue 11 §2), as real tables.

Each ``[[registers]]`` entry becomes an :class:`~core.audit.AuditedModel` (every write audited)
with table ``<service>_<register>``, one column per field, and the system columns its kind needs:

* ``scope = "request"``: a ``request`` column (row scope: staff see all, an enterprise its own
  requests' rows, an expert or evaluator the rows of requests assigned to it); ``per_request``: at
  most one row per request, created when the request is filed (the service's case record);
* ``scope = "enterprise"``: an ``enterprise`` column (an enterprise sees its own rows);
* ``scope = "none"``: a platform-wide register (contracted lawyers) only staff and the holders of
  its permission read;
* ``parent = "<register>"``: a child table (Frappe's child DocType) with a column named after the
  parent register, scoped like its parent and listed inside it in the API.

:func:`sync` is what ``rongtong db upgrade`` runs for them: it creates missing tables and adds
missing columns. It never drops anything: a column no longer declared keeps its data and is
reported, so an operator who removed a field by mistake loses nothing (its ``NOT NULL``, if it had one, is
dropped, so new rows can leave it empty).
"""
from __future__ import annotations

import peewee
from playhouse.migrate import SchemaMigrator, migrate

from rongtong.core.audit import AuditedModel
from rongtong.core.db import database
from rongtong.core.fields import JSONField, ListField
from rongtong.core.models import Enterprise, ServiceRequest, User, utcnow
from rongtong.core.survey_models import Survey
from rongtong.core.toolkit import surveys as survey_kit
from rongtong.core.toolkit import vocab
from rongtong.core.vocabulary import Bilingual

from .forms import _camel


def _column(decl: dict) -> peewee.Field:
    """The peewee column of a declared register field. Every column is nullable or has a
    default, so adding it to a table with rows always works."""
    kind, name = decl["type"], Bilingual(decl["label"], decl["label_en"])
    common = {"verbose_name": name, "help_text": decl["help"] or None}
    if kind == "text":
        return peewee.CharField(max_length=decl["max_length"] or 200, default="", **common)
    if kind == "textarea":
        return peewee.TextField(default="", **common)
    if kind in ("integer", "scale"):
        return peewee.IntegerField(null=True, **common)
    if kind == "money":
        return peewee.DecimalField(max_digits=18, decimal_places=2, null=True, **common)
    if kind == "date":
        return peewee.DateField(null=True, **common)
    if kind == "boolean":
        return peewee.BooleanField(default=False, **common)
    if kind == "choice":
        pairs = tuple((c[0], Bilingual(c[1], c[2])) for c in decl["choices"])
        return peewee.CharField(max_length=40, default="", choices=pairs, index=True, **common)
    if kind == "multichoice":
        return ListField(default=list, **common)
    if kind == "user":
        return peewee.ForeignKeyField(User, null=True, on_delete="RESTRICT", **common)
    if kind == "survey":
        return peewee.ForeignKeyField(Survey, null=True, on_delete="RESTRICT", **common)
    return JSONField(null=True, **common)  # table, data


def _vocabulary(decl: dict, step_schema) -> dict:
    """The field vocabulary entry of a column (both labels, unit, widget, choices, what a JSON
    column holds)."""
    entry = {"label": decl["label"], "label_en": decl["label_en"]}
    if decl["help"]:
        entry["help"] = Bilingual(decl["help"], decl["help_en"] or decl["help"])
    if decl["visibility"] != "enterprise":
        entry["visibility"] = decl["visibility"]
    kind = decl["type"]
    if kind == "money":
        entry.update(unit=decl["unit"], widget="money")
    elif decl["unit"]:
        entry["unit"] = decl["unit"]
    if kind in ("choice", "multichoice"):
        entry["choices"] = [tuple(c) for c in decl["choices"]]
    if kind == "scale":
        entry["widget"] = "scale"
    if kind == "table":
        from .forms import build_schema

        entry["schema"] = build_schema(decl["columns"], "", f"Register{_camel(decl['key'])}Columns")
    if kind == "data":
        if decl["summary"] == "survey_report":
            entry.update(survey_kit.REPORT_COLUMN)
        elif step_schema is not None:
            entry["schema"] = step_schema(decl["step"])
    return entry


def build_models(service: str, title: tuple[str, str], registers: list[dict], step_schema) -> dict:
    """``{register key: model class}``; ``step_schema(step_key)`` gives the latest schema of a
    step (what a ``data`` column holds)."""
    models: dict[str, type] = {}
    for reg in registers:
        attrs: dict = {"__module__": __name__}
        parent = models.get(reg["parent"]) if reg["parent"] else None
        if parent is not None:
            # named after the parent register (an expert's ``project``); nullable, so it can be added
            # to a table that already has rows
            attrs[reg["parent"]] = peewee.ForeignKeyField(parent, backref=reg["plural"], null=True, on_delete="CASCADE",
                                                          verbose_name=Bilingual(parent.verbose_name.zh,
                                                                                 parent.verbose_name.en))
            attrs["scope_path"] = (reg["parent"],) + tuple(getattr(parent, "scope_path", None) or _own_scope(parent))
        elif reg["scope"] == "request":
            attrs["request"] = peewee.ForeignKeyField(ServiceRequest, unique=reg["per_request"], on_delete="RESTRICT",
                                                      index=True, verbose_name=Bilingual("服务请求", "Request"))
        elif reg["scope"] == "enterprise":
            attrs["enterprise"] = peewee.ForeignKeyField(Enterprise, null=True, on_delete="RESTRICT",
                                                         verbose_name=Bilingual("企业", "Enterprise"))
        for decl in reg["fields"]:
            attrs[decl["key"]] = _column(decl)
        attrs["created_at"] = peewee.DateTimeField(default=utcnow, verbose_name=Bilingual("创建时间", "Created at"))
        attrs["updated_at"] = peewee.DateTimeField(default=utcnow, verbose_name=Bilingual("更新时间", "Updated at"))
        attrs["verbose_name"] = Bilingual(reg["title"], reg["title_en"])
        decls = list(reg["fields"])
        attrs["vocabulary"] = vocab.LazyVocabulary(lambda decls=decls: {d["key"]: _vocabulary(d, step_schema) for d in decls})
        attrs["declared_register"] = reg
        attrs["Meta"] = type("Meta", (), {"table_name": f"{service}_{reg['key']}"})
        attrs["__str__"] = _describe_row
        attrs["save"] = _save_stamped
        models[reg["key"]] = type(f"{_camel(service)}{_camel(reg['key'])}", (AuditedModel,), attrs)
    return models


def _save_stamped(row, *args, **kwargs):
    """Every write stamps ``updated_at`` (the admin's edits as much as the effects')."""
    row.updated_at = utcnow()
    return AuditedModel.save(row, *args, **kwargs)


def _own_scope(model) -> tuple[str, ...]:
    fields = model._meta.fields
    if "request" in fields:
        return ("request",)
    if "enterprise" in fields:
        return ("enterprise",)
    return ()


def _describe_row(row) -> str:
    """A row as a person names it: its first text field, else its request's title, else 'register #id'."""
    for decl in row.declared_register["fields"]:
        if decl["type"] in ("text", "textarea") and getattr(row, decl["key"], ""):
            return str(getattr(row, decl["key"]))
    if "request" in row._meta.fields and row.request_id:
        return row.request.title
    return f"{row.verbose_name} #{row.id}"


def sync(models: list[type]) -> list[str]:
    """Create the missing tables and add the missing columns of ``models`` (``db upgrade``);
    returns what was done and what was kept, one line each. Never drops a table or a column."""
    done: list[str] = []
    db = database.obj
    migrator = SchemaMigrator.from_database(db)
    with db.atomic():
        for model in models:
            table = model._meta.table_name
            if not db.table_exists(table):
                db.create_tables([model])
                done.append(f"created table {table}")
                continue
            present = {c.name: c for c in db.get_columns(table)}
            declared = {f.column_name: f for f in model._meta.sorted_fields}
            for column, field in declared.items():
                if column not in present:
                    migrate(migrator.add_column(table, column, field))
                    done.append(f"added column {table}.{column}")
            for column in sorted(set(present) - set(declared)):
                if not present[column].null and not present[column].primary_key:
                    # nobody writes it any more: let new rows leave it empty
                    migrate(migrator.drop_not_null(table, column))
                done.append(f"kept column {table}.{column}: no longer declared, its data is kept")
    return done


def missing(models: list[type]) -> list[str]:
    """The tables and columns ``models`` need that the database lacks (what ``db upgrade`` adds)."""
    db = database.obj
    out = []
    for model in models:
        table = model._meta.table_name
        if not db.table_exists(table):
            out.append(f"table {table}")
            continue
        present = {c.name for c in db.get_columns(table)}
        out += [f"column {table}.{f.column_name}" for f in model._meta.sorted_fields if f.column_name not in present]
    return out
