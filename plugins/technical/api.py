"""REST resources of the technical plugin under ``/api/v1/technical/`` (DB1302 6.2.2, 6.4.2).

The workflow itself runs through the generic request API; here are the registers (institutions,
shared equipment), bookings, the ranked candidates for a request and its assignment."""
from __future__ import annotations

from rongtong.core.plugin import (ApiResource, Enterprise, NotFound, PluginHost, ServiceRequest, ValidationFailed,
                                  api_user, current_platform, gettext as _, get_scoped, is_staff, scope_query,
                                  write_transaction)

from . import bookings as bk
from . import candidates
from .models import Assignment, Booking, Equipment, Institution
from .schemas import (
    AssignmentOutSchema, BookedSlotSchema, BookingOutSchema, BookingSchema, EquipmentOutSchema, InstitutionOutSchema,
    InstitutionSchema,
)
from .steps import today_of
from .workflows import WORKFLOW_KEY

TAG = "technical"


def _user():
    return api_user()


def _today():
    return today_of(current_platform())


def list_institutions():
    """Contracted service institutions (DB1302 5.3.7), with their capabilities and contracts."""
    return list(Institution.select().order_by(Institution.name).limit(1000))


def create_institution(data):
    with write_transaction():
        if Institution.select().where(Institution.name == data["name"]).exists():
            raise ValidationFailed(_("Invalid data."), {"name": [_("An institution with this name exists already.")]})
        inst = Institution.create(**data)  # audited by the model, naming the API caller
    return inst, 201


def list_equipment():
    """Shared equipment open for booking."""
    query = Equipment.select().where(Equipment.active == True).order_by(Equipment.name)  # noqa: E712
    return list(query.limit(1000))


def equipment_bookings(equipment_id: int):
    """When a device is taken (times only: whose booking it is stays private)."""
    device = Equipment.get_or_none((Equipment.id == equipment_id) & (Equipment.active == True))  # noqa: E712
    if device is None:
        raise NotFound(_("Equipment not found."))
    return list(Booking.select().where((Booking.equipment == device.id) & (Booking.status == "booked"))
                .order_by(Booking.starts_at).limit(1000))


def list_bookings():
    """Bookings the caller may see (an enterprise user: its own enterprise's)."""
    query = scope_query(Booking.select(), Booking, _user()).order_by(Booking.starts_at.desc())
    return list(query.limit(1000))


def create_booking(data):
    """Book a device; an overlapping booking of the same device, or one outside the device's limits
    (opening hours, working days, longest booking, horizon, open bookings per enterprise), is
    refused (422 naming the field and the limit)."""
    user = _user()
    if is_staff(user):
        if "enterprise" not in data:
            raise ValidationFailed(_("Say which enterprise books."), {"enterprise": [_("Missing data for required field.")]})
        enterprise = Enterprise.get_or_none((Enterprise.id == data["enterprise"]) & (Enterprise.status == "admitted"))
        if enterprise is None:
            raise ValidationFailed(_("Unknown enterprise."), {"enterprise": [_("Unknown or not admitted enterprise.")]})
    else:
        if not user.enterprise_id or data.get("enterprise", user.enterprise_id) != user.enterprise_id:
            raise ValidationFailed(_("You can only book for your own enterprise."),
                                   {"enterprise": [_("You can only book for your own enterprise.")]})
        enterprise = user.enterprise
    booking = bk.book(equipment_id=data["equipment"], enterprise=enterprise, starts_at=data["starts_at"],
                      ends_at=data["ends_at"], purpose=data["purpose"], actor=user,
                      calendar=current_platform().calendar)
    return booking, 201


def cancel_booking(booking_id: int):
    booking = get_scoped(Booking, booking_id, _user())
    if booking is None:
        raise NotFound(_("Booking not found."))
    return bk.cancel(booking.id, _user()), 200


def _technical_request(request_id: int) -> ServiceRequest:
    req = get_scoped(ServiceRequest, request_id, _user())
    if req is None or req.workflow_key != WORKFLOW_KEY:
        raise NotFound(_("Request not found."))
    return req


def request_candidates(request_id: int):
    """Institutions ranked for a technical request (DB1302 6.4.2 b): capability for the kind of
    service, contract validity, current load — each point with its reason; ineligible ones apart."""
    return candidates.candidates_report(_technical_request(request_id), _today())


def request_assignment(request_id: int):
    """The institution chosen, the plan, the delivery and the evaluation of a technical request."""
    req = _technical_request(request_id)
    a = Assignment.get_or_none(Assignment.request == req.id)
    if a is None:
        raise NotFound(_("No plan has been made for this request yet."))
    return a


def api_resources(platform: PluginHost) -> list[ApiResource]:
    r = ApiResource
    return [
        r("technical/institutions", list_institutions, ("GET",), endpoint="technical_institutions",
          summary="Contracted service institutions", tag=TAG, response_schema=InstitutionOutSchema, many=True,
          permission="technical.institution.view"),
        r("technical/institutions", create_institution, ("POST",), endpoint="technical_institution_create",
          summary="Register a service institution", tag=TAG, request_schema=InstitutionSchema,
          response_schema=InstitutionOutSchema, permission="technical.institution.edit"),
        r("technical/equipment", list_equipment, ("GET",), endpoint="technical_equipment",
          summary="Shared equipment", tag=TAG, response_schema=EquipmentOutSchema, many=True,
          permission="technical.equipment.view"),
        r("technical/equipment/<int:equipment_id>/bookings", equipment_bookings, ("GET",),
          endpoint="technical_equipment_bookings", summary="When a device is booked", tag=TAG,
          response_schema=BookedSlotSchema, many=True, permission="technical.equipment.view"),
        r("technical/bookings", list_bookings, ("GET",), endpoint="technical_bookings",
          summary="Equipment bookings", tag=TAG, response_schema=BookingOutSchema, many=True,
          permission="technical.booking.view"),
        r("technical/bookings", create_booking, ("POST",), endpoint="technical_booking_create",
          summary="Book shared equipment (overlaps refused)", tag=TAG, request_schema=BookingSchema,
          response_schema=BookingOutSchema, permission="technical.booking.make"),
        r("technical/bookings/<int:booking_id>/cancel", cancel_booking, ("POST",), endpoint="technical_booking_cancel",
          summary="Cancel a booking", tag=TAG, response_schema=BookingOutSchema,
          permission="technical.booking.make"),
        r("technical/requests/<int:request_id>/candidates", request_candidates, ("GET",),
          endpoint="technical_candidates", summary="Ranked candidate institutions with reasons", tag=TAG,
          permission="technical.candidates.view"),
        r("technical/requests/<int:request_id>/assignment", request_assignment, ("GET",),
          endpoint="technical_assignment", summary="Chosen institution, plan, delivery and evaluation", tag=TAG,
          response_schema=AssignmentOutSchema, permission="technical.assignment.view"),
    ]
