"""What each step of the investment workflow writes into the project record (DB1302 6.4.4.1 a–e).
The handlers run as reactions inside the transition's transaction (a failure rolls the transition
back with it: nothing half-written); the core audits every write of the audited records, the
replaced check items and votes of a redone step included."""
from __future__ import annotations

from rongtong.core.plugin import StepRecord, ValidationFailed, gettext as _

from .models import CheckItem, FollowUp, Project, Vote
from .workflows import KEY

# The request's project record, created when the request is opened (with the investor it was
# filed with, if any).
PROJECT = StepRecord(Project, workflow=KEY, create=lambda request: {"investor": (request.data or {}).get("investor")})


@PROJECT.on("screening")  # DB1302 6.4.4.1 a
def screening(project: Project, data: dict, event) -> None:
    project.investor = data["investor"]
    project.needs_summary, project.survey = data["needs_summary"], data.get("survey")
    project.target = data["target"]


@PROJECT.on("verification")  # DB1302 6.4.4.1 b
def verification(project: Project, data: dict, event) -> None:
    _replace(CheckItem, project, data["checks"])


@PROJECT.on("due_diligence")  # DB1302 6.4.4.1 c
def due_diligence(project: Project, data: dict, event) -> None:
    for name in ("prospects_score", "risk_score", "return_score", "expected_return_pct"):
        setattr(project, name, data[name])
    project.due_diligence_report = data["report"]


@PROJECT.on("decision")  # DB1302 6.4.4.1 d
def decision(project: Project, data: dict, event) -> None:
    _replace(Vote, project, data["votes"])
    project.agreed_amount, project.agreement_terms, project.signed_on = data["amount"], data["terms"], data["signed_on"]


@PROJECT.on("tracking")  # DB1302 6.4.4.1 e: tracked until closed
def tracking(project: Project, data: dict, event) -> None:
    if not FollowUp.select().where(FollowUp.project == project).exists():
        raise ValidationFailed(_("Record at least one follow-up before closing the project."),
                               {"followups": [_("No follow-up recorded yet.")]})


def _replace(model, project: Project, rows: list[dict]) -> None:
    """The step's rows replace those of an earlier pass (a step redone after a return): each old
    row is deleted and each new one created, both audited."""
    for old in model.select().where(model.project == project):
        old.delete_instance()
    for row in rows:
        model.create(project=project, **row)
