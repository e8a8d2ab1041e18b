"""Validation of what users send (API and workflow steps) for information services."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from rongtong.core.plugin import ENTERPRISE_SCALES, UtcDateTime, label, lazy_gettext as _l, one_of

from .models import (ARTICLE_STATUSES, CATEGORIES, CONSULTATION_CATEGORIES, CONSULTATION_CHANNELS, PUSH_CHANNELS,
                     SATISFACTION)

_text = lambda n, **kw: fields.String(validate=validate.Length(max=n), **kw)  # noqa: E731


class ArticleSchema(Schema):
    """An article as written by staff (DB1302 6.4.1.1 a)."""

    title = fields.String(required=True, validate=validate.Length(min=1, max=200), metadata=label("标题", "Title"))
    category = fields.String(required=True, validate=one_of(CATEGORIES), metadata=label("信息类别", "Category"))
    source = _text(200, metadata=label("来源", "Source"))
    source_url = fields.Url(validate=validate.Length(max=500), schemes={"http", "https"},
                            metadata=label("来源链接", "Source link"))
    summary = _text(2000, metadata=label("摘要", "Summary", _l("Shown in lists and sent with pushes.")))
    body = _text(200_000, metadata=label("正文", "Body", _l("Markdown: headings, lists, links, tables.")))
    interpretation = _text(20_000, metadata=label("政策解读", "Interpretation notes"))
    featured = fields.Boolean(metadata=label("热点推荐", "Hot / featured"))
    valid_until = fields.Date(allow_none=True, metadata=label("有效期至", "Valid until"))
    target_industries = fields.List(fields.String(validate=validate.Length(min=1, max=100)),
                                    validate=validate.Length(max=50),
                                    metadata=label("目标行业", "Target industries", _l("Empty: every industry.")))
    target_scales = fields.List(fields.String(validate=one_of(ENTERPRISE_SCALES)),
                                metadata=label("目标企业规模", "Target enterprise scales", _l("Empty: every scale.")))


class ArticleUpdateSchema(ArticleSchema):
    class Meta:
        partial = True


class ArticleOutSchema(Schema):
    id = fields.Integer()
    title = fields.String()
    category = fields.String()
    source = fields.String()
    source_url = fields.String()
    summary = fields.String()
    body = fields.String()
    body_html = fields.String()
    interpretation = fields.String()
    featured = fields.Boolean()
    status = fields.String()
    valid_until = fields.Date(allow_none=True)
    target_industries = fields.List(fields.String())
    target_scales = fields.List(fields.String())
    published_at = UtcDateTime(allow_none=True)


class PushOutSchema(Schema):
    """One push of an article through one channel (DB1302 6.4.1.1 b)."""

    id = fields.Integer()
    channel = fields.String()
    pushed_at = fields.DateTime()
    enterprises = fields.Integer(metadata={"description": "Enterprises targeted"})
    recipients = fields.Integer(metadata={"description": "Users notified"})
    note = fields.String()


class TargetEnterpriseSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    industry = fields.String()
    scale = fields.String()


class ArticleTargetsSchema(Schema):
    """The admitted enterprises an article targets (industry and scale), and its pushes so far."""

    article = fields.Integer()
    enterprises = fields.List(fields.Nested(TargetEnterpriseSchema))
    pushes = fields.List(fields.Nested(PushOutSchema))


class ArticleMoveSchema(Schema):
    """Move an article along its review workflow."""

    status = fields.String(required=True, validate=one_of(ARTICLE_STATUSES), metadata=label("目标状态", "Move to"))
    reason = _text(2000, load_default="", metadata=label("理由", "Reason"))


class PushSchema(Schema):
    """Push a published article through one or more channels (DB1302 6.4.1.1 b)."""

    channels = fields.List(fields.String(validate=one_of(PUSH_CHANNELS)), required=True,
                           validate=validate.Length(min=1), metadata=label("推送渠道", "Channels"))
    note = _text(300, load_default="", metadata=label("备注", "Note"))


class ConsultationSchema(Schema):
    """A consultation as recorded (DB1302 6.4.1.2 a). ``enterprise`` is required from staff (who
    record phone calls and visits); an enterprise user always asks for its own enterprise."""

    enterprise = fields.Integer(validate=validate.Range(min=1), metadata=label(
        "企业（编号）", "Enterprise (id)", _l("Staff only: the enterprise that asked.")))
    channel = fields.String(load_default="online", validate=one_of(CONSULTATION_CHANNELS),
                            metadata=label("咨询渠道", "Channel"))
    category = fields.String(load_default="other", validate=one_of(CONSULTATION_CATEGORIES),
                             metadata=label("咨询类别", "Category"))
    subject = fields.String(required=True, validate=validate.Length(min=1, max=200), metadata=label("主题", "Subject"))
    question = fields.String(required=True, validate=validate.Length(min=1, max=20_000), metadata=label("咨询问题", "Question"))


class ConsultationIntakeSchema(Schema):
    """The data of a request for the ``information.consultation`` catalog service. Everything is
    optional: without a question, the request's description (else its title) is the question."""

    channel = fields.String(load_default="online", validate=one_of(CONSULTATION_CHANNELS),
                            metadata=label("咨询渠道", "Channel"))
    category = fields.String(load_default="other", validate=one_of(CONSULTATION_CATEGORIES),
                             metadata=label("咨询类别", "Category"))
    question = fields.String(load_default="", validate=validate.Length(max=20_000), metadata=label(
        "咨询问题", "Question", _l("Empty: the request's description is the question.")))


class MessageSchema(Schema):
    body = fields.String(required=True, validate=validate.Length(min=1, max=20_000), metadata=label("留言", "Message"))


class DeadlineSchema(Schema):
    """A later reply deadline agreed with the enterprise, and why (DB1302 6.4.1.2 b)."""

    deadline = fields.Date(required=True, metadata=label("约定答复日期", "Agreed deadline"))
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000), metadata=label("延期理由", "Reason"))


class MessageOutSchema(Schema):
    id = fields.Integer()
    side = fields.String()
    author = fields.Function(lambda m: str(m.author) if m.author_id else "")
    body = fields.String()
    created_at = UtcDateTime()
    on_time = fields.Boolean(allow_none=True)


class ConsultationOutSchema(Schema):
    id = fields.Integer()
    enterprise = fields.Integer(attribute="enterprise_id")
    request = fields.Integer(attribute="request_id", allow_none=True)
    channel = fields.String()
    category = fields.String()
    subject = fields.String()
    question = fields.String()
    status = fields.String()
    opened_at = UtcDateTime()
    due_at = UtcDateTime(allow_none=True)
    agreed_deadline = fields.Date(allow_none=True)
    agreed_reason = fields.String()
    closed_at = UtcDateTime(allow_none=True)
    close_reason = fields.String()


class ConsultationThreadSchema(ConsultationOutSchema):
    """A consultation with its whole thread, oldest message first (DB1302 6.4.1.2 c)."""

    messages = fields.List(fields.Nested(MessageOutSchema), attribute="thread")


# Workflow step evidence ---------------------------------------------------------------------------

class AcceptStepSchema(Schema):
    """Accepting a consultation: staff may correct the category."""

    category = fields.String(validate=one_of(CONSULTATION_CATEGORIES), metadata=label(
        "咨询类别", "Category", _l("Correct the category the enterprise chose, if needed.")))


class AnswerStepSchema(Schema):
    """The answer, added to the thread (DB1302 6.4.1.2 b, c)."""

    answer = fields.String(required=True, validate=validate.Length(min=1, max=20_000), metadata=label(
        "答复内容", "Answer", _l("Sent to the enterprise and kept in the consultation thread.")))


class CloseStepSchema(Schema):
    """Closing (DB1302 6.4.1.2 b): the enterprise's satisfaction is asked, never assumed -- no default;
    staff who close without asking record "not asked"."""

    satisfaction = fields.String(required=True, validate=one_of(SATISFACTION), metadata=label(
        "满意度", "Satisfaction", _l("Ask the enterprise whether the answer satisfied it; choose \"not asked\" only "
                                   "when staff close without asking.")))
    comment = _text(2000, load_default="", metadata=label("意见", "Comment"))


class CloseConsultationSchema(Schema):
    """Closing a consultation from its thread (DB1302 6.4.1.2 b): a reason when a question waits."""

    reason = _text(2000, load_default="", metadata=label(
        "未答复办结理由", "Reason for closing without an answer", _l("Required while a question waits for its answer.")))
