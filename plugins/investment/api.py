"""REST resources of the investment plugin under ``/api/v1/investment/`` (DB1302 4.4.3, 6.4.4.1),
plus its needs surveys (core.toolkit.surveys). Every operation declares its response schema."""
from __future__ import annotations

import flask

from rongtong.core.plugin import (ApiResource, NotFound, PluginHost, ValidationFailed, WorkflowError, api_user,
                                  get_scoped, gettext as _, periods, scope_query, surveys)

from .models import CheckItem, FollowUp, Investor, Project, Vote
from .schemas import FollowUpSchema, InvestorSchema, ProjectSchema, ProjectSummarySchema, ScreeningOutSchema
from .screening import describe_enterprise, screen_targets

OWNER = "investment"


def list_investors():
    """The investor register (DB1302 4.4.3); ``?active=1``: active investors only."""
    query = Investor.select().order_by(Investor.id)
    if flask.request.args.get("active") == "1":
        query = query.where(Investor.active == True)  # noqa: E712
    return list(query)


def register_investor(data):
    """Register an investor (DB1302 4.4.3); the core audits the new record."""
    return Investor.create(**data)


def investor(investor_id: int, data=None):
    """GET one investor; PUT replaces its data (audited field diff)."""
    inv = Investor.get_or_none(Investor.id == investor_id)
    if inv is None:
        raise NotFound(_("Investor not found."))
    if flask.request.method == "PUT":
        for key, value in data.items():
            setattr(inv, key, value)
        inv.save()
    return inv


def _project(project_id) -> Project:
    project = get_scoped(Project, project_id, api_user())
    if project is None:
        raise NotFound(_("Investment project not found."))
    return project


def _project_out(p: Project) -> dict:
    return {
        "id": p.id, "request": p.request_id, "investor": p.investor if p.investor_id else None,
        "target": describe_enterprise(p.target) if p.target_id else None,
        "needs_summary": p.needs_summary,
        "due_diligence": {"prospects_score": p.prospects_score, "risk_score": p.risk_score,
                          "return_score": p.return_score,
                          "expected_return_pct": None if p.expected_return_pct is None else str(p.expected_return_pct),
                          "report": p.due_diligence_report},
        "checks": list(p.checks.order_by(CheckItem.id)),
        "votes": list(p.votes.order_by(Vote.id)),
        "agreement": {"amount": None if p.agreed_amount is None else f"{p.agreed_amount:.2f}",
                      "terms": p.agreement_terms, "signed_on": p.signed_on.isoformat() if p.signed_on else None},
        "followups": list(p.followups.order_by(FollowUp.period)),
    }


def projects():
    """Investment projects the caller may see."""
    query = scope_query(Project.select().order_by(Project.id), Project, api_user())
    return [{"id": p.id, "request": p.request_id, "investor": p.investor.name if p.investor_id else None,
             "target": p.target.name if p.target_id else None} for p in query]


def project(project_id: int):
    return _project_out(_project(project_id))


def screening():
    """DB1302 6.4.4.1 a: admitted enterprises ranked against an investor's focus, each with its
    reasons. ``?investor=<id>`` (required), ``&limit=`` (1–500, default 50)."""
    errors = {}
    raw = flask.request.args.get("investor", "")
    inv = Investor.get_or_none(Investor.id == int(raw)) if raw.isdigit() else None
    if inv is None:
        errors["investor"] = [_("Give the id of a registered investor.")]
    limit = flask.request.args.get("limit", "50")
    if not limit.isdigit() or not 1 <= int(limit) <= 500:
        errors["limit"] = [_("A whole number from 1 to 500.")]
    if errors:
        raise ValidationFailed(_("Invalid query."), errors)
    ranked = screen_targets(inv, limit=int(limit))
    return {"investor": inv, "candidates": [m.as_dict(describe_enterprise) for m in ranked]}


def list_followups(project_id: int):
    """The project's follow-ups, by period."""
    return list(_project(project_id).followups.order_by(FollowUp.period))


def record_followup(project_id: int, data):
    """Record one follow-up (DB1302 6.4.4.1 e: only while the project is being tracked)."""
    p = _project(project_id)
    req = p.request
    if req.is_closed or req.current_step != "tracking":
        raise WorkflowError(_("Follow-ups are recorded while the project is at the tracking step."))
    data["period"] = periods.parse_period(data["period"]).label
    if FollowUp.select().where((FollowUp.project == p) & (FollowUp.period == data["period"])).exists():
        raise ValidationFailed(_("Invalid data."), {"period": [_("A follow-up for this period is already recorded.")]})
    return FollowUp.create(project=p, recorded_by=api_user(), **data)


def api_resources(platform: PluginHost) -> list[ApiResource]:
    tag = OWNER
    investors, followups = "investment/investors", "investment/projects/<int:project_id>/followups"
    return [
        ApiResource(investors, list_investors, ("GET",), endpoint="investment_investors", summary="Investor register",
                    tag=tag, response_schema=InvestorSchema, many=True, permission="investment.investor.manage"),
        ApiResource(investors, register_investor, ("POST",), endpoint="investment_investors",
                    summary="Register an investor", tag=tag, request_schema=InvestorSchema,
                    response_schema=InvestorSchema, permission="investment.investor.manage"),
        ApiResource("investment/investors/<int:investor_id>", investor, ("GET", "PUT"), endpoint="investment_investor",
                    summary="One investor", tag=tag, request_schema=InvestorSchema, response_schema=InvestorSchema,
                    permission="investment.investor.manage"),
        ApiResource("investment/projects", projects, ("GET",), endpoint="investment_projects",
                    summary="Investment projects", tag=tag, response_schema=ProjectSummarySchema, many=True,
                    permission="investment.project.view"),
        ApiResource("investment/projects/<int:project_id>", project, ("GET",), endpoint="investment_project",
                    summary="One investment project with its checks, votes, agreement and follow-ups", tag=tag,
                    response_schema=ProjectSchema, permission="investment.project.view"),
        ApiResource("investment/screening", screening, ("GET",),
                    endpoint="investment_screening", summary="Target screening: ranked enterprises with reasons",
                    tag=tag, response_schema=ScreeningOutSchema, permission="investment.project.screen"),
        ApiResource(followups, list_followups, ("GET",), endpoint="investment_followups",
                    summary="Post-investment follow-ups", tag=tag, response_schema=FollowUpSchema, many=True,
                    permission="investment.followup.record"),
        ApiResource(followups, record_followup, ("POST",), endpoint="investment_followups",
                    summary="Record a post-investment follow-up", tag=tag, request_schema=FollowUpSchema,
                    response_schema=FollowUpSchema, permission="investment.followup.record"),
        *surveys.api_resources(OWNER),
    ]
