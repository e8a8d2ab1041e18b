"""The platform's own registers (plugins/governance/service.toml, a declared plugin): DB1302 4.1.3,
4.2, 4.3, 5.1.3, 5.2, 5.3.1, 5.3.4, 5.3.5, 5.3.6."""
import random

import pytest

from rongtong.core.web.app import create_app
from rongtong.plugins.governance import PLUGIN

TABLES = {f"governance_{key}" for key in ("plan", "builder", "facility", "post", "staff_profile", "entity", "fund",
                                          "upkeep", "incident_plan", "drill")}


@pytest.fixture
def platform(make_platform):
    return make_platform(plugins=["governance"])


@pytest.fixture
def seeded(platform, people):
    ctx = {"platform": platform, "rng": random.Random(3), "enterprises": [people.ent_a, people.ent_b],
           "users": {"staff": [people.staff], "expert": [people.expert], "enterprise": [people.user_a]}}
    for username in ("head1", "staff1", "staff2"):
        from rongtong.core.testing.factories import user

        user(username, ["staff"])
    platform.registry.notify("seed_demo", context=ctx)
    return platform


def test_every_register_is_a_table_with_its_clauses(platform):
    """4.1.3, 4.2, 4.3, 5.1.3, 5.2, 5.3.1, 5.3.4–5.3.6: one register each, created by db upgrade."""
    assert {m._meta.table_name for m in platform.registry.models_of("governance")} == TABLES
    assert TABLES <= set(platform.db.get_tables())
    clauses = {c for reg in PLUGIN.declaration.data["registers"] for c in reg["clauses"]}
    assert clauses == {"4.1.3", "4.2", "4.3", "5.1.3", "5.2", "5.3.1", "5.3.4", "5.3.5", "5.3.6"}
    assert "governance" not in platform.registry.services  # registers only: no catalog entry


def test_4_1_3_published_plans_show_their_progress_on_the_portal(seeded, app):
    client = app.test_client()
    page = client.get("/registers/governance/plan").get_data(as_text=True)
    assert "打造京津冀中小企业融通发展服务枢纽" in page and ("35 %" in page or "35%" in page)
    assert "推进中" in page and "ongoing" not in page
    assert "建设数字化服务平台二期" not in page  # not published
    assert "/registers/governance/plan" in client.get("/").get_data(as_text=True)


def test_5_3_1_4_3_4_2_public_registers_hide_internal_fields(seeded, app):
    client = app.test_client()
    entity = client.get("/registers/governance/entity").get_data(as_text=True)
    assert "石家庄融通企业服务有限公司" in entity and "91130100MA0DEMO01X" in entity
    facility = client.get("/registers/governance/facility").get_data(as_text=True)
    assert "视频会议室" in facility and "平方米" in facility and "video_room" not in facility
    builders = client.get("/registers/governance/builder").get_data(as_text=True)
    assert "河北科技大学" in builders and "实习基地" not in builders  # returns are internal


def test_5_2_5_3_4_internal_registers_are_staff_only(seeded, app, login, people):
    staff, enterprise, anonymous = app.test_client(), app.test_client(), app.test_client()
    login(staff, people.staff)
    login(enterprise, people.user_a)
    for slug in ("staff_profile", "fund", "upkeep", "incident_plan", "drill"):
        assert staff.get(f"/admin/governance/{slug}/").status_code == 200, slug
        assert enterprise.get(f"/admin/governance/{slug}/").status_code == 403, slug
    profiles = staff.get("/admin/governance/staff_profile/").get_data(as_text=True)
    body = profiles.split("</thead>", 1)[-1].split("</table>", 1)[0]
    assert "企业管理" in body and "management" not in body
    funds = staff.get("/admin/governance/fund/").get_data(as_text=True)
    assert "财政资金" in funds
    assert anonymous.get("/registers/governance/fund").status_code == 404  # never published


def test_5_3_6_drills_hang_off_their_plan(seeded):
    plan, drill = PLUGIN.models["incident_plan"], PLUGIN.models["drill"]
    first = plan.get()
    assert [d.scenario for d in first.drills] == ["数据中心断电后的系统切换与数据恢复"]
    assert drill.get().incident_plan_id == first.id
