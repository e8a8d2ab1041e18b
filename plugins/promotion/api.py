"""REST resources of the promotion plugin under ``/api/v1/promotion/`` (DB1302 6.2.5, 6.4.5)."""
from __future__ import annotations

import datetime

from rongtong.core import audit
from rongtong.core.db import database
from rongtong.core.errors import NotFound, PermissionDenied, ValidationFailed, WorkflowError
from rongtong.core.i18n import gettext as _
from rongtong.core.models import Enterprise, utcnow
from rongtong.core.contract import ApiResource
from rongtong.core.security import get_scoped, is_staff, scope_query
from rongtong.core.toolkit import surveys

from .models import (Activity, AnnualPlan, Negotiation, NegotiationFollowUp, PlannedActivity, Product,
                     QualityEnterprise, Registration)
from .registrations import decide, register, registration_problem, seats_left
from .schemas import (AnnualPlanSchema, DecisionSchema, NegotiationFollowUpSchema, NegotiationSchema,
                      PlannedActivitySchema, ProductSchema, QualityEnterpriseSchema, RegistrationSchema)


def _user():
    from rongtong.core.web.api.auth import api_user

    return api_user()


def _today() -> datetime.date:
    from rongtong.core.web.app import current_platform

    return current_platform().calendar.local_date(utcnow())


def _iso(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


# --- Quality-enterprise database (DB1302 6.4.5 a) ---------------------------------------------------

def _qe_out(qe) -> dict:
    return {"id": qe.id, "enterprise": {"id": qe.enterprise_id, "name": qe.enterprise.name,
                                        "industry": qe.enterprise.industry, "scale": qe.enterprise.scale},
            "criteria": qe.criteria, "profile": qe.profile, "selected_on": _iso(qe.selected_on), "active": qe.active,
            "products": ProductSchema(many=True).dump(qe.products.order_by(Product.id))}


def quality_enterprises(data=None):
    if data is not None:
        products = data.pop("products", [])
        if QualityEnterprise.select().where(QualityEnterprise.enterprise == data["enterprise_id"]).exists():
            raise ValidationFailed(_("The data is invalid."), {"enterprise": [_("Already in the database.")]})
        with database.atomic():
            qe = QualityEnterprise.create(**data)
            audit.record_create(qe, _user())
            for p in products:
                audit.record_create(Product.create(owner=qe, **p), _user())
        return _qe_out(qe)
    query = QualityEnterprise.select().order_by(QualityEnterprise.id)
    return [_qe_out(q) for q in scope_query(query, QualityEnterprise, _user())]


def products(qe_id: int, data=None):
    qe = get_scoped(QualityEnterprise, qe_id, _user())
    if qe is None:
        raise NotFound(_("Quality enterprise not found."))
    with database.atomic():
        row = Product.create(owner=qe, **data)
        audit.record_create(row, _user())
    return ProductSchema().dump(row)


# --- Annual plan (DB1302 6.4.5 b) ------------------------------------------------------------------

def _plan_out(plan) -> dict:
    acts = list(plan.activities.order_by(PlannedActivity.month, PlannedActivity.id))
    by_month = {m: PlannedActivitySchema(many=True).dump([a for a in acts if a.month == m]) for m in range(1, 13)}
    return {"id": plan.id, "year": plan.year, "title": plan.title, "budget": f"{plan.budget:.2f}",
            "planned_total": f"{sum((a.budget for a in acts), 0):.2f}", "notes": plan.notes,
            "months": [{"month": m, "activities": by_month[m]} for m in range(1, 13)]}


def plans(data=None):
    if data is not None:
        if AnnualPlan.select().where(AnnualPlan.year == data["year"]).exists():
            raise ValidationFailed(_("The data is invalid."), {"year": [_("A plan for this year exists.")]})
        activities = data.pop("activities")
        with database.atomic():
            plan = AnnualPlan.create(**data)
            audit.record_create(plan, _user())
            for a in activities:
                audit.record_create(PlannedActivity.create(plan=plan, **a), _user())
        return _plan_out(plan)
    return [_plan_out(p) for p in AnnualPlan.select().order_by(AnnualPlan.year)]


def plan(year: int):
    row = AnnualPlan.get_or_none(AnnualPlan.year == year)
    if row is None:
        raise NotFound(_("No plan for this year."))
    return _plan_out(row)


# --- Activities and registrations (DB1302 6.4.5 c) --------------------------------------------------

def _activity(activity_id) -> Activity:
    """Staff see every activity; enterprises see an activity once its notice is published (they
    register for it), or their own request's."""
    user = _user()
    act = get_scoped(Activity, activity_id, user)
    if act is None and not is_staff(user):
        act = Activity.get_or_none((Activity.id == activity_id) & (Activity.notice != ""))
    if act is None:
        raise NotFound(_("Activity not found."))
    return act


def _activity_out(a: Activity) -> dict:
    approved = a.registrations.where(Registration.status == "approved").count()
    return {"id": a.id, "request": a.request_id, "title": a.title, "kind": a.kind, "starts_on": _iso(a.starts_on),
            "capacity": a.capacity, "approved": approved, "notice": a.notice, "channels": a.channels,
            "registration_deadline": _iso(a.registration_deadline), "venue": a.venue, "experts": a.experts,
            "equipment": a.equipment, "media": a.media, "held_on": _iso(a.held_on), "attendance": a.attendance,
            "summary": {"analysis": a.analysis, "effect_score": a.effect_score,
                        "effect_evaluation": a.effect_evaluation, "improvements": a.improvements},
            "seats_left": seats_left(a), "registration_open": registration_problem(a, _today()) is None}


def activities():
    user = _user()
    query = Activity.select().order_by(Activity.id)
    if not is_staff(user):
        query = query.where(Activity.notice != "")
    return [_activity_out(a) for a in query.limit(500)]


def activity(activity_id: int):
    return _activity_out(_activity(activity_id))


def registrations(activity_id: int, data=None):
    """GET: registrations (enterprises see their own); POST: register an enterprise."""
    a = _activity(activity_id)
    user = _user()
    if data is None:
        query = scope_query(a.registrations.order_by(Registration.id), Registration, user)
        return [_registration_out(r) for r in query]
    if is_staff(user):
        if data["enterprise"] is None:
            raise ValidationFailed(_("The data is invalid."), {"enterprise": [_("Missing data for required field.")]})
        ent = Enterprise.get_or_none((Enterprise.id == data["enterprise"]) & (Enterprise.status == "admitted"))
        if ent is None:
            raise ValidationFailed(_("The data is invalid."), {"enterprise": [_("No admitted enterprise with this id.")]})
    else:
        if data["enterprise"] not in (None, user.enterprise_id) or not user.enterprise_id:
            raise PermissionDenied(_("You register only your own enterprise."))
        ent = user.enterprise
    row = register(a, ent, data, user, _today())
    return _registration_out(row)


def _registration_out(r) -> dict:
    return {"id": r.id, "activity": r.activity_id, "enterprise": {"id": r.enterprise_id, "name": r.enterprise.name},
            "contact_name": r.contact_name, "status": r.status, "reason": r.decision_reason}


def decide_registration(registration_id: int, data=None):
    """Approve (within capacity) or reject (with a reason) a registration."""
    row = Registration.get_or_none(Registration.id == registration_id)
    if row is None:
        raise NotFound(_("Registration not found."))
    return _registration_out(decide(row, data["decision"], data["reason"], _user()))


# --- Negotiations (DB1302 6.4.5 f) -------------------------------------------------------------------

def _negotiation_out(n) -> dict:
    return {"id": n.id, "activity": n.activity_id, "enterprise": {"id": n.enterprise_id, "name": n.enterprise.name},
            "counterpart": n.counterpart, "subject": n.subject,
            "amount": None if n.amount is None else f"{n.amount:.2f}", "status": n.status,
            "followups": [{"followed_on": _iso(f.followed_on), "progress": f.progress, "problems": f.problems,
                           "coordination": f.coordination}
                          for f in n.followups.order_by(NegotiationFollowUp.followed_on, NegotiationFollowUp.id)]}


def negotiations(activity_id: int, data=None):
    a = _activity(activity_id)
    user = _user()
    if data is None:
        query = scope_query(a.negotiations.order_by(Negotiation.id), Negotiation, user)
        return [_negotiation_out(n) for n in query]
    if not is_staff(user):
        raise PermissionDenied(_("Only staff record negotiations."))
    if a.request.is_closed or a.request.current_step not in ("event", "follow_up"):
        raise WorkflowError(_("Negotiations are recorded at the event and follow-up steps."))
    with database.atomic():
        row = Negotiation.create(activity=a, enterprise=data.pop("enterprise"), **data)
        audit.record_create(row, user)
    return _negotiation_out(row)


def negotiation_followups(negotiation_id: int, data=None):
    user = _user()
    n = get_scoped(Negotiation, negotiation_id, user)
    if n is None:
        raise NotFound(_("Negotiation not found."))
    if n.activity.request.is_closed:
        raise WorkflowError(_("This activity is closed."))
    status = data.pop("status", None)
    with database.atomic():
        row = NegotiationFollowUp.create(negotiation=n, recorded_by=user, **data)
        audit.record_create(row, user)
        if status and status != n.status:
            before = n.snapshot()
            n.status = status
            n.save()
            audit.record_update(n, before, user)
    return _negotiation_out(Negotiation.get_by_id(n.id))


def resources() -> list[ApiResource]:
    tag, r = "promotion", ApiResource
    return [
        r("promotion/quality-enterprises", quality_enterprises, ("GET", "POST"), endpoint="promotion_quality_enterprises",
          summary="Quality-enterprise database", tag=tag, request_schema=QualityEnterpriseSchema,
          permission="promotion.database.manage"),
        r("promotion/quality-enterprises/<int:qe_id>/products", products, ("POST",), endpoint="promotion_products",
          summary="Add a product of a quality enterprise", tag=tag, request_schema=ProductSchema,
          permission="promotion.database.manage"),
        r("promotion/plans", plans, ("GET", "POST"), endpoint="promotion_plans", summary="Annual activity plans",
          tag=tag, request_schema=AnnualPlanSchema, permission="promotion.plan.manage"),
        r("promotion/plans/<int:year>", plan, ("GET",), endpoint="promotion_plan",
          summary="One year's plan, by month", tag=tag, permission="promotion.plan.manage"),
        r("promotion/activities", activities, ("GET",), endpoint="promotion_activities",
          summary="Activities (enterprises see published ones)", tag=tag, permission="promotion.activity.view"),
        r("promotion/activities/<int:activity_id>", activity, ("GET",), endpoint="promotion_activity",
          summary="One activity", tag=tag, permission="promotion.activity.view"),
        r("promotion/activities/<int:activity_id>/registrations", registrations, ("GET", "POST"),
          endpoint="promotion_registrations", summary="Register for an activity", tag=tag,
          request_schema=RegistrationSchema, permission="promotion.register"),
        r("promotion/registrations/<int:registration_id>/decision", decide_registration, ("POST",),
          endpoint="promotion_registration_decision", summary="Approve or reject a registration", tag=tag,
          request_schema=DecisionSchema, permission="promotion.registration.decide"),
        r("promotion/activities/<int:activity_id>/negotiations", negotiations, ("GET", "POST"),
          endpoint="promotion_negotiations", summary="Negotiations and projects from an activity", tag=tag,
          request_schema=NegotiationSchema, permission="promotion.activity.view"),
        r("promotion/negotiations/<int:negotiation_id>/followups", negotiation_followups, ("POST",),
          endpoint="promotion_negotiation_followups", summary="Follow up a negotiation", tag=tag,
          request_schema=NegotiationFollowUpSchema, permission="promotion.negotiation.manage"),
    ] + surveys.api_resources("promotion")
