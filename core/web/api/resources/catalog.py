"""The service catalog and the workflows behind it (DB1302 4.1.4 fee type and standard, 5.1.3
published service guides and processes, 5.4.1 published time limits)."""
from __future__ import annotations

from rongtong.core.errors import NotFound
from rongtong.core.i18n import gettext as _
from rongtong.core.web.api.resources.common import platform
from rongtong.core.web.api.routing import Operation, query
from rongtong.core.web.api.schemas import ServiceSchema, WorkflowQuerySchema, WorkflowSchema


def list_services():
    registry = platform().registry
    out = []
    for key in sorted(registry.services):
        s = registry.services[key]
        wf = registry.workflow(s.workflow)
        out.append({
            "key": s.key, "title": s.title, "title_en": s.title_en, "description": s.description,
            "description_en": s.description_en, "category": s.category, "fee_type": s.fee_type,
            "fee_standard": s.fee_standard, "workflow": s.workflow,
            # the published limit is the number the request clock uses (DB1302 5.4.1)
            "time_limit_days": s.time_limit_days if s.time_limit_days is not None else wf.total_days,
        })
    return out


def list_workflows():
    registry = platform().registry
    return [registry.workflows[key].describe() for key in sorted(registry.workflows)]


def get_workflow(key):
    registry = platform().registry
    version = query().get("version")
    try:
        wf = registry.workflow(key, version)
    except KeyError:
        raise NotFound(_("Workflow not found."))
    return wf.describe()


def operations():
    return [
        Operation("core", "services", "GET", list_services, "services", summary="The service catalog",
                  tag="catalog", response_schema=ServiceSchema, many=True),
        Operation("core", "workflows", "GET", list_workflows, "workflows",
                  summary="Workflows (latest versions)", tag="catalog", response_schema=WorkflowSchema, many=True),
        Operation("core", "workflows/<string(maxlength=64):key>", "GET", get_workflow, "workflow",
                  summary="One workflow (latest, or ?version=N)", tag="catalog",
                  query_schema=WorkflowQuerySchema, response_schema=WorkflowSchema),
    ]
