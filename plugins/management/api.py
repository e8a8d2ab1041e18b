"""REST resources of the management-improvement plugin, under ``/api/v1/management/``: projects
(row-scoped: staff all, an enterprise its own, an expert those assigned to it) and the needs
surveys (core.toolkit.surveys)."""
from __future__ import annotations

from flask import request as http_request

from rongtong.core.plugin import (ApiResource, NotFound, PluginHost, ServiceRequest, ValidationFailed, api_user,
                                  gettext as _, get_scoped, scope_query, surveys)

from .models import AREA_KEYS, ManagementExpert, ManagementProject
from .schemas import ProjectOutSchema

OWNER = "management"


def _with_experts(projects: list[ManagementProject]) -> list[ManagementProject]:
    experts = {}
    rows = (ManagementExpert.select().where(ManagementExpert.project.in_([p.id for p in projects]))
            .order_by(ManagementExpert.project, ManagementExpert.lead.desc(), ManagementExpert.id))
    for e in rows:
        experts.setdefault(e.project_id, []).append(e)
    for p in projects:
        p.expert_list = experts.get(p.id, [])
    return projects


def list_projects():
    """Projects the caller may see, newest first; ``?area=`` filters by area (DB1302 6.2.6)."""
    area = http_request.args.get("area")
    if area is not None and area not in AREA_KEYS:
        raise ValidationFailed(_("The query is invalid."), {"area": [_("Must be one of: %(c)s.", c=", ".join(AREA_KEYS))]})
    visible = scope_query(ServiceRequest.select(ServiceRequest.id), ServiceRequest, api_user())
    query = ManagementProject.select().where(ManagementProject.request.in_(visible)).order_by(ManagementProject.id.desc())
    if area:
        query = query.where(ManagementProject.area == area)
    return _with_experts(list(query.limit(500)))


def get_project(request_id):
    req = get_scoped(ServiceRequest, request_id, api_user())
    project = ManagementProject.get_or_none(ManagementProject.request == req.id) if req is not None else None
    if project is None:
        raise NotFound(_("Management improvement project not found."))
    return _with_experts([project])[0]


def api_resources(platform: PluginHost) -> list[ApiResource]:
    return [
        ApiResource("management/projects", list_projects, ("GET",), endpoint="management_projects",
                    summary="Management improvement projects (DB1302 6.2.6, 6.4.6)", response_schema=ProjectOutSchema,
                    many=True, permission="management.project.view"),
        ApiResource("management/projects/<int:request_id>", get_project, ("GET",), endpoint="management_project",
                    summary="One management improvement project", response_schema=ProjectOutSchema,
                    permission="management.project.view"),
        *surveys.api_resources(OWNER),
    ]
