"""What this plugin shows the compliance report (``rongtong report compliance``; hook
``register_evidence``): articles collected, reviewed and kept up to date (DB1302 6.2.1,
6.4.1.1 a), promoted (6.4.1.1 b), and consultations accepted, answered, recorded and analysed
(6.4.1.2 a-d), all in the period."""
from __future__ import annotations

from rongtong.core.plugin import Evidence, periods

from .models import CATEGORIES, CONSULTATION_CATEGORIES, CONSULTATION_CHANNELS, PUSH_CHANNELS, Article, ArticlePush, ConsultationMessage
from .stats import consultation_stats

ARTICLES = "information_article · /admin/information/article/ · GET /api/v1/information/articles"
CONSULTATIONS = "information_consultation · /admin/information/desk/"
STATS = "information_consultation · /admin/information/stats/ · rongtong information stats --period"


def _percent(rate) -> str:
    return "—" if rate is None else f"{round(rate * 100)} %"


def _stats(platform, period: periods.Period) -> dict:
    return consultation_stats(period, platform.calendar.tz)


def articles(platform, period):
    """DB1302 6.2.1, 6.4.1.1 a: articles published in the period by category, and expired in it."""
    start, stop = period.bounds_utc(platform.calendar.tz)
    published = Article.select().where((Article.published_at >= start) & (Article.published_at < stop))
    expired = Article.select().where((Article.expired_at >= start) & (Article.expired_at < stop)).count()
    total = published.count()
    if not total and not expired:
        return [], ARTICLES
    figures = [("发布信息", "Articles published", total), ("到期下架", "Articles expired", expired)]
    for key, label in CATEGORIES:
        n = published.where(Article.category == key).count()
        if n:
            figures.append((f"类别：{label}", f"Category: {label}", n))
    return figures, ARTICLES


def promotion(platform, period):
    """DB1302 6.4.1.1 b: hot articles and pushes through the channels in the period."""
    start, stop = period.bounds_utc(platform.calendar.tz)
    pushes = ArticlePush.select().where((ArticlePush.pushed_at >= start) & (ArticlePush.pushed_at < stop))
    featured = Article.select().where((Article.featured == True) & (Article.published_at < stop)  # noqa: E712
                                      & (Article.status == "published")).count()
    if not pushes.count() and not featured:
        return [], "information_articlepush · /admin/information/articlepush/"
    figures = [("热点信息（期末在发布）", "Hot articles (published at the end)", featured),
               ("推送次数", "Pushes", pushes.count()), ("推送触达用户", "Users reached", sum(p.recipients for p in pushes))]
    for key, label in PUSH_CHANNELS:
        n = pushes.where(ArticlePush.channel == key).count()
        if n:
            figures.append((f"渠道：{label}", f"Channel: {label}", n))
    return figures, "information_articlepush · /admin/information/articlepush/"


def accepted(platform, period):
    """DB1302 6.4.1.2 a: consultations accepted in the period, by channel (online or offline)."""
    stats = _stats(platform, period)
    if not stats["consultations"]:
        return [], CONSULTATIONS
    figures = [("受理咨询", "Consultations accepted", stats["consultations"])]
    figures += [(f"渠道：{label}", f"Channel: {label}", stats["by_channel"].get(key, 0))
                for key, label in CONSULTATION_CHANNELS]
    return figures, CONSULTATIONS


def answered(platform, period):
    """DB1302 6.4.1.2 b: replies in the period, on time, and the questions left unanswered past due."""
    stats = _stats(platform, period)
    if not stats["replies"] and not stats["overdue_unanswered"]:
        return [], "information_consultationmessage · /admin/information/consultationmessage/"
    hours = stats["median_reply_hours"]
    return ([("答复次数", "Replies", stats["replies"]), ("按时答复", "On time", stats["replies_on_time"]),
             ("按时答复率", "On-time rate", _percent(stats["on_time_rate"])),
             ("逾期未答复", "Overdue without a reply", stats["overdue_unanswered"]),
             ("答复时长中位数（小时）", "Median reply time (hours)", "—" if hours is None else hours)],
            "information_consultationmessage (on_time, reply_seconds) · /admin/information/consultationmessage/")


def recorded(platform, period):
    """DB1302 6.4.1.2 c: the messages of consultation threads recorded in the period."""
    start, stop = period.bounds_utc(platform.calendar.tz)
    messages = ConsultationMessage.select().where((ConsultationMessage.created_at >= start)
                                                  & (ConsultationMessage.created_at < stop))
    count = messages.count()
    if not count:
        return [], "information_consultationmessage"
    threads = len({m.consultation_id for m in messages})
    return ([("咨询记录（消息）", "Messages recorded", count), ("涉及咨询", "Consultations", threads)],
            "information_consultationmessage · core_auditevent · /admin/information/consultationmessage/")


def statistics(platform, period):
    """DB1302 6.4.1.2 d: the period's statistics by category and the most frequent questions."""
    stats = _stats(platform, period)
    if not stats["consultations"]:
        return [], STATS
    labels = dict(CONSULTATION_CATEGORIES)
    figures = [(f"类别：{labels[key]}", f"Category: {labels[key]}", n) for key, n in stats["by_category"].items() if n]
    figures.append(("高频问题（统计）", "Frequent questions listed", len(stats["top_questions"])))
    return figures, STATS


def evidence() -> list[Evidence]:
    return [
        Evidence("6.2.1", "信息发布", "Information published", articles),
        Evidence("6.4.1.1 a", "信息采集与更新", "Articles collected and kept up to date", articles),
        Evidence("6.4.1.1 b", "热点信息推介", "Hot information promoted", promotion),
        Evidence("6.4.1.2 a", "咨询受理", "Consultations accepted", accepted),
        Evidence("6.4.1.2 b", "咨询答复时效", "Replies and their timeliness", answered),
        Evidence("6.4.1.2 c", "咨询过程记录", "Consultation records", recorded),
        Evidence("6.4.1.2 d", "咨询统计分析", "Consultation statistics", statistics),
    ]
