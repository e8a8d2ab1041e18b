"""REST resources of the financing plugin under ``/api/v1/financing/`` (DB1302 4.4.3, 6.2.4, 6.4.4.2).

Expert scores are independent (DB1302 6.4.4.2 d): each panel expert scores once; until every
member has scored, nobody — other experts, staff, the enterprise — sees anyone else's score.
"""
from __future__ import annotations

import flask

from rongtong.core import audit
from rongtong.core.db import database, is_postgres
from rongtong.core.errors import NotFound, PermissionDenied, ValidationFailed, WorkflowError
from rongtong.core.i18n import gettext as _
from rongtong.core.i18n import lazy_gettext as _l
from rongtong.core.models import User, utcnow
from rongtong.core.notify import notify_many
from rongtong.core.contract import ApiResource
from rongtong.core.security import get_scoped, is_staff, scope_query
from rongtong.core.toolkit.periods import parse_period
from rongtong.core.toolkit.vocab import amount_text

from .matches import describe, matches_for
from .models import Bank, Case, ExpertScore, Fund, FundUse, LoanProduct, Meeting
from .reports import funds_report
from .schemas import BankSchema, FundSchema, FundUseSchema, LoanProductSchema, PanelSchema, ScoreSchema
from .steps import panel_state


def _user():
    from rongtong.core.web.api.auth import api_user

    return api_user()


def _create(model, data):
    with database.atomic():
        row = model.create(**data)
        audit.record_create(row, _user())
    return row


# --- Registers ------------------------------------------------------------------------------------

def banks(data=None):
    """The register of banks (DB1302 6.4.4.2 d)."""
    if flask.request.method == "POST":
        return BankSchema().dump(_create(Bank, data))
    return BankSchema(many=True).dump(Bank.select().order_by(Bank.id))


def loan_products(data=None):
    """Banks' loan products."""
    if flask.request.method == "POST":
        return LoanProductSchema().dump(_create(LoanProduct, data))
    return LoanProductSchema(many=True).dump(LoanProduct.select().order_by(LoanProduct.id))


# --- Cases ----------------------------------------------------------------------------------------

def _on_panel(case_id, user) -> bool:
    return ExpertScore.select().where((ExpertScore.case == case_id) & (ExpertScore.expert == user.id)).exists()


def _case(case_id) -> Case:
    user = _user()
    case = get_scoped(Case, case_id, user)
    if case is None and user.has_role("expert") and _on_panel(case_id, user):
        case = Case.get_or_none(Case.id == case_id)
    if case is None:
        raise NotFound(_("Financing case not found."))
    return case


def _case_out(c: Case) -> dict:
    size, scored = panel_state(c)
    return {
        "id": c.id, "request": c.request_id, "enterprise": c.request.enterprise.name, "kind": c.kind,
        "amount": None if c.amount is None else f"{c.amount:.2f}", "purpose": c.purpose, "stage": c.stage,
        "needs_summary": c.needs_summary, "plan": c.plan,
        "business_plan": {"summary": c.bp_summary, "market": c.bp_market, "product": c.bp_product,
                          "team": c.bp_team, "financials": c.bp_financials, "attachment": c.bp_attachment_id},
        "roadshow_plan": c.roadshow_plan, "loan_preparation": c.loan_preparation,
        "panel": {"size": size, "scored": scored},
        "classification": c.classification, "conclusion": c.evaluation_comment, "recommended": c.recommended,
        "meetings": [{"kind": m.kind, "held_on": m.held_on.isoformat() if hasattr(m.held_on, "isoformat") else m.held_on,
                      "venue": m.venue, "participants": m.participants, "outcome": m.outcome}
                     for m in c.meetings.order_by(Meeting.id)],
        "funds": FundSchema(many=True).dump(c.funds.order_by(Fund.received_on, Fund.id)),
    }


def cases():
    query = scope_query(Case.select().order_by(Case.id), Case, _user())
    return [{"id": c.id, "request": c.request_id, "kind": c.kind,
             "amount": None if c.amount is None else f"{c.amount:.2f}"} for c in query]


def case(case_id: int):
    return _case_out(_case(case_id))


def matches(case_id: int):
    """Ranked investors (equity) or loan products (debt), each with its reasons."""
    c = _case(case_id)
    if not c.kind or c.amount is None:
        raise WorkflowError(_("Complete the needs survey (kind and amount) before matching."))
    ranked = matches_for(c, c.request.enterprise)
    return {"kind": c.kind, "candidates": [m.as_dict(describe) for m in ranked]}


def panel(case_id: int, data=None):
    """PUT: name the expert panel (at the evaluation step, before anyone has scored)."""
    c = _case(case_id)
    if c.request.is_closed or c.request.current_step != "evaluation":
        raise WorkflowError(_("The panel is named at the expert evaluation step."))
    ids = list(dict.fromkeys(data["experts"]))
    experts = [u for u in User.select().where(User.id.in_(ids) & (User.active == True)) if u.has_role("expert")]  # noqa: E712
    if len(experts) != len(ids) or len(ids) < 2:
        raise ValidationFailed(_("Invalid data."), {"experts": [_("Give at least two distinct active experts.")]})
    if ExpertScore.select().where((ExpertScore.case == c) & ExpertScore.score.is_null(False)).exists():
        raise WorkflowError(_("Scoring has started; the panel can no longer be changed."))
    with database.atomic():
        for row in ExpertScore.select().where(ExpertScore.case == c):
            audit.record_delete(row, _user())
        ExpertScore.delete().where(ExpertScore.case == c).execute()
        for expert in experts:
            audit.record_create(ExpertScore.create(case=c, expert=expert), _user())
        notify_many(experts, _l("Please score financing case #%(id)s", id=c.id),
                    _l("You are on the expert panel of %(title)s. Score it independently: nobody sees the scores "
                       "until the whole panel has scored.", title=c.request.title),
                    kind="financing_panel", dedupe_prefix=f"financing:panel:{c.id}:{c.request.version}")
    return {"panel": [{"id": e.id, "name": str(e)} for e in experts]}


def scores(case_id: int, data=None):
    """GET the scores visible to the caller; POST the caller's own score (panel experts, once)."""
    c = _case(case_id)
    user = _user()
    if flask.request.method == "POST":
        row = ExpertScore.get_or_none((ExpertScore.case == c) & (ExpertScore.expert == user.id))
        if row is None:
            raise PermissionDenied(_("Only the experts on this case's panel may score it."))
        if c.request.is_closed or c.request.current_step != "evaluation":
            raise WorkflowError(_("Scores are given at the expert evaluation step."))
        with database.atomic():
            before = row.snapshot()
            row.score, row.comment, row.scored_at = data["score"], data["comment"], utcnow()
            # a guarded update: of two submissions at once, exactly one is recorded
            changed = (ExpertScore.update(score=row.score, comment=row.comment, scored_at=row.scored_at)
                       .where((ExpertScore.id == row.id) & ExpertScore.score.is_null()).execute())
            if changed != 1:
                raise WorkflowError(_("You have already scored this case; scores are final."))
            audit.record_update(row, before, user)
    rows = list(ExpertScore.select().where(ExpertScore.case == c).order_by(ExpertScore.id))
    complete = bool(rows) and all(r.score is not None for r in rows)
    out = []
    for r in rows:
        visible = complete or r.expert_id == user.id
        out.append({"expert": str(r.expert), "scored": r.score is not None,
                    "score": r.score if visible else None,
                    "comment": r.comment if visible and r.score is not None else None})
    body = {"complete": complete, "panel": out,
            "average": round(sum(r.score for r in rows) / len(rows), 1) if complete else None}
    return body


def funds(case_id: int, data=None):
    """GET the funds obtained; POST one (DB1302 6.4.4.2 f: at the fund-tracking step)."""
    c = _case(case_id)
    if flask.request.method == "POST":
        if not is_staff(_user()):
            raise PermissionDenied(_("Only staff record funds."))
        if c.request.is_closed or c.request.current_step != "tracking":
            raise WorkflowError(_("Funds are recorded at the fund-tracking step."))
        return FundSchema().dump(_create(Fund, {**data, "case": c}))
    return FundSchema(many=True).dump(c.funds.order_by(Fund.received_on, Fund.id))


def fund_uses(fund_id: int, data=None):
    """POST how part of the funds was used (over time)."""
    fund = get_scoped(Fund, fund_id, _user())
    if fund is None:
        raise NotFound(_("Funds not found."))
    if fund.case.request.is_closed:
        raise WorkflowError(_("This financing case is closed."))
    with database.atomic():
        if is_postgres():  # serialise uses of one fund, so they never exceed it
            Fund.select().where(Fund.id == fund.id).for_update().execute()
        used = sum((u.amount for u in FundUse.select().where(FundUse.fund == fund.id)), 0)
        if used + data["amount"] > fund.amount:
            left = amount_text(fund.amount - used)
            raise ValidationFailed(_("Invalid data."), {"amount": [_("More than the funds left (%(left)s).", left=left)]})
        return FundUseSchema().dump(_create(FundUse, {**data, "fund": fund}))


def report():
    """Funds obtained in ``?period=`` by scale, industry and source."""
    return funds_report(parse_period(flask.request.args.get("period", "")))


def resources() -> list[ApiResource]:
    tag = "financing"
    r = ApiResource
    return [
        r("financing/banks", banks, ("GET", "POST"), endpoint="financing_banks", summary="Bank register", tag=tag,
          request_schema=BankSchema, permission="financing.bank.manage"),
        r("financing/loan-products", loan_products, ("GET", "POST"), endpoint="financing_loan_products",
          summary="Loan products", tag=tag, request_schema=LoanProductSchema,
          permission="financing.bank.manage"),
        r("financing/cases", cases, ("GET",), endpoint="financing_cases", summary="Financing cases", tag=tag,
          permission="financing.case.view"),
        r("financing/cases/<int:case_id>", case, ("GET",), endpoint="financing_case", summary="One financing case",
          tag=tag, permission="financing.case.view"),
        r("financing/cases/<int:case_id>/matches", matches, ("GET",), endpoint="financing_matches",
          summary="Investors or loan products ranked for a case, with reasons", tag=tag,
          permission="financing.case.match"),
        r("financing/cases/<int:case_id>/panel", panel, ("PUT",), endpoint="financing_panel",
          summary="Name the expert panel", tag=tag, request_schema=PanelSchema, permission="financing.panel.manage"),
        r("financing/cases/<int:case_id>/scores", scores, ("GET", "POST"), endpoint="financing_scores",
          summary="Independent expert scores", tag=tag, request_schema=ScoreSchema, permission="financing.score"),
        r("financing/cases/<int:case_id>/funds", funds, ("GET", "POST"), endpoint="financing_funds",
          summary="Funds obtained", tag=tag, request_schema=FundSchema,
          permission="financing.case.view"),
        r("financing/funds/<int:fund_id>/uses", fund_uses, ("POST",), endpoint="financing_fund_uses",
          summary="Record a use of funds", tag=tag, request_schema=FundUseSchema,
          permission="financing.fund.record"),
        r("financing/report", report, ("GET",), endpoint="financing_report",
          summary="Funds obtained per period by scale, industry and source", tag=tag, permission="financing.report"),
    ]
