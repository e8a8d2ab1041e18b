"""Articles: seven kinds, review workflow, validity and expiry, hot flag, pushes, targets
(DB1302 6.2.1, 6.4.1.1 a, 6.4.1.1 b)."""
import datetime

import pytest

from rongtong.core import audit
from rongtong.core.errors import ValidationFailed, WorkflowError
from rongtong.core.models import AuditEvent, Notification
from rongtong.plugins.information import articles
from rongtong.plugins.information.models import Article, ArticlePush, render_markdown
from tests import factories


def _draft(actor, **kw):
    data = {"title": "专精特新企业认定办法", "category": "policy", "source": "省工信厅", "summary": "认定条件与流程",
            "body": "# 认定条件\n\n* 从事细分市场\n* 研发投入", **kw}
    return articles.create_article(data, actor)


def _publish(article, actor, calendar):
    articles.move_article(article, "review", actor)
    return articles.move_article(article, "published", actor, calendar=calendar)


def test_body_markdown_is_rendered_and_sanitised(info, cast):
    # DB1302 6.4.1.1 a: information is organised; what enterprises read is safe HTML.
    a = _draft(cast.staff, body="**重要** <script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>")
    html = Article.get_by_id(a.id).body_html
    assert "<strong>重要</strong>" in html
    assert "<script" not in html and "onerror" not in html and "javascript:" not in html and "<img" not in html
    assert render_markdown("| a | b |\n|---|---|\n| 1 | 2 |").count("<td>") == 2


def test_review_workflow_allowed_moves_are_audited(info, cast):
    # DB1302 6.4.1.1 a: screened and reviewed before publication.
    a = _draft(cast.staff)
    with pytest.raises(WorkflowError):
        articles.move_article(a, "published", cast.staff, calendar=info.calendar)  # skipping review
    assert Article.get_by_id(a.id).status == "draft"
    articles.move_article(a, "review", cast.staff)
    with pytest.raises(ValidationFailed) as info_:
        articles.move_article(a, "draft", cast.head)  # sending back needs a reason
    assert "reason" in info_.value.fields
    articles.move_article(a, "draft", cast.head, reason="来源需注明文号")
    articles.move_article(a, "review", cast.staff)
    published = articles.move_article(a, "published", cast.head, calendar=info.calendar)
    assert published.status == "published" and published.published_at and published.reviewed_by_id == cast.head.id
    moves = [audit.event_data(e) for e in audit.events_for(published) if e.action == "status"]
    assert [(m["from"], m["to"]) for m in moves] == [("draft", "review"), ("review", "draft"), ("draft", "review"),
                                                    ("review", "published")]
    assert moves[1]["reason"] == "来源需注明文号"
    with pytest.raises(WorkflowError):
        articles.move_article(a, "review", cast.staff)


def test_publishing_refused_without_body_or_with_past_validity(info, cast):
    a = _draft(cast.staff, body="", valid_until=datetime.date(2020, 1, 1))
    articles.move_article(a, "review", cast.staff)
    events = AuditEvent.select().count()
    with pytest.raises(ValidationFailed) as err:
        articles.move_article(a, "published", cast.head, calendar=info.calendar)
    assert set(err.value.fields) == {"body", "valid_until"}
    assert Article.get_by_id(a.id).status == "review" and AuditEvent.select().count() == events


def test_published_article_only_takes_featured_validity_and_notes(info, cast):
    a = _publish(_draft(cast.staff), cast.head, info.calendar)
    articles.update_article(a, {"featured": True, "interpretation": "解读：重点关注研发投入比例"}, cast.staff)
    assert Article.get_by_id(a.id).featured
    with pytest.raises(ValidationFailed) as err:
        articles.update_article(a, {"title": "改标题", "featured": False}, cast.staff)
    assert list(err.value.fields) == ["title"]
    fresh = Article.get_by_id(a.id)
    assert fresh.title == "专精特新企业认定办法" and fresh.featured


def test_automatic_expiry_and_visible_list(info, cast):
    # DB1302 6.4.1.1 a: keep the information up to date.
    today = articles.today(info.calendar)
    old = _publish(_draft(cast.staff, title="旧政策", valid_until=today + datetime.timedelta(days=1)), cast.head, info.calendar)
    current = _publish(_draft(cast.staff, title="现行政策", valid_until=today), cast.head, info.calendar)
    forever = _publish(_draft(cast.staff, title="长期有效"), cast.head, info.calendar)
    Article.update_where(Article.id == old.id, {"valid_until": today - datetime.timedelta(days=1)})
    assert {a.id for a in articles.visible_articles(info.calendar)} == {current.id, forever.id}
    assert articles.expire_articles(info.calendar) == [old.id]
    assert articles.expire_articles(info.calendar) == []  # idempotent
    assert Article.get_by_id(old.id).status == "expired" and Article.get_by_id(old.id).expired_at
    assert [audit.event_data(e)["to"] for e in audit.events_for(old) if e.action == "status"][-1] == "expired"
    # An expired article can be revised and go through review again.
    articles.move_article(old, "draft", cast.staff, reason="更新有效期")


def test_targets_and_push_channels(info, cast):
    # DB1302 6.4.1.1 b: promote hot or new information through several channels to the right enterprises.
    big = factories.enterprise("大型装备公司", scale="large", industry="equipment")
    small_eq = factories.enterprise("小型装备公司", scale="small", industry="equipment")
    factories.enterprise("未入驻公司", scale="small", industry="equipment", status="applied")
    u1 = factories.user("eq_user", ["enterprise"], enterprise=small_eq)
    factories.user("eq_user_off", ["enterprise"], enterprise=small_eq, active=False)
    factories.user("big_user", ["enterprise"], enterprise=big)
    a = _publish(_draft(cast.staff, target_industries=["equipment"], target_scales=["small", "micro"]), cast.head,
                 info.calendar)
    assert [e.id for e in articles.targeted_enterprises(a)] == [small_eq.id]
    pushes = articles.push_article(a, ["notification", "wechat"], cast.staff, info.calendar, note="周报")
    assert [(p.channel, p.enterprises, p.recipients) for p in pushes] == [("notification", 1, 1), ("wechat", 1, 0)]
    assert [n.user_id for n in Notification.select()] == [u1.id]
    articles.push_article(a, ["notification"], cast.staff, info.calendar)  # again: nobody notified twice
    assert Notification.select().count() == 1 and ArticlePush.select().count() == 3
    # No targets at all: every admitted enterprise.
    b = _publish(_draft(cast.staff, title="通用"), cast.head, info.calendar)
    assert articles.targeted_enterprises(b).count() == 4  # ent_a, ent_b, big, small_eq


def test_only_published_articles_are_pushed(info, cast):
    from rongtong.core.i18n import site_language

    a = _draft(cast.staff)
    with site_language(info), pytest.raises(ValidationFailed) as err:
        articles.push_article(a, ["portal"], cast.staff, info.calendar)
    assert ArticlePush.select().count() == 0
    assert "草稿" in err.value.fields["status"][0]  # the status by its label, not the key "draft"
