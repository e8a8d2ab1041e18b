"""What each step of the investment workflow writes into the plugin's records. Called from the
``on_transition`` hook, inside the transition's transaction: if anything here fails, the
transition is rolled back with it (nothing half-written)."""
from __future__ import annotations

from rongtong.core import audit
from rongtong.core.errors import ValidationFailed
from rongtong.core.i18n import gettext as _

from .models import CheckItem, FollowUp, Project, Vote
from .workflows import KEY


def on_transition(request, transition, workflow) -> None:
    if workflow.key != KEY:
        return
    if transition.outcome not in ("open", "advance", "complete"):
        return
    project = project_of(request, transition.actor)
    if transition.outcome == "open":
        return
    before = project.snapshot()
    data = transition.data or {}
    step = transition.from_step
    if step == "screening":  # DB1302 6.4.4.1 a
        project.investor = data["investor"]
        project.needs_summary, project.survey = data["needs_summary"], data.get("survey")
        project.target = data["target"]
    elif step == "verification":  # DB1302 6.4.4.1 b
        CheckItem.delete().where(CheckItem.project == project).execute()
        for check in data["checks"]:
            audit.record_create(CheckItem.create(project=project, **check), transition.actor)
    elif step == "due_diligence":  # DB1302 6.4.4.1 c
        for name in ("prospects_score", "risk_score", "return_score", "expected_return_pct"):
            setattr(project, name, data[name])
        project.due_diligence_report = data["report"]
    elif step == "decision":  # DB1302 6.4.4.1 d
        Vote.delete().where(Vote.project == project).execute()
        for vote in data["votes"]:
            audit.record_create(Vote.create(project=project, **vote), transition.actor)
        project.agreed_amount, project.agreement_terms, project.signed_on = data["amount"], data["terms"], data["signed_on"]
    elif step == "tracking":  # DB1302 6.4.4.1 e: tracked until closed
        if not FollowUp.select().where(FollowUp.project == project).exists():
            raise ValidationFailed(_("Record at least one follow-up before closing the project."),
                                   {"followups": [_("No follow-up recorded yet.")]})
    project.save()
    audit.record_update(project, before, transition.actor)


def project_of(request, actor=None) -> Project:
    """The request's project record, created on first need (also for bulk-loaded requests)."""
    project = Project.get_or_none(Project.request == request.id)
    if project is None:
        project = Project.create(request=request.id, investor=(request.data or {}).get("investor"))
        audit.record_create(project, actor)
    return project
