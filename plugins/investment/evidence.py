"""What this plugin shows the compliance report (``rongtong report compliance``; hook
``register_evidence``): the requests of its service filed and closed in the period (DB1302 4.4.3,
6.4.4.1)."""
from __future__ import annotations

from rongtong.core.plugin import Evidence, requests_evidence


def evidence() -> list[Evidence]:
    return [requests_evidence("4.4.3", "investment", "投资对接服务", "Investment matchmaking"),
            requests_evidence("6.4.4.1", "investment", "投资对接服务", "Investment matchmaking")]
