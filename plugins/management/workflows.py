"""The management-improvement workflow and its catalog entry (DB1302 6.2.6, 6.4.6 a–d):
needs survey → plan (with experts) → implement → evaluate."""
from __future__ import annotations

from rongtong.core.plugin import ADVANCE, PAUSE, RETURN, ServiceEntry, Step, Workflow, plans

from .schemas import EvaluateSchema, ImplementSchema, IntakeSchema, ManagementPlanSchema, SurveyStepSchema

KEY = "management"


def plan_example(expert_ids: list[int]) -> dict:
    """A valid plan step for the given experts (demo and docs)."""
    return {**plans.PLAN_EXAMPLE, "audience": "企业高管团队", "goals": "制定并落实三年发展战略", "experts": list(expert_ids)}


STEPS = (
    Step("survey", "需求调研与分析", "Needs survey and analysis", roles=("staff",), schema=SurveyStepSchema,
         time_limit_days=15, description="DB1302 6.4.6 a",
         example={"survey": 1, "area": "strategy", "conclusions": "企业战略规划不清晰，需要制定三年发展战略"}),
    Step("plan", "改进方案", "Improvement plan", roles=("staff",), schema=ManagementPlanSchema, time_limit_days=10,
         description="DB1302 6.4.6 b", example=plan_example([1])),  # use real expert ids
    Step("implement", "组织实施", "Implementation", roles=("staff", "expert"), schema=ImplementSchema,
         time_limit_days=30, description="DB1302 6.4.6 c",
         example={"activities": [{"date": "2030-03-01", "description": "专家现场诊断与高管访谈"}],
                  "outcome": "形成三年发展战略规划并经董事会审议通过", "deliverables": ["战略规划报告"]}),
    Step("evaluate", "效果评估", "Effect evaluation", roles=("enterprise", "staff"), schema=EvaluateSchema,
         time_limit_days=10, outcomes=(ADVANCE, RETURN, PAUSE), description="DB1302 6.4.6 d",
         example={"score": 4, "goals_met": "met", "indicators": [{"name": "战略目标分解到部门", "before": "无", "after": "已分解"}],
                  "comment": "方案切实可行"}),
)

WORKFLOW = Workflow(KEY, "管理提升", "Management improvement", steps=STEPS, version=1,
                    description="DB1302 6.2.6, 6.4.6", intake_schema=IntakeSchema)

SERVICE = ServiceEntry(
    key=KEY, title="管理提升", title_en="Management improvement", workflow=KEY, fee_type="paid",
    fee_standard="需求调研免费；专家咨询按项目协商，参考标准每人天 3000 元",
    description="战略、财务、人力资源、市场营销、品牌等方面的管理提升：需求调研、改进方案（含专家）、组织实施、效果评估。",
    description_en="Management improvement in strategy, finance, HR, marketing and brand: needs survey, plan with "
                   "experts, implementation, effect evaluation (DB1302 6.2.6, 6.4.6).",
    time_limit_days=sum(s.time_limit_days for s in STEPS), category="management",
)
