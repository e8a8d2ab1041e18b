"""What the technical workflow's steps write on the request's assignment (DB1302 6.4.2 b-d).

Reactions to the ``technical`` workflow, run inside the transition's transaction: choosing an
institution that is not eligible refuses the plan step (the whole transition is rolled back). The
assignment is an audited record: the core writes its create and updates, naming who acted.
"""
from __future__ import annotations

from rongtong.core.plugin import ADVANCE, COMPLETE, PluginHost, Reaction, ValidationFailed, gettext as _, utcnow

from . import candidates
from .models import Assignment, Institution
from .workflows import WORKFLOW_KEY


def today_of(platform: PluginHost):
    """Today's date in the site's time zone."""
    return platform.calendar.local_date(utcnow())


def planned(event) -> None:
    """DB1302 6.4.2 b: the institution chosen among the ranked candidates, and the plan."""
    data, request = event.data, event.request
    kind = candidates.kind_of(request)
    today = today_of(event.platform)
    institution = Institution.get_or_none(Institution.id == data["institution"])
    problem = candidates.eligibility_problem(institution, kind, today)
    if problem:
        raise ValidationFailed(_("This institution cannot be chosen."), {"institution": [problem]})
    eligible, _excluded = candidates.rank_institutions(kind, today)
    values = dict(institution=institution, kind=kind, plan=data["plan"],
                  candidates=[m.as_dict(candidates.describe) for m in eligible],
                  planned_by=event.actor, planned_at=event.transition.created_at)
    assignment = Assignment.get_or_none(Assignment.request == request.id)
    if assignment is None:  # a plan made again after a return replaces the earlier one
        assignment = Assignment(request=request.id)
    for name, value in values.items():
        setattr(assignment, name, value)
    assignment.save()


def delivered(event) -> None:
    """DB1302 6.4.2 c: the delivery records and deliverables."""
    assignment = Assignment.get(Assignment.request == event.request.id)
    assignment.records, assignment.deliverables = event.data["records"], list(event.data["deliverables"])
    assignment.delivered_at = event.transition.created_at
    assignment.save()


def evaluated(event) -> None:
    """DB1302 6.4.2 d: the enterprise's evaluation of the effect (the last step: ``complete``)."""
    assignment = Assignment.get(Assignment.request == event.request.id)
    assignment.score, assignment.comment = event.data["score"], event.data.get("comment", "")
    assignment.evaluated_at = event.transition.created_at
    assignment.save()


REACTIONS = [
    Reaction(WORKFLOW_KEY, planned, step="plan", outcome=ADVANCE),
    Reaction(WORKFLOW_KEY, delivered, step="deliver", outcome=ADVANCE),
    Reaction(WORKFLOW_KEY, evaluated, step="evaluate", outcome=COMPLETE),
]
