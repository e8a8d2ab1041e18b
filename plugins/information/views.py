"""Portal pages of the information plugin (DB1302 6.4.1.1 b: promote hot and new information):
the published, still valid articles, hot ones first, and one page per article with its
interpretation notes. The body is shown as the sanitised HTML rendered when it was saved."""
from __future__ import annotations

import flask
from flask import abort, render_template, request

from rongtong.core.plugin import current_platform

from . import articles as art
from .models import CATEGORIES, CATEGORY_KEYS, Article

bp = flask.Blueprint("information", __name__, url_prefix="/information", template_folder="templates")
PAGE_SIZE = 50


def _calendar():
    return current_platform().calendar


@bp.route("/")
def article_list():
    calendar = _calendar()
    art.expire_articles(calendar)
    query = art.visible_articles(calendar)
    category = request.args.get("category", "")
    if category in CATEGORY_KEYS:
        query = query.where(Article.category == category)
    rows = list(query.order_by(Article.featured.desc(), Article.published_at.desc(), Article.id.desc())
                .limit(PAGE_SIZE))
    return render_template("information/portal_list.html", articles=rows, categories=CATEGORIES, category=category,
                           labels=dict(CATEGORIES))


@bp.route("/<int:article_id>")
def article_page(article_id):
    article = art.visible_articles(_calendar()).where(Article.id == article_id).first()
    if article is None:
        abort(404)
    return render_template("information/portal_article.html", article=article, categories=dict(CATEGORIES))
