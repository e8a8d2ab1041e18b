"""Records of the training plugin (DB1302 6.2.3, 6.4.3 a–f).

A training programme is one service request of the ``training`` workflow; its
:class:`TrainingProgramme` collects what each step produced (needs report, plan, publication,
delivery, evaluation). Courses belong to a programme; sessions are what enterprise users register
for; registrations hold the waiting list and check-in; evaluations come only from attendees who
checked in.
"""
from __future__ import annotations

import peewee

from rongtong.core.plugin import (AuditedModel, Enterprise, JSONField, ServiceRequest, User, lazy_gettext as _l, plans,
                                  surveys, utcnow, vocab)

# DB1302 6.4.3 d: where a training notice is published.
PUBLICATION_CHANNELS = (
    ("portal", _l("Platform portal")),
    ("email", _l("E-mail")),
    ("sms", _l("SMS")),
    ("wechat", _l("WeChat official account")),
    ("notice_board", _l("Notice board")),
    ("other", _l("Other")),
)


def _programme_vocabulary() -> dict:
    """What the JSON columns of a programme hold: the data of the steps that wrote them."""
    from .schemas import DeliverSchema, EvaluateStepSchema

    # registrations.results(): attendance added to the delivery record, results to the evaluation
    results = vocab.columns(
        ("registered", "报名人数", {"label_en": "Registered", "widget": "integer"}),
        ("attended", "实到人数", {"label_en": "Attended", "widget": "integer"}),
        ("evaluations", "评价份数", {"label_en": "Evaluations", "widget": "integer"}),
        ("response_rate", "评价回收率", {"label_en": "Evaluation response rate", "widget": "number", "format": ".1%"}),
        ("average_satisfaction", "平均满意度", {"label_en": "Average satisfaction", "widget": "number"}),
        ("average_usefulness", "平均实用性", {"label_en": "Average usefulness", "widget": "number"}))
    return {"channels": {"widget": "multichoice", "choices": PUBLICATION_CHANNELS},
            "plan": {"columns": vocab.schema_columns(plans.PlanSchema)},
            "delivery": {"columns": vocab.schema_columns(DeliverSchema) + vocab.columns(
                ("attendance", "出勤情况", {"label_en": "Attendance", "widget": "table", "columns": results}))},
            "evaluation": {"columns": vocab.schema_columns(EvaluateStepSchema) + vocab.columns(
                ("results", "参训与评价结果", {"label_en": "Attendance and evaluations", "widget": "table",
                                        "columns": results}))},
            "needs_report": surveys.REPORT_COLUMN}


def _course_vocabulary() -> dict:
    from .schemas import MaterialSchema, TeacherSchema

    return {"teachers": {"columns": vocab.schema_columns(TeacherSchema)},
            "materials": {"columns": vocab.schema_columns(MaterialSchema)}}


REGISTRATION_STATUSES = (
    ("registered", _l("Registered")),
    ("waitlisted", _l("On the waiting list")),
    ("cancelled", _l("Cancelled")),
)


class TrainingProgramme(AuditedModel):
    """One training programme: the plugin's record of a ``training`` request."""

    verbose_name = _l("Training programme")
    vocabulary = vocab.LazyVocabulary(_programme_vocabulary)

    request = peewee.ForeignKeyField(ServiceRequest, unique=True, on_delete="RESTRICT", verbose_name=_l("Request"))
    survey = peewee.ForeignKeyField(surveys.Survey, null=True, on_delete="RESTRICT", verbose_name=_l("Needs survey"))
    needs_report = JSONField(null=True, verbose_name=_l("Needs analysis report"))  # DB1302 6.4.3 a
    conclusions = peewee.TextField(default="", verbose_name=_l("Analysis conclusions"))
    plan = JSONField(null=True, verbose_name=_l("Training plan"))  # DB1302 6.4.3 c
    notice = peewee.TextField(default="", verbose_name=_l("Notice"))  # DB1302 6.4.3 d
    channels = JSONField(default=list, verbose_name=_l("Publication channels"))
    published_at = peewee.DateTimeField(null=True, verbose_name=_l("Published at"))
    delivery = JSONField(null=True, verbose_name=_l("Delivery record"))  # DB1302 6.4.3 e
    evaluation = JSONField(null=True, verbose_name=_l("Effect evaluation"))  # DB1302 6.4.3 f
    created_at = peewee.DateTimeField(default=utcnow, verbose_name=_l("Created at"))
    updated_at = peewee.DateTimeField(default=utcnow, verbose_name=_l("Updated at"))

    class Meta:
        table_name = "training_programme"

    def __str__(self):
        return f"{self.request.title}" if self.request_id else super().__str__()


class TrainingCourse(AuditedModel):
    """A course of a programme: topic, content, teachers, materials (DB1302 6.4.3 b)."""

    verbose_name = _l("Course")
    vocabulary = vocab.LazyVocabulary(_course_vocabulary)
    scope_path = ("programme", "request")

    programme = peewee.ForeignKeyField(TrainingProgramme, backref="courses", on_delete="RESTRICT",
                                       verbose_name=_l("Programme"))
    topic = peewee.CharField(max_length=200, verbose_name=_l("Topic"))
    content = peewee.TextField(verbose_name=_l("Content"))
    teachers = JSONField(default=list, verbose_name=_l("Teachers"))
    materials = JSONField(default=list, verbose_name=_l("Materials"))
    created_at = peewee.DateTimeField(default=utcnow, verbose_name=_l("Created at"))

    class Meta:
        table_name = "training_course"

    def __str__(self):
        return self.topic


class TrainingSession(AuditedModel):
    """A published session enterprise users register for (DB1302 6.4.3 d, e). Staff-only in the
    generated screens; enterprise users see published sessions through the API."""

    verbose_name = _l("Training session")
    vocabulary = {"capacity": {"unit": "人"}}

    programme = peewee.ForeignKeyField(TrainingProgramme, backref="sessions", on_delete="RESTRICT",
                                       verbose_name=_l("Programme"))
    title = peewee.CharField(max_length=200, verbose_name=_l("Title"))
    starts_at = peewee.DateTimeField(index=True, verbose_name=_l("Starts at"))
    ends_at = peewee.DateTimeField(verbose_name=_l("Ends at"))
    venue = peewee.CharField(max_length=300, verbose_name=_l("Venue"))
    meeting_url = peewee.CharField(max_length=300, default="", verbose_name=_l("Online meeting link"))
    capacity = peewee.IntegerField(verbose_name=_l("Capacity"))
    published_at = peewee.DateTimeField(null=True, verbose_name=_l("Published at"))
    created_at = peewee.DateTimeField(default=utcnow, verbose_name=_l("Created at"))

    class Meta:
        table_name = "training_session"


class TrainingRegistration(AuditedModel):
    """An enterprise user's place in a session, or on its waiting list (ordered by ``queued_at``)."""

    verbose_name = _l("Registration")

    session = peewee.ForeignKeyField(TrainingSession, backref="registrations", on_delete="RESTRICT",
                                     verbose_name=_l("Session"))
    enterprise = peewee.ForeignKeyField(Enterprise, on_delete="RESTRICT", verbose_name=_l("Enterprise"))
    user = peewee.ForeignKeyField(User, on_delete="RESTRICT", verbose_name=_l("Attendee"))
    status = peewee.CharField(max_length=16, choices=REGISTRATION_STATUSES, verbose_name=_l("Status"))
    note = peewee.CharField(max_length=300, default="", verbose_name=_l("Note"))
    queued_at = peewee.DateTimeField(default=utcnow, verbose_name=_l("Registered at"))
    promoted_at = peewee.DateTimeField(null=True, verbose_name=_l("Promoted from the waiting list at"))
    cancelled_at = peewee.DateTimeField(null=True, verbose_name=_l("Cancelled at"))
    checked_in_at = peewee.DateTimeField(null=True, verbose_name=_l("Checked in at"))
    checked_in_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL", verbose_name=_l("Checked in by"))

    class Meta:
        table_name = "training_registration"
        indexes = (
            (("session", "user"), True),
            (("session", "status", "queued_at"), False),
        )

    def __str__(self):
        return f"{self.user} @ {self.session.title}"


class TrainingEvaluation(AuditedModel):
    """An attendee's evaluation of the training's effect (DB1302 6.4.3 f)."""

    verbose_name = _l("Training evaluation")
    scope_path = ("registration", "enterprise")

    registration = peewee.ForeignKeyField(TrainingRegistration, unique=True, on_delete="RESTRICT",
                                          verbose_name=_l("Registration"))
    satisfaction = peewee.IntegerField(verbose_name=_l("Satisfaction (1-5)"))
    usefulness = peewee.IntegerField(verbose_name=_l("Usefulness for the work (1-5)"))
    comment = peewee.TextField(default="", verbose_name=_l("Comment"))
    created_at = peewee.DateTimeField(default=utcnow, verbose_name=_l("Created at"))

    class Meta:
        table_name = "training_evaluation"


MODELS = [TrainingProgramme, TrainingCourse, TrainingSession, TrainingRegistration, TrainingEvaluation]
