"""REST resources under ``/api/v1/${name}/``: the cases the caller may see (staff all, an
enterprise its own)."""
from marshmallow import Schema, fields

from rongtong.core.plugin import (ApiResource, NotFound, ServiceRequest, UtcDateTime, api_user, gettext as _, path_id,
                                  scope_query)

from .models import Case


class CaseSchema(Schema):
    id = fields.Integer()
    request_id = fields.Integer()
    subject = fields.String()
    need = fields.String()
    advice = fields.String()
    satisfied = fields.Boolean(allow_none=True)
    created_at = UtcDateTime()
    updated_at = UtcDateTime()


def _visible():
    requests = scope_query(ServiceRequest.select(ServiceRequest.id), ServiceRequest, api_user())
    return Case.select().where(Case.request.in_(requests))


def list_cases():
    """The caller's cases, newest first."""
    return list(_visible().order_by(Case.id.desc()).limit(500))


def get_case(case_id):
    case = _visible().where(Case.id == case_id).first()
    if case is None:
        raise NotFound(_("Case not found."))
    return case


def api_resources(platform) -> list[ApiResource]:
    return [
        ApiResource("${name}/cases", list_cases, ("GET",), endpoint="${name}_cases", summary="${title_en} cases",
                    response_schema=CaseSchema, many=True, permission="${name}.case.view", tag="${name}"),
        ApiResource(f"${name}/cases/{path_id('case_id')}", get_case, ("GET",), endpoint="${name}_case",
                    summary="One ${title_en} case", response_schema=CaseSchema, permission="${name}.case.view",
                    tag="${name}"),
    ]
