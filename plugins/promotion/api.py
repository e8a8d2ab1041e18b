"""REST resources of the promotion plugin under ``/api/v1/promotion/`` (DB1302 6.2.5, 6.4.5), plus
its needs surveys (core.toolkit.surveys). Every operation declares its response schema."""
from __future__ import annotations

import datetime

from rongtong.core.plugin import (ApiResource, Enterprise, NotFound, PermissionDenied, PluginHost, ValidationFailed,
                                  WorkflowError, api_user, current_platform, database, get_scoped, gettext as _,
                                  is_staff, scope_query, surveys, utcnow)

from .models import (Activity, AnnualPlan, Negotiation, NegotiationFollowUp, PlannedActivity, Product,
                     QualityEnterprise, Registration)
from .registrations import decide, register, registration_problem, seats_left
from .schemas import (ActivityOutSchema, AnnualPlanOutSchema, AnnualPlanSchema, DecisionSchema, NegotiationFollowUpSchema,
                      NegotiationOutSchema, NegotiationSchema, ProductSchema, QualityEnterpriseOutSchema,
                      QualityEnterpriseSchema, RegistrationOutSchema, RegistrationSchema)

OWNER = "promotion"


def _today() -> datetime.date:
    return current_platform().calendar.local_date(utcnow())


def _iso(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


# --- Quality-enterprise database (DB1302 6.4.5 a) ---------------------------------------------------

def _qe_out(qe) -> dict:
    return {"id": qe.id, "enterprise": {"id": qe.enterprise_id, "name": qe.enterprise.name,
                                        "industry": qe.enterprise.industry, "scale": qe.enterprise.scale},
            "criteria": qe.criteria, "profile": qe.profile, "selected_on": _iso(qe.selected_on), "active": qe.active,
            "products": list(qe.products.order_by(Product.id))}


def list_quality_enterprises():
    query = QualityEnterprise.select().order_by(QualityEnterprise.id)
    return [_qe_out(q) for q in scope_query(query, QualityEnterprise, api_user())]


def add_quality_enterprise(data):
    """Enter an enterprise in the database with its products (one transaction, each row audited)."""
    products = data.pop("products", [])
    if QualityEnterprise.select().where(QualityEnterprise.enterprise == data["enterprise_id"]).exists():
        raise ValidationFailed(_("The data is invalid."), {"enterprise": [_("Already in the database.")]})
    with database.atomic():
        qe = QualityEnterprise.create(**data)
        for p in products:
            Product.create(owner=qe, **p)
    return _qe_out(qe)


def products(qe_id: int, data):
    qe = get_scoped(QualityEnterprise, qe_id, api_user())
    if qe is None:
        raise NotFound(_("Quality enterprise not found."))
    return Product.create(owner=qe, **data)


# --- Annual plan (DB1302 6.4.5 b) ------------------------------------------------------------------

def _plan_out(plan) -> dict:
    acts = list(plan.activities.order_by(PlannedActivity.month, PlannedActivity.id))
    by_month = {m: [a for a in acts if a.month == m] for m in range(1, 13)}
    return {"id": plan.id, "year": plan.year, "title": plan.title, "budget": f"{plan.budget:.2f}",
            "planned_total": f"{sum((a.budget for a in acts), 0):.2f}", "notes": plan.notes,
            "months": [{"month": m, "activities": by_month[m]} for m in range(1, 13)]}


def list_plans():
    return [_plan_out(p) for p in AnnualPlan.select().order_by(AnnualPlan.year)]


def add_plan(data):
    """The year's plan with its activities (one transaction, each row audited)."""
    if AnnualPlan.select().where(AnnualPlan.year == data["year"]).exists():
        raise ValidationFailed(_("The data is invalid."), {"year": [_("A plan for this year exists.")]})
    activities = data.pop("activities")
    with database.atomic():
        plan = AnnualPlan.create(**data)
        for a in activities:
            PlannedActivity.create(plan=plan, **a)
    return _plan_out(plan)


def plan(year: int):
    row = AnnualPlan.get_or_none(AnnualPlan.year == year)
    if row is None:
        raise NotFound(_("No plan for this year."))
    return _plan_out(row)


# --- Activities and registrations (DB1302 6.4.5 c) --------------------------------------------------

def _activity(activity_id) -> Activity:
    """Staff see every activity; enterprises see an activity once its notice is published (they
    register for it), or their own request's."""
    user = api_user()
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
    user = api_user()
    query = Activity.select().order_by(Activity.id)
    if not is_staff(user):
        query = query.where(Activity.notice != "")
    return [_activity_out(a) for a in query.limit(500)]


def get_activity(activity_id: int):
    return _activity_out(_activity(activity_id))


def list_registrations(activity_id: int):
    """The activity's registrations (enterprises see their own)."""
    a = _activity(activity_id)
    query = scope_query(a.registrations.order_by(Registration.id), Registration, api_user())
    return [_registration_out(r) for r in query]


def add_registration(activity_id: int, data):
    """Register an enterprise: staff name it, an enterprise user registers its own."""
    a = _activity(activity_id)
    user = api_user()
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
    row = register(a, ent, data, _today())
    return _registration_out(row)


def _registration_out(r) -> dict:
    return {"id": r.id, "activity": r.activity_id, "enterprise": {"id": r.enterprise_id, "name": r.enterprise.name},
            "contact_name": r.contact_name, "status": r.status, "reason": r.decision_reason}


def decide_registration(registration_id: int, data):
    """Approve (within capacity) or reject (with a reason) a registration."""
    row = Registration.get_or_none(Registration.id == registration_id)
    if row is None:
        raise NotFound(_("Registration not found."))
    return _registration_out(decide(row, data["decision"], data["reason"], api_user()))


# --- Negotiations (DB1302 6.4.5 f) -------------------------------------------------------------------

def _negotiation_out(n) -> dict:
    return {"id": n.id, "activity": n.activity_id, "enterprise": {"id": n.enterprise_id, "name": n.enterprise.name},
            "counterpart": n.counterpart, "subject": n.subject,
            "amount": None if n.amount is None else f"{n.amount:.2f}", "status": n.status,
            "followups": [{"followed_on": _iso(f.followed_on), "progress": f.progress, "problems": f.problems,
                           "coordination": f.coordination}
                          for f in n.followups.order_by(NegotiationFollowUp.followed_on, NegotiationFollowUp.id)]}


def list_negotiations(activity_id: int):
    a = _activity(activity_id)
    query = scope_query(a.negotiations.order_by(Negotiation.id), Negotiation, api_user())
    return [_negotiation_out(n) for n in query]


def add_negotiation(activity_id: int, data):
    """Record a negotiation or project (staff, at the event and follow-up steps)."""
    a = _activity(activity_id)
    if not is_staff(api_user()):
        raise PermissionDenied(_("Only staff record negotiations."))
    if a.request.is_closed or a.request.current_step not in ("event", "follow_up"):
        raise WorkflowError(_("Negotiations are recorded at the event and follow-up steps."))
    row = Negotiation.create(activity=a, enterprise=data.pop("enterprise"), **data)
    return _negotiation_out(row)


def negotiation_followups(negotiation_id: int, data):
    user = api_user()
    n = get_scoped(Negotiation, negotiation_id, user)
    if n is None:
        raise NotFound(_("Negotiation not found."))
    if n.activity.request.is_closed:
        raise WorkflowError(_("This activity is closed."))
    status = data.pop("status", None)
    with database.atomic():
        NegotiationFollowUp.create(negotiation=n, recorded_by=user, **data)
        if status and status != n.status:
            n.status = status
            n.save()
    return _negotiation_out(Negotiation.get_by_id(n.id))


def api_resources(platform: PluginHost) -> list[ApiResource]:
    tag, r = OWNER, ApiResource
    database_, plans = "promotion/quality-enterprises", "promotion/plans"
    activity = "promotion/activities/<int:activity_id>"
    return [
        r(database_, list_quality_enterprises, ("GET",), endpoint="promotion_quality_enterprises",
          summary="Quality-enterprise database", tag=tag, response_schema=QualityEnterpriseOutSchema, many=True,
          permission="promotion.database.manage"),
        r(database_, add_quality_enterprise, ("POST",), endpoint="promotion_quality_enterprises",
          summary="Enter an enterprise in the quality-enterprise database", tag=tag,
          request_schema=QualityEnterpriseSchema, response_schema=QualityEnterpriseOutSchema,
          permission="promotion.database.manage"),
        r("promotion/quality-enterprises/<int:qe_id>/products", products, ("POST",), endpoint="promotion_products",
          summary="Add a product of a quality enterprise", tag=tag, request_schema=ProductSchema,
          response_schema=ProductSchema, permission="promotion.database.manage"),
        r(plans, list_plans, ("GET",), endpoint="promotion_plans", summary="Annual activity plans", tag=tag,
          response_schema=AnnualPlanOutSchema, many=True, permission="promotion.plan.manage"),
        r(plans, add_plan, ("POST",), endpoint="promotion_plans", summary="Make the annual activity plan", tag=tag,
          request_schema=AnnualPlanSchema, response_schema=AnnualPlanOutSchema, permission="promotion.plan.manage"),
        r("promotion/plans/<int:year>", plan, ("GET",), endpoint="promotion_plan",
          summary="One year's plan, by month", tag=tag, response_schema=AnnualPlanOutSchema,
          permission="promotion.plan.manage"),
        r("promotion/activities", activities, ("GET",), endpoint="promotion_activities",
          summary="Activities (enterprises see published ones)", tag=tag, response_schema=ActivityOutSchema,
          many=True, permission="promotion.activity.view"),
        r(activity, get_activity, ("GET",), endpoint="promotion_activity", summary="One activity", tag=tag,
          response_schema=ActivityOutSchema, permission="promotion.activity.view"),
        r(f"{activity}/registrations", list_registrations, ("GET",), endpoint="promotion_registrations",
          summary="Registrations for an activity", tag=tag, response_schema=RegistrationOutSchema, many=True,
          permission="promotion.register"),
        r(f"{activity}/registrations", add_registration, ("POST",), endpoint="promotion_registrations",
          summary="Register for an activity", tag=tag, request_schema=RegistrationSchema,
          response_schema=RegistrationOutSchema, permission="promotion.register"),
        r("promotion/registrations/<int:registration_id>/decision", decide_registration, ("POST",),
          endpoint="promotion_registration_decision", summary="Approve or reject a registration", tag=tag,
          request_schema=DecisionSchema, response_schema=RegistrationOutSchema,
          permission="promotion.registration.decide"),
        r(f"{activity}/negotiations", list_negotiations, ("GET",), endpoint="promotion_negotiations",
          summary="Negotiations and projects from an activity", tag=tag, response_schema=NegotiationOutSchema,
          many=True, permission="promotion.activity.view"),
        r(f"{activity}/negotiations", add_negotiation, ("POST",), endpoint="promotion_negotiations",
          summary="Record a negotiation or project from an activity", tag=tag, request_schema=NegotiationSchema,
          response_schema=NegotiationOutSchema, permission="promotion.activity.view"),
        r("promotion/negotiations/<int:negotiation_id>/followups", negotiation_followups, ("POST",),
          endpoint="promotion_negotiation_followups", summary="Follow up a negotiation", tag=tag,
          request_schema=NegotiationFollowUpSchema, response_schema=NegotiationOutSchema,
          permission="promotion.negotiation.manage"),
        *surveys.api_resources(OWNER),
    ]
