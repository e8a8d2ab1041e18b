"""The declared-service file format, checked (issue 11 §1–2): what a ``service.toml`` may say.

:func:`load_declaration` reads a file, validates it with the marshmallow schemas below (unknown keys
refused, types strict) and then with the cross-checks of :func:`_check` (roles exist, references
between steps, choices, defaults, time limits, registers), and returns a :class:`Declaration`: the
normalised data (choices expanded to ``[key, 中文, English]`` triples, defaults filled in) with the
line of every key, so a later check (effects, permissions; :mod:`.service`) can still name the
line. Every problem is a :class:`DeclarationError`, one line: ``file:line: key: problem``.

The format is documented in ``docs/declaring-services.md`` and by the commented template
``core/declared/template.toml`` (``rongtong service new``).
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import tomllib
from pathlib import Path

from marshmallow import INCLUDE, RAISE, Schema, ValidationError, validate, validates_schema
from marshmallow import fields as mf

from rongtong.core.config import StrictBool
from rongtong.core.errors import ConfigError
from rongtong.core.models import ROLE_KEYS
from rongtong.core.workflow import STEP_OUTCOMES

from .effects import FIELDSETS
from .locate import key_lines, line_of

KEY = re.compile(r"^[a-z][a-z0-9_]{0,29}$")
KEY_RULE = "lower-case letters, digits and _, starting with a letter (at most 30)"
#: The field vocabulary of step evidence and intake forms (core.vocabulary widgets, plus people).
STEP_FIELD_TYPES = ("text", "textarea", "lines", "integer", "money", "date", "choice", "multichoice", "scale",
                    "boolean", "file", "table", "user", "users", "survey")
#: What a register column may be: the vocabulary, a user, and structured step data.
REGISTER_FIELD_TYPES = ("text", "textarea", "integer", "money", "date", "choice", "multichoice", "scale",
                        "boolean", "table", "user", "survey", "data")
CHOICE_TYPES = ("choice", "multichoice")
MONEY_UNITS = ("万元", "元")
SCOPES = ("none", "enterprise", "request")
NOTIFY_TARGETS = ("enterprise", "assignee", "department")
RESERVED_FIELDS = ("id", "request", "enterprise", "parent", "created_at", "updated_at", "verbose_name", "vocabulary",
                   "scope_path", "declared_register")


class DeclarationError(ConfigError):
    """A declared service is wrong: ``file:line: key: problem`` (exit 2, the platform does not start)."""


class _Strict(Schema):
    class Meta:
        unknown = RAISE


_key = dict(required=True, validate=validate.Regexp(KEY, error=f"must be {KEY_RULE}"))
_text = dict(validate=validate.Length(max=2000))
_positive_days = dict(strict=True, validate=validate.Range(min=1, max=3650,
                                                           error="must be a positive whole number of working days"))


class FieldDecl(_Strict):
    key = mf.String(**_key)
    type = mf.String(required=True)
    label = mf.String(required=True, validate=validate.Length(min=1, max=200))
    label_en = mf.String(required=True, validate=validate.Length(min=1, max=200))
    help = mf.String(load_default="", **_text)
    help_en = mf.String(load_default="", **_text)
    required = StrictBool(load_default=False)
    default = mf.Raw(load_default=None)
    choices = mf.Raw(load_default=None)  # the name of a [choices.NAME] table, or an inline table
    min = mf.Decimal(load_default=None, as_string=False)
    max = mf.Decimal(load_default=None, as_string=False)
    max_length = mf.Integer(load_default=None, strict=True, validate=validate.Range(min=1, max=100000))
    unit = mf.String(load_default="", validate=validate.Length(max=20))
    visibility = mf.String(load_default="enterprise", validate=validate.OneOf(("enterprise", "internal")))
    role = mf.String(load_default=None)
    min_rows = mf.Integer(load_default=None, strict=True, validate=validate.Range(min=0, max=1000))
    max_rows = mf.Integer(load_default=None, strict=True, validate=validate.Range(min=1, max=1000))
    columns = mf.List(mf.Nested(lambda: FieldDecl()), load_default=None)
    step = mf.String(load_default=None)  # a register's "data" column: the step whose data it keeps
    summary = mf.String(load_default=None)  # a register's "data" column: "survey_report"


class EffectDecl(Schema):
    """``{ use = "record", ... }``: a named effect or guard and its parameters (checked by the
    effect itself, once every plugin has registered its effects)."""

    class Meta:
        unknown = INCLUDE

    use = mf.String(required=True, validate=validate.Length(min=1, max=60))


class StepDecl(_Strict):
    key = mf.String(**_key)
    title = mf.String(required=True, validate=validate.Length(min=1, max=100))
    title_en = mf.String(required=True, validate=validate.Length(min=1, max=100))
    description = mf.String(load_default="", **_text)
    roles = mf.List(mf.String(), required=True, validate=validate.Length(min=1))
    time_limit_days = mf.Integer(required=True, **_positive_days)
    outcomes = mf.List(mf.String(), load_default=lambda: ["advance", "return", "reject", "pause"],
                           validate=validate.Length(min=1))
    next = mf.List(mf.String(), load_default=None)
    returns_to = mf.List(mf.String(), load_default=None)
    notify = mf.List(mf.String(), load_default=list)
    pause_requires_files = StrictBool(load_default=False)
    fieldset = mf.String(load_default=None)  # a toolkit field set the step's form starts from
    fields = mf.List(mf.Nested(FieldDecl), load_default=list)
    effects = mf.List(mf.Nested(EffectDecl), load_default=list)
    guards = mf.List(mf.Nested(EffectDecl), load_default=list)
    example = mf.Dict(load_default=None)


class ServiceDecl(_Strict):
    key = mf.String(**_key)
    title = mf.String(required=True, validate=validate.Length(min=1, max=100))
    title_en = mf.String(required=True, validate=validate.Length(min=1, max=100))
    description = mf.String(load_default="", **_text)
    description_en = mf.String(load_default="", **_text)
    category = mf.String(load_default="", validate=validate.Length(max=40))
    department = mf.String(load_default="", validate=validate.Length(max=40))
    fee_type = mf.String(load_default="free", validate=validate.OneOf(("free", "paid")))
    fee_standard = mf.String(load_default="", **_text)
    time_limit_days = mf.Integer(load_default=None, **_positive_days)
    uses = mf.List(mf.String(validate=validate.OneOf(("surveys",))), load_default=list)
    clauses = mf.List(mf.String(validate=validate.Regexp(r"^\d+(\.\d+)*( ?[a-z])?$", error="a clause id such as 6.4.6 a")),
                      load_default=list)  # the DB1302 clauses this service serves
    withdrawable = StrictBool(load_default=True)

    @validates_schema
    def _fee(self, data, **kwargs):
        if data.get("fee_type") == "paid" and not data.get("fee_standard"):
            raise ValidationError("a paid service states its fee standard (DB1302 4.1.4)", "fee_standard")


class PluginDecl(_Strict):
    """``[plugin]`` instead of ``[service]``: a declaration of registers only (no catalog entry, no
    workflow), such as the platform's own registers of premises, funds or co-builders."""

    key = mf.String(**_key)
    title = mf.String(required=True, validate=validate.Length(min=1, max=100))
    title_en = mf.String(required=True, validate=validate.Length(min=1, max=100))
    description = mf.String(load_default="", **_text)
    description_en = mf.String(load_default="", **_text)


class RegisterDecl(_Strict):
    key = mf.String(**_key)
    title = mf.String(required=True, validate=validate.Length(min=1, max=100))
    title_en = mf.String(required=True, validate=validate.Length(min=1, max=100))
    plural = mf.String(load_default=None, validate=validate.Regexp(KEY, error=f"must be {KEY_RULE}"))
    scope = mf.String(load_default="none", validate=validate.OneOf(SCOPES))
    per_request = StrictBool(load_default=False)
    parent = mf.String(load_default=None)
    permission = mf.String(load_default=None)
    editable = StrictBool(load_default=True)
    list = mf.List(mf.String(), load_default=None)
    filters = mf.List(mf.String(), load_default=lambda: [])  # (``list`` is the column list above)
    search = mf.List(mf.String(), load_default=lambda: [])
    clauses = mf.List(mf.String(validate=validate.Regexp(r"^\d+(\.\d+)*( ?[a-z])?$", error="a clause id such as 4.3 or 6.4.6 b")),
                      load_default=lambda: [])  # the DB1302 clauses this register is evidence for
    public = StrictBool(load_default=False)  # readable by anyone on the portal (DB1302 4.1.3, 5.3.1)
    public_where = mf.Dict(keys=mf.String(), values=mf.Raw(), load_default=dict)  # which rows are published
    menu = StrictBool(load_default=False)  # a public register in the portal's main menu
    description = mf.String(load_default="", **_text)
    description_en = mf.String(load_default="", **_text)
    fields = mf.List(mf.Nested(FieldDecl), required=True, validate=validate.Length(min=1))


class PermissionDecl(_Strict):
    key = mf.String(required=True, validate=validate.Length(min=3, max=80))
    title = mf.String(required=True, validate=validate.Length(min=1, max=100))
    title_en = mf.String(required=True, validate=validate.Length(min=1, max=100))
    roles = mf.List(mf.String(), load_default=list)


class FileDecl(_Strict):
    service = mf.Nested(ServiceDecl, load_default=None)
    plugin = mf.Nested(PluginDecl, load_default=None)
    choices = mf.Dict(keys=mf.String(), values=mf.Dict(), load_default=dict)
    intake = mf.List(mf.Nested(FieldDecl), load_default=list)
    on_open = mf.List(mf.Nested(EffectDecl), load_default=list)
    steps = mf.List(mf.Nested(StepDecl), load_default=list, validate=validate.Length(max=50))
    registers = mf.List(mf.Nested(RegisterDecl), load_default=list)
    permissions = mf.List(mf.Nested(PermissionDecl), load_default=list)
    demo = mf.Dict(load_default=dict)

    @validates_schema
    def _one_head(self, data, **kwargs):
        if (data.get("service") is None) == (data.get("plugin") is None):
            raise ValidationError("a file declares either a [service] (with its steps) or a [plugin] (registers only)",
                                  "service")
        if data.get("service") is not None and not data.get("steps"):
            raise ValidationError("a service declares at least one [[steps]]", "steps")
        if data.get("plugin") is not None:
            for name in ("steps", "intake", "on_open"):
                if data.get(name):
                    raise ValidationError("a [plugin] declares registers only; use [service] for a workflow", name)


@dataclasses.dataclass
class Declaration:
    """A checked declaration: ``data`` (normalised), where it came from, and its key lines."""

    data: dict
    path: str
    lines: dict

    @property
    def head(self) -> str:
        """``"service"`` or ``"plugin"``: which table the file opens with."""
        return "service" if self.data["service"] is not None else "plugin"

    @property
    def key(self) -> str:
        return self.data[self.head]["key"]

    @property
    def is_service(self) -> bool:
        return self.data["service"] is not None

    def where(self, key_path: tuple) -> str:
        """``file:line`` of a key path such as ``("steps", 2, "effects", 0, "use")``."""
        return f"{self.path}:{line_of(self.lines, key_path)}"

    def error(self, key_path: tuple, problem: str) -> DeclarationError:
        return DeclarationError(f"{self.where(key_path)}: {dotted(key_path)}: {problem}")

    @property
    def workflow_part(self) -> dict:
        if not self.is_service:
            return {}
        """What makes a workflow version: the intake and the steps (catalog texts are not)."""
        return {"intake": self.data["intake"], "steps": self.data["steps"], "on_open": self.data["on_open"],
                "withdrawable": self.data["service"]["withdrawable"],
                "uses": self.data["service"]["uses"]}

    @property
    def checksum(self) -> str:
        text = json.dumps(self.workflow_part, sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


def dotted(path) -> str:
    """``("steps", 2, "fields", 0, "type")`` -> ``steps[2].fields[0].type``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def load_declaration(path: str | Path) -> Declaration:
    """Read and check one declared-service file (see the module docstring)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DeclarationError(f"{path}: cannot read: {exc.strerror or exc}")
    except UnicodeDecodeError:
        raise DeclarationError(f"{path}:1: the file is not UTF-8 text")
    return load_text(text, str(path))


def load_text(text: str, source: str) -> Declaration:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = re.search(r"line (\d+)", str(exc))
        raise DeclarationError(f"{source}:{line.group(1) if line else 1}: not valid TOML: {exc}")
    lines = key_lines(text)
    try:
        data = FileDecl().load(raw)
    except ValidationError as exc:
        key_path, problem = _first(exc.messages)
        raise DeclarationError(f"{source}:{line_of(lines, key_path)}: {dotted(key_path)}: {problem}")
    declaration = Declaration(data, source, lines)
    _check(declaration)
    return declaration


def _first(messages, prefix=()) -> tuple[tuple, str]:
    if isinstance(messages, dict):
        key = sorted(messages, key=lambda k: (isinstance(k, str), str(k)))[0]
        return _first(messages[key], prefix + (key,))
    if isinstance(messages, list) and messages:
        head = messages[0]
        if isinstance(head, (dict, list)):
            return _first(head, prefix)
        return prefix, str(head).replace("Unknown field.", "unknown key").rstrip(".")
    return prefix, str(messages)


# --- Cross-checks ------------------------------------------------------------------------------------

def _check(d: Declaration) -> None:
    data = d.data
    named = {}
    for name, table in data["choices"].items():
        named[name] = _choices(d, ("choices", name), table)
    _fields(d, ("intake",), data["intake"], named, STEP_FIELD_TYPES)
    steps = data["steps"]
    keys = [s["key"] for s in steps]
    for i, step in enumerate(steps):
        at = ("steps", i)
        if keys.index(step["key"]) != i:
            raise d.error(at + ("key",), f"step {step['key']!r} is declared twice")
        for j, role in enumerate(step["roles"]):
            if role not in ROLE_KEYS:
                raise d.error(at + ("roles",), f"unknown role {role!r} (known: {', '.join(ROLE_KEYS)})")
        for outcome in step["outcomes"]:
            if outcome not in STEP_OUTCOMES:
                raise d.error(at + ("outcomes",), f"unknown outcome {outcome!r} (one of {', '.join(STEP_OUTCOMES)})")
        if step["fieldset"] is not None and step["fieldset"] not in FIELDSETS:
            raise d.error(at + ("fieldset",), f"unknown fieldset {step['fieldset']!r} (known: {', '.join(FIELDSETS)})")
        for name in ("next", "returns_to"):
            for ref in step[name] or ():
                if ref not in keys:
                    raise d.error(at + (name,), f"no step {ref!r} (steps: {', '.join(keys)})")
        for target in step["notify"]:
            role = target[5:] if target.startswith("role:") else None
            if target not in NOTIFY_TARGETS and role not in ROLE_KEYS:
                raise d.error(at + ("notify",), f"unknown recipient {target!r} (one of {', '.join(NOTIFY_TARGETS)}, "
                                                "or role:<role>)")
        _fields(d, at + ("fields",), step["fields"], named, STEP_FIELD_TYPES)
    total = sum(s["time_limit_days"] for s in steps)
    promised = data["service"]["time_limit_days"] if d.is_service else total
    if promised is None:
        data["service"]["time_limit_days"] = total
    elif promised < total:
        raise d.error(("service", "time_limit_days"), f"{promised} working days are promised, but the steps' limits "
                      f"add up to {total}: the published limit must cover the steps (DB1302 5.4.1)")
    _registers(d, named)
    service_key = d.key
    seen = set()
    for i, perm in enumerate(data["permissions"]):
        if not perm["key"].startswith(service_key + "."):
            raise d.error(("permissions", i, "key"), f"a permission of this service starts with {service_key + '.'!r}")
        if perm["key"] in seen:
            raise d.error(("permissions", i, "key"), f"permission {perm['key']!r} is declared twice")
        seen.add(perm["key"])
        for role in perm["roles"]:
            if role not in ROLE_KEYS:
                raise d.error(("permissions", i, "roles"), f"unknown role {role!r} (known: {', '.join(ROLE_KEYS)})")


def _choices(d: Declaration, at: tuple, table) -> list[list[str]]:
    """``{key = ["中文", "English"]}`` (or ``key = "中文"``) -> ``[[key, zh, en], ...]``."""
    if not isinstance(table, dict) or not table:
        raise d.error(at, "choices are a table of key = [\"中文\", \"English\"]")
    out = []
    for key, value in table.items():
        if isinstance(value, str):
            value = [value, value]
        if (not isinstance(value, list) or len(value) != 2 or not all(isinstance(v, str) and v for v in value)):
            raise d.error(at + (key,), 'a choice is ["中文", "English"]')
        out.append([key, value[0], value[1]])
    return out


def _fields(d: Declaration, at: tuple, decls: list, named: dict, types: tuple, register: bool = False) -> None:
    seen = set()
    for i, f in enumerate(decls):
        here = at + (i,)
        if f["key"] in seen:
            raise d.error(here + ("key",), f"field {f['key']!r} is declared twice")
        seen.add(f["key"])
        if register and f["key"] in RESERVED_FIELDS:
            raise d.error(here + ("key",), f"{f['key']!r} is kept by the platform (reserved: {', '.join(RESERVED_FIELDS)})")
        kind = f["type"]
        if kind not in types:
            raise d.error(here + ("type",), f"unknown field type {kind!r} (one of {', '.join(types)})")
        if kind in CHOICE_TYPES:
            if f["choices"] is None:
                raise d.error(here, f"a {kind} field needs choices")
            if isinstance(f["choices"], str):
                if f["choices"] not in named:
                    raise d.error(here + ("choices",), f"no [choices.{f['choices']}] table "
                                                       f"(declared: {', '.join(named) or 'none'})")
                f["choices"] = named[f["choices"]]
            else:
                f["choices"] = _choices(d, here + ("choices",), f["choices"])
            keys = [c[0] for c in f["choices"]]
            default = f["default"]
            if default is not None:
                values = default if kind == "multichoice" and isinstance(default, list) else [default]
                bad = [v for v in values if v not in keys]
                if bad:
                    raise d.error(here + ("default",), f"default {bad[0]!r} is not among the choices ({', '.join(keys)})")
        elif f["choices"] is not None:
            raise d.error(here + ("choices",), f"a {kind} field takes no choices")
        if kind == "table":
            if not f["columns"]:
                raise d.error(here, "a table field lists its columns ([[...fields.columns]])")
            _fields(d, here + ("columns",), f["columns"], named,
                    tuple(t for t in STEP_FIELD_TYPES if t not in ("table", "users", "survey", "file", "lines")))
        elif f["columns"] is not None:
            raise d.error(here + ("columns",), f"only a table field has columns, not a {kind} field")
        if kind in ("user", "users"):
            if f["role"] is not None and f["role"] not in ROLE_KEYS:
                raise d.error(here + ("role",), f"unknown role {f['role']!r} (known: {', '.join(ROLE_KEYS)})")
        elif f["role"] is not None:
            raise d.error(here + ("role",), f"only a user or users field names a role, not a {kind} field")
        if kind == "money":
            f["unit"] = f["unit"] or "万元"
            if f["unit"] not in MONEY_UNITS:
                raise d.error(here + ("unit",), f"a money field is in {' or '.join(MONEY_UNITS)}, not {f['unit']!r}")
        if kind == "scale":
            f["min"] = 1 if f["min"] is None else f["min"]
            f["max"] = 5 if f["max"] is None else f["max"]
        if f["min"] is not None and f["max"] is not None and f["min"] > f["max"]:
            raise d.error(here + ("min",), f"min {f['min']} is more than max {f['max']}")
        if kind == "data" and f["step"] is None and f["summary"] is None:
            raise d.error(here, "a data field names the step whose data it keeps (step = \"...\") "
                                "or a summary (summary = \"survey_report\")")
        if f["step"] is not None and f["step"] not in [s["key"] for s in d.data["steps"]]:
            raise d.error(here + ("step",), f"no step {f['step']!r}")
        if f["summary"] not in (None, "survey_report"):
            raise d.error(here + ("summary",), "the one summary is \"survey_report\"")
        for name in ("min", "max"):  # JSON-ready numbers in the stored definition
            if f[name] is not None:
                f[name] = int(f[name]) if f[name] == int(f[name]) else float(f[name])
        if kind == "survey" and (not d.is_service or "surveys" not in d.data["service"]["uses"]):
            raise d.error(here + ("type",), 'a survey field needs uses = ["surveys"] in [service]')


def _registers(d: Declaration, named: dict) -> None:
    registers = d.data["registers"]
    keys = [r["key"] for r in registers]
    for i, reg in enumerate(registers):
        at = ("registers", i)
        if keys.index(reg["key"]) != i:
            raise d.error(at + ("key",), f"register {reg['key']!r} is declared twice")
        reg["plural"] = reg["plural"] or reg["key"] + "s"
        _fields(d, at + ("fields",), reg["fields"], named, REGISTER_FIELD_TYPES, register=True)
        names = [f["key"] for f in reg["fields"]]
        if reg["parent"] is not None and reg["parent"] in names:
            raise d.error(at + ("fields",), f"the column {reg['parent']!r} names the parent row: give the field another key")
        if reg["parent"] is not None:
            if reg["parent"] not in keys[:i]:
                raise d.error(at + ("parent",), f"the parent register {reg['parent']!r} must be declared before it")
            if reg["scope"] != "none" or reg["per_request"]:
                raise d.error(at + ("scope",), "a child register takes its parent's scope: leave scope and per_request out")
        if reg["per_request"] and reg["scope"] != "request":
            raise d.error(at + ("per_request",), "a register with one row per request has scope = \"request\"")
        for name in ("list", "filters", "search"):
            for column in reg[name] or ():
                if column not in names:
                    raise d.error(at + (name,), f"no field {column!r} in register {reg['key']!r} "
                                                f"(fields: {', '.join(names)})")
        for column in reg["public_where"]:
            if column not in names:
                raise d.error(at + ("public_where",), f"no field {column!r} in register {reg['key']!r}")
        if reg["menu"] and not reg["public"]:
            raise d.error(at + ("menu",), "only a public register (public = true) is in the portal's menu")
        kinds = {f["key"]: f["type"] for f in reg["fields"]}
        for column in reg["search"]:
            if kinds[column] not in ("text", "textarea"):
                raise d.error(at + ("search",), f"search runs over text fields; {column!r} is a {kinds[column]} field")
