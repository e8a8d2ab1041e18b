"""What each step of the management-improvement workflow writes into the plugin's records
(DB1302 6.4.6 a–d). Called from ``on_transition`` inside the transition's transaction: a failure
here rolls the transition back with it."""
from __future__ import annotations

from rongtong.core import audit
from rongtong.core.models import ServiceRequest, utcnow
from rongtong.core.toolkit.surveys import Survey, analyse

from .models import ManagementExpert, ManagementProject
from .workflows import KEY


def project_of(request, actor=None) -> ManagementProject:
    project = ManagementProject.get_or_none(ManagementProject.request == request.id)
    if project is None:
        project = ManagementProject.create(request=request.id, area=(request.data or {}).get("area", ""))
        audit.record_create(project, actor)
    return project


def on_transition(request, transition, workflow, registry) -> None:
    if workflow.key != KEY or transition.outcome not in ("open", "advance", "complete"):
        return
    actor = transition.actor
    project = project_of(request, actor)
    if transition.outcome == "open":
        return
    data = transition.data or {}
    step = transition.from_step
    before = project.snapshot()
    if step == "survey":  # DB1302 6.4.6 a
        project.survey, project.area, project.conclusions = data["survey"], data["area"], data["conclusions"]
        project.needs_report = analyse(Survey.get_by_id(data["survey"]))
    elif step == "plan":  # DB1302 6.4.6 b
        project.plan = data
        assign_experts(project, request, data["experts"], actor)
    elif step == "implement":  # DB1302 6.4.6 c
        project.implementation = data
    elif step == "evaluate":  # DB1302 6.4.6 d
        project.evaluation = data
    project.updated_at = utcnow()
    project.save()
    audit.record_update(project, before, actor)


def assign_experts(project: ManagementProject, request, expert_ids: list[int], actor) -> None:
    """Replace the project's experts; the first is the lead and becomes the request's assignee (so
    the expert sees the request and may act on the implementation step)."""
    for old in ManagementExpert.select().where(ManagementExpert.project == project.id):
        audit.record_delete(old, actor)
        old.delete_instance()
    for i, expert_id in enumerate(expert_ids):
        audit.record_create(ManagementExpert.create(project=project.id, expert=expert_id, lead=i == 0), actor)
    lead = expert_ids[0]
    if request.assignee_id != lead:
        before = {"assignee": request.assignee_id}
        ServiceRequest.update(assignee=lead).where(ServiceRequest.id == request.id).execute()
        request.assignee = lead
        audit.record("update", "core_servicerequest", request.id, {"changes": {"assignee": [before["assignee"], lead]}}, actor)
