"""What each step of the financing workflow writes into the case record (DB1302 6.4.4.2 a–f).
The handlers run as reactions inside the transition's transaction (a failure rolls the transition
back: nothing half-written); the core audits every write of the audited records."""
from __future__ import annotations

from rongtong.core.plugin import StepRecord, ValidationFailed, gettext as _
from rongtong.plugins.investment.models import Investor

from .models import Case, ExpertScore, Fund, LoanProduct, Meeting
from .workflows import KEY


def _new_case(request) -> dict:
    data = request.data or {}
    return {"kind": data.get("kind"), "amount": data.get("amount"), "purpose": data.get("purpose") or ""}


# The request's case record, created when the request is opened, with what it was filed with.
CASE = StepRecord(Case, workflow=KEY, create=_new_case)


def panel_state(case) -> tuple[int, int]:
    """(panel size, experts who have scored)."""
    rows = list(ExpertScore.select(ExpertScore.score).where(ExpertScore.case == case))
    return len(rows), sum(1 for r in rows if r.score is not None)


@CASE.on("survey")  # DB1302 6.4.4.2 a
def survey(case: Case, data: dict, event) -> None:
    for name in ("kind", "amount", "purpose", "stage", "needs_summary"):
        setattr(case, name, data[name])
    case.survey = data.get("survey")


@CASE.on("plan")  # b
def plan(case: Case, data: dict, event) -> None:
    case.plan = data["plan"]


@CASE.on("preparation")  # c
def preparation(case: Case, data: dict, event) -> None:
    field = "roadshow_plan" if case.kind == "equity" else "loan_preparation"
    if not (data.get(field) or "").strip():
        message = (_("An equity financing needs the roadshow plan.") if case.kind == "equity"
                   else _("A debt financing needs the loan preparation."))
        raise ValidationFailed(message, {field: [message]})
    case.bp_summary, case.bp_market, case.bp_product = data["summary"], data["market"], data["product"]
    case.bp_team, case.bp_financials, case.bp_attachment = data["team"], data["financials"], data.get("attachment")
    case.roadshow_plan, case.loan_preparation = data.get("roadshow_plan", ""), data.get("loan_preparation", "")


@CASE.on("evaluation")  # d
def evaluation(case: Case, data: dict, event) -> None:
    case.classification, case.evaluation_comment = data["classification"], data["conclusion"]
    case.recommended = _recommendations(case, data)


@CASE.on("meeting")  # e
def meeting(case: Case, data: dict, event) -> None:
    Meeting.create(case=case, kind="roadshow" if case.kind == "equity" else "bank_meeting",
                   held_on=data["held_on"], venue=data.get("venue", ""),
                   participants=data["participants"], outcome=data["outcome"])


@CASE.on("tracking")  # f
def tracking(case: Case, data: dict, event) -> None:
    if data["obtained"] and not Fund.select().where(Fund.case == case).exists():
        raise ValidationFailed(_("Record the funds obtained before closing."),
                               {"funds": [_("No funds recorded yet.")]})


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
