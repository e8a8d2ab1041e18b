"""A consultation service for the notification tests (issue 9 §3): staff review the question,
answer it (the answer is for the enterprise, a working note is internal), the enterprise confirms.
Its ``on_transition`` runs after the core's (``trylast``) and refuses a pause whose reason is
"refuse", so a test can see the core's notices rolled back with the transition."""
from marshmallow import Schema, fields, validate

from rongtong.core import hookimpl
from rongtong.core.errors import ValidationFailed
from rongtong.core.contract import ServiceEntry
from rongtong.core.workflow import Step, Workflow

VERSION = "1.0"
TITLE = "Consultation (test)"
REQUIRES = ()


class AnswerSchema(Schema):
    answer = fields.String(required=True, validate=validate.Length(min=1),
                           metadata={"label": "答复", "label_en": "Answer"})
    fee = fields.Integer(load_default=None, metadata={"label": "预计费用", "label_en": "Estimated fee", "unit": "万元",
                                                      "widget": "money"})
    note = fields.String(load_default="", metadata={"label": "内部意见", "label_en": "Internal note",
                                                    "visibility": "internal"})


class ConfirmSchema(Schema):
    satisfied = fields.String(required=True, validate=validate.OneOf(["yes", "no"], labels=["满意", "不满意"]),
                              metadata={"label": "是否满意", "label_en": "Satisfied"})


CONSULT = Workflow("consult", "咨询服务", "Consultation", steps=(
    Step("review", "审查", "Review", roles=("staff",), time_limit_days=2),
    Step("answer", "答复", "Answer", roles=("staff",), schema=AnswerSchema, time_limit_days=3),
    Step("confirm", "办结确认", "Confirm", roles=("enterprise",), schema=ConfirmSchema, time_limit_days=3,
         outcomes=("advance",)),
))


@hookimpl
def register_workflows():
    return [CONSULT]


@hookimpl
def register_services():
    return [ServiceEntry("consult", "咨询服务", "Consultation", workflow="consult")]


@hookimpl(trylast=True)
def on_transition(request, transition):
    if transition.outcome == "pause" and transition.reason == "refuse":
        raise ValidationFailed("refused by the consultation plugin", {"reason": ["refused"]})
