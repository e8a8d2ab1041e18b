"""Demo data for the technical plugin: contracted institutions covering the eight kinds (one
contract ended), shared equipment with bookings, and technical requests walked to every step."""
from __future__ import annotations

import datetime

from rongtong.core.plugin import PluginHost, RongtongError

from . import bookings, candidates
from .models import Equipment, Institution
from .steps import today_of
from .workflows import SERVICE_KEY, TECHNICAL_WORKFLOW

INSTITUTIONS = [
    ("河北省产品质量监督检验研究院", ["inspection_testing", "technical_evaluation"], "CMA、CNAS 认可实验室"),
    ("石家庄工业设计中心", ["design", "solutions"], "省级工业设计中心"),
    ("河北工业大学技术转移中心", ["technology_transfer", "development", "technical_evaluation"], "国家技术转移示范机构"),
    ("冀云智造信息技术有限公司", ["it_adoption", "solutions", "development"], "工业互联网服务商"),
    ("平台共享实验室", ["equipment_sharing", "inspection_testing"], "平台自有"),
    ("某检测公司（合同已到期）", ["inspection_testing"], "CMA"),
]
EQUIPMENT = [("万能材料试验机", "WDW-100", "共享实验室 A"), ("扫描电子显微镜", "SU3500", "共享实验室 B"),
             ("三坐标测量机", "Global S", "共享实验室 A"), ("工业 CT", "YXLON FF35", "共享实验室 C")]
NEEDS = [("inspection_testing", "复合材料拉伸强度检测"), ("design", "新款农机外观设计"),
         ("it_adoption", "车间 MES 系统选型与实施"), ("technology_transfer", "高校专利成果转化对接"),
         ("technical_evaluation", "新工艺技术成熟度评价"), ("development", "传感器嵌入式软件开发")]


def seed(platform: PluginHost, context) -> None:
    rng = context["rng"]
    staff = context["users"]["staff"][0]
    today = today_of(platform)
    year = datetime.timedelta(days=365)
    institutions = []
    for i, (name, caps, quals) in enumerate(INSTITUTIONS):
        ended = i == len(INSTITUTIONS) - 1
        institutions.append(Institution.create(
            name=name, capabilities=caps, qualifications=quals, contact_name=f"联系人{i + 1}",
            contact_phone=f"0311-8{i:03d}0000", contract_start=today - 2 * year if ended else today - year,
            contract_end=today - datetime.timedelta(days=30) if ended else today + year))
    devices = [Equipment.create(name=n, model=m, location=loc, institution=institutions[4]) for n, m, loc in EQUIPMENT]
    admitted = [e for e in context["enterprises"] if e.status == "admitted"]
    calendar = platform.calendar
    day = calendar.add_working_days(today, 1)  # bookings on the next working days, in opening hours
    for i in range(8):
        device = devices[i % len(devices)]
        on = calendar.add_working_days(day, rng.randint(0, 1))
        local = datetime.datetime.combine(on, datetime.time(9 + 3 * (i // len(devices))), tzinfo=calendar.tz)
        begins = local.astimezone(datetime.timezone.utc).replace(tzinfo=None)
        try:
            bookings.book(equipment_id=device.id, enterprise=admitted[i % len(admitted)], starts_at=begins,
                          ends_at=begins + datetime.timedelta(hours=2), purpose="样品测试", actor=staff,
                          calendar=calendar)
        except RongtongError:
            pass  # the random slot was taken: the demo shows the refusal works

    # Technical requests walked to each step, the plan choosing the best-ranked candidate.
    engine = platform.engine
    users = context["users"]["enterprise"]
    for i, (kind, need) in enumerate(NEEDS):
        user = users[i % len(users)]
        req = engine.open_request(enterprise=user.enterprise, service_key=SERVICE_KEY, actor=user,
                                  title=need, data={"need": need, "kind": kind})
        target = i % (len(TECHNICAL_WORKFLOW.steps) + 1)
        try:
            if target > 0:
                engine.transition(req.id, "advance", staff, data={"kind": kind, "remarks": "需求明确"})
            if target > 1:
                best = candidates.rank_institutions(kind, today)[0][0].candidate
                engine.transition(req.id, "advance", staff, data={
                    "institution": best.id, "plan": f"由{best.name}承接，{need}，预计20个工作日完成。"})
            if target > 2:
                engine.transition(req.id, "advance", staff, data={"records": "按方案完成实施。", "deliverables": ["服务报告"]})
            if target > 3:
                engine.transition(req.id, "complete", user, data={"score": rng.randint(3, 5), "comment": "效果良好"})
        except (RongtongError, IndexError):
            continue
