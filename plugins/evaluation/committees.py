"""Evaluation committees and evaluations (DB1302 7.1).

The evaluation body is an internal committee, third-party experts, or both; every member declares
any conflict of interest before scoring, and a member with a conflict may not score. An evaluation
uses one or more methods (interview, symposium, questionnaire, document review) over a scope (a
service, a period or a service institution) and ends with findings and a score (the mean of the
members' scores).

Every record is an audited model: the core audits each write as the acting user's (the API caller,
the admin user, the CLI's user).
"""
from __future__ import annotations

import decimal

from rongtong.core.plugin import User, ValidationFailed, WorkflowError, gettext as _, periods, utcnow

from .models import Committee, CommitteeMember, Evaluation, EvaluationScore


def create_committee(data: dict) -> Committee:
    return Committee.create(**data)


def add_member(committee: Committee, data: dict) -> CommitteeMember:
    """Add a member. An internal committee takes platform users only; a third-party panel outside
    experts only; a mixed committee both."""
    external = bool(data.get("external"))
    user = None
    if data.get("user") is not None:
        user = User.get_or_none(User.id == data["user"])
        if user is None:
            raise ValidationFailed(_("No such user."), {"user": [_("No such user.")]})
    return CommitteeMember.create(committee=committee, user=user, name=data["name"],
                                  organisation=data.get("organisation", ""), external=external,
                                  role=data.get("role", "member"))


def declare(member: CommitteeMember, has_conflict: bool, statement: str) -> CommitteeMember:
    """Record the member's conflict-of-interest declaration."""
    member.has_conflict = bool(has_conflict)
    member.conflict_statement = statement.strip()
    member.declared_at = utcnow()
    member.save()
    return member


def create_evaluation(data: dict) -> Evaluation:
    committee = Committee.get_or_none(Committee.id == data.pop("committee"))
    if committee is None:
        raise ValidationFailed(_("No such committee."), {"committee": [_("No such committee.")]})
    if not committee.active:
        raise ValidationFailed(_("This committee is not active."), {"committee": [_("This committee is not active.")]})
    if data.get("scope_kind") == "period":
        data["scope_period"] = periods.parse_period(data["scope_period"], field="scope_period").label
    methods = list(dict.fromkeys(data.pop("methods")))
    return Evaluation.create(committee=committee, methods=methods, status="in_progress", **data)


def add_score(evaluation: Evaluation, data: dict) -> EvaluationScore:
    """A member's score on one criterion (the model refuses a member with a conflict of interest,
    one who has not declared, or a finished evaluation)."""
    if evaluation.status == "finished":
        raise WorkflowError(_("This evaluation is finished."))
    member = CommitteeMember.get_or_none(CommitteeMember.id == data["member"])
    if member is None:
        raise ValidationFailed(_("Not a member of this committee."), {"member": [_("Not a member of this committee.")]})
    if EvaluationScore.select().where((EvaluationScore.evaluation == evaluation.id) & (EvaluationScore.member == member.id)
                                      & (EvaluationScore.criterion == data["criterion"])).exists():
        raise ValidationFailed(_("Already scored."), {"criterion": [_("This member already scored this criterion.")]})
    return EvaluationScore.create(evaluation=evaluation, member=member, criterion=data["criterion"],
                                  score=data["score"], comment=data.get("comment", ""))


def finish(evaluation: Evaluation, findings: str) -> Evaluation:
    """Close the evaluation with its findings; its score is the mean of the members' scores."""
    if evaluation.status == "finished":
        raise WorkflowError(_("This evaluation is finished."))
    scores = [s.score for s in evaluation.scores]
    if not scores:
        raise ValidationFailed(_("No scores yet."), {"scores": [_("At least one member must score first.")]})
    evaluation.findings = findings.strip()
    evaluation.score = (sum(scores) / len(scores)).quantize(decimal.Decimal("0.01"))
    evaluation.status = "finished"
    evaluation.finished_at = utcnow()
    evaluation.save()
    return evaluation
