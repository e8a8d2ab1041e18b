"""The promotion-activity workflow (DB1302 6.4.5 a–g) and its catalog entry."""
from __future__ import annotations

from rongtong.core.plugin import ADVANCE, PAUSE, RETURN, ServiceEntry, Step, Workflow

from .schemas import (EventStepSchema, FollowUpStepSchema, NoticeStepSchema, PlanStepSchema, PreparationStepSchema,
                      SummaryStepSchema, SurveyStepSchema)

KEY = "promotion"

WORKFLOW = Workflow(
    KEY, "市场推广活动", "Promotion activity", version=1,
    description="DB1302 6.4.5: needs survey and database, plan, notice and registration, preparation, event, "
                "follow-up of negotiations, summary.",
    steps=(
        Step("survey", "需求调研与企业库", "Needs survey and quality-enterprise database", roles=("staff",),
             schema=SurveyStepSchema, time_limit_days=10, description="DB1302 6.4.5 a",
             example={"survey": 1, "conclusions": "多数企业希望参加产品对接会。", "quality_enterprises": [1]}),
        Step("plan", "活动方案", "Activity plan", roles=("staff",), schema=PlanStepSchema, time_limit_days=5,
             description="DB1302 6.4.5 b",
             example={"title": "京津冀智能制造产品对接会", "kind": "trade_talk", "starts_on": "2026-10-20",
                      "capacity": 60, "budget": "12", "goals": "促成 10 项以上合作意向",
                      "notice": "定于 10 月 20 日举办产品对接会，欢迎报名。", "channels": ["平台网站", "微信公众号"],
                      "registration_deadline": "2026-10-10"}),
        Step("notice", "通知与报名", "Notice and registration", roles=("staff",), schema=NoticeStepSchema,
             time_limit_days=10, description="DB1302 6.4.5 c",
             example={"registration_summary": "共 45 家企业报名，审核通过 40 家。"}),
        Step("preparation", "活动准备", "Preparation (experts, venue, equipment)", roles=("staff",),
             schema=PreparationStepSchema, time_limit_days=10, description="DB1302 6.4.5 d",
             example={"starts_on": "2026-10-20", "experts": [{"name": "刘教授", "role": "点评嘉宾"}],
                      "venue": "会展中心 B 厅", "equipment": ["投影仪", "展台 20 个"], "media": ["河北日报"]}),
        # DB1302 5.4.1: the event step waits for the event's date; it is due 3 working days after it,
        # and "held" cannot be recorded before it (steps.held)
        Step("event", "活动实施", "Event", roles=("staff",), schema=EventStepSchema, time_limit_days=3,
             schedule_from="starts_on", description="DB1302 6.4.5 e",
             example={"held_on": "2026-10-20", "attendance": 52, "record": "签约 6 项，达成意向 12 项。",
                      "media": ["河北日报", "长城网"]}),
        Step("follow_up", "洽谈跟踪", "Follow-up of negotiations", roles=("staff",), schema=FollowUpStepSchema,
             time_limit_days=60, description="DB1302 6.4.5 f",
             example={"summary": "跟踪 12 项意向，协调解决物流与付款问题 3 项。"}),
        Step("summary", "活动总结", "Summary and evaluation", roles=("staff",), schema=SummaryStepSchema,
             time_limit_days=10, outcomes=(ADVANCE, RETURN, PAUSE), description="DB1302 6.4.5 g",
             example={"analysis": "参会企业匹配度高，签约率 15%。", "effect_score": 4,
                      "effect_evaluation": "达到预期目标。", "improvements": "提前发布通知，增加线上对接。"}),
    ),
)

SERVICE = ServiceEntry(
    "promotion", "市场推广服务", "Market promotion", workflow=KEY, fee_type="free",
    description="组织展览展示、贸易洽谈、产品推介和经济技术合作活动，帮助企业建立销售网络（DB1302 6.2.5、6.4.5）。",
    description_en="Exhibitions, trade talks, product promotion and economic and technical cooperation, helping "
                   "enterprises build sales networks (DB1302 6.2.5, 6.4.5).",
    time_limit_days=108, category="promotion",
)
