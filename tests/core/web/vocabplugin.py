"""A tiny plugin for the field-vocabulary tests (issue 9 §1): an intake with an amount in 万元 and a
multi-choice, and a first step whose data is a table of rows, a scale and a choice."""
from marshmallow import Schema, fields, validate

from rongtong.core import hookimpl
from rongtong.core.contract import ServiceEntry
from rongtong.core.workflow import Step, Workflow

VERSION = "1.0"
TITLE = "Vocabulary (test)"
REQUIRES = ()


class IntakeSchema(Schema):
    amount = fields.Decimal(required=True, metadata={"label": "融资金额", "label_en": "Amount", "unit": "万元",
                                                     "widget": "money"})
    kinds = fields.List(fields.String(), load_default=list,
                        validate=validate.ContainsOnly(["equity", "debt"], labels=["股权融资", "债权融资"]),
                        metadata={"label": "融资方式", "label_en": "Kinds of financing"})


class SessionSchema(Schema):
    date = fields.Date(required=True, metadata={"label": "日期", "label_en": "Date"})
    topic = fields.String(required=True, validate=validate.Length(min=1, max=100),
                          metadata={"label": "主题", "label_en": "Topic"})
    hours = fields.Float(load_default=None, allow_none=True, metadata={"label": "学时", "label_en": "Hours", "unit": "小时"})
    online = fields.Boolean(load_default=False, metadata={"label": "线上", "label_en": "Online"})


class PlanSchema(Schema):
    sessions = fields.List(fields.Nested(SessionSchema), required=True, validate=validate.Length(min=1),
                           metadata={"label": "培训场次", "label_en": "Sessions"})
    confidence = fields.Integer(required=True, validate=validate.Range(min=1, max=5),
                                metadata={"label": "把握程度", "label_en": "Confidence", "widget": "scale"})
    channel = fields.String(required=True, validate=validate.OneOf(["online", "onsite"], labels=["线上", "现场"]),
                            metadata={"label": "方式", "label_en": "Channel"})


WORKFLOW = Workflow("vocab", "词汇测试服务", "Vocabulary test service", intake_schema=IntakeSchema, steps=(
    Step("plan", "制定方案", "Plan", roles=("staff",), schema=PlanSchema, time_limit_days=2),
    Step("finish", "办结", "Finish", roles=("staff",), time_limit_days=1),
))


@hookimpl
def register_workflows():
    return [WORKFLOW]


@hookimpl
def register_services():
    return [ServiceEntry("vocab", "词汇测试服务", "Vocabulary test service", workflow="vocab")]
