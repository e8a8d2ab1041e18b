"""What this plugin shows the compliance report (``rongtong report compliance``; hook
``register_evidence``): the requests of its service filed and closed in the period (DB1302 6.2.2,
6.4.2)."""
from __future__ import annotations

from rongtong.core.plugin import Evidence, requests_evidence


def evidence() -> list[Evidence]:
    return [requests_evidence("6.2.2", "technical.service", "技术服务", "Technical services"),
            requests_evidence("6.4.2", "technical.service", "技术服务", "Technical services")]
