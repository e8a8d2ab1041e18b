"""Staff screens of the technical plugin (DB1302 6.2.2, 6.4.2)."""
import datetime

import re

from rongtong.plugins.technical.models import Booking, Equipment


def _token(client, path):
    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def test_screens(tech_app, cast, login):
    staff = tech_app.test_client()
    login(staff, cast.staff)
    for path in ("/admin/technical/institution/", "/admin/technical/equipment/", "/admin/technical/booking/",
                 "/admin/technical/assignment/", "/admin/technical/institution/new/"):
        assert staff.get(path).status_code == 200, path
    ent = tech_app.test_client()
    login(ent, cast.user_a)
    assert ent.get("/admin/technical/institution/").status_code == 403
    assert ent.get("/admin/technical/equipment/new/").status_code == 403


def test_overlapping_booking_refused_in_the_admin_too(tech, tech_app, cast, login):
    from rongtong.plugins.technical import bookings
    from tests.plugins.technical.conftest import working_slot

    device = Equipment.create(name="激光粒度仪")
    start, end = working_slot(tech.calendar, 1, 9)
    bookings.book(equipment_id=device.id, enterprise=cast.ent_a, starts_at=start, ends_at=end, purpose="",
                  actor=cast.staff, calendar=tech.calendar)
    client = tech_app.test_client()
    login(client, cast.staff)
    token = _token(client, "/admin/technical/booking/new/")
    hour = datetime.timedelta(hours=1)

    def text(moment):
        return moment.strftime("%Y-%m-%d %H:%M:%S")

    form = {"csrf_token": token, "equipment": str(device.id), "enterprise": str(cast.ent_b.id),
            "starts_at": text(start + hour), "ends_at": text(end + hour), "purpose": "x", "status": "booked"}
    r = client.post("/admin/technical/booking/new/", data=form)
    assert r.status_code == 200  # the form is shown again with the error
    assert Booking.select().count() == 1
    # DB1302 6.2.2 / issue 12: the device's limits hold in the admin too (here: the longest booking)
    r = client.post("/admin/technical/booking/new/", data={**form, "starts_at": text(end), "ends_at": text(end + 9 * hour)})
    assert r.status_code == 200 and Booking.select().count() == 1
    r = client.post("/admin/technical/booking/new/", data={**form, "starts_at": text(end), "ends_at": text(end + hour)})
    assert r.status_code == 302 and Booking.select().count() == 2


def test_matching_page(tech, tech_app, cast, login, institutions):
    # DB1302 6.4.2 b: staff see the ranked institutions and why.
    req = tech.engine.open_request(enterprise=cast.ent_a, service_key="technical.service", actor=cast.user_a,
                                   title="断口分析", data={"need": "断口分析", "kind": "inspection_testing"})
    tech.engine.transition(req.id, "advance", cast.staff, data={"kind": "inspection_testing"})
    client = tech_app.test_client()
    login(client, cast.staff)
    assert "断口分析" in client.get("/admin/technical/candidates/").get_data(as_text=True)
    html = client.get(f"/admin/technical/candidates/{req.id}/").get_data(as_text=True)
    assert html.index("省检测研究院") < html.index("市质检中心") < html.index("旧合作机构")
    assert client.get("/admin/technical/candidates/9999/").status_code == 404
    ent = tech_app.test_client()
    login(ent, cast.user_a)
    assert ent.get(f"/admin/technical/candidates/{req.id}/").status_code == 403


def test_6_2_2_staff_set_the_booking_limits_per_device(tech_app, cast, login):
    """Issue 12: opening hours, working days, longest booking, horizon and quota are set per device
    on its screen (defaults 08:30-17:30, working days, 8 hours, 60 days, 2 open bookings)."""
    client = tech_app.test_client()
    login(client, cast.staff)
    form = client.get("/admin/technical/equipment/new/").get_data(as_text=True)
    assert "单位为小时" in form and "08:30" in form
    token = _token(client, "/admin/technical/equipment/new/")
    r = client.post("/admin/technical/equipment/new/", data={
        "csrf_token": token, "name": "夜间 CT", "model": "", "location": "", "description": "", "active": "y",
        "opens_at": "13:00", "closes_at": "22:00", "max_hours": "4", "horizon_days": "14", "max_open_bookings": "1"})
    assert r.status_code == 302, r.get_data(as_text=True)[-2000:]
    device = Equipment.get(Equipment.name == "夜间 CT")
    assert (device.opens_at, device.closes_at, device.working_days_only, device.max_hours, device.horizon_days,
            device.max_open_bookings) == (datetime.time(13), datetime.time(22), False, 4, 14, 1)
    listing = client.get("/admin/technical/equipment/").get_data(as_text=True)
    assert "13:00" in listing and "22:00" in listing and "13:00:00" not in listing
