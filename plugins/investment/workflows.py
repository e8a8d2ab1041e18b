"""The investment project workflow (DB1302 6.4.4.1 a–e) and the catalog entry that runs it."""
from __future__ import annotations

from rongtong.core.plugin import ADVANCE, PAUSE, RETURN, ServiceEntry, Step, Workflow

from .schemas import DecisionSchema, DueDiligenceSchema, IntakeSchema, ScreeningSchema, TrackingSchema, VerificationSchema

KEY = "investment"

WORKFLOW = Workflow(
    KEY, "投资项目服务", "Investment project service", version=1, intake_schema=IntakeSchema,
    description="DB1302 6.4.4.1: needs survey and target screening, verification, due diligence, decision, tracking.",
    steps=(
        Step("screening", "需求调研与目标筛选", "Needs survey and target screening", roles=("staff",),
             schema=ScreeningSchema, time_limit_days=10,
             example={"investor": 1, "needs_summary": "投资方关注智能制造领域成长期企业，单笔 500–2000 万元。", "target": 1},
             description="DB1302 6.4.4.1 a"),
        Step("verification", "基本情况核实", "Verify basic facts", roles=("staff",), schema=VerificationSchema,
             time_limit_days=5,
             example={"checks": [
                 {"item": "营业执照与股权结构", "verified": True, "evidence": "工商登记信息截图"},
                 {"item": "近三年财务报表", "verified": True, "evidence": "经审计的财务报表"}]},
             description="DB1302 6.4.4.1 b"),
        Step("due_diligence", "尽职调查", "Due diligence", roles=("staff",), schema=DueDiligenceSchema,
             time_limit_days=15,
             example={"prospects_score": 4, "risk_score": 2, "return_score": 4, "expected_return_pct": "18.5",
                      "report": "市场前景良好，技术壁垒较高，主要风险为客户集中度。"},
             description="DB1302 6.4.4.1 c"),
        Step("decision", "投资决策与协议", "Decision and agreement", roles=("staff",), schema=DecisionSchema,
             time_limit_days=10,
             example={"votes": [{"voter": "张总", "vote": "for"}, {"voter": "李总", "vote": "for"},
                                {"voter": "王总", "vote": "against", "comment": "估值偏高"}],
                      "amount": "800", "terms": "以增资方式投资 800 万元，占股 10%。", "signed_on": "2026-07-15"},
             description="DB1302 6.4.4.1 d"),
        Step("tracking", "投后跟踪", "Post-investment tracking", roles=("staff",), schema=TrackingSchema,
             time_limit_days=250, outcomes=(ADVANCE, RETURN, PAUSE),
             example={"closing_summary": "跟踪期内企业营收稳定增长，项目结项。"},
             description="DB1302 6.4.4.1 e"),
    ),
)

SERVICE = ServiceEntry(
    "investment", "投资对接服务", "Investment matchmaking", workflow=KEY, fee_type="free",
    description="调研投资需求，筛选并推荐投资标的，协助核实、尽职调查、决策与投后跟踪（DB1302 6.4.4.1）。",
    description_en="Survey investors' needs, screen and recommend targets, support verification, due diligence, "
                   "decision and post-investment tracking (DB1302 6.4.4.1).",
    time_limit_days=290, category="investment_financing",
)
