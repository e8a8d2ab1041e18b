"""REST resources of the investment plugin under ``/api/v1/investment/`` (DB1302 4.4.3, 6.4.4.1)."""
from __future__ import annotations

import flask

from rongtong.core import audit
from rongtong.core.db import database
from rongtong.core.errors import NotFound, ValidationFailed, WorkflowError
from rongtong.core.i18n import gettext as _
from rongtong.core.contract import ApiResource
from rongtong.core.security import get_scoped, scope_query

from .models import CheckItem, FollowUp, Investor, Project, Vote
from .schemas import FollowUpSchema, InvestorSchema
from .screening import describe_enterprise, screen_targets


def _user():
    from rongtong.core.web.api.auth import api_user

    return api_user()


def _investor_out(inv) -> dict:
    return {**InvestorSchema().dump(inv), "industries": inv.industries, "stages": inv.stages, "regions": inv.regions}


def investors(data=None):
    """GET: the investor register; POST: register an investor (DB1302 4.4.3)."""
    if flask.request.method == "POST":
        with database.atomic():
            inv = Investor.create(**data)
            audit.record_create(inv, _user())
        return _investor_out(inv)
    query = Investor.select().order_by(Investor.id)
    if flask.request.args.get("active") == "1":
        query = query.where(Investor.active == True)  # noqa: E712
    return [_investor_out(i) for i in query]


def investor(investor_id: int, data=None):
    """GET one investor; PUT replaces its data (audited field diff)."""
    inv = Investor.get_or_none(Investor.id == investor_id)
    if inv is None:
        raise NotFound(_("Investor not found."))
    if flask.request.method == "PUT":
        with database.atomic():
            before = inv.snapshot()
            for key, value in data.items():
                setattr(inv, key, value)
            inv.save()
            audit.record_update(inv, before, _user())
    return _investor_out(inv)


def _project(project_id) -> Project:
    project = get_scoped(Project, project_id, _user())
    if project is None:
        raise NotFound(_("Investment project not found."))
    return project


def _project_out(p: Project) -> dict:
    return {
        "id": p.id, "request": p.request_id, "investor": _investor_out(p.investor) if p.investor_id else None,
        "target": describe_enterprise(p.target) if p.target_id else None,
        "needs_summary": p.needs_summary,
        "due_diligence": {"prospects_score": p.prospects_score, "risk_score": p.risk_score,
                          "return_score": p.return_score,
                          "expected_return_pct": None if p.expected_return_pct is None else str(p.expected_return_pct),
                          "report": p.due_diligence_report},
        "checks": [{"item": c.item, "verified": c.verified, "evidence": c.evidence}
                   for c in p.checks.order_by(CheckItem.id)],
        "votes": [{"voter": v.voter, "vote": v.vote, "comment": v.comment} for v in p.votes.order_by(Vote.id)],
        "agreement": {"amount": None if p.agreed_amount is None else f"{p.agreed_amount:.2f}",
                      "terms": p.agreement_terms, "signed_on": p.signed_on.isoformat() if p.signed_on else None},
        "followups": FollowUpSchema(many=True).dump(p.followups.order_by(FollowUp.period)),
    }


def projects():
    """Investment projects the caller may see."""
    query = scope_query(Project.select().order_by(Project.id), Project, _user())
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
    return {"investor": _investor_out(inv), "candidates": [m.as_dict(describe_enterprise) for m in ranked]}


def followups(project_id: int, data=None):
    """GET the follow-ups; POST one (DB1302 6.4.4.1 e: only while the project is being tracked)."""
    p = _project(project_id)
    if flask.request.method == "POST":
        req = p.request
        if req.is_closed or req.current_step != "tracking":
            raise WorkflowError(_("Follow-ups are recorded while the project is at the tracking step."))
        from rongtong.core.toolkit.periods import parse_period

        data["period"] = parse_period(data["period"]).label
        if FollowUp.select().where((FollowUp.project == p) & (FollowUp.period == data["period"])).exists():
            raise ValidationFailed(_("Invalid data."), {"period": [_("A follow-up for this period is already recorded.")]})
        with database.atomic():
            row = FollowUp.create(project=p, recorded_by=_user(), **data)
            audit.record_create(row, _user())
        return FollowUpSchema().dump(row)
    return FollowUpSchema(many=True).dump(p.followups.order_by(FollowUp.period))


def resources() -> list[ApiResource]:
    tag = "investment"
    return [
        ApiResource("investment/investors", investors, ("GET", "POST"), endpoint="investment_investors",
                    summary="Investor register", tag=tag, request_schema=InvestorSchema,
                    permission="investment.investor.manage"),
        ApiResource("investment/investors/<int:investor_id>", investor, ("GET", "PUT"), endpoint="investment_investor",
                    summary="One investor", tag=tag, request_schema=InvestorSchema,
                    permission="investment.investor.manage"),
        ApiResource("investment/projects", projects, ("GET",), endpoint="investment_projects",
                    summary="Investment projects", tag=tag, permission="investment.project.view"),
        ApiResource("investment/projects/<int:project_id>", project, ("GET",), endpoint="investment_project",
                    summary="One investment project with its checks, votes, agreement and follow-ups", tag=tag,
                    permission="investment.project.view"),
        ApiResource("investment/screening", screening, ("GET",),
                    endpoint="investment_screening", summary="Target screening: ranked enterprises with reasons",
                    tag=tag, permission="investment.project.screen"),
        ApiResource("investment/projects/<int:project_id>/followups", followups, ("GET", "POST"),
                    endpoint="investment_followups", summary="Post-investment follow-ups", tag=tag,
                    request_schema=FollowUpSchema,
                    permission="investment.followup.record"),
    ]
