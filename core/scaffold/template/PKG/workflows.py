"""The service's workflow and its catalog entry. Each step names the roles that act on it, its time
limit in working days, the data it takes (a marshmallow schema; ``label(zh, en)`` names a field on
every screen) and an example of that data (the demo, the API documentation and the tests' workflow
walker use it). The last step's advance is recorded as ``complete``."""
from marshmallow import Schema, fields, validate

from rongtong.core.plugin import ServiceEntry, Step, Workflow, label

KEY = "${name}"
TEXT = validate.Length(min=1, max=2000)


class AcceptSchema(Schema):
    need = fields.String(required=True, validate=TEXT, metadata=label("需求", "Need"))


class AdviseSchema(Schema):
    advice = fields.String(required=True, validate=TEXT, metadata=label("服务意见", "Advice"))


class ConfirmSchema(Schema):
    satisfied = fields.Boolean(required=True, metadata=label("是否满意", "Satisfied"))


STEPS = (
    Step("accept", "受理", "Accept", roles=("staff",), schema=AcceptSchema, time_limit_days=2,
         example={"need": "需要的服务"}),
    Step("advise", "服务", "Advise", roles=("staff", "expert"), schema=AdviseSchema, time_limit_days=10,
         example={"advice": "服务意见"}),
    Step("confirm", "确认", "Confirm", roles=("enterprise",), schema=ConfirmSchema, time_limit_days=5,
         outcomes=("advance",), example={"satisfied": True}),
)

WORKFLOW = Workflow(KEY, "${title}", "${title_en}", steps=STEPS)

SERVICE = ServiceEntry(KEY, "${title}", "${title_en}", workflow=KEY, fee_type="free",
                       description="${title}服务", description_en="The ${title_en} service")
