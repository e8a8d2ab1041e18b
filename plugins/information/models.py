"""Information services (DB1302 6.2.1, 6.4.1): articles of seven kinds with review and validity,
their pushes through channels, and consultations kept as a whole thread with a reply clock."""
from __future__ import annotations

import bleach
import markdown
import peewee

from rongtong.core.plugin import (ENTERPRISE_SCALES, AuditedModel, Enterprise, JSONField, ListField, ServiceRequest, User,
                                  lazy_gettext as _l, utcnow, vocab)

# DB1302 6.2.1: the seven kinds of information.
CATEGORIES = (
    ("laws_regulations", _l("Laws and regulations")),
    ("policy", _l("Policy")),
    ("technology", _l("Technology")),
    ("talent", _l("Talent")),
    ("market", _l("Market")),
    ("logistics", _l("Logistics")),
    ("management", _l("Management")),
)
CATEGORY_KEYS = tuple(k for k, _ in CATEGORIES)
CONSULTATION_CATEGORIES = CATEGORIES + (("other", _l("Other")),)
CONSULTATION_CATEGORY_KEYS = tuple(k for k, _ in CONSULTATION_CATEGORIES)

# DB1302 6.4.1.1 a: collected, screened and reviewed before publication; kept up to date (expiry).
ARTICLE_STATUSES = (
    ("draft", _l("Draft")),
    ("review", _l("Under review")),
    ("published", _l("Published")),
    ("expired", _l("Expired")),
)
ARTICLE_STATUS_KEYS = tuple(k for k, _ in ARTICLE_STATUSES)
# Allowed moves: from -> to. Review may send an article back to draft; an expired article may be
# revised (back to draft) and go through review again.
ARTICLE_MOVES = {
    "draft": ("review",),
    "review": ("draft", "published"),
    "published": ("expired",),
    "expired": ("draft",),
}

# DB1302 6.4.1.1 b: several channels to promote hot or new information.
PUSH_CHANNELS = (
    ("portal", _l("Portal (featured on the home page)")),
    ("notification", _l("In-app notification")),
    ("email", _l("E-mail")),
    ("sms", _l("SMS")),
    ("wechat", _l("WeChat official account")),
    ("event", _l("Briefing or seminar")),
)
PUSH_CHANNEL_KEYS = tuple(k for k, _ in PUSH_CHANNELS)

# DB1302 6.4.1.2 a: consultations accepted online or offline.
CONSULTATION_CHANNELS = (
    ("online", _l("Online")),
    ("phone", _l("Phone")),
    ("visit", _l("Visit")),
    ("other", _l("Other")),
)
CONSULTATION_CHANNEL_KEYS = tuple(k for k, _ in CONSULTATION_CHANNELS)
CONSULTATION_STATUSES = (
    ("open", _l("Awaiting reply")),
    ("answered", _l("Replied")),
    ("closed", _l("Closed")),
)
# DB1302 6.4.1.2 b: the satisfaction asked when a consultation service closes ("not asked" explicitly).
SATISFACTION = (
    ("satisfied", _l("Satisfied")),
    ("dissatisfied", _l("Not satisfied")),
    ("not_asked", _l("Not asked")),
)
MESSAGE_SIDES = (("enterprise", _l("Enterprise")), ("platform", _l("Platform")))

# Markdown is rendered, then sanitised: only these tags and attributes survive.
ALLOWED_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em", "h1", "h2",
    "h3", "h4", "h5", "h6", "hr", "i", "li", "ol", "p", "pre", "span", "strong", "sub", "sup",
    "table", "tbody", "td", "th", "thead", "tr", "ul",
})
ALLOWED_ATTRIBUTES = {"a": ["href", "title"], "abbr": ["title"], "td": ["align"], "th": ["align"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})


def render_markdown(text: str) -> str:
    """Markdown to HTML that is safe to show: scripts, event handlers, styles and javascript: links
    are removed (bleach), links get rel="nofollow"."""
    html = markdown.markdown(text or "", extensions=["extra", "sane_lists"], output_format="html")
    clean = bleach.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, protocols=ALLOWED_PROTOCOLS, strip=True)
    return bleach.linkify(clean, parse_email=False)


class Article(AuditedModel):
    """A piece of information of one of the seven kinds (DB1302 6.2.1, 6.4.1.1 a), reviewed before
    publication, valid until a date, optionally featured ("hot") and interpreted (6.4.1.1 b)."""

    verbose_name = _l("Information article")
    vocabulary = {"target_scales": {"choices": ENTERPRISE_SCALES}, "target_industries": vocab.LINES_COLUMN}

    title = peewee.CharField(max_length=200, verbose_name=_l("Title"))
    category = peewee.CharField(max_length=32, choices=CATEGORIES, index=True, verbose_name=_l("Category"))
    source = peewee.CharField(max_length=200, default="", verbose_name=_l("Source"))
    source_url = peewee.CharField(max_length=500, default="", verbose_name=_l("Source link"))
    summary = peewee.TextField(default="", verbose_name=_l("Summary"))
    body = peewee.TextField(default="", verbose_name=_l("Body (Markdown)"))
    body_html = peewee.TextField(default="", verbose_name=_l("Body (rendered)"))
    interpretation = peewee.TextField(default="", verbose_name=_l("Interpretation notes"))
    featured = peewee.BooleanField(default=False, index=True, verbose_name=_l("Hot / featured"))
    status = peewee.CharField(max_length=16, choices=ARTICLE_STATUSES, default="draft", index=True,
                              verbose_name=_l("Status"))
    valid_until = peewee.DateField(null=True, index=True, verbose_name=_l("Valid until"))
    target_industries = JSONField(default=list, verbose_name=_l("Target industries"))
    target_scales = ListField(max_length=100, default="", verbose_name=_l("Target enterprise scales"))
    published_at = peewee.DateTimeField(null=True, index=True, verbose_name=_l("Published at"))
    expired_at = peewee.DateTimeField(null=True, verbose_name=_l("Expired at"))
    created_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL", backref="+", verbose_name=_l("Author"))
    reviewed_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL", backref="+", verbose_name=_l("Reviewer"))
    created_at = peewee.DateTimeField(default=utcnow, verbose_name=_l("Created at"))
    updated_at = peewee.DateTimeField(default=utcnow, verbose_name=_l("Updated at"))

    class Meta:
        table_name = "information_article"
        indexes = ((("status", "valid_until"), False),)

    def save(self, *args, **kwargs):
        self.body_html = render_markdown(self.body)
        self.updated_at = utcnow()
        return super().save(*args, **kwargs)


class ArticlePush(AuditedModel):
    """One push of an article through one channel (DB1302 6.4.1.1 b): when, by whom, to how many."""

    verbose_name = _l("Article push")
    vocabulary = {"enterprises": {"unit": "家"}, "recipients": {"unit": "人"}}

    article = peewee.ForeignKeyField(Article, backref="pushes", on_delete="RESTRICT", verbose_name=_l("Article"))
    channel = peewee.CharField(max_length=16, choices=PUSH_CHANNELS, verbose_name=_l("Channel"))
    pushed_at = peewee.DateTimeField(default=utcnow, index=True, verbose_name=_l("Pushed at"))
    pushed_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL", backref="+", verbose_name=_l("Pushed by"))
    enterprises = peewee.IntegerField(default=0, verbose_name=_l("Enterprises targeted"))
    recipients = peewee.IntegerField(default=0, verbose_name=_l("Users notified"))
    note = peewee.CharField(max_length=300, default="", verbose_name=_l("Note"))

    class Meta:
        table_name = "information_articlepush"


class Consultation(AuditedModel):
    """An enterprise's question (DB1302 6.4.1.2 a) with its reply clock (6.4.1.2 b): due within the
    published time limit after the enterprise's latest message, or by an agreed later deadline
    recorded with its reason. The messages keep the whole exchange (6.4.1.2 c)."""

    verbose_name = _l("Consultation")
    scope_path = ("enterprise",)  # not via ``request``: most consultations have none

    enterprise = peewee.ForeignKeyField(Enterprise, backref="+", on_delete="RESTRICT", verbose_name=_l("Enterprise"))
    request = peewee.ForeignKeyField(ServiceRequest, null=True, unique=True, backref="+", on_delete="RESTRICT",
                                     verbose_name=_l("Service request"))
    channel = peewee.CharField(max_length=16, choices=CONSULTATION_CHANNELS, default="online", index=True,
                               verbose_name=_l("Channel"))
    category = peewee.CharField(max_length=32, choices=CONSULTATION_CATEGORIES, default="other", index=True,
                                verbose_name=_l("Category"))
    subject = peewee.CharField(max_length=200, verbose_name=_l("Subject"))
    question = peewee.TextField(verbose_name=_l("Question"))
    status = peewee.CharField(max_length=16, choices=CONSULTATION_STATUSES, default="open", index=True,
                              verbose_name=_l("Status"))
    asked_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL", backref="+", verbose_name=_l("Asked by"))
    opened_at = peewee.DateTimeField(default=utcnow, index=True, verbose_name=_l("Opened at"))
    clock_started_at = peewee.DateTimeField(null=True, verbose_name=_l("Reply clock started"))
    due_at = peewee.DateTimeField(null=True, index=True, verbose_name=_l("Reply due"))
    agreed_deadline = peewee.DateField(null=True, verbose_name=_l("Agreed deadline"))
    agreed_reason = peewee.TextField(default="", verbose_name=_l("Reason for the agreed deadline"))
    last_reply_at = peewee.DateTimeField(null=True, verbose_name=_l("Last reply"))
    closed_at = peewee.DateTimeField(null=True, verbose_name=_l("Closed at"))
    # DB1302 6.4.1.2 b: why a consultation was closed with a question unanswered ("" when answered).
    close_reason = peewee.TextField(default="", verbose_name=_l("Reason for closing without an answer"))

    class Meta:
        table_name = "information_consultation"

    @property
    def thread(self) -> list:
        """The messages in the order they were written: the whole exchange (6.4.1.2 c)."""
        return list(self.messages.order_by(ConsultationMessage.created_at, ConsultationMessage.id))


class ConsultationMessage(AuditedModel):
    """One message of a consultation thread (DB1302 6.4.1.2 c). A platform reply to a waiting
    question records the clock it answered and whether it was on time (6.4.1.2 b, d)."""

    verbose_name = _l("Consultation message")
    vocabulary = {"reply_seconds": {"unit": "秒"}}
    scope_path = ("consultation", "enterprise")

    consultation = peewee.ForeignKeyField(Consultation, backref="messages", on_delete="RESTRICT",
                                          verbose_name=_l("Consultation"))
    side = peewee.CharField(max_length=16, choices=MESSAGE_SIDES, verbose_name=_l("From"))
    author = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL", backref="+", verbose_name=_l("Author"))
    body = peewee.TextField(verbose_name=_l("Message"))
    created_at = peewee.DateTimeField(default=utcnow, index=True, verbose_name=_l("Time"))
    clock_started_at = peewee.DateTimeField(null=True, verbose_name=_l("Answers the question of"))
    due_at = peewee.DateTimeField(null=True, verbose_name=_l("Was due"))
    on_time = peewee.BooleanField(null=True, verbose_name=_l("On time"))
    reply_seconds = peewee.IntegerField(null=True, verbose_name=_l("Reply time (seconds)"))

    class Meta:
        table_name = "information_consultationmessage"
        indexes = ((("consultation", "created_at"), False),)


MODELS = [Article, ArticlePush, Consultation, ConsultationMessage]
