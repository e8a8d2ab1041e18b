"""A faster ``schema.dump`` for the API's hot read paths (issue 3 §5: the read API must stay close
to a bare Flask + peewee endpoint).

marshmallow's ``dump`` spends most of its time in per-field bookkeeping (accessors, hooks,
``serialize`` wrappers). :func:`compile_dumper` walks a schema once and returns a function that
reads each attribute and calls each field's own ``_serialize`` — so values come out exactly as
marshmallow would write them — skipping the bookkeeping. Schemas using features it does not
reproduce (hooks, ``dump_default``, dotted attributes, ``only``/``exclude`` of nested fields,
custom accessors) get ``None`` and callers fall back to ``schema.dump``. A test checks both give
identical output for every core response schema.
"""
from __future__ import annotations

import datetime
import functools
from collections.abc import Callable

from flask.json.provider import DefaultJSONProvider
from marshmallow import Schema, fields
from marshmallow.decorators import POST_DUMP, PRE_DUMP
from marshmallow.utils import missing

_MISSING = missing
MAX_NESTED_SCHEMAS = 200  # a schema nesting itself stops here


def _has_hooks(schema: Schema) -> bool:
    """pre_dump / post_dump hooks change the output: those schemas keep marshmallow's dump."""
    hooks = getattr(schema, "_hooks", {})
    return any(hooks.get(tag) for tag in (PRE_DUMP, POST_DUMP))


def _aware(serialize, value, attr, obj, **kwargs):
    if isinstance(value, datetime.datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=datetime.timezone.utc)
    return serialize(value, attr, obj, **kwargs)


def with_offsets(schema: Schema, seen=None) -> Schema:
    """Make every date-time field of ``schema`` (nested ones too) write a naive value — every
    stored timestamp is naive UTC — as ISO 8601 with its offset (``...+00:00``), issue 9 §1: the
    API gives times with their offset. Changes the schema instance in place; returns it."""
    seen = set() if seen is None else seen
    if id(schema) in seen or len(seen) > MAX_NESTED_SCHEMAS:
        return schema
    seen.add(id(schema))
    for field in list(schema.fields.values()) + list(schema.dump_fields.values()):
        _field_with_offsets(field, seen)
    return schema


def _field_with_offsets(field, seen) -> None:
    if isinstance(field, fields.DateTime) and not isinstance(field, fields.NaiveDateTime):
        if not getattr(field, "_rt_offsets", False):
            field._serialize = functools.partial(_aware, field._serialize)
            field._rt_offsets = True
    elif isinstance(field, fields.Nested):
        with_offsets(field.schema, seen)
    elif isinstance(field, fields.List):
        _field_with_offsets(field.inner, seen)
    elif isinstance(field, fields.Dict) and field.value_field is not None:
        _field_with_offsets(field.value_field, seen)


def compile_dumper(schema: Schema) -> Callable | None:
    """A function ``dump(obj) -> dict`` equivalent to ``schema.dump(obj)`` (with ``many`` handled
    as the schema says), or None when the schema needs marshmallow's full machinery. Either way the
    schema's date-times are written with their offset (:func:`with_offsets`)."""
    with_offsets(schema)
    one = _compile_one(schema)
    if one is None:
        return None
    if schema.many:
        return lambda objs: [one(o) for o in objs]
    return one


def _compile_one(schema: Schema):
    if _has_hooks(schema) or type(schema).get_attribute is not Schema.get_attribute:
        return None
    plan = []
    for name, field in schema.dump_fields.items():
        if field.dump_default is not _MISSING:
            return None
        attr = field.attribute or name
        if "." in attr:
            return None
        serialize = _field_serializer(field)
        if serialize is None:
            return None
        plan.append((field.data_key or name, attr, serialize, isinstance(field, fields.Function)))

    def dump(obj):
        out = {}
        is_dict = isinstance(obj, dict)
        for key, attr, serialize, is_function in plan:
            if is_function:
                out[key] = serialize(None, obj)
                continue
            value = obj.get(attr, _MISSING) if is_dict else getattr(obj, attr, _MISSING)
            if value is _MISSING:
                continue
            out[key] = serialize(value, obj)
        return out

    return dump


def _field_serializer(field):
    """``serialize(value, obj)`` for one field, or None if unsupported."""
    if isinstance(field, fields.Nested):
        nested = field.schema
        if field.only or field.exclude:
            return None
        inner = _compile_one(nested)
        if inner is None:
            return None
        if field.many or nested.many:
            return lambda value, obj: None if value is None else [inner(v) for v in value]
        return lambda value, obj: None if value is None else inner(value)
    if isinstance(field, fields.List):
        inner_field = field.inner
        if isinstance(inner_field, fields.Nested):
            inner = _field_serializer(inner_field)
            if inner is None:
                return None
            return lambda value, obj: None if value is None else [inner(v, obj) for v in value]
        inner_serialize = inner_field._serialize
        if type(inner_field) is fields.String:
            return lambda value, obj: None if value is None else [
                v if type(v) is str else inner_serialize(v, None, obj) for v in value]
        return lambda value, obj: None if value is None else [inner_serialize(v, None, obj) for v in value]
    if isinstance(field, fields.Function):
        func = field.serialize_func
        if func is None:
            return None
        return lambda value, obj: func(obj)
    if isinstance(field, fields.Method):
        return None
    serialize = field._serialize
    if type(field) is fields.String:
        return lambda value, obj: value if type(value) is str else serialize(value, None, obj)
    if type(field) is fields.Integer and not field.as_string:
        return lambda value, obj: value if type(value) is int else serialize(value, None, obj)
    return lambda value, obj: serialize(value, None, obj)


class IsoJSONProvider(DefaultJSONProvider):
    """JSON for a view that returns date-times itself (no response schema): ISO 8601 with the
    offset (a naive value is UTC, as every stored timestamp is), dates as ``YYYY-MM-DD`` — not
    Flask's default e-mail date format."""

    @staticmethod
    def default(o):
        if isinstance(o, datetime.datetime):
            return (o if o.tzinfo is not None else o.replace(tzinfo=datetime.timezone.utc)).isoformat()
        if isinstance(o, datetime.date):
            return o.isoformat()
        return DefaultJSONProvider.default(o)
