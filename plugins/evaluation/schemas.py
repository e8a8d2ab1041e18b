"""Marshmallow schemas of the evaluation plugin: its config table, step data of the complaint
workflow, and the API's request bodies and responses."""
from __future__ import annotations

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from rongtong.core.plugin import label, lazy_gettext as _l, one_of, vocab

from .models import (CHANNELS, COMMITTEE_KINDS, GRADES, IMPROVEMENT_SOURCES, LOW_GRADES, MEMBER_ROLES, METHODS, SCOPE_KINDS,
                     VERDICTS)

REQUIRED = _l("Missing data for required field.")


class _Strict(Schema):
    class Meta:
        unknown = RAISE


# --- Config: [plugins.evaluation] ----------------------------------------------------------------

class ServicePolicySchema(_Strict):
    """``[plugins.evaluation.services.<service key>]``: this service's escalation policy."""

    warn_at_percent = fields.Integer(strict=True, validate=validate.Range(min=1, max=99))
    board_after_days = fields.Integer(strict=True, validate=validate.Range(min=0, max=365))


class ComplaintChannelsSchema(_Strict):
    """``[plugins.evaluation.complaints]``: the published complaint channels (DB1302 5.4.2)."""

    phone = fields.String(load_default="", metadata=label("投诉电话", "Phone"))
    email = fields.String(load_default="", metadata=label("投诉邮箱", "E-mail"))
    mailbox = fields.String(load_default="", metadata=label("投诉信箱", "Mailbox"))
    form_url = fields.String(load_default="/services/complaint/apply", metadata=label("在线投诉", "Online form"))
    hours = fields.String(load_default="", metadata=label("受理时间", "Hours"))
    rules = fields.String(load_default="", metadata=label("投诉处理规则", "Rules"))


class OptionsSchema(_Strict):
    """``[plugins.evaluation]`` (DB1302 5.4.1 escalation policy; 7.1 surveys; 5.4.2 channels).

    warn_at_percent: warn the assignee when this share of a step's working days is used.
    board_after_days: working days after a breach before the management board (admins) is told.
    survey_valid_days: calendar days a survey link stays valid.
    services: per-service overrides of warn_at_percent / board_after_days.
    complaints: phone, email, mailbox, form_url, hours, rules — shown on /complaints.
    """

    warn_at_percent = fields.Integer(strict=True, load_default=80, validate=validate.Range(min=1, max=99))
    board_after_days = fields.Integer(strict=True, load_default=3, validate=validate.Range(min=0, max=365))
    survey_valid_days = fields.Integer(strict=True, load_default=30, validate=validate.Range(min=1, max=365))
    services = fields.Dict(keys=fields.String(), values=fields.Nested(ServicePolicySchema), load_default=dict)
    complaints = fields.Nested(ComplaintChannelsSchema, load_default=lambda: ComplaintChannelsSchema().load({}))


# --- Surveys (DB1302 7.1) ----------------------------------------------------------------------

class SurveyAnswerSchema(Schema):
    """A survey answer: no grade has a default; the two lowest grades need a reason. The
    institution's grade is required when a service institution took part (checked by the service)."""

    staff_grade = fields.String(required=True, validate=one_of(GRADES), error_messages={"required": REQUIRED},
                                metadata=label(_l("Grade of the platform staff"), "Grade of the platform staff"))
    staff_reason = fields.String(load_default="", metadata=label(
        _l("Reason (platform staff)"), "Reason (platform staff)", _l("Required for the two lowest grades.")))
    institution_grade = fields.String(load_default=None, allow_none=True, validate=one_of(GRADES), metadata=label(
        _l("Grade of the service institution"), "Grade of the service institution"))
    institution_reason = fields.String(load_default="", metadata=label(
        _l("Reason (service institution)"), "Reason (service institution)", _l("Required for the two lowest grades.")))
    comment = fields.String(load_default="", validate=validate.Length(max=4000), metadata=label(_l("Comment"), "Comment"))

    @validates_schema
    def _reasons(self, data, **kwargs):
        errors = {}
        for grade, reason in (("staff_grade", "staff_reason"), ("institution_grade", "institution_reason")):
            if data.get(grade) in LOW_GRADES and not (data.get(reason) or "").strip():
                errors[reason] = [str(_l("Please give a reason for this grade."))]
        if errors:
            raise ValidationError(errors)


class SurveySchema(Schema):
    id = fields.Integer()
    request = fields.Integer(attribute="request_id")
    expires_at = fields.DateTime()
    institution_name = fields.String()
    staff_grade = fields.String(allow_none=True)
    staff_reason = fields.String()
    institution_grade = fields.String(allow_none=True)
    institution_reason = fields.String()
    comment = fields.String()
    answered_at = fields.DateTime(allow_none=True)


# --- Complaint workflow step data (DB1302 5.4.2) ----------------------------------------------

class ComplaintIntakeSchema(Schema):
    """What a complaint is filed with (``ServiceRequest.data`` of a ``complaint`` case). The
    complaint's text is ``description`` here or else the request's own description; one of the two
    is required (checked when the case opens)."""

    channel = fields.String(load_default="online", validate=one_of(CHANNELS), metadata=label(_l("Channel"), "Channel"))
    description = fields.String(load_default="", validate=validate.Length(max=8000), metadata=label(
        _l("Your complaint"), "Your complaint", _l("Empty: the request's description is used.")))
    concerns_request = fields.Integer(load_default=None, allow_none=True, metadata=label(
        _l("Number of the request concerned"), "Number of the request concerned"))
    concerns_evaluation = fields.Integer(load_default=None, allow_none=True, metadata=label(
        _l("Number of the evaluation concerned"), "Number of the evaluation concerned"))
    complainant = fields.String(load_default="", validate=validate.Length(max=100),
                                metadata=label(_l("Complainant"), "Complainant"))
    contact = fields.String(load_default="", validate=validate.Length(max=200), metadata=label(_l("Contact"), "Contact"))


class ReceiveSchema(Schema):
    note = fields.String(required=True, validate=validate.Length(min=1),
                         metadata=vocab.internal(_l("Registration note"), "Registration note"))


class VerifySchema(Schema):
    substantiated = fields.Boolean(required=True, metadata=label(_l("Substantiated"), "Substantiated"))
    findings = fields.String(required=True, validate=validate.Length(min=1),
                             metadata=vocab.internal(_l("Verification findings"), "Verification findings"))


class RectifySchema(Schema):
    measures = fields.String(required=True, validate=validate.Length(min=1),
                             metadata=label(_l("Rectification measures"), "Rectification measures"))
    deadline = fields.Date(load_default=None, allow_none=True, metadata=label(
        _l("Rectification deadline"), "Rectification deadline", _l("Required when the complaint was substantiated.")))


class RespondSchema(Schema):
    response = fields.String(required=True, validate=validate.Length(min=1),
                             metadata=label(_l("Response to the complainant"), "Response to the complainant"))


class VerdictSchema(Schema):
    verdict = fields.String(required=True, validate=one_of(VERDICTS), metadata=label(_l("Verdict"), "Verdict"))
    explanation = fields.String(load_default="", metadata=vocab.internal(
        _l("Explanation (when there is no verdict)"), "Explanation (when there is no verdict)"))

    @validates_schema
    def _explained(self, data, **kwargs):
        if data.get("verdict") == "explained" and not (data.get("explanation") or "").strip():
            raise ValidationError({"explanation": [str(_l("Record why there is no verdict from the complainant."))]})


class AppealSchema(Schema):
    decision = fields.String(required=True, validate=validate.Length(min=1),
                             metadata=label(_l("Committee decision"), "Committee decision"))
    upheld = fields.Boolean(required=True, metadata=label(_l("Complaint upheld"), "Complaint upheld"))


class CloseSchema(Schema):
    summary = fields.String(required=True, validate=validate.Length(min=1),
                            metadata=label(_l("Closing summary"), "Closing summary"))


class ComplaintSchema(Schema):
    id = fields.Integer()
    case = fields.Integer(attribute="case_id")
    enterprise = fields.Integer(attribute="enterprise_id")
    concerns_request = fields.Integer(attribute="concerns_request_id", allow_none=True)
    concerns_evaluation = fields.Integer(attribute="concerns_evaluation_id", allow_none=True)
    survey = fields.Integer(attribute="survey_id", allow_none=True)
    channel = fields.String()
    description = fields.String()
    substantiated = fields.Boolean(allow_none=True)
    findings = fields.String()
    rectification = fields.String()
    rectify_deadline = fields.Date(allow_none=True)
    response = fields.String()
    verdict = fields.String(allow_none=True)
    explanation = fields.String()
    appealed = fields.Boolean()
    appeal_decision = fields.String()
    received_at = fields.DateTime()
    closed_at = fields.DateTime(allow_none=True)


# --- Committees and evaluations (DB1302 7.1) --------------------------------------------------

class CommitteeInSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200), metadata=label(_l("Name"), "Name"))
    kind = fields.String(required=True, validate=one_of(COMMITTEE_KINDS), metadata=label(_l("Kind"), "Kind"))
    description = fields.String(load_default="", metadata=label(_l("Description"), "Description"))


class CommitteeSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    kind = fields.String()
    description = fields.String()
    active = fields.Boolean()


class MemberInSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=100), metadata=label(_l("Name"), "Name"))
    user = fields.Integer(load_default=None, allow_none=True, metadata=label(_l("User"), "User"))
    organisation = fields.String(load_default="", validate=validate.Length(max=200),
                                 metadata=label(_l("Employer"), "Employer"))
    external = fields.Boolean(required=True, metadata=label(_l("Third-party expert"), "Third-party expert"))
    role = fields.String(load_default="member", validate=one_of(MEMBER_ROLES), metadata=label(_l("Role"), "Role"))


class DeclarationSchema(Schema):
    has_conflict = fields.Boolean(required=True, metadata=label(_l("Has a conflict of interest"), "Has a conflict of interest"))
    statement = fields.String(required=True, validate=validate.Length(min=1), metadata=label(
        _l("Conflict-of-interest declaration"), "Conflict-of-interest declaration"))


class MemberSchema(Schema):
    id = fields.Integer()
    committee = fields.Integer(attribute="committee_id")
    user = fields.Integer(attribute="user_id", allow_none=True)
    name = fields.String()
    organisation = fields.String()
    external = fields.Boolean()
    role = fields.String()
    declared_at = fields.DateTime(allow_none=True)
    has_conflict = fields.Boolean()
    conflict_statement = fields.String()


class EvaluationInSchema(Schema):
    committee = fields.Integer(required=True, metadata=label(_l("Committee"), "Committee"))
    title = fields.String(required=True, validate=validate.Length(min=1, max=200), metadata=label(_l("Title"), "Title"))
    methods = fields.List(fields.String(validate=one_of(METHODS)), required=True,
                          validate=validate.Length(min=1), metadata=label(_l("Methods"), "Methods"))
    scope_kind = fields.String(required=True, validate=one_of(SCOPE_KINDS), metadata=label(_l("Scope"), "Scope"))
    scope_service = fields.String(load_default="", metadata=label(_l("Service evaluated"), "Service evaluated"))
    scope_period = fields.String(load_default="", metadata=label(_l("Period evaluated"), "Period evaluated"))
    scope_institution_id = fields.Integer(load_default=None, allow_none=True,
                                          metadata=label(_l("Institution id"), "Institution id"))
    scope_institution_name = fields.String(load_default="", metadata=label(_l("Institution evaluated"), "Institution evaluated"))
    started_on = fields.Date(load_default=None, allow_none=True, metadata=label(_l("Started on"), "Started on"))

    @validates_schema
    def _scope(self, data, **kwargs):
        kind = data.get("scope_kind")
        need = {"service": "scope_service", "period": "scope_period"}.get(kind)
        if need and not (data.get(need) or "").strip():
            raise ValidationError({need: [str(REQUIRED)]})
        if kind == "institution" and not (data.get("scope_institution_id") or (data.get("scope_institution_name") or "").strip()):
            raise ValidationError({"scope_institution_name": [str(REQUIRED)]})


class ScoreInSchema(Schema):
    member = fields.Integer(required=True, metadata=label(_l("Member"), "Member"))
    criterion = fields.String(required=True, validate=validate.Length(min=1, max=100), metadata=label(_l("Criterion"), "Criterion"))
    score = fields.Decimal(required=True, places=2, validate=validate.Range(min=0, max=100),
                           metadata=label(_l("Score"), "Score", unit="分"))
    comment = fields.String(load_default="", metadata=label(_l("Comment"), "Comment"))


class ScoreSchema(Schema):
    """A member's score on one criterion, as recorded."""

    id = fields.Integer(metadata=label("编号", "Id"))
    evaluation = fields.Integer(attribute="evaluation_id", metadata=label("评价（编号）", "Evaluation (id)"))
    member = fields.Integer(attribute="member_id", metadata=label("成员（编号）", "Member (id)"))
    criterion = fields.String(metadata=label(_l("Criterion"), "Criterion"))
    score = fields.Decimal(as_string=True, metadata=label(_l("Score"), "Score", unit="分"))


class FinishSchema(Schema):
    findings = fields.String(required=True, validate=validate.Length(min=1), metadata=label(_l("Findings"), "Findings"))


class EvaluationSchema(Schema):
    id = fields.Integer()
    committee = fields.Integer(attribute="committee_id")
    title = fields.String()
    methods = fields.List(fields.String())
    scope_kind = fields.String()
    scope_service = fields.String()
    scope_period = fields.String()
    scope_institution_id = fields.Integer(allow_none=True)
    scope_institution_name = fields.String()
    status = fields.String()
    findings = fields.String()
    score = fields.Decimal(as_string=True, allow_none=True)
    finished_at = fields.DateTime(allow_none=True)


# --- Improvement register (DB1302 7.2) --------------------------------------------------------

class ImprovementInSchema(Schema):
    source = fields.String(required=True, validate=one_of(IMPROVEMENT_SOURCES), metadata=label(_l("Source"), "Source"))
    evaluation = fields.Integer(load_default=None, allow_none=True, metadata=label(_l("Evaluation"), "Evaluation"))
    complaint = fields.Integer(load_default=None, allow_none=True, metadata=label(_l("Complaint"), "Complaint"))
    source_note = fields.String(load_default="", validate=validate.Length(max=300),
                                metadata=label(_l("Source details"), "Source details"))
    finding = fields.String(required=True, validate=validate.Length(min=1), metadata=label(_l("Finding"), "Finding"))
    cause_analysis = fields.String(load_default="", metadata=label(_l("Cause analysis"), "Cause analysis"))
    measure = fields.String(load_default="", metadata=label(_l("Improvement measure"), "Improvement measure"))
    method = fields.String(load_default="", metadata=label(_l("Method"), "Method"))
    owner = fields.Integer(load_default=None, allow_none=True, metadata=label(_l("Owner"), "Owner"))
    deadline = fields.Date(load_default=None, allow_none=True, metadata=label(_l("Deadline"), "Deadline"))

    @validates_schema
    def _source_link(self, data, **kwargs):
        if data.get("source") in ("evaluation", "complaint") and not data.get(data["source"]):
            raise ValidationError({data["source"]: [str(REQUIRED)]})
        if data.get("source") == "statistics" and not (data.get("source_note") or "").strip():
            raise ValidationError({"source_note": [str(_l("Name the statistic this finding comes from."))]})


class ImprovementUpdateSchema(Schema):
    cause_analysis = fields.String()
    measure = fields.String()
    method = fields.String()
    owner = fields.Integer(allow_none=True)
    deadline = fields.Date(allow_none=True)
    done_note = fields.String()


class VerifyEffectSchema(Schema):
    verification = fields.String(required=True, validate=validate.Length(min=1))
    effective = fields.Boolean(required=True)


class ImprovementSchema(Schema):
    id = fields.Integer()
    source = fields.String()
    evaluation = fields.Integer(attribute="evaluation_id", allow_none=True)
    complaint = fields.Integer(attribute="complaint_id", allow_none=True)
    source_note = fields.String()
    finding = fields.String()
    cause_analysis = fields.String()
    measure = fields.String()
    method = fields.String()
    owner = fields.Integer(attribute="owner_id", allow_none=True)
    deadline = fields.Date(allow_none=True)
    stage = fields.String()
    done_note = fields.String()
    verification = fields.String()
    effective = fields.Boolean(allow_none=True)
    verified_at = fields.DateTime(allow_none=True)
    closed_at = fields.DateTime(allow_none=True)


# --- The time-limit board (DB1302 5.4.1) -----------------------------------------------------------

class BoardRowSchema(Schema):
    """One open request on the board: its service and current step by key and by title."""

    id = fields.Integer()
    title = fields.String()
    service = fields.String(metadata={"description": "Service key"})
    step = fields.String(metadata={"description": "Current step key"})
    service_title = fields.String()
    step_title = fields.String()
    department = fields.String(metadata={"description": "Department name ('' when unassigned)"})
    step_due_at = fields.DateTime()


class BoardRowsSchema(Schema):
    overdue = fields.List(fields.Nested(BoardRowSchema))
    due_soon = fields.List(fields.Nested(BoardRowSchema))


class BoardCountSchema(Schema):
    due_soon = fields.Integer()
    overdue = fields.Integer()


class BoardSchema(Schema):
    """The most urgent requests of each bucket, and the counts of all of them by department name
    and by service key."""

    rows = fields.Nested(BoardRowsSchema)
    by_department = fields.Dict(keys=fields.String(), values=fields.Nested(BoardCountSchema))
    by_service = fields.Dict(keys=fields.String(), values=fields.Nested(BoardCountSchema))


# --- The supervision report (DB1302 5.4, 7) ------------------------------------------------------

def _by(values, what: str):
    return fields.Dict(keys=fields.String(), values=values, metadata={"description": what})


class OnTimeSchema(Schema):
    finished = fields.Integer(metadata=label("办结数", "Finished"))
    on_time = fields.Integer(metadata=label("按时办结数", "Finished on time"))
    on_time_rate = fields.Float(allow_none=True, metadata=label("按时办结率", "On-time rate"))


class RequestsOnTimeSchema(OnTimeSchema):
    """Requests finished in the period and how many within their time limit (DB1302 5.4.1)."""

    by_service = _by(fields.Nested(OnTimeSchema), "By service key")
    by_department = _by(fields.Nested(OnTimeSchema), "By department name")
    by_institution = _by(fields.Nested(OnTimeSchema), "By service institution")


class GradeStatsSchema(Schema):
    answered = fields.Integer(metadata=label("答复数", "Answered"))
    satisfied = fields.Integer(metadata=label("满意数", "Satisfied"))
    satisfaction_rate = fields.Float(allow_none=True, metadata=label("满意率", "Satisfaction rate"))
    average_score = fields.Float(allow_none=True, metadata=label("平均分", "Average score"))
    grades = _by(fields.Integer(), "Answers per grade key")


class GradedSchema(GradeStatsSchema):
    by_service = _by(fields.Nested(GradeStatsSchema), "By service key")
    by_department = _by(fields.Nested(GradeStatsSchema), "By department name")
    by_institution = _by(fields.Nested(GradeStatsSchema), "By service institution")


class SatisfactionSchema(Schema):
    """Survey answers of the period (DB1302 7.1), the platform staff and the service institutions
    graded separately."""

    staff = fields.Nested(GradedSchema, metadata=label("平台工作人员", "Platform staff"))
    institution = fields.Nested(GradedSchema, metadata=label("服务机构", "Service institutions"))


class ComplaintFiguresSchema(Schema):
    """Complaints received in the period, closed, and the closure time in working days (5.4.2)."""

    received = fields.Integer(metadata=label("收到投诉", "Received"))
    closed = fields.Integer(metadata=label("已办结", "Closed"))
    open = fields.Integer(metadata=label("未办结", "Open"))
    closure_rate = fields.Float(allow_none=True, metadata=label("办结率", "Closure rate"))
    average_closure_working_days = fields.Float(allow_none=True, metadata=label(
        "平均办结工作日", "Average closure (working days)"))
    max_closure_working_days = fields.Integer(allow_none=True, metadata=label(
        "最长办结工作日", "Longest closure (working days)"))
    substantiated = fields.Integer(metadata=label("查实", "Substantiated"))
    appealed = fields.Integer(metadata=label("申诉", "Appealed"))
    by_channel = _by(fields.Integer(), "Received per channel key")


class ImprovementFiguresSchema(Schema):
    """Improvement actions (7.2): registered in the period, open at its end, verified in it."""

    registered = fields.Integer(metadata=label("登记", "Registered"))
    open_at_end = fields.Integer(metadata=label("期末未关闭", "Open at the end"))
    verified = fields.Integer(metadata=label("已验证", "Verified"))
    effective = fields.Integer(metadata=label("验证有效", "Effective"))
    overdue_at_end = fields.Integer(metadata=label("期末逾期", "Overdue at the end"))
    by_source = _by(fields.Integer(), "Registered per source key")


class ConsultationFiguresSchema(Schema):
    replies = fields.Integer(metadata=label("答复数", "Replies"))
    on_time = fields.Integer(metadata=label("按时答复数", "Answered on time"))
    on_time_rate = fields.Float(allow_none=True, metadata=label("按时答复率", "On-time rate"))


class SupervisionReportSchema(Schema):
    """The supervision report of a period (DB1302 5.4.1, 5.4.2, 7.1, 7.2). ``consultations`` is
    null when the information plugin is not enabled."""

    period = fields.String(metadata=label("期间", "Period"))
    start = fields.String(metadata=label("开始日期", "Start"))
    end = fields.String(metadata=label("结束日期", "End"))
    consultations = fields.Nested(ConsultationFiguresSchema, allow_none=True, metadata=label("咨询答复", "Consultations"))
    requests = fields.Nested(RequestsOnTimeSchema, metadata=label("服务办结", "Requests"))
    satisfaction = fields.Nested(SatisfactionSchema, metadata=label("满意度", "Satisfaction"))
    complaints = fields.Nested(ComplaintFiguresSchema, metadata=label("投诉", "Complaints"))
    improvements = fields.Nested(ImprovementFiguresSchema, metadata=label("改进措施", "Improvements"))
