"""Article lifecycle (DB1302 6.4.1.1): write, review, publish, expire, push to target enterprises.

Every change is one write transaction with its audit event; a refused change writes nothing.
"""
from __future__ import annotations

import datetime

from rongtong.core.plugin import (Enterprise, NotFound, PermissionDenied, User, ValidationFailed, WorkflowError,
                                  attributed_to, gettext as _, is_postgres, notify, utcnow, write_transaction)

from .models import ARTICLE_MOVES, ARTICLE_STATUSES, Article, ArticlePush

# Fields that may still change once an article is published (the rest needs a new revision).
EDITABLE_WHEN_PUBLISHED = frozenset({"featured", "valid_until", "interpretation"})


def status_label(status: str) -> str:
    """The article status as people read it ("已发布"), never its key."""
    return str(dict(ARTICLE_STATUSES).get(status, status))


def today(calendar) -> datetime.date:
    """Today's date in the site's time zone."""
    return calendar.local_date(utcnow())


def create_article(data: dict, actor) -> Article:
    """A new draft from validated data (see schemas.ArticleSchema)."""
    with write_transaction(), attributed_to(actor):
        article = Article(**data, status="draft", created_by=actor)
        article.save()
    return article


def update_article(article: Article, data: dict, actor) -> Article:
    """Edit an article. Drafts and articles under review take any field; a published article only
    its featured flag, validity and interpretation notes; an expired one must go back to draft."""
    with write_transaction(), attributed_to(actor):
        article = _locked(article.id)
        if article.status == "expired" or (article.status == "published" and set(data) - EDITABLE_WHEN_PUBLISHED):
            fields = sorted(set(data) - EDITABLE_WHEN_PUBLISHED) if article.status == "published" else sorted(data)
            raise ValidationFailed(
                _("A %(status)s article cannot be changed this way; move it back to draft first.",
                  status=status_label(article.status)),
                {f: [_("Not editable while the article is %(status)s.", status=status_label(article.status))]
                 for f in fields})
        for name, value in data.items():
            setattr(article, name, value)
        article.save()
    return article


def move_article(article: Article, to_status: str, actor, *, reason: str = "", calendar=None) -> Article:
    """Move an article along draft -> review -> published -> expired (DB1302 6.4.1.1 a). Moves
    outside :data:`ARTICLE_MOVES` are refused; sending back to draft needs a reason; publishing
    needs a body and a validity date not already past, and a reviewer who is not the article's
    author -- an administrator included: a review by the author is no review (four eyes). Audited
    with the reason."""
    reason = (reason or "").strip()
    with write_transaction(), attributed_to(actor):
        article = _locked(article.id)
        allowed = ARTICLE_MOVES.get(article.status, ())
        if to_status not in allowed:
            raise WorkflowError(_("An article cannot go from %(a)s to %(b)s (allowed: %(allowed)s).",
                                  a=article.status, b=to_status, allowed=", ".join(allowed) or "-"))
        if to_status == "draft" and not reason:
            raise ValidationFailed(_("A reason is required."), {"reason": [_("Say why the article goes back to draft.")]})
        if to_status == "published":
            _check_not_the_author(article, actor)
            problems = {}
            if not (article.body or "").strip():
                problems["body"] = [_("An article needs a body before it is published.")]
            if article.valid_until and calendar is not None and article.valid_until < today(calendar):
                problems["valid_until"] = [_("The validity date is already past.")]
            if problems:
                raise ValidationFailed(_("The article cannot be published yet."), problems)
        old = article.status
        article.status = to_status
        now = utcnow()
        if to_status == "published":
            article.published_at = now
            article.reviewed_by = actor
            article.expired_at = None
        elif to_status == "expired":
            article.expired_at = now
        elif to_status == "draft" and old == "review":
            article.reviewed_by = actor
        article.save(audit_action="status", audit_note={"from": old, "to": to_status, "reason": reason})
    return article


def _check_not_the_author(article: Article, actor) -> None:
    """DB1302 6.4.1.1 a: information is reviewed before publication -- by someone other than its
    author, whatever their role (an administrator's own article needs another reviewer too)."""
    if actor is not None and article.created_by_id is not None and article.created_by_id == actor.id:
        raise PermissionDenied(_("You wrote this article, so you cannot approve it: another reviewer must publish it "
                                 "(DB1302 6.4.1.1 a: information is reviewed before publication)."))


def expire_articles(calendar, actor=None) -> list[int]:
    """Expire every published article whose validity date has passed (DB1302 6.4.1.1 a: keep the
    information up to date). Idempotent; each expiry is audited. Returns the expired ids."""
    day = today(calendar)
    expired = []
    with write_transaction(), attributed_to(actor):
        due = (Article.select().where((Article.status == "published") & (Article.valid_until < day))
               .order_by(Article.id))
        for article in due:
            now = utcnow()
            # Guarded on the status, so two listings expiring at once record each expiry once.
            moved = Article.update_where((Article.id == article.id) & (Article.status == "published"),
                                         {"status": "expired", "expired_at": now, "updated_at": now},
                                         audit_action="status", audit_note={
                                             "from": "published", "to": "expired",
                                             "reason": "valid_until passed (automatic)"})
            if moved == 1:
                expired.append(article.id)
    return expired


def visible_articles(calendar):
    """Published articles still valid today: what enterprises see."""
    day = today(calendar)
    return Article.select().where((Article.status == "published")
                                  & (Article.valid_until.is_null() | (Article.valid_until >= day)))


def targeted_enterprises(article: Article):
    """The admitted enterprises an article targets: matching one of its industries (if any are
    given) and one of its scales (if any are given) (DB1302 6.4.1.1 b)."""
    query = Enterprise.select().where(Enterprise.status == "admitted")
    industries = [i for i in (article.target_industries or []) if i]
    if industries:
        query = query.where(Enterprise.industry.in_(industries))
    if article.target_scales:
        query = query.where(Enterprise.scale.in_(list(article.target_scales)))
    return query.order_by(Enterprise.id)


def push_article(article: Article, channels: list[str], actor, calendar, *, note: str = "") -> list[ArticlePush]:
    """Record a push of a published, valid article through each channel (DB1302 6.4.1.1 b). The
    ``notification`` channel also sends an in-app notification to every active user of every
    targeted enterprise (once per article and user, however often it is pushed)."""
    with write_transaction(), attributed_to(actor):
        article = _locked(article.id)
        if article.status != "published" or (article.valid_until and article.valid_until < today(calendar)):
            raise ValidationFailed(_("Only published, valid articles can be pushed."),
                                   {"status": [_("The article is %(status)s.", status=status_label(article.status))]})
        targets = list(targeted_enterprises(article))
        users = list(User.select().where(User.enterprise.in_([e.id for e in targets]) & (User.active == True)))  # noqa: E712
        pushes = []
        for channel in channels:
            recipients = 0
            if channel == "notification":
                for user in users:
                    sent = notify(user, article.title, article.summary, kind="info",
                                  link=f"/api/v1/information/articles/{article.id}",
                                  dedupe_key=f"information.article:{article.id}:user:{user.id}")
                    recipients += sent is not None
            push = ArticlePush.create(article=article, channel=channel, pushed_by=actor, enterprises=len(targets),
                                      recipients=recipients, note=note)
            pushes.append(push)
    return pushes


def _locked(article_id: int) -> Article:
    query = Article.select().where(Article.id == article_id)
    if is_postgres():
        query = query.for_update()
    article = query.first()
    if article is None:
        raise NotFound(_("Article not found."))
    return article
