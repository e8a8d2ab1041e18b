"""What each step of the financing workflow writes, called from ``on_transition`` inside the
transition's transaction (a failure here rolls the transition back: nothing half-written)."""
from __future__ import annotations

from rongtong.core import audit
from rongtong.core.errors import ValidationFailed
from rongtong.core.i18n import gettext as _
from rongtong.plugins.investment.models import Investor

from .models import Case, ExpertScore, Fund, LoanProduct, Meeting
from .workflows import KEY


def case_of(request, actor=None) -> Case:
    """The request's case record, created on first need (also for bulk-loaded requests)."""
    case = Case.get_or_none(Case.request == request.id)
    if case is None:
        data = request.data or {}
        case = Case.create(request=request.id, kind=data.get("kind"), amount=data.get("amount"),
                           purpose=data.get("purpose") or "")
        audit.record_create(case, actor)
    return case


def panel_state(case) -> tuple[int, int]:
    """(panel size, experts who have scored)."""
    rows = list(ExpertScore.select(ExpertScore.score).where(ExpertScore.case == case))
    return len(rows), sum(1 for r in rows if r.score is not None)


def on_transition(request, transition, workflow) -> None:
    if workflow.key != KEY or transition.outcome not in ("open", "advance", "complete"):
        return
    case = case_of(request, transition.actor)
    if transition.outcome == "open":
        return
    before = case.snapshot()
    data = transition.data or {}
    step = transition.from_step
    if step == "survey":  # DB1302 6.4.4.2 a
        for name in ("kind", "amount", "purpose", "stage", "needs_summary"):
            setattr(case, name, data[name])
        case.survey = data.get("survey")
    elif step == "plan":  # b
        case.plan = data["plan"]
    elif step == "preparation":  # c
        field = "roadshow_plan" if case.kind == "equity" else "loan_preparation"
        if not (data.get(field) or "").strip():
            message = (_("An equity financing needs the roadshow plan.") if case.kind == "equity"
                       else _("A debt financing needs the loan preparation."))
            raise ValidationFailed(message, {field: [message]})
        case.bp_summary, case.bp_market, case.bp_product = data["summary"], data["market"], data["product"]
        case.bp_team, case.bp_financials, case.bp_attachment = data["team"], data["financials"], data.get("attachment")
        case.roadshow_plan, case.loan_preparation = data.get("roadshow_plan", ""), data.get("loan_preparation", "")
    elif step == "evaluation":  # d
        case.classification, case.evaluation_comment = data["classification"], data["conclusion"]
        case.recommended = _recommendations(case, data)
    elif step == "meeting":  # e
        meeting = Meeting.create(case=case, kind="roadshow" if case.kind == "equity" else "bank_meeting",
                                 held_on=data["held_on"], venue=data.get("venue", ""),
                                 participants=data["participants"], outcome=data["outcome"])
        audit.record_create(meeting, transition.actor)
    elif step == "tracking":  # f
        if data["obtained"] and not Fund.select().where(Fund.case == case).exists():
            raise ValidationFailed(_("Record the funds obtained before closing."),
                                   {"funds": [_("No funds recorded yet.")]})
    case.save()
    audit.record_update(case, before, transition.actor)


def _recommendations(case, data) -> list[dict]:
    """DB1302 6.4.4.2 d: every panel expert has scored; equity goes to investors, debt to banks."""
    size, scored = panel_state(case)
    if size < 2 or scored < size:
        message = _("%(scored)s of %(size)s panel experts have scored; a panel of at least two must all score first.",
                    scored=scored, size=size)
        raise ValidationFailed(message, {"scores": [message]})
    if case.classification == "improve":
        message = _("A case that needs improvement is returned to the business-plan step, not recommended.")
        raise ValidationFailed(message, {"classification": [message]})
    if case.kind == "equity":
        ids = data.get("investors") or []
        found = {i.id: i for i in Investor.select().where(Investor.id.in_(ids))} if ids else {}
        if not ids or len(found) != len(set(ids)):
            raise ValidationFailed(_("Recommend registered investors."),
                                   {"investors": [_("Give the ids of one or more registered investors.")]})
        return [{"type": "investor", "id": i, "name": found[i].name} for i in ids]
    ids = data.get("loan_products") or []
    found = {p.id: p for p in LoanProduct.select().where(LoanProduct.id.in_(ids))} if ids else {}
    if not ids or len(found) != len(set(ids)):
        raise ValidationFailed(_("Recommend registered loan products."),
                               {"loan_products": [_("Give the ids of one or more registered loan products.")]})
    return [{"type": "loan_product", "id": i, "name": str(found[i])} for i in ids]
