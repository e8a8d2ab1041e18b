"""Records of the management-improvement plugin (DB1302 6.2.6, 6.4.6 a–d).

A management-improvement project is one service request of the ``management`` workflow; its
:class:`ManagementProject` collects what each step produced, and :class:`ManagementExpert` the
experts assigned by the plan (DB1302 6.4.6 b).
"""
from __future__ import annotations

import peewee

from rongtong.core.plugin import AuditedModel, JSONField, ServiceRequest, User, lazy_gettext as _l, surveys, utcnow, vocab

# DB1302 6.2.6: strategy, finance, human resources, marketing, brand.
AREAS = (
    ("strategy", _l("Strategy")),
    ("finance", _l("Finance")),
    ("hr", _l("Human resources")),
    ("marketing", _l("Marketing")),
    ("brand", _l("Brand")),
)
AREA_KEYS = tuple(key for key, _label in AREAS)


def _project_vocabulary() -> dict:
    """What the JSON columns of a project hold: the data of the steps that wrote them."""
    from .schemas import EvaluateSchema, ImplementSchema, ManagementPlanSchema

    return {"plan": {"columns": vocab.schema_columns(ManagementPlanSchema)},
            "implementation": {"columns": vocab.schema_columns(ImplementSchema)},
            "evaluation": {"columns": vocab.schema_columns(EvaluateSchema)},
            "needs_report": surveys.REPORT_COLUMN}


class ManagementProject(AuditedModel):
    """One management-improvement project: the plugin's record of a ``management`` request."""

    verbose_name = _l("Management improvement project")
    vocabulary = vocab.LazyVocabulary(_project_vocabulary)

    request = peewee.ForeignKeyField(ServiceRequest, unique=True, on_delete="RESTRICT", verbose_name=_l("Request"))
    area = peewee.CharField(max_length=16, choices=AREAS, default="", index=True, verbose_name=_l("Area"))
    survey = peewee.ForeignKeyField(surveys.Survey, null=True, on_delete="RESTRICT", verbose_name=_l("Needs survey"))
    needs_report = JSONField(null=True, verbose_name=_l("Needs analysis report"))  # DB1302 6.4.6 a
    conclusions = peewee.TextField(default="", verbose_name=_l("Analysis conclusions"))
    plan = JSONField(null=True, verbose_name=_l("Improvement plan"))  # DB1302 6.4.6 b
    implementation = JSONField(null=True, verbose_name=_l("Implementation record"))  # DB1302 6.4.6 c
    evaluation = JSONField(null=True, verbose_name=_l("Effect evaluation"))  # DB1302 6.4.6 d
    created_at = peewee.DateTimeField(default=utcnow, verbose_name=_l("Created at"))
    updated_at = peewee.DateTimeField(default=utcnow, verbose_name=_l("Updated at"))

    class Meta:
        table_name = "management_project"

    def __str__(self):
        return self.request.title if self.request_id else super().__str__()


class ManagementExpert(AuditedModel):
    """An expert assigned to a project by its plan (DB1302 6.4.6 b); the lead expert is also the
    request's assignee, so the expert sees and may act on it."""

    verbose_name = _l("Assigned expert")
    scope_path = ("project", "request")

    project = peewee.ForeignKeyField(ManagementProject, backref="experts", on_delete="RESTRICT",
                                     verbose_name=_l("Project"))
    expert = peewee.ForeignKeyField(User, on_delete="RESTRICT", verbose_name=_l("Expert"))
    lead = peewee.BooleanField(default=False, verbose_name=_l("Lead expert"))
    assigned_at = peewee.DateTimeField(default=utcnow, verbose_name=_l("Assigned at"))

    class Meta:
        table_name = "management_expert"
        indexes = ((("project", "expert"), True),)


MODELS = [ManagementProject, ManagementExpert]
