"""Field types shared by the core and plugins."""
from __future__ import annotations

import datetime
import decimal
import json

import peewee
from marshmallow import fields as mfields


def json_default(value):
    """Serialise the values peewee hands back (dates, decimals, UUIDs) for JSON."""
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    return str(value)


def dumps(value) -> str:
    """Canonical JSON: sorted keys, no whitespace, UTF-8 text kept as is."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=json_default)


class JSONField(peewee.TextField):
    """JSON kept as text, portable between SQLite and PostgreSQL."""

    def db_value(self, value):
        if value is None:
            return None
        return dumps(value)

    def python_value(self, value):
        if value is None or value == "":
            return None
        if isinstance(value, (dict, list)):
            return value
        return json.loads(value)


class ListField(peewee.CharField):
    """A short list of identifiers stored comma-separated (e.g. a user's roles)."""

    def db_value(self, value):
        if value is None:
            return ""
        if isinstance(value, str):
            value = [v for v in value.split(",")]
        return ",".join(sorted({v.strip() for v in value if v and v.strip()}))

    def python_value(self, value):
        if not value:
            return []
        return [v for v in value.split(",") if v]


def iso_utc(value):
    """A stored (naive UTC) timestamp as ISO 8601 with its offset, ``2026-12-03T06:00:00+00:00``
    (issue 9 §1: the API gives times with the offset). Dates and None pass through."""
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=datetime.timezone.utc)
        return value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


class UtcDateTime(mfields.DateTime):
    """A marshmallow date-time for stored timestamps: they are naive UTC, and the API says so
    (``...+00:00``). Loading is a plain DateTime."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        if isinstance(value, datetime.datetime) and value.tzinfo is None:
            value = value.replace(tzinfo=datetime.timezone.utc)
        return super()._serialize(value, attr, obj, **kwargs)
