"""The improvement register (DB1302 7.2): plan–do–check–act.

Plan: a finding (from an evaluation, a complaint or the statistics) with its cause analysis, the
improvement measure, the method, an owner and a deadline. Do: what was done. Check: the effect is
verified. Act: the action is closed — never before its effect was verified as effective.

Actions are audited models: the core audits each write as the acting user's.
"""
from __future__ import annotations

from rongtong.core.plugin import NotFound, User, ValidationFailed, WorkflowError, database, gettext as _, utcnow

from .models import Complaint, Evaluation, ImprovementAction

PLAN_FIELDS = ("cause_analysis", "measure", "method", "owner", "deadline")


def _user(pk, field="owner"):
    if pk is None:
        return None
    user = User.get_or_none(User.id == pk)
    if user is None or not user.has_role("admin", "staff"):
        raise ValidationFailed(_("Choose a member of the platform staff."), {field: [_("Choose a member of the platform staff.")]})
    return user


def register(data: dict) -> ImprovementAction:
    """Register a finding as an improvement action (stage: plan)."""
    data = dict(data)
    if data.get("evaluation") is not None:
        data["evaluation"] = Evaluation.get_or_none(Evaluation.id == data["evaluation"])
        if data["evaluation"] is None:
            raise ValidationFailed(_("No such evaluation."), {"evaluation": [_("No such evaluation.")]})
    if data.get("complaint") is not None:
        data["complaint"] = Complaint.get_or_none(Complaint.id == data["complaint"])
        if data["complaint"] is None:
            raise ValidationFailed(_("No such complaint."), {"complaint": [_("No such complaint.")]})
    data["owner"] = _user(data.get("owner"))
    return ImprovementAction.create(**data)


def get(pk) -> ImprovementAction:
    action = ImprovementAction.get_or_none(ImprovementAction.id == pk)
    if action is None:
        raise NotFound(_("Improvement action not found."))
    return action


def update(action: ImprovementAction, data: dict) -> ImprovementAction:
    """Edit the plan or record what was done (plan → do once the plan is complete)."""
    if not action.is_open:
        raise WorkflowError(_("This improvement action is closed."))
    data = dict(data)
    if "owner" in data:
        data["owner"] = _user(data["owner"])
    with database.atomic():
        for key, value in data.items():
            setattr(action, key, value)
        if action.stage == "plan" and (data.get("done_note") or "").strip():
            missing = [f for f in PLAN_FIELDS if not getattr(action, f)]
            if missing:
                raise ValidationFailed(_("Complete the plan first."),
                                       {f: [_("Required before the action is carried out.")] for f in missing})
            action.stage = "do"
        action.save()
    return action


def verify(action: ImprovementAction, verification: str, effective: bool, actor) -> ImprovementAction:
    """Check: record the verification of the effect. An ineffective result sends the action back
    to planning (a new cause analysis and measure are needed)."""
    if not action.is_open:
        raise WorkflowError(_("This improvement action is closed."))
    if action.stage == "plan":
        raise WorkflowError(_("Nothing has been carried out yet: record what was done first."))
    action.verification = verification.strip()
    action.effective = bool(effective)
    action.verified_at = utcnow()
    action.verified_by = actor
    action.stage = "check" if effective else "plan"
    action.save()
    return action


def close(action: ImprovementAction) -> ImprovementAction:
    """Act: close the action. Refused until its effect is verified as effective (DB1302 7.2)."""
    if not action.is_open:
        raise WorkflowError(_("This improvement action is already closed."))
    if action.verified_at is None or not action.effective or action.stage != "check":
        raise WorkflowError(_("An improvement action stays open until its effect is verified."))
    action.stage = "closed"
    action.closed_at = utcnow()
    action.save()
    return action
