"""What this plugin shows the compliance report (``rongtong report compliance``; hook
``register_evidence``): the requests of its service filed and closed in the period (DB1302 6.2.5,
6.4.5)."""
from __future__ import annotations

from rongtong.core.plugin import Evidence, requests_evidence


def evidence() -> list[Evidence]:
    return [requests_evidence("6.2.5", "promotion", "市场推广服务", "Market promotion"),
            requests_evidence("6.4.5", "promotion", "市场推广服务", "Market promotion")]
