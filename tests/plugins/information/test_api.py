"""The information plugin over HTTP (DB1302 6.4.1.1, 6.4.1.2): right roles pass, wrong ones are
refused, invalid data gets field errors and writes nothing."""
import datetime

from rongtong.core.models import AuditEvent, Notification, Transition
from rongtong.plugins.information.models import Article, Consultation, ConsultationMessage
from tests.support.apiflow import field_errors

ARTICLE = {"title": "专精特新中小企业认定", "category": "policy", "source": "省工信厅", "summary": "认定条件",
           "body": "## 条件\n\n研发投入占比不低于 3%", "target_scales": ["small"], "featured": True}


def test_article_lifecycle(api, cast):
    r = api.post(cast.user_a, "information/articles", ARTICLE)
    assert r.status_code == 403  # enterprises do not write articles
    api.headers(cast.staff)  # issue the token first (that is audited too)
    before = AuditEvent.select().count()
    r = api.post(cast.staff, "information/articles", {**ARTICLE, "category": "gossip", "target_scales": ["huge"],
                                                      "title": ""})
    assert r.status_code == 422 and {"category", "title", "target_scales"} <= set(field_errors(r))
    assert Article.select().count() == 0 and AuditEvent.select().count() == before
    r = api.post(cast.staff, "information/articles", ARTICLE)
    assert r.status_code == 201, r.get_json()
    art = r.get_json()
    assert art["status"] == "draft" and "<h2>" in art["body_html"]
    aid = art["id"]
    assert api.get(cast.user_a, f"information/articles/{aid}").status_code == 404  # drafts are not public
    assert api.get(cast.user_a, "information/articles").get_json() == []
    assert api.post(cast.staff, f"information/articles/{aid}/status", {"status": "published"}).status_code == 409
    assert api.post(cast.staff, f"information/articles/{aid}/status", {"status": "review"}).status_code == 200
    r = api.post(cast.head, f"information/articles/{aid}/status", {"status": "draft"})
    assert r.status_code == 422 and "reason" in field_errors(r)
    r = api.post(cast.head, f"information/articles/{aid}/status", {"status": "published"})
    assert r.status_code == 200 and r.get_json()["status"] == "published"
    listed = api.get(cast.user_a, "information/articles").get_json()
    assert [a["id"] for a in listed] == [aid] and listed[0]["featured"]
    assert api.get(cast.user_a, f"information/articles/{aid}").get_json()["title"] == ARTICLE["title"]
    # Push (DB1302 6.4.1.1 b): only staff; the targets are the small admitted enterprises.
    assert api.post(cast.user_a, f"information/articles/{aid}/push", {"channels": ["notification"]}).status_code == 403
    r = api.post(cast.staff, f"information/articles/{aid}/push", {"channels": ["notification", "fax"]})
    assert r.status_code == 422 and "channels" in field_errors(r)
    r = api.post(cast.staff, f"information/articles/{aid}/push", {"channels": ["notification", "portal"]})
    assert r.status_code == 201 and [p["channel"] for p in r.get_json()] == ["notification", "portal"]
    targets = api.get(cast.staff, f"information/articles/{aid}/targets").get_json()
    assert {e["name"] for e in targets["enterprises"]} == {"甲公司", "乙公司"} and len(targets["pushes"]) == 2
    assert Notification.select().where(Notification.user == cast.user_a.id).count() == 1
    # Validity passes: listing expires it, enterprises no longer see it.
    Article.update_where(Article.id == aid, {"valid_until": datetime.date(2020, 1, 1)})
    assert api.get(cast.user_a, "information/articles").get_json() == []
    assert Article.get_by_id(aid).status == "expired"
    assert api.get(cast.staff, "information/articles", status="expired").get_json()[0]["id"] == aid


def test_consultation_thread_and_scope(api, cast):
    r = api.post(cast.user_a, "information/consultations",
                 {"subject": "加计扣除", "question": "比例是多少？", "category": "policy", "enterprise": cast.ent_b.id})
    assert r.status_code == 422 and "enterprise" in field_errors(r)
    r = api.post(cast.user_a, "information/consultations", {"subject": "", "channel": "pigeon"})
    assert r.status_code == 422 and {"subject", "question", "channel"} <= set(field_errors(r))
    assert Consultation.select().count() == 0
    r = api.post(cast.user_a, "information/consultations", {"subject": "加计扣除", "question": "比例是多少？",
                                                              "category": "policy"})
    assert r.status_code == 201, r.get_json()
    c = r.get_json()
    assert c["enterprise"] == cast.ent_a.id and c["status"] == "open" and c["due_at"]
    cid = c["id"]
    # Another enterprise cannot see it or write to it.
    assert api.get(cast.user_b, f"information/consultations/{cid}").status_code == 404
    assert api.post(cast.user_b, f"information/consultations/{cid}/messages", {"body": "?"}).status_code == 404
    assert api.get(cast.user_b, "information/consultations").get_json() == []
    assert api.post(cast.expert, f"information/consultations/{cid}/messages", {"body": "答"}).status_code == 403
    # Staff record a phone consultation for enterprise B.
    r = api.post(cast.staff, "information/consultations", {"subject": "贷款贴息", "question": "如何申请？",
                                                             "channel": "phone"})
    assert r.status_code == 422 and "enterprise" in field_errors(r)
    r = api.post(cast.staff, "information/consultations", {"subject": "贷款贴息", "question": "如何申请？",
                                                             "channel": "phone", "enterprise": cast.ent_b.id})
    assert r.status_code == 201 and r.get_json()["channel"] == "phone"
    # Agreed deadline (6.4.1.2 b): staff only, with a reason.
    assert api.post(cast.user_a, f"information/consultations/{cid}/deadline",
                    {"deadline": "2099-01-01", "reason": "x"}).status_code == 403
    r = api.post(cast.staff, f"information/consultations/{cid}/deadline", {"deadline": "2099-01-01", "reason": ""})
    assert r.status_code == 422 and "reason" in field_errors(r)
    r = api.post(cast.staff, f"information/consultations/{cid}/deadline",
                 {"deadline": "2099-01-01", "reason": "需征询税务部门"})
    assert r.status_code == 200 and r.get_json()["agreed_reason"] == "需征询税务部门"
    assert api.post(cast.staff, f"information/consultations/{cid}/messages", {"body": "100%"}).status_code == 201
    assert api.post(cast.user_a, f"information/consultations/{cid}/messages", {"body": "委托研发呢？"}).status_code == 201
    thread = api.get(cast.user_a, f"information/consultations/{cid}").get_json()
    assert [(m["side"], m["body"]) for m in thread["messages"]] == [
        ("enterprise", "比例是多少？"), ("platform", "100%"), ("enterprise", "委托研发呢？")]
    assert thread["status"] == "open" and thread["agreed_deadline"] is None  # restarted clock
    assert thread["messages"][1]["on_time"] is True
    # Issue 9 §1: times with their offset, in the thread too.
    assert thread["due_at"].endswith("+00:00") and all(m["created_at"].endswith("+00:00") for m in thread["messages"])
    # A follow-up waits: closing needs a reason (DB1302 6.4.1.2 b).
    assert api.post(cast.user_a, f"information/consultations/{cid}/close", {"reason": "已电话沟通"}).status_code == 200
    assert api.post(cast.user_a, f"information/consultations/{cid}/messages", {"body": "再问"}).status_code == 409
    assert ConsultationMessage.select().count() == 4


def test_statistics_endpoint(api, cast):
    api.post(cast.user_a, "information/consultations", {"subject": "s", "question": "如何申请贴息？"})
    assert api.get(cast.user_a, "information/stats", period="2026-Q3").status_code == 403
    r = api.get(cast.staff, "information/stats", period="2026-Q5")
    assert r.status_code == 422 and "period" in field_errors(r)
    from rongtong.core.models import utcnow
    from rongtong.core.toolkit.periods import period_of

    label = period_of(utcnow().date(), "year").label
    r = api.get(cast.staff, "information/stats", period=label)
    assert r.status_code == 200 and r.get_json()["consultations"] == 1
    r = api.get(cast.staff, "information/stats", period=label, format="csv")
    assert r.status_code == 200 and r.mimetype == "text/csv" and "如何申请贴息" in r.get_data(as_text=True)


def test_consultation_service_through_the_request_api(api, cast):
    # DB1302 6.4.1.2 as a catalog service: it shows in the request inbox and walks accept → answer → close.
    r = api.post(cast.user_a, "requests", {"service_key": "information.consultation", "title": "高企认定",
                                           "data": {"question": "需要哪些材料？", "category": "technology"}})
    assert r.status_code == 201, r.get_json()
    rid = r.get_json()["id"]
    assert Consultation.get(Consultation.request == rid).question == "需要哪些材料？"
    assert api.act(cast.user_a, rid, "advance", {}).status_code in (403, 409)  # enterprises do not accept
    assert api.act(cast.expert, rid, "advance", {}).status_code in (403, 404)
    api.advance(cast.staff, rid, {"category": "technology"})
    n = Transition.select().count()
    r = api.act(cast.staff, rid, "advance", {"answer": ""})
    assert r.status_code == 422 and "answer" in field_errors(r) and Transition.select().count() == n
    api.advance(cast.staff, rid, {"answer": "见认定办法第十一条。"})
    assert api.act(cast.user_b, rid, "complete", {"satisfaction": "satisfied"}).status_code in (403, 404)
    api.advance(cast.user_a, rid, {"satisfaction": "satisfied", "comment": "清楚"}, outcome="complete")
    c = Consultation.get(Consultation.request == rid)
    assert c.status == "closed" and [m.side for m in c.messages] == ["enterprise", "platform"]
