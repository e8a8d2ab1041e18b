"""Shared equipment bookings (DB1302 6.2.2 equipment sharing): overlapping bookings refused, and
every booking within its device's limits (issue 12: one enterprise booked a device from 2027 to
2127 and locked everyone else out)."""
import datetime

import pytest

from rongtong.core.errors import ValidationFailed, WorkflowError
from rongtong.core.models import AuditEvent
from rongtong.plugins.technical import bookings
from rongtong.plugins.technical.models import Booking, Equipment
from tests.plugins.technical.conftest import working_slot

H = datetime.timedelta(hours=1)


@pytest.fixture
def day(tech):
    """09:00 in the site's zone (as naive UTC) of the next working day."""
    return working_slot(tech.calendar, 1, 9)[0]


@pytest.fixture
def book(tech, cast):
    def make(device, start, end, ent=None):
        return bookings.book(equipment_id=device.id, enterprise=ent or cast.ent_a, starts_at=start, ends_at=end,
                             purpose="材料拉伸试验", actor=cast.user_a, calendar=tech.calendar)
    return make


def refusal(book, device, start, end, ent=None) -> tuple[str, str]:
    """The field a booking is refused on and its message."""
    with pytest.raises(ValidationFailed) as err:
        book(device, start, end, ent)
    (field,) = err.value.fields
    return field, err.value.message


def test_overlapping_bookings_of_one_device_refused(tech, cast, day, book):
    press = Equipment.create(name="万能材料试验机", location="共享实验室 A")
    other = Equipment.create(name="三坐标测量机")
    first = book(press, day, day + 2 * H)
    events = AuditEvent.select().count()
    for start, end in [(day + H, day + 3 * H), (day - H / 2, day + H / 2), (day + H / 2, day + H),
                       (day - H / 2, day + 4 * H)]:
        field, message = refusal(book, press, start, end, cast.ent_b)
        assert field == "starts_at" and "万能材料试验机" in message
    assert Booking.select().count() == 1 and AuditEvent.select().count() == events
    # Back to back is fine, and another device is independent.
    book(press, day + 2 * H, day + 3 * H, ent=cast.ent_b)
    book(other, day, day + 2 * H, ent=cast.ent_b)
    # A cancelled booking frees its slot.
    bookings.cancel(first.id, cast.user_a)
    book(press, day + H, day + 2 * H, ent=cast.ent_b)
    with pytest.raises(WorkflowError):
        bookings.cancel(first.id, cast.user_a)


def test_empty_range_and_unknown_device_refused(tech, cast, day, book):
    press = Equipment.create(name="万能材料试验机")
    assert refusal(book, press, day, day)[0] == "ends_at"
    Equipment.update_where(Equipment.id == press.id, {"active": False})
    assert refusal(book, press, day, day + H)[0] == "equipment"
    assert Booking.select().count() == 0


def test_simultaneous_bookings_of_one_slot_exactly_one_wins(tech, cast, day):
    """Two people book the same slot at the same moment: the check runs inside the write
    transaction with the device locked, so one booking is made and the other is refused."""
    import threading

    press = Equipment.create(name="工业 CT")
    barrier = threading.Barrier(2)
    results = []

    def attempt(ent):
        try:
            barrier.wait(timeout=10)
            bookings.book(equipment_id=press.id, enterprise=ent, starts_at=day, ends_at=day + 4 * H, purpose="",
                          actor=cast.user_a, calendar=tech.calendar)
            results.append("ok")
        except ValidationFailed as exc:
            results.append(("refused", sorted(exc.fields)))
        finally:
            tech.db.close()

    threads = [threading.Thread(target=attempt, args=(e,)) for e in (cast.ent_a, cast.ent_b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(results, key=str) == sorted(["ok", ("refused", ["starts_at"])], key=str)
    assert Booking.select().where(Booking.equipment == press.id).count() == 1


# --- The limits of a device (issue 12; DB1302 6.2.2 equipment sharing) --------------------------------

def test_6_2_2_a_past_slot_is_refused(tech, cast, book):
    press = Equipment.create(name="万能材料试验机")
    start = datetime.datetime.utcnow().replace(microsecond=0) - datetime.timedelta(days=2)
    field, message = refusal(book, press, start, start + H)
    assert field == "starts_at" and "past" in message


def test_6_2_2_the_2027_to_2127_booking_is_refused(tech, cast, book):
    """The booking that locked everyone out: a century long, starting years ahead."""
    press = Equipment.create(name="扫描电子显微镜")
    field, message = refusal(book, press, datetime.datetime(2027, 3, 1, 1), datetime.datetime(2127, 3, 1, 1))
    assert field == "ends_at" and "17:30" in message
    assert Booking.select().count() == 0


def test_6_2_2_bookings_within_opening_hours_of_one_day(tech, cast, day, book):
    press = Equipment.create(name="万能材料试验机")  # default hours 08:30-17:30
    field, message = refusal(book, press, day - H, day + H)  # 08:00
    assert field == "starts_at" and "08:30" in message and "17:30" in message
    field, message = refusal(book, press, day + 8 * H, day + 9 * H)  # 17:00 to 18:00
    assert field == "ends_at" and "17:30" in message
    field, message = refusal(book, press, day + 7 * H, day + 25 * H)  # 16:00 to 10:00 the next day
    assert field == "ends_at"
    book(press, day - H / 2, day + 7 * H + H / 2)  # 08:30 to 16:30: the opening hours' edges are fine
    late = Equipment.create(name="工业 CT", opens_at=datetime.time(13), closes_at=datetime.time(22))  # per device
    book(late, day + 10 * H, day + 12 * H)  # 19:00 to 21:00
    assert refusal(book, late, day + H, day + 2 * H)[0] == "starts_at"  # 10:00: not open yet


def _next_non_working_day(calendar, after):
    day = after
    while calendar.is_workday(day):
        day += datetime.timedelta(days=1)
    return day


def test_6_2_2_bookings_on_working_days_of_the_platform_calendar(tech, cast, day, book):
    press = Equipment.create(name="万能材料试验机")
    rest = _next_non_working_day(tech.calendar, tech.calendar.local_date(day))
    start = day + (rest - tech.calendar.local_date(day))  # 09:00 on that day
    field, message = refusal(book, press, start, start + H)
    assert field == "starts_at" and rest.isoformat() in message and "working day" in message
    always = Equipment.create(name="三坐标测量机", working_days_only=False)
    assert book(always, start, start + H).id


def test_6_2_2_a_booking_lasts_at_most_max_hours(tech, cast, day, book):
    press = Equipment.create(name="万能材料试验机", max_hours=3)
    field, message = refusal(book, press, day, day + 4 * H)
    assert field == "ends_at" and "3" in message
    assert book(press, day, day + 3 * H).id


def test_6_2_2_bookings_start_within_the_horizon(tech, cast, book):
    press = Equipment.create(name="万能材料试验机", horizon_days=10)
    far = working_slot(tech.calendar, 20, 9)[0]
    field, message = refusal(book, press, far, far + H)
    last = tech.calendar.local_date(datetime.datetime.utcnow()) + datetime.timedelta(days=10)
    assert field == "starts_at" and "10" in message and last.isoformat() in message
    near = working_slot(tech.calendar, 3, 9)[0]
    assert book(press, near, near + H).id


def test_6_2_2_per_enterprise_quota_of_open_bookings(tech, cast, book):
    press = Equipment.create(name="万能材料试验机", max_open_bookings=2)
    slots = [working_slot(tech.calendar, n, 9) for n in (1, 2, 3)]
    first = book(press, *slots[0])
    book(press, *slots[1])
    field, message = refusal(book, press, *slots[2])
    assert field == "enterprise" and "2" in message
    assert book(press, *slots[2], ent=cast.ent_b).id  # another enterprise is not locked out
    bookings.cancel(first.id, cast.user_a)  # a cancelled booking no longer counts
    assert book(press, *working_slot(tech.calendar, 4, 9)).id
