"""Staff screens of the information plugin: article list and review actions, statistics page
(DB1302 6.4.1.1 a, 6.4.1.2 d)."""
import re

from rongtong.plugins.information import articles, consultations as cs
from rongtong.plugins.information.models import Article


def _token(client, path):
    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def test_screens_need_the_permission(info_app, cast, login):
    client = info_app.test_client()
    login(client, cast.user_a)
    assert client.get("/admin/information/stats/").status_code == 403
    assert client.get("/admin/information/consultation/").status_code == 403
    staff = info_app.test_client()
    login(staff, cast.staff)
    for path in ("/admin/information/article/", "/admin/information/articlepush/", "/admin/information/consultation/",
                 "/admin/information/consultationmessage/", "/admin/information/stats/"):
        assert staff.get(path).status_code == 200, path


def test_statistics_page(info, info_app, cast, login):
    cs.open_consultation(cs.ReplyClock.of(info), enterprise=cast.ent_a, actor=cast.user_a, channel="phone",
                         category="talent", subject="人才补贴", question="人才补贴怎么申请？")
    client = info_app.test_client()
    login(client, cast.staff)
    from rongtong.core.models import utcnow

    html = client.get(f"/admin/information/stats/?period={utcnow().year}").get_data(as_text=True)
    assert "人才补贴怎么申请？" in html and 'id="rt-info-stats"' in html
    r = client.get(f"/admin/information/stats/export?period={utcnow().year}&format=xlsx")
    assert r.status_code == 200 and r.data[:2] == b"PK"
    assert client.get("/admin/information/stats/export?period=nope").status_code == 400
    bad = client.get("/admin/information/stats/?period=2026-Q9")
    assert bad.status_code == 200 and 'id="rt-info-stats-error"' in bad.get_data(as_text=True)


def test_review_actions_from_the_list(info_app, cast, login):
    a = articles.create_article({"title": "物流补贴政策", "category": "logistics", "body": "正文"}, cast.staff)
    client = info_app.test_client()
    login(client, cast.staff)
    token = _token(client, "/admin/information/article/")
    r = client.post("/admin/information/article/action/", data={"action": "submit_review", "rowid": [str(a.id)],
                                                               "csrf_token": token})
    assert r.status_code == 302 and Article.get_by_id(a.id).status == "review"
    reviewer = info_app.test_client()  # not the author (DB1302 6.4.1.1 a)
    login(reviewer, cast.head)
    reviewer.post("/admin/information/article/action/", data={
        "action": "publish", "rowid": [str(a.id)], "csrf_token": _token(reviewer, "/admin/information/article/")})
    assert Article.get_by_id(a.id).status == "published"
    # Without the CSRF token nothing moves.
    client.post("/admin/information/article/action/", data={"action": "expire", "rowid": [str(a.id)]})
    assert Article.get_by_id(a.id).status == "published"


def test_consultation_desk(info, info_app, cast, login):
    # DB1302 6.4.1.2 b, c: staff answer from the desk; the thread is kept; a later deadline needs a reason.
    c = cs.open_consultation(cs.ReplyClock.of(info), enterprise=cast.ent_a, actor=cast.user_a, channel="online",
                             category="policy", subject="贴息", question="贷款贴息比例？")
    ent = info_app.test_client()
    login(ent, cast.user_a)
    assert ent.get("/admin/information/desk/").status_code == 403
    client = info_app.test_client()
    login(client, cast.staff)
    assert "贴息" in client.get("/admin/information/desk/").get_data(as_text=True)
    page = f"/admin/information/desk/{c.id}/"
    token = _token(client, page)
    r = client.post(page, data={"csrf_token": token, "what": "deadline", "deadline": "2099-01-01", "reason": ""})
    assert r.status_code == 422
    r = client.post(page, data={"csrf_token": token, "what": "deadline", "deadline": "soon", "reason": "x"})
    assert r.status_code == 400
    r = client.post(page, data={"csrf_token": token, "what": "reply", "body": "贴息比例为 50%。"})
    assert r.status_code == 303
    html = client.get(page).get_data(as_text=True)
    assert "贷款贴息比例？" in html and "贴息比例为 50%。" in html
    # Issue 9 §1: channel, category and status by their labels, never their keys.
    assert "线上 · 政策" in html and '<span id="rt-info-status">已答复</span>' in html
    assert client.post(page, data={"what": "close"}).status_code == 400  # no CSRF token: refused
    assert client.post(page, data={"csrf_token": token, "what": "close"}).status_code == 303
    assert client.get("/admin/information/desk/999/").status_code == 404


def test_portal_pages_show_published_valid_articles_only(info, info_app, cast):
    # DB1302 6.4.1.1 b: hot and new information promoted; drafts and expired ones never shown.
    pub = articles.create_article({"title": "贷款贴息政策", "category": "policy", "featured": True,
                                   "body": "**贴息** <script>alert(1)</script>", "interpretation": "重点：申报时间"},
                                  cast.staff)
    articles.move_article(pub, "review", cast.staff)
    articles.move_article(pub, "published", cast.head, calendar=info.calendar)
    draft = articles.create_article({"title": "草稿政策", "category": "policy", "body": "x"}, cast.staff)
    client = info_app.test_client()
    html = client.get("/information/").get_data(as_text=True)
    assert "贷款贴息政策" in html and "草稿政策" not in html
    page = client.get(f"/information/{pub.id}").get_data(as_text=True)
    assert "<strong>贴息</strong>" in page and "<script>alert(1)" not in page and "重点：申报时间" in page
    assert client.get(f"/information/{draft.id}").status_code == 404
    assert "贷款贴息政策" not in client.get("/information/?category=talent").get_data(as_text=True)
