"""The financing workflow (DB1302 6.4.4.2 a–f) and its catalog entry."""
from __future__ import annotations

from rongtong.core.plugin import ADVANCE, PAUSE, RETURN, ServiceEntry, Step, Workflow

from .schemas import (EvaluationSchema, IntakeSchema, MeetingSchema, PlanSchema, PreparationSchema, SurveySchema,
                      TrackingSchema)

KEY = "financing"

WORKFLOW = Workflow(
    KEY, "融资服务", "Financing service", version=1, intake_schema=IntakeSchema,
    description="DB1302 6.4.4.2: needs survey, financing plan, business plan and roadshow or loan preparation, "
                "expert evaluation and recommendation, roadshow or bank–enterprise meeting, fund tracking.",
    steps=(
        Step("survey", "融资需求调研", "Financing needs survey", roles=("staff",), schema=SurveySchema,
             time_limit_days=5, description="DB1302 6.4.4.2 a",
             example={"kind": "equity", "amount": "1000", "purpose": "扩建生产线", "stage": "growth",
                      "needs_summary": "企业计划引入战略投资者，用于扩大产能。"}),
        Step("plan", "定制融资方案", "Tailored financing plan", roles=("staff",), schema=PlanSchema,
             time_limit_days=5, description="DB1302 6.4.4.2 b",
             example={"plan": "以股权融资为主，出让 10% 股权，同步申请知识产权质押贷款。"}),
        Step("preparation", "商业计划书与路演/贷款准备", "Business plan and roadshow or loan preparation",
             roles=("enterprise", "staff"), schema=PreparationSchema, time_limit_days=10,
             description="DB1302 6.4.4.2 c",
             example={"summary": "国内领先的智能装备制造商", "market": "市场规模约 300 亿元，年增长 15%",
                      "product": "自主研发的高精度数控系统", "team": "核心团队 12 人，平均从业 10 年",
                      "financials": "2025 年营收 8000 万元，净利润 900 万元",
                      "roadshow_plan": "8 月在石家庄举办专场路演，邀请 5 家投资机构"}),
        Step("evaluation", "专家评审与推荐", "Expert evaluation and recommendation", roles=("staff",),
             schema=EvaluationSchema, time_limit_days=10, description="DB1302 6.4.4.2 d",
             example={"classification": "ready", "conclusion": "专家一致认为项目成长性良好，推荐对接投资机构。",
                      "investors": [1]}),
        Step("meeting", "路演/银企对接", "Roadshow or bank–enterprise meeting", roles=("staff",),
             schema=MeetingSchema, time_limit_days=15, description="DB1302 6.4.4.2 e",
             example={"held_on": "2026-08-20", "venue": "平台路演厅", "participants": ["冀北产业投资基金", "燕赵创投"],
                      "outcome": "两家机构表达投资意向，进入尽调。"}),
        Step("tracking", "资金跟踪", "Fund tracking", roles=("staff",), schema=TrackingSchema, time_limit_days=120,
             outcomes=(ADVANCE, RETURN, PAUSE), description="DB1302 6.4.4.2 f",
             example={"obtained": True, "closing_summary": "到位资金 800 万元，按计划用于生产线建设。"}),
    ),
)

SERVICE = ServiceEntry(
    "financing", "融资对接服务", "Financing matchmaking", workflow=KEY, fee_type="free",
    description="调研融资需求，定制融资方案，辅导商业计划书，组织专家评审，推荐投资机构或银行，组织路演和银企对接，跟踪资金到位与使用（DB1302 6.4.4.2）。",
    description_en="Survey financing needs, tailor a plan, coach the business plan, organise expert evaluation, "
                   "recommend to investors or banks, hold roadshows and bank–enterprise meetings, track the funds "
                   "obtained and their use (DB1302 6.4.4.2).",
    time_limit_days=165, category="investment_financing",
)
