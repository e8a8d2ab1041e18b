"""Shared equipment bookings (DB1302 6.2.2 equipment sharing): one device, one booking at a time,
within the limits each device sets.

The overlap check runs inside the write transaction that inserts the booking, with the device row
locked (SQLite: BEGIN IMMEDIATE takes the write lock; PostgreSQL: SELECT ... FOR UPDATE), so two
people booking the same slot at once cannot both succeed.

The limits (issue 12: one enterprise booked a device from 2027 to 2127 and locked everyone else
out), each refusal naming its field and the limit: no slot in the past (``starts_at``); within
the device's opening hours on one day in the site's zone (``starts_at`` / ``ends_at``), on a
working day of the platform calendar when the device says so (``starts_at``); at most
``max_hours`` long (``ends_at``); starting at most ``horizon_days`` ahead (``starts_at``); and at
most ``max_open_bookings`` bookings not yet ended per enterprise and device (``enterprise``).
"""
from __future__ import annotations

import datetime

from rongtong.core.plugin import (NotFound, ValidationFailed, WorkflowError, gettext as _, is_postgres, utcnow,
                                  write_transaction)

from .models import Booking, Equipment


def overlapping(equipment_id: int, starts_at, ends_at, exclude: int | None = None):
    """Active bookings of the device that overlap ``[starts_at, ends_at)``."""
    query = Booking.select().where((Booking.equipment == equipment_id) & (Booking.status == "booked")
                                   & (Booking.starts_at < ends_at) & (Booking.ends_at > starts_at))
    if exclude is not None:
        query = query.where(Booking.id != exclude)
    return query.order_by(Booking.starts_at)


def _refuse(field: str, message: str):
    raise ValidationFailed(message, {field: [message]})


def _local(moment: datetime.datetime, tz) -> datetime.datetime:
    return moment.replace(tzinfo=datetime.timezone.utc).astimezone(tz)


def _hhmm(value) -> str:
    return value.strftime("%H:%M") if isinstance(value, datetime.time) else str(value)[:5]


def check_limits(device: Equipment, enterprise, starts_at, ends_at, calendar, now=None, exclude: int | None = None) -> None:
    """Refuse a booking of ``device`` outside its limits (see the module docstring). Times are
    naive UTC; hours and days are read in the calendar's zone; ``exclude``: the booking being
    changed (not counted against the quota)."""
    now = now or utcnow()
    if starts_at < now:
        _refuse("starts_at", _("A booking cannot start in the past (now: %(now)s).",
                               now=_local(now, calendar.tz).strftime("%Y-%m-%d %H:%M")))
    start, end = _local(starts_at, calendar.tz), _local(ends_at, calendar.tz)
    opens, closes = _hhmm(device.opens_at), _hhmm(device.closes_at)
    if start.time() < device.opens_at or start.time() >= device.closes_at:
        _refuse("starts_at", _("%(device)s is open from %(opens)s to %(closes)s: the booking must start within "
                               "the opening hours.", device=device.name, opens=opens, closes=closes))
    if end.date() != start.date() or end.time() > device.closes_at:
        _refuse("ends_at", _("%(device)s is open from %(opens)s to %(closes)s: the booking must end by %(closes)s "
                             "on the day it starts.", device=device.name, opens=opens, closes=closes))
    if device.working_days_only and not calendar.is_workday(start.date()):
        _refuse("starts_at", _("%(day)s is not a working day: %(device)s is booked on working days only.",
                               day=start.date().isoformat(), device=device.name))
    hours = (ends_at - starts_at).total_seconds() / 3600
    if hours > device.max_hours:
        _refuse("ends_at", _("A booking of %(device)s lasts at most %(n)s hours.", device=device.name, n=device.max_hours))
    last_day = calendar.local_date(now) + datetime.timedelta(days=device.horizon_days)
    if start.date() > last_day:
        _refuse("starts_at", _("%(device)s is booked at most %(n)s days ahead (up to %(day)s).",
                               device=device.name, n=device.horizon_days, day=last_day.isoformat()))
    held = (Booking.select().where((Booking.equipment == device.id) & (Booking.enterprise == enterprise)
                                   & (Booking.status == "booked") & (Booking.ends_at > now)
                                   & (Booking.id != (exclude or 0))).count())
    if held >= device.max_open_bookings:
        _refuse("enterprise", _("An enterprise holds at most %(n)s open bookings of %(device)s at once; cancel "
                                "one or wait until it has ended.", n=device.max_open_bookings, device=device.name))


def book(*, equipment_id: int, enterprise, starts_at, ends_at, purpose: str, actor, calendar, now=None) -> Booking:
    """Book a device for ``[starts_at, ends_at)`` (naive UTC). Refused with a field error when the
    range is empty, the device is unknown or inactive, the booking is outside the device's limits
    (:func:`check_limits`, with the platform's ``calendar``), or another booking overlaps."""
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
        check_limits(device, enterprise, starts_at, ends_at, calendar, now)
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
