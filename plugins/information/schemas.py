"""Validation of what users send (API and workflow steps) for information services."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from core.models import ENTERPRISE_SCALES

from .models import (
    ARTICLE_STATUS_KEYS,
    CATEGORY_KEYS,
    CONSULTATION_CATEGORY_KEYS,
    CONSULTATION_CHANNEL_KEYS,
    PUSH_CHANNEL_KEYS,
)

SCALE_KEYS = tuple(k for k, _ in ENTERPRISE_SCALES)
_text = lambda n, **kw: fields.String(validate=validate.Length(max=n), **kw)  # noqa: E731


class ArticleSchema(Schema):
    """An article as written by staff (DB1302 6.4.1.1 a)."""

    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    category = fields.String(required=True, validate=validate.OneOf(CATEGORY_KEYS))
    source = _text(200)
    source_url = fields.Url(validate=validate.Length(max=500), schemes={"http", "https"})
    summary = _text(2000)
    body = _text(200_000)
    interpretation = _text(20_000)
    featured = fields.Boolean()
    valid_until = fields.Date(allow_none=True)
    target_industries = fields.List(fields.String(validate=validate.Length(min=1, max=100)),
                                    validate=validate.Length(max=50))
    target_scales = fields.List(fields.String(validate=validate.OneOf(SCALE_KEYS)))


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
    published_at = fields.DateTime(allow_none=True)


class ArticleMoveSchema(Schema):
    """Move an article along its review workflow."""

    status = fields.String(required=True, validate=validate.OneOf(ARTICLE_STATUS_KEYS))
    reason = _text(2000, load_default="")


class PushSchema(Schema):
    """Push a published article through one or more channels (DB1302 6.4.1.1 b)."""

    channels = fields.List(fields.String(validate=validate.OneOf(PUSH_CHANNEL_KEYS)), required=True,
                           validate=validate.Length(min=1))
    note = _text(300, load_default="")


class ConsultationSchema(Schema):
    """A consultation as recorded (DB1302 6.4.1.2 a). ``enterprise`` is required from staff (who
    record phone calls and visits); an enterprise user always asks for its own enterprise."""

    enterprise = fields.Integer(validate=validate.Range(min=1))
    channel = fields.String(load_default="online", validate=validate.OneOf(CONSULTATION_CHANNEL_KEYS))
    category = fields.String(load_default="other", validate=validate.OneOf(CONSULTATION_CATEGORY_KEYS))
    subject = fields.String(required=True, validate=validate.Length(min=1, max=200))
    question = fields.String(required=True, validate=validate.Length(min=1, max=20_000))


class ConsultationIntakeSchema(Schema):
    """The data of a request for the ``information.consultation`` catalog service. Everything is
    optional: without a question, the request's description (else its title) is the question."""

    channel = fields.String(load_default="online", validate=validate.OneOf(CONSULTATION_CHANNEL_KEYS),
                            metadata={"label": "咨询渠道", "label_en": "Channel"})
    category = fields.String(load_default="other", validate=validate.OneOf(CONSULTATION_CATEGORY_KEYS),
                             metadata={"label": "咨询类别", "label_en": "Category"})
    question = fields.String(load_default="", validate=validate.Length(max=20_000), metadata={"label": "咨询问题", "label_en": "Question"})


class MessageSchema(Schema):
    body = fields.String(required=True, validate=validate.Length(min=1, max=20_000))


class DeadlineSchema(Schema):
    """A later reply deadline agreed with the enterprise, and why (DB1302 6.4.1.2 b)."""

    deadline = fields.Date(required=True)
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class MessageOutSchema(Schema):
    id = fields.Integer()
    side = fields.String()
    author = fields.Function(lambda m: str(m.author) if m.author_id else "")
    body = fields.String()
    created_at = fields.DateTime()
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
    opened_at = fields.DateTime()
    due_at = fields.DateTime(allow_none=True)
    agreed_deadline = fields.Date(allow_none=True)
    agreed_reason = fields.String()
    closed_at = fields.DateTime(allow_none=True)


# Workflow step evidence ---------------------------------------------------------------------------

class AcceptStepSchema(Schema):
    """Accepting a consultation: staff may correct the category."""

    category = fields.String(validate=validate.OneOf(CONSULTATION_CATEGORY_KEYS), metadata={"label": "咨询类别", "label_en": "Category"})


class AnswerStepSchema(Schema):
    """The answer, added to the thread (DB1302 6.4.1.2 b, c)."""

    answer = fields.String(required=True, validate=validate.Length(min=1, max=20_000), metadata={"label": "答复内容", "label_en": "Answer"})


class CloseStepSchema(Schema):
    satisfied = fields.Boolean(load_default=True, metadata={"label": "是否满意", "label_en": "Satisfied"})
    comment = _text(2000, load_default="", metadata={"label": "意见", "label_en": "Comment"})
