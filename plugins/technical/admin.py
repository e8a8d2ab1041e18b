"""Staff screens of the technical plugin: institutions, shared equipment, bookings (overlaps are
refused on save too) and assignments (written by the workflow, read-only here)."""
from __future__ import annotations

from flask import abort
from flask_admin import expose

from rongtong.core.plugin import (AdminViewSpec, PluginHost, SecureBaseView, SecureModelView, ServiceRequest,
                                  ValidationFailed, acting_user, current_platform, gettext as _, get_scoped,
                                  lazy_gettext as _l)

from . import bookings as bk
from . import candidates
from .models import Assignment, Booking, Equipment, Institution
from .steps import today_of
from .workflows import WORKFLOW_KEY

CATEGORY = _l("Technical services")


class InstitutionView(SecureModelView):
    edit_permission = "technical.institution.edit"
    column_list = ["id", "name", "capabilities", "contract_start", "contract_end", "contact_name", "active"]

    def on_model_change(self, form, model, is_created):
        if model.contract_start and model.contract_end and model.contract_end < model.contract_start:
            raise ValidationFailed(_("Invalid data."), {"contract_end": [_("Must not be before the contract start.")]})


class BookingView(SecureModelView):
    """Bookings made here obey the same rules as the API: the device's limits (opening hours,
    working days, longest booking, horizon, open bookings per enterprise) and no overlap on one
    device. Editing a booking without moving it (its purpose) or cancelling it is not re-checked."""

    edit_permission = "technical.equipment.edit"
    column_list = ["id", "equipment", "enterprise", "starts_at", "ends_at", "status", "purpose"]

    def on_model_change(self, form, model, is_created):
        if model.ends_at <= model.starts_at:
            raise ValidationFailed(_("The booking must end after it starts."), {"ends_at": [_("Must be later than the start.")]})
        moved = is_created or any(getattr(form, name).object_data != getattr(model, name)
                                  for name in ("equipment", "enterprise", "starts_at", "ends_at", "status") if hasattr(form, name))
        if model.status == "booked" and moved:
            bk.check_limits(model.equipment, model.enterprise_id, model.starts_at, model.ends_at,
                            current_platform().calendar, exclude=model.id)
        if model.status == "booked" and bk.overlapping(model.equipment_id, model.starts_at, model.ends_at,
                                                       exclude=model.id).exists():
            raise ValidationFailed(_("The device is already booked then."), {"starts_at": [_("Overlaps another booking.")]})


class CandidatesView(SecureBaseView):
    """Matching (DB1302 6.4.2 b): technical requests waiting for a plan, and for each one the
    contracted institutions ranked by capability, contract validity and load, with the reasons."""

    @expose("/")
    def index(self):
        waiting = list(ServiceRequest.select().where((ServiceRequest.workflow_key == WORKFLOW_KEY)
                                                    & (ServiceRequest.current_step == "plan")
                                                    & (ServiceRequest.status == "open"))
                       .order_by(ServiceRequest.step_due_at, ServiceRequest.id).limit(200))
        return self.render("technical/candidates.html", waiting=waiting, report=None, req=None,
                           kind_label=candidates.kind_label)

    @expose("/<int:request_id>/")
    def ranking(self, request_id):
        req = get_scoped(ServiceRequest, request_id, acting_user())
        if req is None or req.workflow_key != WORKFLOW_KEY:
            abort(404)
        today = today_of(current_platform())
        return self.render("technical/candidates.html", waiting=None, req=req,
                           report=candidates.candidates_report(req, today), kind_label=candidates.kind_label)


def admin_views(platform: PluginHost) -> list[AdminViewSpec]:
    return [
        AdminViewSpec(model=Institution, view_class=InstitutionView, permission="technical.institution.view",
                      category=CATEGORY),
        AdminViewSpec(model=Equipment, permission="technical.equipment.edit", category=CATEGORY),
        AdminViewSpec(model=Booking, view_class=BookingView, permission="technical.booking.view", category=CATEGORY),
        AdminViewSpec(view_class=CandidatesView, slug="candidates", name=_l("Institution matching"),
                      permission="technical.candidates.view", category=CATEGORY),
        AdminViewSpec(model=Assignment, permission="technical.assignment.view", category=CATEGORY, read_only=True),
    ]
