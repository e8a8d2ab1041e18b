"""Declared fields -> marshmallow schemas carrying the field vocabulary (issue 11 §1).

Every declared intake or step field becomes a marshmallow field whose ``metadata`` holds what the
vocabulary (:mod:`core.vocabulary`) reads: both labels, help, unit, widget, visibility and the
choices with their labels. So a declared service's forms, case file, API documentation and exports
are drawn by the same code as a coded plugin's, and never show a JSON textarea or a raw key.

Types (``type = ...``): text, textarea, lines (short texts, one per line), integer, money (万元 or 元), date, choice, multichoice,
scale, boolean, file (an attachment of the request), table (rows of ``columns``), user / users (an
active user, optionally with ``role``), survey (a needs survey of this service with answers).
"""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate

from rongtong.core.i18n import gettext as _
from rongtong.core.i18n import lazy_gettext as _l
from rongtong.core.models import ROLES, Attachment, User
from rongtong.core.survey_models import Survey, SurveyAnswer
from rongtong.core.toolkit.vocab import YUAN, AmountRange, label
from rongtong.core.vocabulary import Bilingual

TEXT_MAX, TEXTAREA_MAX = 200, 5000
WAN_HELP = _l("In 万元 (ten thousand yuan): 500 means 5,000,000 yuan.")


def _meta(decl: dict, default_help=None, **extra) -> dict:
    help_text = Bilingual(decl["help"], decl["help_en"] or decl["help"]) if decl["help"] else default_help
    meta = label(decl["label"], decl["label_en"], help_text, **extra)
    if decl["visibility"] != "enterprise":
        meta["visibility"] = decl["visibility"]
    if decl["unit"] and "unit" not in meta:
        meta["unit"] = decl["unit"]
    return meta


def _common(decl: dict) -> dict:
    """``required`` / ``load_default`` of an optional field (its declared default, or empty)."""
    if decl["required"]:
        return {"required": True}
    default = decl["default"]
    if default is None:
        default = {"text": "", "textarea": "", "choice": "", "lines": [], "multichoice": [], "users": [], "table": [],
                   "boolean": False}.get(
            decl["type"])
    if isinstance(default, list):
        return {"load_default": lambda d=default: list(d), "allow_none": default is None}
    return {"load_default": default, "allow_none": default is None}


def _range(decl: dict):
    if decl["min"] is None and decl["max"] is None:
        return []
    return [validate.Range(min=decl["min"], max=decl["max"])]


def _role_name(role: str) -> str:
    return str(dict(ROLES).get(role, role))


def _check_user(role: str | None):
    def check(value):
        user = User.get_or_none(User.id == value)
        if user is None or not user.active or (role and not user.has_role(role)):
            raise ValidationError(_("Not an active user with the %(role)s role: %(ids)s", role=_role_name(role), ids=value)
                                  if role else _("Not an active user: %(ids)s", ids=value))
    return check


def _check_users(role: str | None):
    def check(values):
        if len(set(values)) != len(values):
            raise ValidationError(_("A user is listed twice."))
        found = {u.id: u for u in User.select().where(User.id.in_(values))} if values else {}
        bad = [str(i) for i in values if i not in found or not found[i].active or (role and not found[i].has_role(role))]
        if bad:
            raise ValidationError(_("Not an active user with the %(role)s role: %(ids)s", role=_role_name(role),
                                    ids=", ".join(bad))
                                  if role else _("Not an active user: %(ids)s", ids=", ".join(bad)))
    return check


def _check_survey(owner: str):
    def check(value):
        survey = Survey.get_or_none(Survey.id == value)
        if survey is None or survey.owner != owner:
            raise ValidationError(_("Unknown survey."))
        if not SurveyAnswer.select().where(SurveyAnswer.survey == survey.id).exists():
            raise ValidationError(_("The survey has no answers yet: analyse answers, not an empty survey."))
    return check


def _check_attachment(value):
    if not Attachment.select().where(Attachment.id == value).exists():
        raise ValidationError(_("Unknown attachment."))


def _rows(decl: dict):
    if decl["min_rows"] is None and decl["max_rows"] is None:
        if decl["required"]:
            return [validate.Length(min=1, error=_("Give at least one."))]
        return []
    return [validate.Length(min=decl["min_rows"], max=decl["max_rows"])]


def make_field(decl: dict, owner: str, schema_name: str) -> fields.Field:
    """The marshmallow field of one declared field (``owner``: the service key)."""
    kind, common = decl["type"], _common(decl)
    if kind in ("text", "textarea"):
        longest = decl["max_length"] or (TEXT_MAX if kind == "text" else TEXTAREA_MAX)
        return fields.String(validate=validate.Length(min=1 if decl["required"] else 0, max=longest),
                             metadata=_meta(decl, widget=kind), **common)
    if kind == "lines":
        return fields.List(fields.String(validate=validate.Length(min=1, max=decl["max_length"] or 300)),
                           validate=_rows(decl), metadata=_meta(decl, widget="textarea"), **common)
    if kind == "integer":
        return fields.Integer(strict=True, validate=_range(decl), metadata=_meta(decl, widget="integer"), **common)
    if kind == "scale":
        return fields.Integer(strict=True, validate=_range(decl), metadata=_meta(decl, widget="scale"), **common)
    if kind == "money":
        unit = decl["unit"]
        # plain numbers as bounds (a Decimal bound would be a string in the OpenAPI document)
        lowest = decl["min"] if decl["min"] is not None else 0
        highest = decl["max"] if decl["max"] is not None else (1_000_000 if unit == "万元" else 10_000_000_000)
        checks = [AmountRange(decl["label"], decl["label_en"], unit, min=lowest, max=highest)]
        meta = _meta(decl, WAN_HELP if unit != YUAN else None, widget="money", unit=unit)
        return fields.Decimal(as_string=True, places=2, validate=checks, metadata=meta, **common)
    if kind == "date":
        return fields.Date(metadata=_meta(decl, widget="date"), **common)
    if kind == "boolean":
        return fields.Boolean(metadata=_meta(decl, widget="boolean"), **common)
    if kind in ("choice", "multichoice"):
        keys = [c[0] for c in decl["choices"]]
        labels = [Bilingual(c[1], c[2]) for c in decl["choices"]]
        meta = _meta(decl, widget=kind, choices=[tuple(c) for c in decl["choices"]])
        if kind == "choice":
            if not decl["required"]:  # "" (or nothing): not chosen
                keys, labels = ["", *keys], [Bilingual("未选择", "Not chosen"), *labels]
            return fields.String(validate=validate.OneOf(keys, labels=labels), metadata=meta, **common)
        return fields.List(fields.String(validate=validate.OneOf(keys, labels=labels)), validate=_rows(decl),
                           metadata=meta, **common)
    if kind == "file":
        return fields.Integer(strict=True, validate=_check_attachment, metadata=_meta(decl, widget="file"), **common)
    if kind == "user":
        return fields.Integer(strict=True, validate=_check_user(decl["role"]), metadata=_meta(decl, widget="integer"),
                              **common)
    if kind == "users":
        return fields.List(fields.Integer(strict=True), validate=[*_rows(decl), _check_users(decl["role"])],
                           metadata=_meta(decl), **common)
    if kind == "survey":
        return fields.Integer(strict=True, validate=_check_survey(owner),
                              metadata=_meta({**decl, "visibility": "internal"}, widget="integer"), **common)
    if kind == "table":
        row = build_schema(decl["columns"], owner, f"{schema_name}{_camel(decl['key'])}Row")
        return fields.List(fields.Nested(row), validate=_rows(decl), metadata=_meta(decl, widget="table"), **common)
    raise ValueError(f"unknown field type {kind!r}")  # the file was checked: never reached


def _camel(key: str) -> str:
    return "".join(part.title() for part in key.split("_"))


def build_schema(decls: list[dict], owner: str, name: str, base: type[Schema] | None = None) -> type[Schema]:
    """A marshmallow Schema class named ``name`` (it names the schema in the OpenAPI document)
    with one field per declaration, on ``base`` (a toolkit field set) when given."""
    attrs = {d["key"]: make_field(d, owner, name) for d in decls}
    cls = Schema.from_dict(attrs, name=name) if base is None else type(name, (base,), attrs)
    return core_named(cls)


def core_named(cls: type[Schema]) -> type[Schema]:
    """Name a generated schema by its own name in the OpenAPI document (it already holds the
    service key: ``LegalV2AnswerSchema`` -> ``LegalV2Answer``)."""
    cls.__module__ = __name__
    return cls


def schema_name(service: str, version: int, part: str) -> str:
    return f"{_camel(service)}V{version}{_camel(part)}Schema"
