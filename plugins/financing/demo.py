"""Demo data for the financing plugin: banks and loan products, and one equity case walked to fund
tracking with an independent two-expert panel and funds obtained (DB1302 6.4.4.2)."""
from __future__ import annotations

import datetime

from rongtong.core.plugin import PluginHost, User, audit, utcnow
from rongtong.plugins.investment.demo import ensure_investors

from .models import Bank, ExpertScore, Fund, FundUse, LoanProduct
from .steps import CASE
from .workflows import KEY, WORKFLOW

BANKS = [
    ("中国工商银行", "石家庄分行", "石家庄", [("科创贷", 50, 1000, 36, ["电子信息", "智能制造"], ["small", "micro"])]),
    ("河北银行", "保定支行", "保定", [("税易贷", 10, 300, 12, [], ["small", "micro"]),
                                    ("设备更新贷", 200, 3000, 60, ["智能制造", "新材料"], ["medium", "large"])]),
    ("中国建设银行", "唐山分行", "唐山", [("供应链融资", 100, 5000, 24, [], [])]),
]


def seed(platform: PluginHost, context) -> None:
    for name, branch, region, products in BANKS:
        bank = Bank.create(name=name, branch=branch, region=region, contact_name="客户经理")
        for pname, low, high, term, industries, scales in products:
            LoanProduct.create(bank=bank, name=pname, min_amount=low, max_amount=high, max_term_months=term,
                               rate_note="LPR 加 30 个基点", industries=industries, scales=scales)
    enterprises = [e for e in context.get("enterprises", []) if e.status == "admitted"]
    staff = (context.get("users", {}).get("staff") or [None])[0]
    investor = ensure_investors()[0]
    if KEY not in platform.registry.services or not enterprises or staff is None or investor is None:
        return
    experts = list(User.select().where(User.roles.contains("expert")).order_by(User.id).limit(2))
    while len(experts) < 2:  # a panel needs two experts; the demo cast has one
        expert = User(username=f"fin_expert{len(experts) + 1}", display_name="融资评审专家", roles=["expert"],
                      qualifications="注册会计师")
        expert.set_password(context["passwords"]["expert"])
        expert.save()  # a core record: its creation is audited here
        audit.record("create", "core_user", expert.id, {"snapshot": expert.snapshot()})
        experts.append(expert)
    engine = platform.engine
    steps = {s.key: dict(s.example) for s in WORKFLOW.steps}
    steps["evaluation"]["investors"] = [investor.id]
    keys = [s.key for s in WORKFLOW.steps]
    # one case waiting at each step, so every screen of the workflow has something to show
    for index, at in enumerate(WORKFLOW.steps):
        req = engine.open_request(enterprise=enterprises[index % len(enterprises)], service_key=KEY, actor=staff,
                                  title=f"股权融资 1000 万元（{at.title}）",
                                  data={"kind": "equity", "amount": "1000", "purpose": "扩建生产线"})
        case = CASE.get_or_create(req)
        for key in keys[:index]:
            if key == "evaluation":  # the panel has scored, independently
                for i, expert in enumerate(experts):
                    ExpertScore.create(case=case, expert=expert, score=80 + 5 * i, comment="成长性良好",
                                       scored_at=utcnow())
            engine.transition(req.id, "advance", staff, data=steps[key])
        if at.key == "evaluation":  # named, one of two has scored
            for i, expert in enumerate(experts):
                ExpertScore.create(case=case, expert=expert, score=None if i else 78,
                                   comment="" if i else "需补充财务预测", scored_at=None if i else utcnow())
    fund = Fund.create(case=case, amount=800, received_on=datetime.date(2026, 9, 10), source_kind="investor",
                       source_name=investor.name)  # the case at fund tracking
    FundUse.create(fund=fund, used_on=datetime.date(2026, 10, 1), amount=300, purpose="采购设备")
