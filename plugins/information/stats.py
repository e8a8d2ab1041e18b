"""Periodic statistics and analysis of consultations (DB1302 6.4.1.2 d): for a month, quarter,
half year or year, counts by category, channel and enterprise scale, the on-time reply rate, the
median reply time and the most frequent questions."""
from __future__ import annotations

import collections
import re
import statistics

from rongtong.core.plugin import ENTERPRISE_SCALES, Enterprise, periods, utcnow

from .models import CONSULTATION_CATEGORY_KEYS, CONSULTATION_CHANNEL_KEYS, Consultation, ConsultationMessage

TOP_QUESTIONS = 10
_SPACES = re.compile(r"\s+")
_TRAILING = "?？。.!！~～ "


def normalise_question(text: str) -> str:
    """The form questions are grouped by: case, spacing and trailing punctuation ignored."""
    return _SPACES.sub(" ", (text or "").strip()).strip(_TRAILING).casefold()


def consultation_stats(period: periods.Period, tz=None, now=None) -> dict:
    """The statistics of consultations opened, and replies given, within ``period`` (dates in the
    site's zone ``tz``).

    On-time rate: replies in time / (replies given + questions still unanswered past their due
    time at the end of the period). Median reply time in hours, over the replies given.
    """
    start, stop = period.bounds_utc(tz)
    now = now or utcnow()
    opened = (Consultation.select(Consultation, Enterprise.scale)
              .join(Enterprise, on=(Consultation.enterprise == Enterprise.id))
              .where((Consultation.opened_at >= start) & (Consultation.opened_at < stop))
              .order_by(Consultation.opened_at, Consultation.id))
    by_category = collections.Counter({k: 0 for k in CONSULTATION_CATEGORY_KEYS})
    by_channel = collections.Counter({k: 0 for k in CONSULTATION_CHANNEL_KEYS})
    by_scale = collections.Counter({k: 0 for k, _ in ENTERPRISE_SCALES})
    by_month = collections.Counter({m.label: 0 for m in period.months()})
    questions = collections.Counter()
    examples = {}
    total = 0
    for c in opened.objects():
        total += 1
        by_category[c.category] += 1
        by_channel[c.channel] += 1
        by_scale[c.scale] += 1
        local = c.opened_at if tz is None else _local(c.opened_at, tz)
        by_month[f"{local.year:04d}-{local.month:02d}"] += 1
        key = normalise_question(c.question)
        questions[key] += 1
        examples.setdefault(key, c.question.strip())

    replies = list(ConsultationMessage.select().where(
        ConsultationMessage.on_time.is_null(False)
        & (ConsultationMessage.created_at >= start) & (ConsultationMessage.created_at < stop)))
    on_time = sum(1 for r in replies if r.on_time)
    cutoff = min(now, stop)
    overdue = (Consultation.select().where((Consultation.status == "open") & (Consultation.due_at < cutoff)
                                           & (Consultation.due_at >= start)).count())
    judged = len(replies) + overdue
    hours = [r.reply_seconds / 3600 for r in replies if r.reply_seconds is not None]
    top = sorted(questions.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_QUESTIONS]
    return {
        "period": period.label,
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "consultations": total,
        "by_category": dict(by_category),
        "by_channel": dict(by_channel),
        "by_scale": dict(by_scale),
        "by_month": dict(by_month),
        "replies": len(replies),
        "replies_on_time": on_time,
        "overdue_unanswered": overdue,
        "on_time_rate": round(on_time / judged, 4) if judged else None,
        "median_reply_hours": round(statistics.median(hours), 2) if hours else None,
        "top_questions": [{"question": examples[k], "count": n} for k, n in top],
    }


def _local(moment, tz):
    import datetime

    return moment.replace(tzinfo=datetime.timezone.utc).astimezone(tz)


def stats_rows(stats: dict, labels: dict | None = None) -> tuple[list[str], list[list]]:
    """The statistics as a flat table ``(headers, rows)`` of (section, item, value) for
    table/CSV/XLSX output. ``labels`` maps keys to display labels (translated)."""
    labels = labels or {}
    lab = lambda key: str(labels.get(key, key))  # noqa: E731
    rows = [
        ["period", stats["period"], f"{stats['start']} ~ {stats['end']}"],
        ["total", "consultations", stats["consultations"]],
    ]
    for section in ("by_category", "by_channel", "by_scale", "by_month"):
        rows += [[section, lab(k), v] for k, v in stats[section].items()]
    rate = stats["on_time_rate"]
    rows += [
        ["replies", "replies", stats["replies"]],
        ["replies", "on_time", stats["replies_on_time"]],
        ["replies", "overdue_unanswered", stats["overdue_unanswered"]],
        ["replies", "on_time_rate", "" if rate is None else f"{rate * 100:.1f}%"],
        ["replies", "median_reply_hours", "" if stats["median_reply_hours"] is None else stats["median_reply_hours"]],
    ]
    rows += [["top_questions", q["question"], q["count"]] for q in stats["top_questions"]]
    return ["section", "item", "value"], rows
