"""Schemas of the training plugin: the evidence of each workflow step (DB1302 6.4.3 a–f), the
plugin's options and its API inputs and outputs."""
from __future__ import annotations

import datetime

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from rongtong.core.plugin import Attachment, gettext as _, label, lazy_gettext as _l, one_of, surveys

from .models import PUBLICATION_CHANNELS

TEXT = validate.Length(min=1, max=5000)
SHORT = validate.Length(min=1, max=200)
_SCALE_HELP = _l("1 (poor) to 5 (excellent).")


class Options(Schema):
    """``[plugins.training]`` in the config file."""

    # DB1302 6.4.3 d: a session is published at least this many calendar days before it starts.
    minimum_notice_days = fields.Integer(load_default=5, strict=True, validate=validate.Range(min=0, max=365))


class IntakeSchema(Schema):
    """What an enterprise may say when it asks for training (all optional)."""

    need = fields.String(load_default="", validate=validate.Length(max=5000), metadata=label("培训需求", "Training need"))
    participants = fields.Integer(load_default=None, allow_none=True, strict=True, validate=validate.Range(min=1, max=100000),
                                  metadata=label("预计参训人数", "Expected participants", unit="人"))


class SurveyStepSchema(surveys.survey_step_schema("training")):
    """DB1302 6.4.3 a: needs survey -> analysis report."""


class TeacherSchema(Schema):
    name = fields.String(required=True, validate=SHORT, metadata={"label": "姓名", "label_en": "Name"})
    title = fields.String(load_default="", validate=validate.Length(max=200), metadata={"label": "职称", "label_en": "Title"})
    introduction = fields.String(load_default="", validate=validate.Length(max=5000), metadata={"label": "简介", "label_en": "Introduction"})


class MaterialSchema(Schema):
    """A course material: a link, or an uploaded attachment (core Attachment id)."""

    title = fields.String(required=True, validate=SHORT, metadata={"label": "名称", "label_en": "Title"})
    url = fields.Url(load_default=None, allow_none=True, schemes={"http", "https"},
                     metadata=label("链接", "Link", _l("A link or an attachment, not both.")))
    attachment = fields.Integer(load_default=None, allow_none=True, strict=True,
                                metadata=label("附件", "Attachment", widget="file"))

    @validates_schema
    def _one_source(self, data, **kwargs):
        if bool(data.get("url")) == bool(data.get("attachment")):
            raise ValidationError(_("Give either a link or an attachment."), "url")
        if data.get("attachment") and not Attachment.select().where(Attachment.id == data["attachment"]).exists():
            raise ValidationError(_("Unknown attachment."), "attachment")


class CourseSchema(Schema):
    """DB1302 6.4.3 b: topic, content, teachers, materials."""

    topic = fields.String(required=True, validate=SHORT, metadata={"label": "课程主题", "label_en": "Topic"})
    content = fields.String(required=True, validate=TEXT, metadata={"label": "课程内容", "label_en": "Content"})
    teachers = fields.List(fields.Nested(TeacherSchema), required=True, validate=validate.Length(min=1),
                           metadata={"label": "授课教师", "label_en": "Teachers"})
    materials = fields.List(fields.Nested(MaterialSchema), required=True, validate=validate.Length(min=1),
                            metadata={"label": "教学材料（链接或附件）", "label_en": "Materials (links or attachments)"})


class CourseStepSchema(Schema):
    courses = fields.List(fields.Nested(CourseSchema), required=True, validate=validate.Length(min=1, max=50),
                          metadata={"label": "课程（主题、内容、教师、材料）", "label_en": "Courses (topic, content, teachers, materials)"})


def to_utc(value: datetime.datetime, tz=datetime.timezone.utc) -> datetime.datetime:
    """Naive UTC, as stored. A time without an offset is taken to be in ``tz`` (the site's zone)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz)
    return value.astimezone(datetime.timezone.utc).replace(tzinfo=None)


def _optional_url(value: str) -> None:
    if value:
        validate.URL(schemes={"http", "https"})(value)
        validate.Length(max=300)(value)


class SessionSchema(Schema):
    """A session to publish. Times are ISO 8601; a time without an offset is in the site's time
    zone (``timezone`` in the config), as typed in the staff screens."""

    title = fields.String(required=True, validate=SHORT, metadata={"label": "班次名称", "label_en": "Title"})
    starts_at = fields.DateTime(required=True, metadata=label(
        "开始时间", "Starts at", _l("In the site's time zone unless an offset is given.")))
    ends_at = fields.DateTime(required=True, metadata={"label": "结束时间", "label_en": "Ends at"})
    venue = fields.String(required=True, validate=validate.Length(min=1, max=300), metadata={"label": "地点", "label_en": "Venue"})
    meeting_url = fields.String(load_default="", validate=lambda v: _optional_url(v), metadata={"label": "线上会议链接", "label_en": "Online meeting link"})
    capacity = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=100000),
                              metadata=label("名额", "Capacity", unit="人"))

    @validates_schema
    def _ends_after_start(self, data, **kwargs):
        if "starts_at" in data and "ends_at" in data and to_utc(data["ends_at"]) <= to_utc(data["starts_at"]):
            raise ValidationError(_("A session must end after it starts."), "ends_at")


class PublishSchema(Schema):
    """DB1302 6.4.3 d: the notice, where it is published, and the sessions it announces. Each
    session must start at least ``minimum_notice_days`` after publication (checked on publishing)."""

    notice = fields.String(required=True, validate=TEXT, metadata={"label": "培训通知", "label_en": "Notice"})
    channels = fields.List(fields.String(validate=one_of(PUBLICATION_CHANNELS)), required=True,
                           validate=validate.Length(min=1), metadata=label("发布渠道", "Channels"))
    sessions = fields.List(fields.Nested(SessionSchema), required=True, validate=validate.Length(min=1, max=100),
                           metadata=label("培训班次", "Sessions", _l(
                               "Each session starts at least the minimum notice period after publication.")))
    #: When the first session starts (computed, never typed): the delivery step is due from it and
    #: cannot be recorded before it (DB1302 5.4.1; ``Step.schedule_from`` of "deliver").
    first_session_at = fields.DateTime(dump_only=True, metadata=label("首场开始时间", "First session starts at"))

    @post_load
    def _first_session(self, data, **kwargs):
        starts = [s["starts_at"] for s in data.get("sessions", [])]
        if starts:
            data["first_session_at"] = min(starts, key=to_utc)
        return data


class DeliverSchema(Schema):
    """DB1302 6.4.3 e: materials, equipment and venue made ready; what was delivered."""

    materials = fields.String(required=True, validate=TEXT, metadata={"label": "培训材料准备", "label_en": "Materials prepared"})
    equipment = fields.String(required=True, validate=TEXT, metadata={"label": "设备准备", "label_en": "Equipment prepared"})
    venue = fields.String(required=True, validate=TEXT, metadata={"label": "场地准备", "label_en": "Venue prepared"})
    notes = fields.String(load_default="", validate=validate.Length(max=5000), metadata={"label": "实施记录", "label_en": "Delivery notes"})


class EvaluateStepSchema(Schema):
    """DB1302 6.4.3 f: the staff's conclusion on the effect; attendees' scores are added to it."""

    summary = fields.String(required=True, validate=TEXT, metadata={"label": "效果评估结论", "label_en": "Evaluation summary"})
    improvements = fields.String(load_default="", validate=validate.Length(max=5000), metadata={"label": "改进措施", "label_en": "Improvements"})


# --- API ------------------------------------------------------------------------------------------

class RegistrationInSchema(Schema):
    note = fields.String(load_default="", validate=validate.Length(max=300), metadata=label("备注", "Note"))


class EvaluationInSchema(Schema):
    """An attendee's evaluation (DB1302 6.4.3 f)."""

    satisfaction = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=5),
                                  metadata=label("满意度", "Satisfaction", _SCALE_HELP, widget="scale"))
    usefulness = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=5),
                                metadata=label("对工作的帮助", "Usefulness for the work", _SCALE_HELP, widget="scale"))
    comment = fields.String(load_default="", validate=validate.Length(max=5000), metadata=label("意见", "Comment"))


class SessionOutSchema(Schema):
    id = fields.Integer()
    programme = fields.Integer(attribute="programme_id")
    title = fields.String()
    starts_at = fields.DateTime()
    ends_at = fields.DateTime()
    venue = fields.String()
    meeting_url = fields.String()
    capacity = fields.Integer()
    published_at = fields.DateTime()
    registered = fields.Integer()
    waitlisted = fields.Integer()
    seats_left = fields.Integer()


class RegistrationOutSchema(Schema):
    id = fields.Integer()
    session = fields.Integer(attribute="session_id")
    enterprise = fields.Integer(attribute="enterprise_id")
    user = fields.Integer(attribute="user_id")
    status = fields.String()
    waitlist_position = fields.Integer(allow_none=True)
    note = fields.String()
    queued_at = fields.DateTime()
    promoted_at = fields.DateTime(allow_none=True)
    cancelled_at = fields.DateTime(allow_none=True)
    checked_in_at = fields.DateTime(allow_none=True)


class EvaluationOutSchema(Schema):
    id = fields.Integer()
    registration = fields.Integer(attribute="registration_id")
    satisfaction = fields.Integer()
    usefulness = fields.Integer()
    comment = fields.String()
    created_at = fields.DateTime()


class CourseOutSchema(Schema):
    id = fields.Integer()
    topic = fields.String()
    content = fields.String()
    teachers = fields.List(fields.Dict())
    materials = fields.List(fields.Dict())


class ProgrammeOutSchema(Schema):
    id = fields.Integer()
    request = fields.Integer(attribute="request_id")
    survey = fields.Integer(attribute="survey_id", allow_none=True)
    needs_report = fields.Dict(allow_none=True)
    conclusions = fields.String()
    plan = fields.Dict(allow_none=True)
    notice = fields.String()
    channels = fields.List(fields.String())
    published_at = fields.DateTime(allow_none=True)
    delivery = fields.Dict(allow_none=True)
    evaluation = fields.Dict(allow_none=True)
    courses = fields.List(fields.Nested(CourseOutSchema), attribute="course_list")
    sessions = fields.List(fields.Nested(SessionOutSchema), attribute="session_list")
