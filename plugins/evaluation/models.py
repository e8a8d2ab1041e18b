"""Evaluation and supervision records (DB1302 5.4.1, 5.4.2, 7.1, 7.2).

* :class:`SlaEvent` — a time-limit warning, breach or escalation to the board, recorded once per
  request, step entry and level (5.4.1).
* :class:`Survey` — one satisfaction survey per completed request, answered through a token link
  (7.1); the platform staff and the service institution are graded separately.
* :class:`Committee`, :class:`CommitteeMember`, :class:`Evaluation`, :class:`EvaluationScore` —
  the evaluation body and its evaluations (7.1).
* :class:`Complaint` — a complaint case, run by the ``complaint`` workflow (5.4.2).
* :class:`ImprovementAction` — the improvement register, plan–do–check–act (7.2).
"""
from __future__ import annotations

import peewee

from rongtong.core.plugin import (AuditedModel, BaseModel, Department, Enterprise, ListField, ServiceRequest, User,
                                  ValidationFailed, gettext as _, lazy_gettext as _l, utcnow)

# --- Time-limit supervision (DB1302 5.4.1) ------------------------------------------------------

SLA_LEVELS = (
    ("warning", _l("Warning (time nearly used)")),
    ("breach", _l("Time limit exceeded")),
    ("board", _l("Escalated to the management board")),
)


class SlaEvent(BaseModel):
    """One supervision event. Unique per request, step entry (step + the moment it was entered)
    and level: running the check again records and sends nothing twice. Not an audited model: the
    event itself is the record, and each one is audited on its request (``sla_<level>``)."""

    verbose_name = _l("Time-limit event")
    vocabulary = {"notified": {"unit": "人"}}

    request = peewee.ForeignKeyField(ServiceRequest, backref="sla_events", on_delete="CASCADE",
                                     verbose_name=_l("Request"))
    step = peewee.CharField(max_length=64, verbose_name=_l("Step"))
    step_started_at = peewee.DateTimeField(verbose_name=_l("Step started at"))
    level = peewee.CharField(max_length=16, choices=SLA_LEVELS, index=True, verbose_name=_l("Level"))
    step_due_at = peewee.DateTimeField(null=True, verbose_name=_l("Step due"))
    service_key = peewee.CharField(max_length=64, index=True, verbose_name=_l("Service"))
    department = peewee.ForeignKeyField(Department, null=True, on_delete="SET NULL", verbose_name=_l("Department"))
    notified = peewee.IntegerField(default=0, verbose_name=_l("People notified"))
    created_at = peewee.DateTimeField(default=utcnow, index=True, verbose_name=_l("Recorded at"))

    class Meta:
        table_name = "evaluation_slaevent"
        indexes = ((("request", "step", "step_started_at", "level"), True),)


# --- Satisfaction surveys (DB1302 7.1) ---------------------------------------------------------

GRADES = (
    ("very_satisfied", _l("Very satisfied")),         # 非常满意
    ("satisfied", _l("Satisfied")),                   # 满意
    ("basically_satisfied", _l("Basically satisfied")),  # 基本满意
    ("dissatisfied", _l("Dissatisfied")),             # 不满意
    ("very_dissatisfied", _l("Very dissatisfied")),   # 非常不满意
)
GRADE_KEYS = tuple(k for k, _ in GRADES)
GRADE_SCORES = {"very_satisfied": 5, "satisfied": 4, "basically_satisfied": 3, "dissatisfied": 2,
                "very_dissatisfied": 1}
LOW_GRADES = ("dissatisfied", "very_dissatisfied")
SATISFIED_GRADES = ("very_satisfied", "satisfied", "basically_satisfied")


class Survey(AuditedModel):
    """The satisfaction survey of one completed request (DB1302 7.1). Only the SHA-256 of the
    link's token is stored; the link works without login until ``expires_at``."""

    verbose_name = _l("Satisfaction survey")
    audit_exclude = frozenset({"token_hash"})

    request = peewee.ForeignKeyField(ServiceRequest, unique=True, backref="surveys", on_delete="CASCADE",
                                     verbose_name=_l("Request"))
    token_hash = peewee.CharField(max_length=64, unique=True, verbose_name=_l("Link token (hash)"))
    expires_at = peewee.DateTimeField(verbose_name=_l("Link expires at"))
    institution_id = peewee.IntegerField(null=True, index=True, verbose_name=_l("Service institution id"))
    institution_name = peewee.CharField(max_length=200, default="", verbose_name=_l("Service institution"))
    staff_grade = peewee.CharField(max_length=24, choices=GRADES, null=True, index=True,
                                   verbose_name=_l("Grade of the platform staff"))
    staff_reason = peewee.TextField(default="", verbose_name=_l("Reason (platform staff)"))
    institution_grade = peewee.CharField(max_length=24, choices=GRADES, null=True,
                                         verbose_name=_l("Grade of the service institution"))
    institution_reason = peewee.TextField(default="", verbose_name=_l("Reason (service institution)"))
    comment = peewee.TextField(default="", verbose_name=_l("Comment"))
    answered_at = peewee.DateTimeField(null=True, index=True, verbose_name=_l("Answered at"))
    answered_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL", verbose_name=_l("Answered by"))
    created_at = peewee.DateTimeField(default=utcnow, verbose_name=_l("Created at"))

    class Meta:
        table_name = "evaluation_survey"

    @property
    def answered(self) -> bool:
        return self.answered_at is not None

    @property
    def has_institution(self) -> bool:
        return bool(self.institution_id or self.institution_name)


# --- Evaluation committees (DB1302 7.1) --------------------------------------------------------

COMMITTEE_KINDS = (
    ("internal", _l("Internal committee")),
    ("third_party", _l("Third-party experts")),
    ("mixed", _l("Internal and third-party")),
)
METHODS = (
    ("interview", _l("Interview")),
    ("symposium", _l("Symposium")),
    ("questionnaire", _l("Questionnaire")),
    ("document_review", _l("Document review")),
)
METHOD_KEYS = tuple(k for k, _ in METHODS)
SCOPE_KINDS = (
    ("service", _l("A service")),
    ("period", _l("A period")),
    ("institution", _l("A service institution")),
)
EVALUATION_STATUSES = (
    ("planned", _l("Planned")),
    ("in_progress", _l("In progress")),
    ("finished", _l("Finished")),
)


class Committee(AuditedModel):
    """The evaluation body: an internal committee, third-party experts, or both (DB1302 7.1)."""

    verbose_name = _l("Evaluation committee")

    name = peewee.CharField(max_length=200, verbose_name=_l("Name"))
    kind = peewee.CharField(max_length=16, choices=COMMITTEE_KINDS, verbose_name=_l("Kind"))
    description = peewee.TextField(default="", verbose_name=_l("Description"))
    active = peewee.BooleanField(default=True, verbose_name=_l("Active"))
    created_at = peewee.DateTimeField(default=utcnow, verbose_name=_l("Created at"))

    class Meta:
        table_name = "evaluation_committee"


MEMBER_ROLES = (("chair", _l("Chair")), ("member", _l("Member")), ("secretary", _l("Secretary")))


class CommitteeMember(AuditedModel):
    """A member: a platform user (internal) or an outside expert (third party), with a
    conflict-of-interest declaration made before they may score."""

    verbose_name = _l("Committee member")

    committee = peewee.ForeignKeyField(Committee, backref="members", on_delete="CASCADE",
                                       verbose_name=_l("Committee"))
    user = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL", verbose_name=_l("User"))
    name = peewee.CharField(max_length=100, verbose_name=_l("Name"))
    organisation = peewee.CharField(max_length=200, default="", verbose_name=_l("Employer"))
    external = peewee.BooleanField(default=False, verbose_name=_l("Third-party expert"))
    role = peewee.CharField(max_length=16, choices=MEMBER_ROLES, default="member", verbose_name=_l("Role"))
    declared_at = peewee.DateTimeField(null=True, verbose_name=_l("Declared at"))
    has_conflict = peewee.BooleanField(default=False, verbose_name=_l("Has a conflict of interest"))
    conflict_statement = peewee.TextField(default="", verbose_name=_l("Conflict-of-interest declaration"))
    created_at = peewee.DateTimeField(default=utcnow, verbose_name=_l("Created at"))

    class Meta:
        table_name = "evaluation_committeemember"

    def validate(self):
        """An internal committee has platform users only; a third-party panel outside experts only."""
        kind = self.committee.kind if self.committee_id else None
        if kind == "internal" and self.external:
            raise ValidationFailed(_("An internal committee has no third-party members."),
                                   {"external": [_("An internal committee has no third-party members.")]})
        if kind == "third_party" and not self.external:
            raise ValidationFailed(_("A third-party panel has outside experts only."),
                                   {"external": [_("A third-party panel has outside experts only.")]})
        if not self.external and not self.user_id:
            raise ValidationFailed(_("An internal member is a platform user."), {"user": [_("Choose the user.")]})

    def save(self, *args, **kwargs):
        self.validate()
        return super().save(*args, **kwargs)


class Evaluation(AuditedModel):
    """An evaluation of the service (DB1302 7.1): methods, scope, findings and scores."""

    verbose_name = _l("Evaluation")
    vocabulary = {"methods": {"choices": METHODS}, "score": {"unit": "分"}}

    committee = peewee.ForeignKeyField(Committee, backref="evaluations", on_delete="RESTRICT",
                                       verbose_name=_l("Committee"))
    title = peewee.CharField(max_length=200, verbose_name=_l("Title"))
    methods = ListField(max_length=100, verbose_name=_l("Methods"))
    scope_kind = peewee.CharField(max_length=16, choices=SCOPE_KINDS, verbose_name=_l("Scope"))
    scope_service = peewee.CharField(max_length=64, default="", verbose_name=_l("Service evaluated"))
    scope_period = peewee.CharField(max_length=16, default="", verbose_name=_l("Period evaluated"))
    scope_institution_id = peewee.IntegerField(null=True, verbose_name=_l("Institution id"))
    scope_institution_name = peewee.CharField(max_length=200, default="", verbose_name=_l("Institution evaluated"))
    status = peewee.CharField(max_length=16, choices=EVALUATION_STATUSES, default="planned", index=True,
                              verbose_name=_l("Status"))
    findings = peewee.TextField(default="", verbose_name=_l("Findings"))
    score = peewee.DecimalField(max_digits=5, decimal_places=2, null=True, verbose_name=_l("Score"))
    started_on = peewee.DateField(null=True, verbose_name=_l("Started on"))
    finished_at = peewee.DateTimeField(null=True, verbose_name=_l("Finished at"))
    created_at = peewee.DateTimeField(default=utcnow, verbose_name=_l("Created at"))

    class Meta:
        table_name = "evaluation_evaluation"


class EvaluationScore(AuditedModel):
    """One member's score (0–100) on one criterion of an evaluation."""

    verbose_name = _l("Evaluation score")
    vocabulary = {"score": {"unit": "分"}}

    evaluation = peewee.ForeignKeyField(Evaluation, backref="scores", on_delete="CASCADE",
                                        verbose_name=_l("Evaluation"))
    member = peewee.ForeignKeyField(CommitteeMember, backref="scores", on_delete="RESTRICT",
                                    verbose_name=_l("Member"))
    criterion = peewee.CharField(max_length=100, verbose_name=_l("Criterion"))
    score = peewee.DecimalField(max_digits=5, decimal_places=2, verbose_name=_l("Score"))
    comment = peewee.TextField(default="", verbose_name=_l("Comment"))
    created_at = peewee.DateTimeField(default=utcnow, verbose_name=_l("Created at"))

    class Meta:
        table_name = "evaluation_evaluationscore"
        indexes = ((("evaluation", "member", "criterion"), True),)

    def validate(self):
        """DB1302 7.1: only a member of the evaluating committee who declared no conflict of
        interest scores, and only while the evaluation is open — whichever screen records it."""
        evaluation, member = self.evaluation, self.member
        if evaluation.status == "finished":
            raise ValidationFailed(_("This evaluation is finished."), {"evaluation": [_("This evaluation is finished.")]})
        if member.committee_id != evaluation.committee_id:
            raise ValidationFailed(_("Not a member of this committee."), {"member": [_("Not a member of this committee.")]})
        if member.declared_at is None:
            raise ValidationFailed(_("The member has not declared conflicts of interest."),
                                   {"member": [_("Declare conflicts of interest before scoring.")]})
        if member.has_conflict:
            raise ValidationFailed(_("The member has declared a conflict of interest."),
                                   {"member": [_("A member with a conflict of interest may not score.")]})

    def save(self, *args, **kwargs):
        self.validate()
        return super().save(*args, **kwargs)


# --- Complaints (DB1302 5.4.2) -----------------------------------------------------------------

CHANNELS = (
    ("phone", _l("Phone")),
    ("mailbox", _l("Mailbox")),
    ("email", _l("E-mail")),
    ("online", _l("Online form")),
    ("visit", _l("In person")),
    ("survey", _l("Satisfaction survey")),
)
CHANNEL_KEYS = tuple(k for k, _ in CHANNELS)
VERDICTS = (
    ("accepted", _l("Complainant accepts the response")),
    ("not_accepted", _l("Complainant does not accept the response")),
    ("explained", _l("No verdict obtained; explanation recorded")),
)


class Complaint(AuditedModel):
    """A complaint (DB1302 5.4.2): its own record, linked to the request or evaluation it
    concerns, handled by its own case (a request of the ``complaint`` service)."""

    verbose_name = _l("Complaint")
    scope_path = ("case",)

    case = peewee.ForeignKeyField(ServiceRequest, unique=True, backref="complaint_records", on_delete="CASCADE",
                                  verbose_name=_l("Complaint case"))
    enterprise = peewee.ForeignKeyField(Enterprise, on_delete="RESTRICT", verbose_name=_l("Enterprise"))
    concerns_request = peewee.ForeignKeyField(ServiceRequest, null=True, backref="complaints", on_delete="SET NULL",
                                              verbose_name=_l("Request concerned"))
    concerns_evaluation = peewee.ForeignKeyField(Evaluation, null=True, backref="complaints", on_delete="SET NULL",
                                                 verbose_name=_l("Evaluation concerned"))
    survey = peewee.ForeignKeyField(Survey, null=True, backref="complaints", on_delete="SET NULL",
                                    verbose_name=_l("From survey"))
    channel = peewee.CharField(max_length=16, choices=CHANNELS, verbose_name=_l("Channel"))
    complainant = peewee.CharField(max_length=100, default="", verbose_name=_l("Complainant"))
    contact = peewee.CharField(max_length=200, default="", verbose_name=_l("Contact"))
    description = peewee.TextField(verbose_name=_l("Complaint"))
    substantiated = peewee.BooleanField(null=True, verbose_name=_l("Substantiated"))
    findings = peewee.TextField(default="", verbose_name=_l("Verification findings"))
    rectification = peewee.TextField(default="", verbose_name=_l("Rectification"))
    rectify_deadline = peewee.DateField(null=True, verbose_name=_l("Rectification deadline"))
    response = peewee.TextField(default="", verbose_name=_l("Response"))
    verdict = peewee.CharField(max_length=16, choices=VERDICTS, null=True, verbose_name=_l("Verdict"))
    explanation = peewee.TextField(default="", verbose_name=_l("Explanation"))
    appealed = peewee.BooleanField(default=False, verbose_name=_l("Appealed to the committee"))
    appeal_decision = peewee.TextField(default="", verbose_name=_l("Committee decision"))
    received_at = peewee.DateTimeField(default=utcnow, index=True, verbose_name=_l("Received at"))
    closed_at = peewee.DateTimeField(null=True, index=True, verbose_name=_l("Closed at"))

    class Meta:
        table_name = "evaluation_complaint"


# --- Improvement register (DB1302 7.2) --------------------------------------------------------

IMPROVEMENT_SOURCES = (
    ("evaluation", _l("Evaluation")),
    ("complaint", _l("Complaint")),
    ("statistics", _l("Statistics")),
    ("other", _l("Other")),
)
PDCA_STAGES = (
    ("plan", _l("Plan")),
    ("do", _l("Do")),
    ("check", _l("Check")),
    ("closed", _l("Closed (act)")),
)


class ImprovementAction(AuditedModel):
    """An improvement action (DB1302 7.2): from a finding to a verified effect (plan–do–check–act).
    It stays open until its effect is verified."""

    verbose_name = _l("Improvement action")

    source = peewee.CharField(max_length=16, choices=IMPROVEMENT_SOURCES, verbose_name=_l("Source"))
    evaluation = peewee.ForeignKeyField(Evaluation, null=True, backref="improvements", on_delete="SET NULL",
                                        verbose_name=_l("Evaluation"))
    complaint = peewee.ForeignKeyField(Complaint, null=True, backref="improvements", on_delete="SET NULL",
                                       verbose_name=_l("Complaint"))
    source_note = peewee.CharField(max_length=300, default="", verbose_name=_l("Source details"))
    finding = peewee.TextField(verbose_name=_l("Finding"))
    cause_analysis = peewee.TextField(default="", verbose_name=_l("Cause analysis"))
    measure = peewee.TextField(default="", verbose_name=_l("Improvement measure"))
    method = peewee.TextField(default="", verbose_name=_l("Method"))
    owner = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL", verbose_name=_l("Owner"))
    deadline = peewee.DateField(null=True, index=True, verbose_name=_l("Deadline"))
    stage = peewee.CharField(max_length=16, choices=PDCA_STAGES, default="plan", index=True, verbose_name=_l("Stage"))
    done_note = peewee.TextField(default="", verbose_name=_l("What was done"))
    verification = peewee.TextField(default="", verbose_name=_l("Verification of the effect"))
    effective = peewee.BooleanField(null=True, verbose_name=_l("Effective"))
    verified_at = peewee.DateTimeField(null=True, verbose_name=_l("Verified at"))
    verified_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL", backref="+",
                                         verbose_name=_l("Verified by"))
    created_at = peewee.DateTimeField(default=utcnow, index=True, verbose_name=_l("Created at"))
    closed_at = peewee.DateTimeField(null=True, index=True, verbose_name=_l("Closed at"))

    class Meta:
        table_name = "evaluation_improvementaction"

    def validate(self):
        """DB1302 7.2: open until verified — a closed action must have an effective verification,
        whichever screen closes it."""
        if self.stage == "closed" and (self.verified_at is None or not self.effective):
            raise ValidationFailed(_("An improvement action stays open until its effect is verified."),
                                   {"stage": [_("An improvement action stays open until its effect is verified.")]})

    def save(self, *args, **kwargs):
        self.validate()
        if self.stage == "closed" and self.closed_at is None:
            self.closed_at = utcnow()
        return super().save(*args, **kwargs)

    @property
    def is_open(self) -> bool:
        return self.stage != "closed"


MODELS = [SlaEvent, Survey, Committee, CommitteeMember, Evaluation, EvaluationScore, Complaint,
          ImprovementAction]
