"""Matching a financing case to investors (equity) or bank loan products (debt) — DB1302 4.4.3
("match both sides precisely"), 6.4.4.2 d. A ranked list, each candidate with the reasons
(industry, stage, ticket size or loan-product fit, region), never an unexplained score. Amounts are
in 万元 and the reasons say so ("融资金额 500 万元 在 100 万元 ~ 1,000 万元 范围内"); stages and scales
read by their labels ("阶段 匹配：成长期")."""
from __future__ import annotations

from rongtong.core.plugin import ENTERPRISE_SCALES, lazy_gettext as _l, matching, vocab
from rongtong.plugins.investment.models import STAGES, Investor, labels_of, stage_of

from .models import Bank, LoanProduct


def _money(value):
    return None if value is None else float(value)


def investor_matches(case, enterprise, limit: int | None = 20) -> list[matching.Match]:
    stage = case.stage or stage_of(enterprise)
    criteria = [
        matching.overlap("industry", 35, _l("Industry"), wanted=[enterprise.industry], values_of=lambda i: i.industries),
        matching.overlap("stage", 25, _l("Stage"), wanted=labels_of(STAGES, [stage]),
                         values_of=lambda i: labels_of(STAGES, i.stages)),
        matching.within("ticket", 25, _l("Ticket size"), value=_money(case.amount),
               bounds_of=lambda i: (_money(i.ticket_min), _money(i.ticket_max)), unit=vocab.WAN_YUAN),
        matching.overlap("region", 15, _l("Region"), wanted=[enterprise.region], values_of=lambda i: i.regions),
    ]
    return matching.rank(Investor.select().where(Investor.active == True), criteria, limit=limit)  # noqa: E712


def loan_product_matches(case, enterprise, limit: int | None = 20) -> list[matching.Match]:
    criteria = [
        matching.within("amount", 35, _l("Loan amount"), value=_money(case.amount),
               bounds_of=lambda p: (_money(p.min_amount), _money(p.max_amount)), unit=vocab.WAN_YUAN),
        matching.overlap("industry", 25, _l("Industry"), wanted=[enterprise.industry], values_of=lambda p: p.industries),
        matching.overlap("scale", 25, _l("Enterprise scale"), wanted=labels_of(ENTERPRISE_SCALES, [enterprise.scale]),
                         values_of=lambda p: labels_of(ENTERPRISE_SCALES, p.scales)),
        matching.overlap("region", 15, _l("Region"), wanted=[enterprise.region], values_of=lambda p: [p.bank.region]),
    ]
    products = (LoanProduct.select(LoanProduct, Bank).join(Bank)
                .where((LoanProduct.active == True) & (Bank.active == True)))  # noqa: E712
    return matching.rank(products, criteria, limit=limit)


def matches_for(case, enterprise, limit: int | None = 20) -> list[matching.Match]:
    if case.kind == "debt":
        return loan_product_matches(case, enterprise, limit)
    return investor_matches(case, enterprise, limit)


def describe(candidate) -> dict:
    if isinstance(candidate, LoanProduct):
        return {"type": "loan_product", "id": candidate.id, "name": candidate.name, "bank": candidate.bank.name,
                "min_amount": None if candidate.min_amount is None else str(candidate.min_amount),
                "max_amount": None if candidate.max_amount is None else str(candidate.max_amount)}
    return {"type": "investor", "id": candidate.id, "name": candidate.name, "kind": candidate.kind}
