"""HTML inputs generated from the field vocabulary, and the posted form read back (issue 9 §1).

Shared by the staff request page (admin) and the portal (apply, act on a request): both build their
step and intake forms from :func:`html_fields` and the macros of ``core/templates/_fieldwidgets.html``,
read the post with :func:`parse_step_data` and show marshmallow's messages next to their inputs with
:func:`flatten_errors`. Every input follows :func:`core.vocabulary.describe_schema`: text, textarea,
integer, number, money (a number with its unit beside it), date, datetime, choice (a select of
labels), multichoice (checkboxes), scale (radio buttons), boolean (a checkbox), file (an upload for
an attachment) and table (rows with add/remove). No step or intake input is ever a JSON textarea.

Input naming contract (other surfaces and browser tests rely on it):

* a scalar field: ``data.<field>``; a multi-choice: ``data.<field>`` repeated, one per checked box;
* a table of rows: ``data.<field>.<row index>.<column>`` (rows are read in index order, fully blank
  rows dropped, so the indexes need not be contiguous);
* one nested object (a group): ``data.<field>.<sub-field>``; free "name: value" pairs (a dict the
  schema does not describe): ``data.<field>.<row index>.key`` / ``.value``;
* a file: ``data.<field>`` — the id of an attachment chosen from a list, or an uploaded file.

:func:`flatten_errors` keys messages by the input's name *without* the ``data.`` prefix
(``"<field>"``, ``"<field>.<row>.<column>"``), the same dict that holds a page's own fields
(``reason``, ``target``, ``title``); the macros put each message next to its input with
``data-error-for="data.<field>.<row>.<column>"``.
"""
from __future__ import annotations

import datetime
import decimal
import re
from flask_babel import get_locale

from rongtong.core.vocabulary import FieldSpec, describe_schema, format_number
from rongtong.core.errors import RongtongError

PREFIX = "data."
TRUE_VALUES = ("on", "true", "1", "yes")
MAX_ROWS = 500  # rows read back from one table input
ROW_INDEX_RE = re.compile(r"^\d{1,4}$")
SCALE_DEFAULT_MAX = 5

#: vocabulary widget -> the kind of input the macros draw
INPUTS = {"text": "text", "textarea": "textarea", "integer": "number", "number": "number", "money": "number",
          "date": "date", "datetime": "datetime-local", "choice": "select", "multichoice": "checkboxes",
          "scale": "radio", "boolean": "checkbox", "file": "file", "table": "table"}
PAIR_COLUMNS = (FieldSpec("key", label="名称", label_en="Name", required=True, widget="text"),
                FieldSpec("value", label="内容", label_en="Value", widget="text"))


def _lang() -> str:
    try:
        locale = get_locale()
    except (RuntimeError, KeyError):
        locale = None
    return "en" if locale is not None and locale.language == "en" else "zh_Hans_CN"


def _is_posted(values) -> bool:
    """True when ``values`` is a posted form (re-rendered after an error) rather than nothing."""
    if not values:
        return False
    return hasattr(values, "getlist") or any(str(k).startswith(PREFIX) for k in values)


def _getlist(values, key) -> list[str]:
    if hasattr(values, "getlist"):
        return [v for v in values.getlist(key)]
    value = values.get(key)
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


# --- Initial values as form text -------------------------------------------------------------------------

def _as_text(spec: FieldSpec, value) -> str:
    """A stored value as the text its input shows (numbers without separators or exponent)."""
    if value is None:
        return ""
    if spec.many and isinstance(value, (list, tuple)):
        return "\n".join(_as_text(FieldSpec(spec.name, widget="text"), v) for v in value)
    if isinstance(value, bool):
        return "on" if value else ""
    if spec.widget == "datetime":
        if isinstance(value, datetime.datetime):
            return value.strftime("%Y-%m-%dT%H:%M")
        return str(value)[:16]
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, (int, float, decimal.Decimal)):
        return format_number(value).replace(",", "")
    return str(value)


# --- The inputs -----------------------------------------------------------------------------------------

class FormField(dict):
    """One input (or group of inputs) of a generated form. A dict — ``name``, ``key`` (the input's
    name), ``path`` (its key in the error dict), ``label``, ``widget``, ``input``, ``required``,
    ``choices`` (``[(value, label)]``), ``unit``, ``help``, ``min``, ``max``, ``step``, ``columns``
    (a table's row fields), ``children`` (a group's sub-fields), ``value`` (the initial value),
    ``spec`` — plus the helpers the macros call to show the posted or the initial value."""

    # scalar inputs ------------------------------------------------------------------------------------
    def text(self, values) -> str:
        if _is_posted(values):
            found = _getlist(values, self["key"])
            return next((v for v in found if v), found[0] if found else "")
        return _as_text(self["spec"], self["value"])

    def checked(self, values) -> bool:
        if _is_posted(values):
            return values.get(self["key"]) in TRUE_VALUES
        return bool(self["value"])

    def selected(self, values) -> list[str]:
        if _is_posted(values):
            return [str(v) for v in _getlist(values, self["key"])]
        value = self["value"]
        if value is None or value == "":
            return []
        return [str(v) for v in value] if isinstance(value, (list, tuple, set)) else [str(value)]

    # tables ----------------------------------------------------------------------------------------------
    def rows(self, values) -> list[dict]:
        """The rows to draw: the posted non-blank rows (numbered as :func:`parse_step_data` sent
        them, so an error about row 2 lands on row 2) or the initial rows, then one blank row."""
        columns = self["columns"]
        if _is_posted(values):
            rows = [{c["name"]: _cell_text(c, values, f"{self['key']}.{i}.{c['name']}") for c in columns}
                    for i in _posted_row_indexes(values, self)]
        else:
            value = self["value"]
            if isinstance(value, dict) and self["pairs"]:
                value = [{"key": k, "value": v} for k, v in value.items()]
            rows = []
            for row in value if isinstance(value, list) else []:
                if isinstance(row, dict):
                    rows.append({c["name"]: (_as_list(row.get(c["name"])) if c["widget"] == "multichoice"
                                             else bool(row.get(c["name"])) if c["widget"] == "boolean"
                                             else _as_text(c["spec"], row.get(c["name"]))) for c in columns})
        rows.append({c["name"]: ([] if c["widget"] == "multichoice" else False if c["widget"] == "boolean" else "")
                     for c in columns})
        return rows

    def cell_key(self, index, column) -> str:
        return f"{self['key']}.{index}.{column['name']}"

    # errors ----------------------------------------------------------------------------------------------
    def field_errors(self, errors) -> list[str]:
        """Messages about the field as a whole (and, for a list typed one item per line or a set of
        checkboxes, about one item: "第 2 项: ...")."""
        if not errors:
            return []
        path = self["path"]
        out = list(errors.get(path, []))
        if self["input"] != "table" and self["many"]:
            for key in sorted(k for k in errors if k.startswith(path + ".") and k[len(path) + 1:].isdigit()):
                out += [f"{int(key[len(path) + 1:]) + 1}: {m}" for m in errors[key]]
        return out

    def row_errors(self, errors, index) -> list[str]:
        return list((errors or {}).get(f"{self['path']}.{index}", []))

    def cell_errors(self, errors, index, column) -> list[str]:
        return list((errors or {}).get(f"{self['path']}.{index}.{column['name']}", []))


def _as_list(value) -> list[str]:
    if value is None or value == "":
        return []
    return [str(v) for v in value] if isinstance(value, (list, tuple, set)) else [str(value)]


def _cell_text(column, values, key):
    if column["widget"] == "multichoice":
        return [str(v) for v in _getlist(values, key)]
    if column["widget"] == "boolean":
        return values.get(key) in TRUE_VALUES
    found = _getlist(values, key)
    return found[0] if found else ""


def _form_field(spec: FieldSpec, key: str, path: str, value, lang: str, attachments=()) -> FormField:
    widget = spec.widget if spec.widget in INPUTS else "text"
    choices = [(str(c.key), c.title(lang)) for c in spec.choices]
    if widget == "scale" and not choices:
        low = int(spec.minimum) if spec.minimum is not None else 1
        high = int(spec.maximum) if spec.maximum is not None else SCALE_DEFAULT_MAX
        choices = [(str(n), str(n)) for n in range(low, high + 1)]
    if widget == "file":
        choices = [(str(a_id), str(label)) for a_id, label in attachments]
    step = "1" if widget in ("integer", "scale") else "any" if widget in ("number", "money") else None
    field = FormField(name=spec.name, key=key, path=path, label=spec.title(lang), widget=widget,
                      input=INPUTS[widget], required=spec.required, help=str(spec.help or ""), unit=spec.unit,
                      min=spec.minimum, max=spec.maximum, step=step, choices=choices, many=spec.many,
                      item=spec.item, value=value, spec=spec, columns=[], children=[], pairs=False, group=False)
    if widget == "table":
        if spec.columns and not spec.many:  # one nested object: its sub-fields, as a group
            sub = value if isinstance(value, dict) else {}
            field["group"] = True
            field["children"] = [_form_field(c, f"{key}.{c.name}", f"{path}.{c.name}", sub.get(c.name), lang, attachments)
                                 for c in spec.columns]
        else:
            columns = spec.columns or PAIR_COLUMNS
            field["pairs"] = not spec.columns
            field["columns"] = [_form_field(c, "", c.name, None, lang, attachments) for c in columns
                                if c.widget != "table"]  # a table is not drawn inside a table's cell
    return field


def html_fields(schema_cls, values=None, attachments=None) -> list[FormField]:
    """The inputs of a schema's loadable fields, in declaration order, starting from ``values``
    (schema-shaped data already known, e.g. what the enterprise filed). ``attachments``:
    ``[(id, label)]`` a file input offers to choose from."""
    if schema_cls is None:
        return []
    lang = _lang()
    values = values or {}
    return [_form_field(spec, PREFIX + spec.name, spec.name, values.get(spec.name, spec.default), lang, attachments or ())
            for spec in describe_schema(schema_cls)]


# --- The post read back ---------------------------------------------------------------------------------

def _number(raw: str, kind: str | None):
    """A number input's text as a number when it reads as one (strict schemas refuse text);
    otherwise the text itself, so the schema reports the problem on the field."""
    text = raw.replace(",", "").replace("，", "").strip() if isinstance(raw, str) else raw
    try:
        if kind == "int":
            return int(text)
        if kind == "float":
            number = float(text)
            return int(number) if number.is_integer() and "." not in text and "e" not in text.lower() else number
    except (TypeError, ValueError):
        pass
    return raw


def _choice_key(field: FormField, raw: str):
    """The choice's own key (an int stays an int) for the posted text."""
    for choice in field["spec"].choices:
        if str(choice.key) == raw:
            return choice.key
    if field["widget"] == "scale":
        return _number(raw, "int")
    return raw


def _posted_row_indexes(form, field: FormField) -> list[int]:
    """The row indexes posted for a table, in order, without the fully blank rows."""
    prefix = field["key"] + "."
    indexes = set()
    for name in form.keys():
        if name.startswith(prefix):
            head = name[len(prefix):].split(".", 1)[0]
            if ROW_INDEX_RE.match(head):
                indexes.add(int(head))
    out = []
    for i in sorted(indexes):
        present, _value = _read_row(form, field, i)
        if present:
            out.append(i)
        if len(out) >= MAX_ROWS:
            break
    return out


def _read_row(form, field: FormField, index: int) -> tuple[bool, dict]:
    row, errors = {}, {}
    for column in field["columns"]:
        present, value = _read(form, column, f"{field['key']}.{index}.{column['name']}", errors)
        if present and not (column["widget"] == "boolean" and value is False):
            row[column["name"]] = value
    return bool(row), row


def _read(form, field: FormField, key: str, errors: dict, files=None, store=None) -> tuple[bool, object]:
    """``(present, value)`` of one input named ``key``."""
    widget = field["widget"]
    if widget == "boolean":
        return True, form.get(key) in TRUE_VALUES
    if widget == "multichoice":
        picked = [_choice_key(field, v) for v in _getlist(form, key) if v]
        return bool(picked), picked
    if widget == "table":
        if field["group"]:
            sub = {}
            for child in field["children"]:
                present, value = _read(form, child, child["key"], errors, files, store)
                if present and not (child["widget"] == "boolean" and value is False):
                    sub[child["name"]] = value
            return bool(sub), sub
        rows = [_read_row(form, field, i)[1] for i in _posted_row_indexes(form, field)]
        if field["pairs"]:
            pairs = {str(r.get("key", "")): r.get("value", "") for r in rows}
            return bool(pairs), ([pairs] if field["many"] else pairs)
        return bool(rows), rows
    if widget == "file":
        upload = files.get(key) if files is not None else None
        if upload is not None and getattr(upload, "filename", "") and store is not None:
            try:
                return True, store(upload).id
            except RongtongError as exc:
                errors[field["path"]] = list((exc.fields or {}).get("file", [])) or [exc.message]
                return False, None
        chosen = next((v.strip() for v in _getlist(form, key) if (v or "").strip().isdigit()), "")
        return (True, int(chosen)) if chosen else (False, None)
    raw = next((v for v in _getlist(form, key) if v is not None), "")
    raw = raw.strip() if isinstance(raw, str) else raw
    if raw == "":
        return False, None
    if field["many"]:  # one item per line
        kind = field["item"] if field["item"] in ("int", "float") else None
        return True, [_number(line.strip(), kind) for line in raw.splitlines() if line.strip()]
    if widget in ("integer", "scale"):
        return True, _choice_key(field, raw) if field["choices"] and widget == "scale" else _number(raw, "int")
    if widget in ("number", "money"):
        return True, _number(raw, "float")
    if widget == "choice":
        return True, _choice_key(field, raw)
    return True, raw


def parse_step_data(form, specs, files=None, store=None) -> tuple[dict, dict]:
    """The step (or intake) data posted by the inputs of ``specs``, in the schema's shape: blank
    inputs left out (so marshmallow reports missing required fields), numbers as numbers, a
    checkbox always true or false, a table's rows in index order without the fully blank ones.
    Returns ``(data, errors)``; errors are only for inputs that cannot even be read (a refused
    upload). ``files`` + ``store(upload) -> Attachment`` save an uploaded file for a file field
    (the caller runs it in the transaction of the step)."""
    data, errors = {}, {}
    for field in specs:
        present, value = _read(form, field, field["key"], errors, files, store)
        if present:
            data[field["name"]] = value
    return data, errors


def flatten_errors(messages) -> dict[str, list[str]]:
    """marshmallow's nested messages as ``{input path: [messages]}``: ``"<field>"``,
    ``"<field>.<row>.<column>"``, ``"<field>.<sub-field>"`` (the input's name without ``data.``).
    A nested schema-level message (``_schema``) belongs to its parent (the row or the group)."""
    out: dict[str, list[str]] = {}

    def walk(path, value):
        if isinstance(value, dict):
            for k, v in value.items():
                walk(path + [str(k)], v)
        elif isinstance(value, (list, tuple)):
            for v in value:
                walk(path, v)
        else:
            parts = [p for p in path if p != "_schema"] if len(path) > 1 else path
            out.setdefault(".".join(parts) or "_schema", []).append(str(value))

    walk([], messages)
    return out
