"""REST resources of the information plugin under ``/api/v1/information/`` (DB1302 6.4.1).

Enterprise users read published, still valid articles only, and see only their own enterprise's
consultations; staff manage articles and answer. Expiry is applied whenever articles are listed.
"""
from __future__ import annotations

import io

import flask
from marshmallow import Schema, fields, validate

from rongtong.core.plugin import (ApiResource, Enterprise, NotFound, PermissionDenied, PluginHost, ValidationFailed,
                                  api_user, current_platform, gettext as _, get_scoped, has_permission, is_staff,
                                  load_query, periods, scope_query, tabular)

from . import articles as art
from . import consultations as cs
from .models import CATEGORY_KEYS, Article, Consultation
from .schemas import (
    ArticleMoveSchema,
    ArticleOutSchema,
    ArticleSchema,
    ArticleTargetsSchema,
    ArticleUpdateSchema,
    CloseConsultationSchema,
    ConsultationOutSchema,
    ConsultationSchema,
    ConsultationThreadSchema,
    DeadlineSchema,
    MessageOutSchema,
    MessageSchema,
    PushOutSchema,
    PushSchema,
)

TAG = "information"


def _user():
    return api_user()


def _may(permission: str) -> bool:
    return has_permission(_user(), permission, current_platform().registry)


def _query(schema):
    return load_query(schema(unknown="raise"))


# --- Articles --------------------------------------------------------------------------------------

class ArticleQuerySchema(Schema):
    category = fields.String(validate=validate.OneOf(CATEGORY_KEYS))
    featured = fields.Boolean()
    status = fields.String(validate=validate.OneOf(("draft", "review", "published", "expired")))


def _visible_article(article_id: int) -> Article:
    """Staff (editors) see every article; everyone else only published, valid ones."""
    query = Article.select() if _may("information.article.edit") else art.visible_articles(current_platform().calendar)
    article = query.where(Article.id == article_id).first()
    if article is None:
        raise NotFound(_("Article not found."))
    return article


def list_articles():
    """Articles. Enterprises: published and still valid only (DB1302 6.4.1.1 a), hot ones first."""
    args = _query(ArticleQuerySchema)
    platform = current_platform()
    art.expire_articles(platform.calendar, _user())
    if _may("information.article.edit"):
        query = Article.select()
        if "status" in args:
            query = query.where(Article.status == args["status"])
    else:
        query = art.visible_articles(platform.calendar)
    if "category" in args:
        query = query.where(Article.category == args["category"])
    if "featured" in args:
        query = query.where(Article.featured == args["featured"])
    query = query.order_by(Article.featured.desc(), Article.published_at.desc(nulls="LAST"), Article.id.desc())
    return list(query.limit(500))


def create_article(data):
    return art.create_article(data, _user()), 201


def get_article(article_id: int):
    return _visible_article(article_id)


def update_article(article_id: int, data):
    article = Article.get_or_none(Article.id == article_id)
    if article is None:
        raise NotFound(_("Article not found."))
    if not data:
        raise ValidationFailed(_("Nothing to change."), {"_schema": [_("Give at least one field.")]})
    return art.update_article(article, data, _user()), 200


def move_article(article_id: int, data):
    """Review workflow (DB1302 6.4.1.1 a). Editors submit for review; publishing, sending back and
    expiring need the review permission."""
    article = Article.get_or_none(Article.id == article_id)
    if article is None:
        raise NotFound(_("Article not found."))
    if data["status"] != "review" and not _may("information.article.publish"):
        raise PermissionDenied(_("Only reviewers may publish, return or expire articles."))
    moved = art.move_article(article, data["status"], _user(), reason=data["reason"], calendar=current_platform().calendar)
    return moved, 200


def push_article(article_id: int, data):
    """Push through channels to the targeted enterprises (DB1302 6.4.1.1 b)."""
    article = Article.get_or_none(Article.id == article_id)
    if article is None:
        raise NotFound(_("Article not found."))
    return art.push_article(article, data["channels"], _user(), current_platform().calendar, note=data["note"]), 201


def article_targets(article_id: int):
    """The admitted enterprises the article targets (industry and scale), and its pushes so far."""
    article = Article.get_or_none(Article.id == article_id)
    if article is None:
        raise NotFound(_("Article not found."))
    return {"article": article.id, "enterprises": list(art.targeted_enterprises(article).limit(5000)),
            "pushes": list(article.pushes.order_by(art.ArticlePush.id))}


# --- Consultations ---------------------------------------------------------------------------------

def _consultation(consultation_id: int) -> Consultation:
    c = get_scoped(Consultation, consultation_id, _user())
    if c is None:
        raise NotFound(_("Consultation not found."))
    return c


def list_consultations():
    """Consultations the caller may see (an enterprise user: its own enterprise's)."""
    query = scope_query(Consultation.select(), Consultation, _user())
    return list(query.order_by(Consultation.id.desc()).limit(500))


def create_consultation(data):
    """Record a consultation (DB1302 6.4.1.2 a). Enterprise users ask for their own enterprise;
    staff record phone calls and visits for the enterprise they name."""
    user = _user()
    if is_staff(user):
        if "enterprise" not in data:
            raise ValidationFailed(_("Say which enterprise asks."), {"enterprise": [_("Missing data for required field.")]})
        enterprise = Enterprise.get_or_none(Enterprise.id == data["enterprise"])
        if enterprise is None:
            raise ValidationFailed(_("Unknown enterprise."), {"enterprise": [_("Unknown enterprise.")]})
    else:
        if not user.enterprise_id or data.get("enterprise", user.enterprise_id) != user.enterprise_id:
            raise ValidationFailed(_("You can only ask for your own enterprise."),
                                   {"enterprise": [_("You can only ask for your own enterprise.")]})
        enterprise = user.enterprise
    c = cs.open_consultation(cs.ReplyClock.of(current_platform()), enterprise=enterprise, actor=user,
                             channel=data["channel"], category=data["category"], subject=data["subject"],
                             question=data["question"])
    return c, 201


def get_consultation(consultation_id: int):
    return _consultation(consultation_id)


def post_message(consultation_id: int, data):
    """Add to the thread (DB1302 6.4.1.2 c). The enterprise's message restarts the reply clock;
    a staff reply answers it (staff need the answer permission)."""
    c = _consultation(consultation_id)
    user = _user()
    if cs.side_of(user) == "platform" and not _may("information.consultation.answer"):
        raise PermissionDenied(_("You may not answer consultations."))
    msg = cs.add_message(cs.ReplyClock.of(current_platform()), c, user, data["body"])
    return msg, 201


def agree_deadline(consultation_id: int, data):
    """Record a later reply deadline agreed with the enterprise, with its reason (6.4.1.2 b)."""
    c = _consultation(consultation_id)
    c = cs.agree_deadline(cs.ReplyClock.of(current_platform()), c, data["deadline"], data["reason"], _user())
    return c, 200


def close_consultation(consultation_id: int, data):
    """Close (DB1302 6.4.1.2 b): with a ``reason`` when a question still waits for its answer."""
    return cs.close_consultation(_consultation(consultation_id), _user(), reason=data["reason"]), 200


# --- Statistics ------------------------------------------------------------------------------------

class StatsQuerySchema(Schema):
    period = fields.String(required=True)
    format = fields.String(load_default="json", validate=validate.OneOf(("json", "csv", "xlsx")))


def stats():
    """Consultation statistics for ``?period=2026-Q3`` (DB1302 6.4.1.2 d); ``&format=csv|xlsx``
    downloads them as a table."""
    from .stats import consultation_stats, stats_rows

    args = _query(StatsQuerySchema)
    period = periods.parse_period(args["period"])
    result = consultation_stats(period, current_platform().calendar.tz)
    if args["format"] == "json":
        return result
    headers, rows = stats_rows(result)
    buf = io.BytesIO()
    tabular.write_rows(headers, rows, args["format"], buf, bom=args["format"] == "csv")
    name = f"consultation-stats-{period.label}.{args['format']}"
    return flask.Response(buf.getvalue(), mimetype=tabular.MIMETYPES[args["format"]],
                          headers={"Content-Disposition": f'attachment; filename="{name}"'})


def api_resources(platform: PluginHost) -> list[ApiResource]:
    r = ApiResource
    return [
        r("information/articles", list_articles, ("GET",), endpoint="information_articles",
          summary="Articles (enterprises: published and valid only)", tag=TAG, response_schema=ArticleOutSchema,
          many=True, permission="information.article.view"),
        r("information/articles", create_article, ("POST",), endpoint="information_article_create",
          summary="Write an article (draft)", tag=TAG, request_schema=ArticleSchema,
          response_schema=ArticleOutSchema, permission="information.article.edit"),
        r("information/articles/<int:article_id>", get_article, ("GET",), endpoint="information_article",
          summary="One article", tag=TAG, response_schema=ArticleOutSchema, permission="information.article.view"),
        r("information/articles/<int:article_id>", update_article, ("PATCH",), endpoint="information_article_update",
          summary="Edit an article", tag=TAG, request_schema=ArticleUpdateSchema,
          response_schema=ArticleOutSchema, permission="information.article.edit"),
        r("information/articles/<int:article_id>/status", move_article, ("POST",), endpoint="information_article_move",
          summary="Move an article: review, published, expired, draft", tag=TAG, request_schema=ArticleMoveSchema,
          response_schema=ArticleOutSchema, permission="information.article.edit"),
        r("information/articles/<int:article_id>/push", push_article, ("POST",), endpoint="information_article_push",
          summary="Push an article through channels", tag=TAG, request_schema=PushSchema,
          response_schema=PushOutSchema, many=True, permission="information.article.push"),
        r("information/articles/<int:article_id>/targets", article_targets, ("GET",),
          endpoint="information_article_targets", summary="Enterprises an article targets, and its pushes", tag=TAG,
          response_schema=ArticleTargetsSchema, permission="information.article.edit"),
        r("information/consultations", list_consultations, ("GET",), endpoint="information_consultations",
          summary="Consultations", tag=TAG, response_schema=ConsultationOutSchema, many=True,
          permission="information.consultation.view"),
        r("information/consultations", create_consultation, ("POST",), endpoint="information_consultation_create",
          summary="Ask or record a consultation", tag=TAG, request_schema=ConsultationSchema,
          response_schema=ConsultationThreadSchema, permission="information.consultation.ask"),
        r("information/consultations/<int:consultation_id>", get_consultation, ("GET",),
          endpoint="information_consultation", summary="One consultation with its whole thread", tag=TAG,
          response_schema=ConsultationThreadSchema, permission="information.consultation.view"),
        r("information/consultations/<int:consultation_id>/messages", post_message, ("POST",),
          endpoint="information_consultation_message", summary="Add a message to the thread", tag=TAG,
          request_schema=MessageSchema, response_schema=MessageOutSchema, permission="information.consultation.ask"),
        r("information/consultations/<int:consultation_id>/deadline", agree_deadline, ("POST",),
          endpoint="information_consultation_deadline", summary="Agree a later reply deadline", tag=TAG,
          request_schema=DeadlineSchema, response_schema=ConsultationOutSchema, permission="information.consultation.answer"),
        r("information/consultations/<int:consultation_id>/close", close_consultation, ("POST",),
          endpoint="information_consultation_close", summary="Close a consultation", tag=TAG,
          request_schema=CloseConsultationSchema, response_schema=ConsultationOutSchema, permission="information.consultation.ask"),
        r("information/stats", stats, ("GET",), endpoint="information_stats",
          summary="Consultation statistics for a period", tag=TAG, permission="information.stats.view"),
    ]
