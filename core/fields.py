"""Field types shared by the core and plugins."""
from __future__ import annotations

import datetime
import decimal
import json

import peewee


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
