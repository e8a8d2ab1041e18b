"""Demo data for the information plugin: articles in every state and category, pushes, and three
months of consultations with replies on time, late, pending and with an agreed deadline."""
from __future__ import annotations

import datetime

from rongtong.core.plugin import PluginHost, utcnow

from . import articles as art
from . import consultations as cs
from .models import CATEGORY_KEYS, CONSULTATION_CHANNEL_KEYS

ARTICLES = [  # category, title, source, body (Markdown); the summary is the body's first line, or given
    ("laws_regulations", "《中华人民共和国中小企业促进法》要点解读", "全国人大常委会", "## 要点\n\n1. 财税支持\n2. 融资促进\n3. 创业扶持",
     "从财税支持、融资促进、创业扶持三方面解读中小企业促进法。"),
    ("policy", "河北省专精特新中小企业认定管理办法", "河北省工业和信息化厅", "## 认定条件\n\n* 从事特定细分市场时间达到2年以上\n* 研发费用占比不低于3%",
     "专精特新中小企业的认定条件与申报流程。"),
    ("policy", "研发费用加计扣除政策（2026年版）", "国家税务总局", "制造业企业研发费用按 **100%** 在税前加计扣除。",
     "制造业企业研发费用按 100% 在税前加计扣除。"),
    ("technology", "工业互联网平台应用案例汇编", "省工业互联网创新中心", "收录装备制造、新材料等行业的 30 个应用案例。"),
    ("talent", "高层次人才引进补贴申报指南", "市人社局", "引进博士给予一次性安家补贴，详见附件。"),
    ("market", "2026年第三季度钢材价格走势分析", "平台市场服务部", "三季度钢材价格总体平稳，建议按需采购。"),
    ("logistics", "京津冀多式联运物流通道建设进展", "省交通运输厅", "新增 3 条铁海联运线路。"),
    ("management", "中小企业数字化转型管理指南", "平台管理咨询部", "从战略、组织、流程三方面推进数字化转型。"),
]
QUESTIONS = [
    ("policy", "研发费用加计扣除比例是多少？"), ("policy", "专精特新企业认定需要哪些材料？"),
    ("talent", "人才补贴怎么申请？"), ("market", "如何参加省外展会补贴？"), ("logistics", "出口退税怎么办理？"),
    ("technology", "高新技术企业认定条件是什么？"), ("management", "如何建立绩效考核制度？"),
    ("laws_regulations", "劳动合同到期不续签需要补偿吗？"),
]


def seed(platform: PluginHost, context) -> None:
    rng = context["rng"]
    staff = context["users"]["staff"][0]
    head = _reviewer(context, staff)
    admitted = [e for e in context["enterprises"] if e.status == "admitted"]
    industries = sorted({e.industry for e in admitted if e.industry})
    today = art.today(platform.calendar)

    for i, (category, title, source, body, *summary) in enumerate(ARTICLES):
        data = {"title": title, "category": category, "source": source, "summary": (summary or body.splitlines())[0][:100],
                "body": body, "featured": i in (1, 2), "interpretation": "平台解读：请符合条件的企业及时申报。" if i < 3 else "",
                "valid_until": today + datetime.timedelta(days=rng.choice([30, 90, 180, 365])),
                "target_industries": rng.sample(industries, 2) if industries and i % 3 == 0 else [],
                "target_scales": ["small", "micro"] if i % 2 else []}
        article = art.create_article(data, staff)
        if i == len(ARTICLES) - 1:
            continue  # stays a draft
        art.move_article(article, "review", staff)
        if i == len(ARTICLES) - 2:
            continue  # waits for review
        art.move_article(article, "published", head, calendar=platform.calendar)
        if i < 3:
            art.push_article(article, ["notification", "portal", "wechat"], staff, platform.calendar)
    old = art.create_article({"title": "2025年度技术改造专项资金申报通知", "category": "policy", "source": "省发改委",
                              "body": "申报已截止。", "valid_until": today + datetime.timedelta(days=1)}, staff)
    art.move_article(old, "review", staff)
    art.move_article(old, "published", head, calendar=platform.calendar)
    art.move_article(old, "expired", head)

    clock = cs.ReplyClock.of(platform)
    now = utcnow()
    for i in range(24):
        category, question = QUESTIONS[i % len(QUESTIONS)]
        ent = admitted[i % len(admitted)]
        asked = now - datetime.timedelta(days=rng.randint(1, 90), hours=rng.randint(0, 8))
        c = cs.open_consultation(clock, enterprise=ent, actor=staff, channel=CONSULTATION_CHANNEL_KEYS[i % 4],
                                 category=category if category in CATEGORY_KEYS else "other",
                                 subject=question[:30], question=question, now=asked)
        kind = i % 6
        if kind == 5:
            continue  # still waiting (some of these are overdue)
        if kind == 4:
            cs.agree_deadline(clock, c, platform.calendar.local_date(c.due_at) + datetime.timedelta(days=7),
                              "需征询主管部门意见", staff)
        delay = datetime.timedelta(hours=rng.choice([2, 6, 20, 30])) if kind != 3 else datetime.timedelta(days=6)
        reply_at = min(asked + delay, now)
        cs.add_message(None, c, staff, "您好，关于您的问题答复如下：请参见平台发布的相关政策解读。", now=reply_at)
        if kind == 0 and reply_at + datetime.timedelta(days=1) < now:
            user = _enterprise_user(context, ent)
            if user is not None:  # a follow-up restarts the reply clock
                cs.add_message(clock, c, user, "谢谢，请问申报截止时间是？", now=reply_at + datetime.timedelta(hours=3))
        elif kind == 2:
            cs.close_consultation(c, staff)


def _reviewer(context, author):
    """Who publishes the demo's articles: a department head other than their author (DB1302 6.4.1.1
    a: an author never approves its own article), else another staff member or the administrator."""
    others = [u for u in context["users"]["staff"] + context["users"].get("admin", []) if u.id != author.id]
    return next((u for u in others if u.is_department_head), others[0] if others else author)


def _enterprise_user(context, enterprise):
    return next((u for u in context["users"]["enterprise"] if u.enterprise_id == enterprise.id), None)
