"""REST resources of the financing plugin under ``/api/v1/financing/`` (DB1302 4.4.3, 6.2.4, 6.4.4.2).

Expert scores are independent (DB1302 6.4.4.2 d): each panel expert scores once; until every
member has scored, nobody — other experts, staff, the enterprise — sees anyone else's score.
"""
from __future__ import annotations

import flask

from rongtong.core.plugin import (ApiResource, NotFound, PermissionDenied, PluginHost, User, ValidationFailed,
                                  WorkflowError, api_user, database, get_scoped, gettext as _, is_postgres, is_staff,
                                  lazy_gettext as _l, notify_many, periods, scope_query, surveys, utcnow, vocab)

from .matches import describe, matches_for
from .models import Bank, Case, ExpertScore, Fund, FundUse, LoanProduct, Meeting
from .reports import funds_report
from .schemas import (BankSchema, CaseSchema, CaseSummarySchema, FundSchema, FundsReportSchema, FundUseSchema,
                      LoanProductSchema, MatchesSchema, PanelOutSchema, PanelSchema, ScoresSchema, ScoreSchema)
from .steps import panel_state

OWNER = "financing"


# --- Registers ------------------------------------------------------------------------------------

def list_banks():
    """The register of banks (DB1302 6.4.4.2 d)."""
    return list(Bank.select().order_by(Bank.id))


def register_bank(data):
    return Bank.create(**data)


def list_loan_products():
    """Banks' loan products."""
    return list(LoanProduct.select().order_by(LoanProduct.id))


def register_loan_product(data):
    return LoanProduct.create(**data)


# --- Cases ----------------------------------------------------------------------------------------

def _on_panel(case_id, user) -> bool:
    return ExpertScore.select().where((ExpertScore.case == case_id) & (ExpertScore.expert == user.id)).exists()


def _case(case_id) -> Case:
    user = api_user()
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
        "funds": list(c.funds.order_by(Fund.received_on, Fund.id)),
    }


def cases():
    query = scope_query(Case.select().order_by(Case.id), Case, api_user())
    return [{"id": c.id, "request": c.request_id, "kind": c.kind,
             "amount": None if c.amount is None else f"{c.amount:.2f}"} for c in query]


def get_case(case_id: int):
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
            row.delete_instance()
        for expert in experts:
            ExpertScore.create(case=c, expert=expert)
        notify_many(experts, _l("Please score financing case #%(id)s", id=c.id),
                    _l("You are on the expert panel of %(title)s. Score it independently: nobody sees the scores "
                       "until the whole panel has scored.", title=c.request.title),
                    kind="financing_panel", dedupe_prefix=f"financing:panel:{c.id}:{c.request.version}")
    return {"panel": [{"id": e.id, "name": str(e)} for e in experts]}


def scores(case_id: int, data=None):
    """GET the scores visible to the caller; POST the caller's own score (panel experts, once)."""
    c = _case(case_id)
    user = api_user()
    if flask.request.method == "POST":
        row = ExpertScore.get_or_none((ExpertScore.case == c) & (ExpertScore.expert == user.id))
        if row is None:
            raise PermissionDenied(_("Only the experts on this case's panel may score it."))
        if c.request.is_closed or c.request.current_step != "evaluation":
            raise WorkflowError(_("Scores are given at the expert evaluation step."))
        # a guarded update: of two submissions at once, exactly one is recorded (and audited)
        changed = ExpertScore.update_where((ExpertScore.id == row.id) & ExpertScore.score.is_null(),
                                           {"score": data["score"], "comment": data["comment"], "scored_at": utcnow()})
        if changed != 1:
            raise WorkflowError(_("You have already scored this case; scores are final."))
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


def list_funds(case_id: int):
    """The funds obtained, oldest first."""
    return list(_case(case_id).funds.order_by(Fund.received_on, Fund.id))


def record_fund(case_id: int, data):
    """Record funds obtained (DB1302 6.4.4.2 f: staff, at the fund-tracking step)."""
    c = _case(case_id)
    if not is_staff(api_user()):
        raise PermissionDenied(_("Only staff record funds."))
    if c.request.is_closed or c.request.current_step != "tracking":
        raise WorkflowError(_("Funds are recorded at the fund-tracking step."))
    return Fund.create(**data, case=c)


def fund_uses(fund_id: int, data=None):
    """POST how part of the funds was used (over time)."""
    fund = get_scoped(Fund, fund_id, api_user())
    if fund is None:
        raise NotFound(_("Funds not found."))
    if fund.case.request.is_closed:
        raise WorkflowError(_("This financing case is closed."))
    with database.atomic():
        if is_postgres():  # serialise uses of one fund, so they never exceed it
            Fund.select().where(Fund.id == fund.id).for_update().execute()
        used = sum((u.amount for u in FundUse.select().where(FundUse.fund == fund.id)), 0)
        if used + data["amount"] > fund.amount:
            left = vocab.amount_text(fund.amount - used)
            raise ValidationFailed(_("Invalid data."), {"amount": [_("More than the funds left (%(left)s).", left=left)]})
        return FundUse.create(**data, fund=fund)


def report():
    """Funds obtained in ``?period=`` by scale, industry and source."""
    return funds_report(periods.parse_period(flask.request.args.get("period", "")))


def api_resources(platform: PluginHost) -> list[ApiResource]:
    tag = OWNER
    r = ApiResource
    banks, products = "financing/banks", "financing/loan-products"
    case, funds = "financing/cases/<int:case_id>", "financing/cases/<int:case_id>/funds"
    return [
        r(banks, list_banks, ("GET",), endpoint="financing_banks", summary="Bank register", tag=tag,
          response_schema=BankSchema, many=True, permission="financing.bank.manage"),
        r(banks, register_bank, ("POST",), endpoint="financing_banks", summary="Register a bank", tag=tag,
          request_schema=BankSchema, response_schema=BankSchema, permission="financing.bank.manage"),
        r(products, list_loan_products, ("GET",), endpoint="financing_loan_products", summary="Loan products",
          tag=tag, response_schema=LoanProductSchema, many=True, permission="financing.bank.manage"),
        r(products, register_loan_product, ("POST",), endpoint="financing_loan_products",
          summary="Register a loan product", tag=tag, request_schema=LoanProductSchema,
          response_schema=LoanProductSchema, permission="financing.bank.manage"),
        r("financing/cases", cases, ("GET",), endpoint="financing_cases", summary="Financing cases", tag=tag,
          response_schema=CaseSummarySchema, many=True, permission="financing.case.view"),
        r(case, get_case, ("GET",), endpoint="financing_case", summary="One financing case", tag=tag,
          response_schema=CaseSchema, permission="financing.case.view"),
        r(f"{case}/matches", matches, ("GET",), endpoint="financing_matches",
          summary="Investors or loan products ranked for a case, with reasons", tag=tag,
          response_schema=MatchesSchema, permission="financing.case.match"),
        r(f"{case}/panel", panel, ("PUT",), endpoint="financing_panel", summary="Name the expert panel", tag=tag,
          request_schema=PanelSchema, response_schema=PanelOutSchema, permission="financing.panel.manage"),
        r(f"{case}/scores", scores, ("GET", "POST"), endpoint="financing_scores",
          summary="Independent expert scores", tag=tag, request_schema=ScoreSchema, response_schema=ScoresSchema,
          permission="financing.score"),
        r(funds, list_funds, ("GET",), endpoint="financing_funds", summary="Funds obtained", tag=tag,
          response_schema=FundSchema, many=True, permission="financing.case.view"),
        r(funds, record_fund, ("POST",), endpoint="financing_funds", summary="Record funds obtained", tag=tag,
          request_schema=FundSchema, response_schema=FundSchema, permission="financing.case.view"),
        r("financing/funds/<int:fund_id>/uses", fund_uses, ("POST",), endpoint="financing_fund_uses",
          summary="Record a use of funds", tag=tag, request_schema=FundUseSchema, response_schema=FundUseSchema,
          permission="financing.fund.record"),
        r("financing/report", report, ("GET",), endpoint="financing_report",
          summary="Funds obtained per period by scale, industry and source", tag=tag,
          response_schema=FundsReportSchema, permission="financing.report"),
        *surveys.api_resources(OWNER),
    ]
