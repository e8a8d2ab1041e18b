"""The core's named effects and guards (issue 11 §3), and the toolkit field sets a step may start from.

A declared service references them by name from its file; a plugin adds more through the
``register_effects`` hook (:class:`~core.contract.Effect`). Each one's parameters are a marshmallow
schema, loaded at start-up: a misspelt parameter stops the platform naming the file and the line.

Effects (run when the step they are declared on is advanced or completed; ``on_open``: when the
request is filed, with the intake as the step data):

``record``        copy step fields into the request's row of a ``per_request`` register
                  (``set = { column = "step_field" }``; ``"*"`` keeps the whole step data);
``add_row``       create a row of a register from step data (``set`` as above); its ``request`` /
                  ``enterprise`` is the request's;
``assign_lead``   the first user of a ``user``/``users`` field becomes the request's assignee (the
                  lead expert: it now sees the request and acts on the steps of its role); with
                  ``register`` the child register's rows are replaced, one per user;
``schedule``      the step ``step`` (default: the next) is due relative to the date in ``field``
                  (a promotion event, a training session), not to when it was entered;
``survey_report`` analyse the needs survey named by a ``survey`` field into a register column.

Guards (run first; refuse the advance with a message):

``row_exists``    refuse until the request has a row in ``register`` (optionally matching ``where``).
"""
from __future__ import annotations

from marshmallow import RAISE, Schema, ValidationError, fields, validate

from rongtong.core import audit
from rongtong.core.contract import Effect
from rongtong.core.errors import ValidationFailed
from rongtong.core.models import ServiceRequest, User
from rongtong.core.routing import announce_assigned
from rongtong.core.survey_models import Survey
from rongtong.core.toolkit import plans
from rongtong.core.toolkit import surveys as survey_kit
from rongtong.core.vocabulary import Bilingual

#: ``fieldset = "plan"``: the step's form starts with every field of DB1302 6.4.3 c.
FIELDSETS = {"plan": plans.PlanSchema}


class _Params(Schema):
    class Meta:
        unknown = RAISE

    use = fields.String()


_mapping = fields.Dict(keys=fields.String(), values=fields.String(), load_default=dict)


class RecordParams(_Params):
    register = fields.String(required=True)
    set = _mapping


class AssignParams(_Params):
    field = fields.String(required=True)
    register = fields.String(load_default=None)
    user_field = fields.String(load_default="user")
    lead_field = fields.String(load_default="lead")


class ScheduleParams(_Params):
    field = fields.String(required=True)
    step = fields.String(load_default=None)


class SurveyReportParams(_Params):
    field = fields.String(load_default="survey")
    register = fields.String(required=True)
    into = fields.String(required=True)


class RowExistsParams(_Params):
    register = fields.String(required=True)
    where = fields.Dict(keys=fields.String(), values=fields.Raw(), load_default=dict)
    message = fields.String(required=True, validate=validate.Length(min=1, max=300))
    message_en = fields.String(required=True, validate=validate.Length(min=1, max=300))


def _values(data: dict, mapping: dict) -> dict:
    out = {}
    for column, source in mapping.items():
        if source == "*":
            out[column] = dict(data)
        elif source in data:
            out[column] = data[source]
    return out


def _touch(row) -> None:
    row.save()  # a register row stamps its updated_at


def record(event, params, service) -> None:
    row = service.row_of(params["register"], event.request, create=True)
    for column, value in _values(_data(event), params["set"]).items():
        setattr(row, column, value)
    _touch(row)


def add_row(event, params, service) -> None:
    model = service.register(params["register"])
    values = _values(_data(event), params["set"])
    names = model._meta.fields
    if "request" in names:
        values["request"] = event.request.id
    if "enterprise" in names:
        values["enterprise"] = event.request.enterprise_id
    model.create(**values)


def assign_lead(event, params, service) -> None:
    value = _data(event).get(params["field"])
    users = [u for u in (value if isinstance(value, list) else [value]) if u is not None]
    if not users:
        return
    request = event.request
    if params["register"]:
        model = service.register(params["register"])
        parent_field = model.declared_register["parent"]
        parent = service.row_of(parent_field, request, create=True)
        for old in model.select().where(getattr(model, parent_field) == parent.id):
            old.delete_instance()
        for i, user in enumerate(users):
            model.create(**{parent_field: parent.id, params["user_field"]: user, params["lead_field"]: i == 0})
    lead = users[0]
    if request.assignee_id != lead:
        before = request.assignee_id
        ServiceRequest.update(assignee=lead).where(ServiceRequest.id == request.id).execute()
        request.assignee = lead
        audit.record("update", "core_servicerequest", request.id, {"changes": {"assignee": [before, lead]}},
                     event.actor)
        announce_assigned(request, User.get_by_id(lead), event.actor, event.platform.registry)


def schedule_step(step_options: dict, params: dict, declaration: dict, step_key: str) -> None:
    """Build time: the scheduled step's clock runs from the date in ``field`` (core.workflow)."""
    keys = [s["key"] for s in declaration["steps"]]
    target = params["step"] or (keys[keys.index(step_key) + 1] if keys.index(step_key) + 1 < len(keys) else None)
    if target is None or target not in step_options:
        raise ValidationError(f"no step {target!r} to schedule", "step")
    step_options[target]["schedule_from"] = params["field"]


def survey_report(event, params, service) -> None:
    survey_id = _data(event).get(params["field"])
    row = service.row_of(params["register"], event.request, create=True)
    setattr(row, params["into"], survey_kit.analyse(Survey.get_by_id(survey_id)) if survey_id else None)
    _touch(row)


def row_exists(event, params, service) -> None:
    model = service.register(params["register"])
    query = model.select()
    names = model._meta.fields
    if "request" in names:
        query = query.where(model.request == event.request.id)
    elif "enterprise" in names:
        query = query.where(model.enterprise == event.request.enterprise_id)
    for column, value in params["where"].items():
        query = query.where(getattr(model, column) == value)
    if not query.exists():
        message = str(Bilingual(params["message"], params["message_en"]))
        raise ValidationFailed(message, {"register": [message]})


def _data(event) -> dict:
    """The step data of the transition (the intake when the request is filed)."""
    if event.outcome == "open":
        return dict(event.request.data or {})
    return event.data


CORE_EFFECTS = [
    Effect("record", record, RecordParams, description="Copy step fields into the request's record"),
    Effect("add_row", add_row, RecordParams, description="Create a register row from step data"),
    Effect("assign_lead", assign_lead, AssignParams, description="Assign the lead expert from a step field"),
    Effect("schedule", None, ScheduleParams, configure=schedule_step,
           description="Run a step's clock from a date field"),
    Effect("survey_report", survey_report, SurveyReportParams, description="Analyse a needs survey into a register"),
    Effect("row_exists", row_exists, RowExistsParams, kind="guard",
           description="Refuse to advance until a register row exists"),
]


def unknown_register(params: dict, registers: list[str]) -> str | None:
    """The problem when a parameter names a register the service does not declare."""
    name = params.get("register")
    if name is not None and name not in registers:
        return f"no register {name!r} (declared: {', '.join(registers) or 'none'})"
    return None
