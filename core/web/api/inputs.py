"""Reading API input: the JSON body and the query string, through marshmallow schemas.

Nothing reaches a schema unchecked: the body must be a JSON object (strict JSON: no NaN or
Infinity), text may not hold NUL characters or lone surrogates (neither SQLite nor PostgreSQL can
store them), and very deep nesting is refused. Unknown fields are refused by the schemas
(``unknown = RAISE``), so a client cannot set ``status``, ``enterprise`` or ``version`` by
sending them (mass assignment).
"""
from __future__ import annotations

import json

from flask import request
from marshmallow import ValidationError

from rongtong.core.errors import ValidationFailed
from rongtong.core.i18n import gettext as _
from rongtong.core.web.api.errors import Malformed
from rongtong.core.web.api.messages import translate_messages

MAX_DEPTH = 32
IGNORED_QUERY_ARGS = frozenset({"lang"})  # the UI language switch works on every page


def _no_constants(name):
    raise ValueError(f"{name} is not valid JSON")


def _bad_text(value: str) -> bool:
    if "\x00" in value:
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def check_text(value, path="", depth=0) -> None:
    """Refuse NUL characters, lone surrogates and excessive nesting anywhere in ``value``."""
    if depth > MAX_DEPTH:
        raise Malformed(_("The JSON body is nested too deeply."))
    if isinstance(value, str):
        if _bad_text(value):
            raise ValidationFailed(_("The data is invalid."), {path or "_schema": [_("Text contains characters that are not allowed.")]})
    elif isinstance(value, dict):
        for key, item in value.items():
            if _bad_text(key):
                raise Malformed(_("A field name contains characters that are not allowed."))
            check_text(item, f"{path}.{key}" if path else key, depth + 1)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            check_text(item, f"{path}.{i}" if path else str(i), depth + 1)


def json_body() -> dict:
    """The request body as a dict, or 400."""
    if not request.is_json:
        raise Malformed(_("Send a JSON object with the header Content-Type: application/json."))
    raw = request.get_data(cache=True)
    try:
        data = json.loads(raw, parse_constant=_no_constants)
    except (ValueError, RecursionError, UnicodeDecodeError):
        raise Malformed(_("The request body is not valid JSON."))
    if not isinstance(data, dict):
        raise Malformed(_("The request body must be a JSON object."))
    check_text(data)
    return data


def load(schema, data, partial=False):
    """Validate ``data`` with ``schema`` or raise ValidationFailed (422) with translated fields."""
    try:
        return schema.load(data, partial=partial)
    except ValidationError as exc:
        messages = exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}
        raise ValidationFailed(_("The data is invalid."), translate_messages(messages))


def load_body(schema, partial=False):
    """The JSON body validated by ``schema`` (``partial``: required fields may be left out, for PATCH)."""
    return load(schema, json_body(), partial=partial)


FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


def load_form(schema):
    """A multipart form (fields and files) validated by ``schema``: each form field once, each
    file under its field name (werkzeug ``FileStorage``)."""
    if request.mimetype not in FORM_TYPES:
        raise Malformed(_("Send the file as multipart/form-data."))
    data = {}
    for source in (request.form, request.files):
        for key in source:
            values = source.getlist(key)
            if len(values) != 1 or key in data:
                raise ValidationFailed(_("The data is invalid."), {key: [_("Give this field once.")]})
            data[key] = values[0]
    check_text({k: v for k, v in data.items() if isinstance(v, str)})
    return load(schema, data)


def load_json_or_form(schema):
    """A JSON object, or a multipart form whose text fields come once each and whose files come
    as lists under their field names (``file`` may be repeated: several files at once)."""
    if request.mimetype not in FORM_TYPES:
        return load_body(schema)
    data = {}
    for key in request.form:
        values = request.form.getlist(key)
        if len(values) != 1:
            raise ValidationFailed(_("The data is invalid."), {key: [_("Give this field once.")]})
        data[key] = values[0]
    check_text(data)
    for key in request.files:
        if key in data:
            raise ValidationFailed(_("The data is invalid."), {key: [_("Give this field once.")]})
        data[key] = request.files.getlist(key)
    return load(schema, data)


def load_query(schema):
    """Validate the query string (repeated keys are refused; ``lang`` is left to the UI)."""
    data = {}
    for key in request.args:
        if key in IGNORED_QUERY_ARGS:
            continue
        values = request.args.getlist(key)
        if len(values) != 1:
            raise ValidationFailed(_("The data is invalid."), {key: [_("Give this parameter once.")]})
        data[key] = values[0]
    check_text(data)
    return load(schema, data)
