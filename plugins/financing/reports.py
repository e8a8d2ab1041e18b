"""Funds obtained per period by enterprise scale, industry and source (DB1302 6.4.4.2 f, 4.4.3)."""
from __future__ import annotations

import decimal

from rongtong.core.plugin import ENTERPRISE_SCALES, Enterprise, ServiceRequest, gettext as _, periods, vocab

from .models import SOURCE_KINDS, Case, Fund

DIMENSIONS = ("scale", "industry", "source")


def funds_report(period: periods.Period) -> dict:
    """``{"period", "total": {count, amount}, "by_scale": [...], "by_industry": [...], "by_source": [...]}``;
    each group row is ``{"key", "count", "amount"}`` (amounts in 万元 as text), largest first."""
    rows = (Fund.select(Fund.amount, Fund.source_kind, Enterprise.scale, Enterprise.industry)
            .join(Case).join(ServiceRequest).join(Enterprise)
            .where((Fund.received_on >= period.start) & (Fund.received_on <= period.end))
            .tuples())
    groups = {d: {} for d in DIMENSIONS}
    total_count, total = 0, decimal.Decimal("0")
    for amount, source, scale, industry in rows:
        amount = decimal.Decimal(str(amount))
        total_count += 1
        total += amount
        for dim, key in (("scale", scale), ("industry", industry or "-"), ("source", source)):
            count, sum_ = groups[dim].get(key, (0, decimal.Decimal("0")))
            groups[dim][key] = (count + 1, sum_ + amount)

    labels = {"scale": dict(ENTERPRISE_SCALES), "source": dict(SOURCE_KINDS), "industry": {}}

    def listing(dim):
        items = sorted(groups[dim].items(), key=lambda kv: (-kv[1][1], kv[0]))
        return [{"key": k, "label": str(labels[dim].get(k, k)), "count": c, "amount": f"{a:.2f}"}
                for k, (c, a) in items]

    return {"period": period.label, "total": {"count": total_count, "amount": f"{total:.2f}"},
            **{f"by_{d}": listing(d) for d in DIMENSIONS}}


def report_rows(report: dict) -> tuple[list[str], list[list]]:
    """The report as one table: dimension, key, count, amount."""
    headers = [_("Dimension"), _("Group"), _("Fundings"), vocab.with_unit(_("Amount"), vocab.WAN_YUAN)]
    names = {"scale": _("Enterprise scale"), "industry": _("Industry"), "source": _("Source")}
    rows = []
    for dim in DIMENSIONS:
        for item in report[f"by_{dim}"]:
            rows.append([names[dim], item["label"], item["count"], decimal.Decimal(item["amount"])])
    rows.append([_("Total"), "", report["total"]["count"], decimal.Decimal(report["total"]["amount"])])
    return headers, rows
