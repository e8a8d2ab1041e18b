"""The core's needs-survey tables: ``core_survey``, ``core_surveyinvitation``, ``core_surveyanswer``
(DB1302 6.4.3 a, 6.4.4.1 a, 6.4.4.2 a, 6.4.5 a, 6.4.6 a; migration ``migrations/0002_surveys.py``).

They are core tables any plugin uses, registered by :mod:`core.builtin`, so they live in the domain
layer; what a plugin does with them (create, invite, answer, analyse, its API) is
:mod:`core.toolkit.surveys`, the staff screens and the answer page :mod:`core.web.surveys`.
"""
from __future__ import annotations

import peewee

from rongtong.core.fields import JSONField
from rongtong.core.i18n import lazy_gettext as _l
from rongtong.core.models import BaseModel, Enterprise, User, utcnow

QUESTION_KINDS = (
    ("text", _l("Free text")),
    ("single", _l("Single choice")),
    ("multiple", _l("Multiple choice")),
    ("scale", _l("Scale")),
)
KINDS = tuple(k for k, _label in QUESTION_KINDS)
STATUSES = (("open", _l("Open")), ("closed", _l("Closed")))
MAX_TEXT = 5000


# --- Models ----------------------------------------------------------------------------------------

class Survey(BaseModel):
    """A needs survey run by a plugin (DB1302 6.4.3 a, 6.4.4.1 a, 6.4.4.2 a, 6.4.5 a, 6.4.6 a).

    Staff-only in generated screens; enterprises reach it through their invitation."""

    verbose_name = _l("Needs survey")

    owner = peewee.CharField(max_length=64, index=True, verbose_name=_l("Owner plugin"))
    topic = peewee.CharField(max_length=100, default="", verbose_name=_l("Topic"))
    title = peewee.CharField(max_length=200, verbose_name=_l("Title"))
    description = peewee.TextField(default="", verbose_name=_l("Description"))
    questions = JSONField(default=list, verbose_name=_l("Questions"))
    status = peewee.CharField(max_length=16, choices=STATUSES, default="open", index=True, verbose_name=_l("Status"))
    created_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL", verbose_name=_l("Created by"))
    created_at = peewee.DateTimeField(default=utcnow, verbose_name=_l("Created at"))
    closed_at = peewee.DateTimeField(null=True, verbose_name=_l("Closed at"))

    class Meta:
        table_name = "core_survey"


class SurveyInvitation(BaseModel):
    """A survey sent to one enterprise. Only the SHA-256 of the answer-link token is stored."""

    verbose_name = _l("Survey invitation")
    audit_exclude = frozenset({"token_hash"})

    survey = peewee.ForeignKeyField(Survey, backref="invitations", on_delete="RESTRICT", verbose_name=_l("Survey"))
    enterprise = peewee.ForeignKeyField(Enterprise, on_delete="RESTRICT", verbose_name=_l("Enterprise"))
    token_hash = peewee.CharField(max_length=64, unique=True)
    sent_at = peewee.DateTimeField(default=utcnow, verbose_name=_l("Sent at"))
    answered_at = peewee.DateTimeField(null=True, verbose_name=_l("Answered at"))

    class Meta:
        table_name = "core_surveyinvitation"
        indexes = ((("survey", "enterprise"), True),)


class SurveyAnswer(BaseModel):
    """One enterprise's answers to one survey: ``{question key: answer}``."""

    verbose_name = _l("Survey answer")

    survey = peewee.ForeignKeyField(Survey, backref="answers", on_delete="RESTRICT", verbose_name=_l("Survey"))
    enterprise = peewee.ForeignKeyField(Enterprise, on_delete="RESTRICT", verbose_name=_l("Enterprise"))
    answered_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL", verbose_name=_l("Answered by"))
    answers = JSONField(default=dict, verbose_name=_l("Answers"))
    created_at = peewee.DateTimeField(default=utcnow, verbose_name=_l("Answered at"))

    class Meta:
        table_name = "core_surveyanswer"
        indexes = ((("survey", "enterprise"), True),)


MODELS = [Survey, SurveyInvitation, SurveyAnswer]
