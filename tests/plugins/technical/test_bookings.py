"""Shared equipment bookings (DB1302 6.2.2 equipment sharing): overlapping bookings refused."""
import datetime

import pytest

from rongtong.core.errors import ValidationFailed, WorkflowError
from rongtong.core.models import AuditEvent
from rongtong.plugins.technical import bookings
from rongtong.plugins.technical.models import Booking, Equipment

T = datetime.datetime


def _book(cast, device, start, end, ent=None):
    return bookings.book(equipment_id=device.id, enterprise=ent or cast.ent_a, starts_at=start, ends_at=end,
                         purpose="材料拉伸试验", actor=cast.user_a)


def test_overlapping_bookings_of_one_device_refused(tech, cast):
    press = Equipment.create(name="万能材料试验机", location="共享实验室 A")
    other = Equipment.create(name="三坐标测量机")
    first = _book(cast, press, T(2026, 9, 7, 1), T(2026, 9, 7, 3))
    events = AuditEvent.select().count()
    for start, end in [(T(2026, 9, 7, 2), T(2026, 9, 7, 4)), (T(2026, 9, 7, 0), T(2026, 9, 7, 1, 30)),
                       (T(2026, 9, 7, 1, 30), T(2026, 9, 7, 2)), (T(2026, 9, 7, 0), T(2026, 9, 7, 5))]:
        with pytest.raises(ValidationFailed) as err:
            _book(cast, press, start, end, ent=cast.ent_b)
        assert "starts_at" in err.value.fields and "万能材料试验机" in err.value.message
    assert Booking.select().count() == 1 and AuditEvent.select().count() == events
    # Back to back is fine, and another device is independent.
    _book(cast, press, T(2026, 9, 7, 3), T(2026, 9, 7, 4), ent=cast.ent_b)
    _book(cast, other, T(2026, 9, 7, 1), T(2026, 9, 7, 3), ent=cast.ent_b)
    # A cancelled booking frees its slot.
    bookings.cancel(first.id, cast.user_a)
    _book(cast, press, T(2026, 9, 7, 2), T(2026, 9, 7, 3), ent=cast.ent_b)
    with pytest.raises(WorkflowError):
        bookings.cancel(first.id, cast.user_a)


def test_empty_range_and_unknown_device_refused(tech, cast):
    press = Equipment.create(name="万能材料试验机")
    with pytest.raises(ValidationFailed) as err:
        _book(cast, press, T(2026, 9, 7, 3), T(2026, 9, 7, 3))
    assert "ends_at" in err.value.fields
    Equipment.update_where(Equipment.id == press.id, {"active": False})
    with pytest.raises(ValidationFailed) as err:
        _book(cast, press, T(2026, 9, 7, 3), T(2026, 9, 7, 4))
    assert "equipment" in err.value.fields
    assert Booking.select().count() == 0


def test_simultaneous_bookings_of_one_slot_exactly_one_wins(tech, cast):
    """Two people book the same slot at the same moment: the check runs inside the write
    transaction with the device locked, so one booking is made and the other is refused."""
    import threading

    press = Equipment.create(name="工业 CT")
    barrier = threading.Barrier(2)
    results = []

    def attempt(ent):
        try:
            barrier.wait(timeout=10)
            _book(cast, press, T(2026, 9, 8, 1), T(2026, 9, 8, 5), ent=ent)
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
