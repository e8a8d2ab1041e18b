"""What each step of the management-improvement workflow writes into the project record
(DB1302 6.4.6 a–d). The handlers run as reactions inside the transition's transaction (a failure
rolls the transition back with it); the core audits every write of the audited records."""
from __future__ import annotations

from rongtong.core.plugin import ServiceRequest, StepRecord, audit, surveys

from .models import ManagementExpert, ManagementProject
from .workflows import KEY

PROJECT = StepRecord(ManagementProject, workflow=KEY, create=lambda request: {"area": (request.data or {}).get("area", "")})


@PROJECT.on("survey")  # DB1302 6.4.6 a
def survey(project: ManagementProject, data: dict, event) -> None:
    project.survey, project.area, project.conclusions = data["survey"], data["area"], data["conclusions"]
    project.needs_report = surveys.analyse(surveys.Survey.get_by_id(data["survey"]))


@PROJECT.on("plan")  # DB1302 6.4.6 b
def plan(project: ManagementProject, data: dict, event) -> None:
    project.plan = data
    assign_experts(project, event.request, data["experts"], event.actor)


@PROJECT.on("implement")  # DB1302 6.4.6 c
def implement(project: ManagementProject, data: dict, event) -> None:
    project.implementation = data


@PROJECT.on("evaluate")  # DB1302 6.4.6 d
def evaluate(project: ManagementProject, data: dict, event) -> None:
    project.evaluation = data


def assign_experts(project: ManagementProject, request, expert_ids: list[int], actor) -> None:
    """Replace the project's experts; the first is the lead and becomes the request's assignee (so
    the expert sees the request and may act on the implementation step)."""
    for old in ManagementExpert.select().where(ManagementExpert.project == project.id):
        old.delete_instance()
    for i, expert_id in enumerate(expert_ids):
        ManagementExpert.create(project=project.id, expert=expert_id, lead=i == 0)
    lead = expert_ids[0]
    if request.assignee_id != lead:  # the request is a core record: its change is audited here
        before = request.assignee_id
        ServiceRequest.update(assignee=lead).where(ServiceRequest.id == request.id).execute()
        request.assignee = lead
        audit.record("update", "core_servicerequest", request.id, {"changes": {"assignee": [before, lead]}}, actor)
