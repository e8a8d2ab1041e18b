"""What this plugin shows the compliance report (``rongtong report compliance``; hook
``register_evidence``): the requests of its service filed and closed in the period (DB1302 6.2.4,
6.4.4.2)."""
from __future__ import annotations

from rongtong.core.plugin import Evidence, requests_evidence


def evidence() -> list[Evidence]:
    return [requests_evidence("6.2.4", "financing", "融资对接服务", "Financing matchmaking"),
            requests_evidence("6.4.4.2", "financing", "融资对接服务", "Financing matchmaking")]
