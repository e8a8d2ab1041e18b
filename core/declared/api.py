"""``/api/v1/<service>/<plural>``: a declared register's rows through the REST API (issue 11 §2).

``GET <plural>`` lists the rows the caller may see (row scope of the register; newest first, at
most 500), filtered by the declared ``filters`` (``?area=strategy``; a value that is not one of
the choices is refused with 422 naming the parameter) and ``?q=`` over the ``search`` fields.
``GET <plural>/<id>`` is one row; for a ``per_request`` register the id is the request's. A child
register's rows are listed inside their parent row, under the child's plural.
"""
from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate

from rongtong.core.contract import ApiResource
from rongtong.core.errors import NotFound
from rongtong.core.i18n import gettext as _
from rongtong.core.models import ServiceRequest
from rongtong.core.security import get_scoped, scope_query
from rongtong.core.web.api.auth import api_user
from rongtong.core.web.api.fastdump import with_offsets
from rongtong.core.web.api.inputs import load_query

from .forms import _camel, core_named

LIMIT = 500


def _out_field(decl: dict) -> fields.Field:
    kind = decl["type"]
    if kind in ("integer", "scale"):
        return fields.Integer(allow_none=True)
    if kind == "money":
        return fields.Decimal(as_string=True, allow_none=True)
    if kind == "date":
        return fields.Date(allow_none=True)
    if kind == "boolean":
        return fields.Boolean()
    if kind == "multichoice":
        return fields.List(fields.String())
    if kind in ("user", "survey"):
        return fields.Integer(attribute=f"{decl['key']}_id", allow_none=True)
    if kind in ("table",):
        return fields.List(fields.Dict(), allow_none=True)
    if kind == "data":
        return fields.Dict(allow_none=True)
    return fields.String()


def _user_name(key: str):
    def name(row):
        user = getattr(row, key)
        return (user.display_name or user.username) if user is not None else None
    return name


def out_schema(service: str, reg: dict, children: list[tuple[dict, type]]) -> type[Schema]:
    """The response schema of a register's rows (named for the OpenAPI document)."""
    attrs: dict = {"id": fields.Integer()}
    model_fields = reg["fields"]
    if reg["scope"] == "request":
        attrs["request"] = fields.Integer(attribute="request_id")
    if reg["scope"] == "enterprise":
        attrs["enterprise"] = fields.Integer(attribute="enterprise_id", allow_none=True)
    if reg["parent"]:
        attrs[reg["parent"]] = fields.Integer(attribute=f"{reg['parent']}_id", allow_none=True)
    for decl in model_fields:
        attrs[decl["key"]] = _out_field(decl)
        if decl["type"] == "user":
            attrs[f"{decl['key']}_name"] = fields.Function(_user_name(decl["key"]))
    for child, child_schema in children:
        attrs[child["plural"]] = fields.Function(_children_of(child, child_schema))
    attrs["created_at"] = fields.DateTime()
    attrs["updated_at"] = fields.DateTime()
    return core_named(Schema.from_dict(attrs, name=f"{_camel(service)}{_camel(reg['key'])}Out"))


def _children_of(child: dict, schema: type[Schema]):
    dumper = with_offsets(schema(many=True))  # times with their offset, like every API time

    def dump(row):
        rows = getattr(row, child["plural"])
        return dumper.dump(list(rows.order_by(rows.model.id)))
    return dump


def query_schema(service: str, reg: dict) -> type[Schema]:
    attrs: dict = {}
    kinds = {d["key"]: d for d in reg["fields"]}
    for name in reg["filters"]:
        decl = kinds[name]
        if decl["type"] in ("choice", "multichoice"):
            keys = [c[0] for c in decl["choices"]]
            attrs[name] = fields.String(validate=validate.OneOf(keys, error=_("Must be one of: %(c)s.", c=", ".join(keys))))
        elif decl["type"] == "boolean":
            attrs[name] = fields.Boolean()
        elif decl["type"] in ("integer", "scale", "user"):
            attrs[name] = fields.Integer()
        else:
            attrs[name] = fields.String(validate=validate.Length(max=200))
    if reg["search"]:
        attrs["q"] = fields.String(validate=validate.Length(min=1, max=100))
    return core_named(Schema.from_dict(attrs, name=f"{_camel(service)}{_camel(reg['key'])}Query"))


def resources(service, permission_of) -> list[ApiResource]:
    """The API resources of every top-level register of ``service`` (a DeclaredService)."""
    out = []
    regs = service.declaration.data["registers"]
    for reg in regs:
        if reg["parent"]:
            continue
        model = service.models[reg["key"]]
        kids = [(c, out_schema(service.key, c, [])) for c in regs if c["parent"] == reg["key"]]
        schema = out_schema(service.key, reg, kids)
        query = query_schema(service.key, reg)
        list_view, one_view = _views(model, reg, query)
        base = f"{service.key}/{reg['plural']}"
        key_name = "request_id" if reg["per_request"] else "row_id"
        title = f"{reg['title_en']} ({reg['title']})"
        out.append(ApiResource(base, list_view, ("GET",), endpoint=f"{service.key}_{reg['plural']}",
                               summary=f"{title}: the rows you may see", response_schema=schema, many=True,
                               permission=permission_of(reg), request_schema=None))
        out.append(ApiResource(f"{base}/<int:{key_name}>", one_view, ("GET",),
                               endpoint=f"{service.key}_{reg['key']}_one",
                               summary=f"One row of {title}" + (" (by request id)" if reg["per_request"] else ""),
                               response_schema=schema, permission=permission_of(reg)))
    return out


def _has_item(column, value: str):
    """A multichoice column (comma-separated keys, core.fields.ListField) holding ``value``."""
    return ((column == value) | column.startswith(f"{value},") | column.endswith(f",{value}")
            | column.contains(f",{value},"))


def _views(model, reg: dict, query):
    kinds = {d["key"]: d for d in reg["fields"]}

    def list_rows():
        args = load_query(query(unknown=RAISE))
        rows = scope_query(model.select(), model, api_user())
        for name, value in args.items():
            if name == "q":
                term = None
                for column in reg["search"]:
                    cond = getattr(model, column).contains(value)
                    term = cond if term is None else term | cond
                rows = rows.where(term)
            elif kinds[name]["type"] == "multichoice":
                rows = rows.where(_has_item(getattr(model, name), value))
            else:
                rows = rows.where(getattr(model, name) == value)
        return list(rows.order_by(model.id.desc()).limit(LIMIT))

    def one_row(request_id=None, row_id=None):
        user = api_user()
        if reg["per_request"]:
            req = get_scoped(ServiceRequest, request_id, user)
            row = model.get_or_none(model.request == req.id) if req is not None else None
        else:
            row = get_scoped(model, row_id, user)
        if row is None:
            raise NotFound(_("%(register)s not found.", register=str(model.verbose_name)))
        return row

    list_rows.__name__ = f"list_{model._meta.table_name}"
    one_row.__name__ = f"get_{model._meta.table_name}"
    return list_rows, one_row
