"""Small helpers for writing evidence: the period's stored bounds, rates and titles as people read
them. Plugins write the same by hand (they import only the façade); the core's evidence uses these."""
from __future__ import annotations

from typing import Any


def bounds(platform, period):
    """``(start, stop)``: the period in the site's zone as naive UTC (``start <= t < stop``)."""
    return period.bounds_utc(platform.calendar.tz)


def rate(part: int, whole: int) -> str:
    """``92 % (46/50)``; ``—`` when there is nothing to divide by."""
    if not whole:
        return "—"
    return f"{round(100 * part / whole)} % ({part}/{whole})"


def service_titles(registry, key: str) -> tuple[str, str]:
    """The catalog titles (Chinese, English) of a service; a service no longer registered reads as
    its key in both."""
    service = registry.services.get(key)
    if service is None:
        return key, key
    return service.title, service.title_en or service.title


def both(zh: str, en: str) -> tuple[str, str]:
    """A figure's value written in both languages (the report shows the one being read)."""
    return (zh, en)


def text_of(value: Any, lang: str) -> Any:
    """A figure's value in ``lang``: a ``(zh, en)`` pair picks one, anything else is as it is."""
    if isinstance(value, tuple) and len(value) == 2:
        return value[1] if lang == "en" else value[0]
    return value
