"""Shared equipment bookings (DB1302 6.2.2 equipment sharing): one device, one booking at a time.

The overlap check runs inside the write transaction that inserts the booking, with the device row
locked (SQLite: BEGIN IMMEDIATE takes the write lock; PostgreSQL: SELECT ... FOR UPDATE), so two
people booking the same slot at once cannot both succeed.
"""
from __future__ import annotations

from rongtong.core.plugin import NotFound, ValidationFailed, WorkflowError, gettext as _, is_postgres, write_transaction

from .models import Booking, Equipment


def overlapping(equipment_id: int, starts_at, ends_at, exclude: int | None = None):
    """Active bookings of the device that overlap ``[starts_at, ends_at)``."""
    query = Booking.select().where((Booking.equipment == equipment_id) & (Booking.status == "booked")
                                   & (Booking.starts_at < ends_at) & (Booking.ends_at > starts_at))
    if exclude is not None:
        query = query.where(Booking.id != exclude)
    return query.order_by(Booking.starts_at)


def book(*, equipment_id: int, enterprise, starts_at, ends_at, purpose: str, actor) -> Booking:
    """Book a device for ``[starts_at, ends_at)`` (naive UTC). Refused with a field error when the
    range is empty, the device is unknown or inactive, or another booking overlaps."""
    if ends_at <= starts_at:
        raise ValidationFailed(_("The booking must end after it starts."),
                               {"ends_at": [_("Must be later than the start.")]})
    with write_transaction():
        query = Equipment.select().where(Equipment.id == equipment_id)
        if is_postgres():
            query = query.for_update()
        device = query.first()
        if device is None or not device.active:
            raise ValidationFailed(_("No such shared equipment."), {"equipment": [_("Unknown or inactive equipment.")]})
        clash = overlapping(device.id, starts_at, ends_at).first()
        if clash is not None:
            message = _("%(device)s is already booked from %(a)s to %(b)s.", device=device.name,
                        a=clash.starts_at.isoformat(sep=" ", timespec="minutes"),
                        b=clash.ends_at.isoformat(sep=" ", timespec="minutes"))
            raise ValidationFailed(message, {"starts_at": [message]})
        booking = Booking.create(equipment=device, enterprise=enterprise, starts_at=starts_at, ends_at=ends_at,
                                 purpose=purpose or "", booked_by=actor)
    return booking


def cancel(booking_id: int, actor) -> Booking:
    with write_transaction():
        booking = Booking.get_or_none(Booking.id == booking_id)
        if booking is None:
            raise NotFound(_("Booking not found."))
        if booking.status == "cancelled":
            raise WorkflowError(_("This booking is already cancelled."))
        booking.status = "cancelled"
        booking.save()
    return booking
