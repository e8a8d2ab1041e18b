"""Every field of the built-in plugins carries what the field vocabulary needs (issue 9 §1), so no
surface — admin, portal, API, notifications — shows a raw key, a bare JSON box or an amount
without its unit.

Walks every registered workflow (every version) of a platform with all built-in plugins enabled:
each intake and step field (and each column of a table of rows) has a Chinese label and an English
one, every choice a label, no input is a raw dict, money states its unit. Then every model column
of the plugins: a column that stores keys (a status, kind, channel... or a short indexed code) has
choices with labels, a decimal column states its unit, booleans and JSON columns have names.
Labels are rendered in the site's language (zh_Hans_CN) through the plugins' catalogs.
"""
from __future__ import annotations

import re

import peewee
import pytest
from marshmallow import fields as mf
from marshmallow import validate as mv

from rongtong.core.fields import JSONField, ListField
from rongtong.core.i18n import site_language
from rongtong.core.setup import BUILTIN_PLUGINS
from rongtong.core.vocabulary import VISIBILITIES, WIDGETS, of_marshmallow, of_peewee

CHINESE = re.compile(r"[\u3400-\u9fff]")
#: Words of a column name that say the column stores keys (``source_kind``, ``staff_grade``...).
KEY_WORDS = {"status", "kind", "type", "mode", "method", "methods", "channel", "channels", "level", "stage",
             "stages", "role", "grade", "verdict", "classification", "scale", "scales", "capabilities",
             "criteria"}
#: Columns holding keys of the registry (a service or a step of a workflow): there is no fixed list
#: of choices, the surfaces show the catalog's titles for them.
REGISTRY_KEYS = {("SlaEvent", "service_key"), ("SlaEvent", "step"), ("Evaluation", "scope_service")}


@pytest.fixture
def platform(make_platform):
    return make_platform(plugins=BUILTIN_PLUGINS, migrate=False)


def chinese(text) -> bool:
    return bool(text) and bool(CHINESE.search(str(text)))


def _raw_input(field) -> bool:
    """A dict typed as JSON: ``Dict``, ``Raw`` or a list of them."""
    inner = getattr(field, "inner", None)
    return isinstance(field, (mf.Dict, mf.Raw)) or isinstance(inner, (mf.Dict, mf.Raw))


def _nested_schema(field):
    nested = field.inner if isinstance(getattr(field, "inner", None), mf.Nested) else field
    if isinstance(nested, mf.Nested):
        return nested.nested if isinstance(nested.nested, type) else type(nested.schema)
    return None


def _has_choice_validator(field) -> bool:
    validators = list(field.validators) + list(getattr(getattr(field, "inner", None), "validators", []))
    return any(isinstance(v, (mv.OneOf, mv.ContainsOnly)) for v in validators)


def schema_problems(schema_cls, path: str = "") -> list[str]:
    """What the vocabulary misses on the loadable fields of ``schema_cls`` (and its row tables)."""
    problems = []
    for name, field in schema_cls().fields.items():
        if field.dump_only:
            continue
        where = f"{path}{name}"
        spec = of_marshmallow(name, field)
        if not chinese(spec.label):
            problems.append(f"field {where}: no Chinese label (metadata label)")
        if not spec.label_en:
            problems.append(f"field {where}: no English label (metadata label_en)")
        if spec.widget not in WIDGETS:
            problems.append(f"field {where}: unknown widget {spec.widget!r}")
        if spec.visibility not in VISIBILITIES:
            problems.append(f"field {where}: unknown visibility {spec.visibility!r}")
        if _raw_input(field) or (spec.widget == "table" and not spec.columns):
            problems.append(f"field {where}: a raw dict typed as JSON; declare its rows (List(Nested(RowSchema)))")
        if _has_choice_validator(field) and not spec.choices:
            problems.append(f"field {where}: choices without labels")
        for choice in spec.choices:
            if choice.key not in ("", None) and (not chinese(choice.label) or str(choice.label) == str(choice.key)):
                problems.append(f"field {where}: choice {choice.key!r} has no Chinese label ({str(choice.label)!r})")
        if (spec.widget == "money" or isinstance(field, mf.Decimal)) and not spec.unit:
            problems.append(f"field {where}: an amount without its unit (metadata unit, e.g. 万元 or 元)")
        nested = _nested_schema(field)
        if nested is not None:
            problems += schema_problems(nested, f"{where}.")
    return problems


def test_every_step_and_intake_field_of_every_workflow_is_described(platform):
    """DB1302 5.4.1, 6.4: what a step asks and records reads the same on every surface."""
    registry = platform.registry
    problems = []
    with site_language(platform):
        for (key, version), workflow in sorted(registry.workflow_versions.items()):
            owner = registry.workflow_owner[key]
            parts = [("intake", workflow.intake_schema)] + [(f"step {s.key}", s.schema) for s in workflow.steps]
            for where, schema in parts:
                if schema is None:
                    continue
                problems += [f"{owner}: workflow {key} v{version}, {where}: {p}" for p in schema_problems(schema)]
    owners = {registry.workflow_owner[key] for key, _version in registry.workflow_versions}
    assert owners >= set(BUILTIN_PLUGINS) - {"governance"}  # governance declares registers only
    assert not problems, "\n".join(problems)


def column_problems(model, name: str, field) -> list[str]:
    spec = of_peewee(model, name)
    problems = []
    tokens = set(name.split("_"))
    stores_keys = isinstance(field, peewee.CharField) and not isinstance(field, peewee.ForeignKeyField) and (
        tokens & KEY_WORDS or (field.index and not field.unique and (field.max_length or 255) <= 64))
    if stores_keys and (model.__name__, name) not in REGISTRY_KEYS and not spec.choices:
        problems.append("stores keys but has no choices= with labels")
    for choice in spec.choices:
        if choice.key not in ("", None) and not chinese(choice.label):
            problems.append(f"choice {choice.key!r} has no Chinese label ({str(choice.label)!r})")
    if isinstance(field, peewee.DecimalField) and not spec.unit:
        problems.append("a decimal without its unit (vocabulary = {column: {'unit': ...}})")
    if isinstance(field, (peewee.BooleanField, JSONField, ListField)) and not chinese(spec.label):
        problems.append("no Chinese verbose_name")
    return problems


def test_every_plugin_column_that_stores_keys_has_labelled_choices(platform):
    """The admin lists, filters and exports show 技术服务, 股权融资, 非常满意 — not technical,
    equity, very_satisfied."""
    registry = platform.registry
    problems = []
    with site_language(platform):
        for model in registry.models:
            owner = registry.owner_of(model)
            if owner not in BUILTIN_PLUGINS:
                continue
            for name, field in model._meta.fields.items():
                if name in getattr(model, "audit_exclude", ()):
                    continue  # secrets (token hashes) are never shown
                problems += [f"{owner}: model {model.__name__}, column {name}: {p}"
                             for p in column_problems(model, name, field)]
    assert not problems, "\n".join(problems)
