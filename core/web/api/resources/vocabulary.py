"""The field vocabulary of a workflow (issue 9 §1), so API clients label what they show and send:
``GET /api/v1/vocabulary/<workflow key>[?version=N]`` lists the intake fields and each step's
fields with their label (in the caller's language, and in Chinese and English), help, unit, widget,
visibility to the requesting enterprise, whether required, and choices with labels; a table's
columns the same way. The OpenAPI document carries the same facts per schema field
(``x-label``, ``x-unit``, ``x-enum-labels``)."""
from __future__ import annotations

from marshmallow import Schema, fields

from rongtong.core.errors import NotFound
from rongtong.core.i18n import gettext as _
from rongtong.core.vocabulary import describe_schema
from rongtong.core.web.api.resources.common import platform
from rongtong.core.web.api.routing import Operation, query
from rongtong.core.web.api.schemas import WorkflowQuerySchema
from rongtong.core.web.context import current_lang


class ChoiceDescriptionSchema(Schema):
    value = fields.Raw(dump_only=True)
    label = fields.String(dump_only=True)
    label_zh = fields.String(dump_only=True)
    label_en = fields.String(dump_only=True)


class FieldDescriptionSchema(Schema):
    """One field: what a form or a page needs to show it (core.vocabulary.FieldSpec.as_dict)."""

    name = fields.String(dump_only=True)
    label = fields.String(dump_only=True, metadata={"description": "in the caller's language"})
    label_zh = fields.String(dump_only=True)
    label_en = fields.String(dump_only=True)
    help = fields.String(dump_only=True)
    unit = fields.String(dump_only=True, metadata={"description": "e.g. 万元, 人, 天"})
    widget = fields.String(dump_only=True, metadata={"enum": ["text", "textarea", "integer", "number", "money", "date",
                                                               "datetime", "choice", "multichoice", "scale", "boolean",
                                                               "file", "table"]})
    visibility = fields.String(dump_only=True, metadata={"enum": ["enterprise", "internal"],
                                                         "description": "enterprise: the requesting enterprise reads it"})
    required = fields.Boolean(dump_only=True)
    many = fields.Boolean(dump_only=True, metadata={"description": "the value is a list (rows, keys, lines)"})
    minimum = fields.Raw(dump_only=True)
    maximum = fields.Raw(dump_only=True)
    choices = fields.List(fields.Nested(ChoiceDescriptionSchema), dump_only=True)
    columns = fields.List(fields.Dict(), dump_only=True, metadata={"description": "a table's row fields (same shape)"})


class StepVocabularySchema(Schema):
    key = fields.String(dump_only=True)
    title = fields.String(dump_only=True)
    title_en = fields.String(dump_only=True)
    fields_ = fields.List(fields.Nested(FieldDescriptionSchema), dump_only=True, data_key="fields", attribute="fields")


class WorkflowVocabularySchema(Schema):
    workflow = fields.String(dump_only=True)
    version = fields.Integer(dump_only=True)
    title = fields.String(dump_only=True)
    title_en = fields.String(dump_only=True)
    intake = fields.List(fields.Nested(FieldDescriptionSchema), dump_only=True,
                         metadata={"description": "what the enterprise gives when it files a request"})
    steps = fields.List(fields.Nested(StepVocabularySchema), dump_only=True)


_lang = current_lang


def get_vocabulary(key):
    registry = platform().registry
    try:
        wf = registry.workflow(key, query().get("version"))
    except KeyError:
        raise NotFound(_("Workflow not found."))
    lang = _lang()
    return {
        "workflow": wf.key, "version": wf.version, "title": wf.title, "title_en": wf.title_en,
        "intake": [spec.as_dict(lang) for spec in describe_schema(wf.intake_schema)],
        "steps": [{"key": s.key, "title": s.title, "title_en": s.title_en,
                   "fields": [spec.as_dict(lang) for spec in describe_schema(s.schema)]} for s in wf.steps],
    }


def operations():
    return [
        Operation("core", "vocabulary/<string(maxlength=64):key>", "GET", get_vocabulary, "vocabulary",
                  summary="A workflow's field vocabulary: labels, units, help, choices of its intake and step fields",
                  tag="catalog", query_schema=WorkflowQuerySchema, response_schema=WorkflowVocabularySchema),
    ]
