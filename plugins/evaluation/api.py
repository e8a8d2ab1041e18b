"""REST resources of the evaluation plugin under ``/api/v1/evaluation/`` (DB1302 5.4.1, 5.4.2,
7.1, 7.2).

Complaints are filed and walked through the generic request API (service ``complaint``:
``POST /api/v1/requests``, ``/api/v1/requests/<id>/transitions``); the resources here read the
complaint records, answer surveys, and run committees, evaluations, the improvement register, the
time-limit board and the supervision report.
"""
from __future__ import annotations

import flask

from rongtong.core.plugin import (ApiResource, NotFound, PermissionDenied, PluginHost, api_user, current_platform,
                                  get_scoped, gettext as _, has_permission, is_staff, path_id, periods, scope_query)

from . import committees, improvements, reports, sla, surveys
from .models import Committee, CommitteeMember, Complaint, Evaluation, ImprovementAction, Survey
from .schemas import (
    BoardSchema, CommitteeInSchema, CommitteeSchema, ComplaintChannelsSchema, ComplaintSchema, DeclarationSchema,
    EvaluationInSchema, EvaluationSchema, FinishSchema, ImprovementInSchema, ImprovementSchema, ImprovementUpdateSchema,
    MemberInSchema, MemberSchema, ScoreInSchema, ScoreSchema, SupervisionReportSchema, SurveyAnswerSchema, SurveySchema,
    VerifyEffectSchema,
)


def _scoped(model, pk, message):
    row = get_scoped(model, pk, api_user())
    if row is None:
        raise NotFound(message)
    return row


def _get(model, pk, message):
    row = model.get_or_none(model.id == pk)
    if row is None:
        raise NotFound(message)
    return row


# --- Surveys (7.1) ------------------------------------------------------------------------------

def list_surveys():
    query = scope_query(Survey.select(), Survey, api_user()).order_by(Survey.id.desc()).limit(500)
    return list(query)


def get_survey(survey_id):
    return _scoped(Survey, survey_id, _("Satisfaction survey not found."))


def answer_survey(survey_id, data):
    survey = _scoped(Survey, survey_id, _("Satisfaction survey not found."))
    return surveys.answer(current_platform(), survey, data, user=api_user()), 200


# --- Complaints (5.4.2) -------------------------------------------------------------------------

def list_complaints():
    query = scope_query(Complaint.select(), Complaint, api_user()).order_by(Complaint.id.desc()).limit(500)
    return list(query)


def get_complaint(complaint_id):
    return _scoped(Complaint, complaint_id, _("Complaint not found."))


def channels():
    return dict(current_platform().options_of("evaluation").get("complaints", {}))


# --- Committees and evaluations (7.1) -----------------------------------------------------------

def list_committees():
    return list(Committee.select().order_by(Committee.id))


def create_committee(data):
    return committees.create_committee(data)


def list_members(committee_id):
    committee = _get(Committee, committee_id, _("Committee not found."))
    return list(committee.members.order_by(CommitteeMember.id))


def add_member(committee_id, data):
    return committees.add_member(_get(Committee, committee_id, _("Committee not found.")), data)


def declaration_view(member_id, data):
    """A member declares conflicts of interest: the member's own user, or staff recording an
    outside expert's signed declaration."""
    member = _get(CommitteeMember, member_id, _("Member not found."))
    user = api_user()
    if member.user_id != user.id and not has_permission(user, "evaluation.committee.manage", current_platform().registry):
        raise PermissionDenied(_("Only the member or the committee's manager may declare."))
    return committees.declare(member, data["has_conflict"], data["statement"]), 200


def list_evaluations():
    return list(Evaluation.select().order_by(Evaluation.id.desc()).limit(500))


def create_evaluation(data):
    """Run an evaluation (staff with ``evaluation.evaluation.manage``; members only score)."""
    if not has_permission(api_user(), "evaluation.evaluation.manage", current_platform().registry):
        raise PermissionDenied(_("You do not have the permission %(permission)s.",
                                 permission="evaluation.evaluation.manage"))
    return committees.create_evaluation(dict(data))


def evaluation_view(evaluation_id):
    return _get(Evaluation, evaluation_id, _("Evaluation not found."))


def scores_view(evaluation_id, data):
    """A member scores a criterion: members score for themselves; staff record outside experts."""
    evaluation = _get(Evaluation, evaluation_id, _("Evaluation not found."))
    user = api_user()
    member = CommitteeMember.get_or_none(CommitteeMember.id == data["member"])
    if member is not None and member.user_id != user.id and not is_staff(user):
        raise PermissionDenied(_("You may only give your own scores."))
    return committees.add_score(evaluation, data)


def finish_view(evaluation_id, data):
    evaluation = _get(Evaluation, evaluation_id, _("Evaluation not found."))
    return committees.finish(evaluation, data["findings"]), 200


# --- Improvement register (7.2) -----------------------------------------------------------------

def register_improvement(data):
    return improvements.register(data)


def list_improvements():
    """The register, newest first; ``?stage=`` one PDCA stage only."""
    query = ImprovementAction.select().order_by(ImprovementAction.id.desc())
    stage = flask.request.args.get("stage")
    if stage:
        query = query.where(ImprovementAction.stage == stage)
    return list(query.limit(500))


def improvement_view(action_id, data=None):
    action = improvements.get(action_id)
    if flask.request.method == "PATCH":
        return improvements.update(action, data), 200
    return action


def verify_view(action_id, data):
    return improvements.verify(improvements.get(action_id), data["verification"], data["effective"], api_user()), 200


def close_view(action_id):
    return improvements.close(improvements.get(action_id)), 200


# --- Board and report (5.4.1, 7) -----------------------------------------------------------------

def board_view():
    return sla.board(current_platform())


def report_view():
    period = periods.parse_period(flask.request.args.get("period", ""))
    return reports.supervision(current_platform(), period)


def api_resources(platform: PluginHost) -> list[ApiResource]:
    P = "evaluation"
    sid, cid, mid = path_id("survey_id"), path_id("committee_id"), path_id("member_id")
    eid, aid, kid = path_id("evaluation_id"), path_id("action_id"), path_id("complaint_id")
    return [
        ApiResource(f"{P}/surveys", list_surveys, ("GET",), endpoint="evaluation_surveys", response_schema=SurveySchema,
                    many=True, permission="evaluation.survey.view", summary="Satisfaction surveys in the caller's scope"),
        ApiResource(f"{P}/surveys/{sid}", get_survey, ("GET",), endpoint="evaluation_survey",
                    response_schema=SurveySchema, permission="evaluation.survey.view", summary="One survey"),
        ApiResource(f"{P}/surveys/{sid}/answer", answer_survey, ("POST",), endpoint="evaluation_survey_answer",
                    request_schema=SurveyAnswerSchema, response_schema=SurveySchema,
                    permission="evaluation.survey.answer",
                    summary="Answer a survey (DB1302 7.1); a low grade opens a complaint (5.4.2)"),
        ApiResource(f"{P}/complaints", list_complaints, ("GET",), endpoint="evaluation_complaints",
                    response_schema=ComplaintSchema, many=True, permission="evaluation.complaint.view",
                    summary="Complaint records in the caller's scope (file one with POST /requests, service 'complaint')"),
        ApiResource(f"{P}/complaints/{kid}", get_complaint, ("GET",), endpoint="evaluation_complaint",
                    response_schema=ComplaintSchema, permission="evaluation.complaint.view", summary="One complaint"),
        ApiResource(f"{P}/complaint-channels", channels, ("GET",), endpoint="evaluation_channels",
                    response_schema=ComplaintChannelsSchema, summary="Published complaint channels (DB1302 5.4.2)"),
        ApiResource(f"{P}/committees", list_committees, ("GET",), endpoint="evaluation_committees",
                    response_schema=CommitteeSchema, many=True, permission="evaluation.committee.manage",
                    summary="Evaluation committees (DB1302 7.1)"),
        ApiResource(f"{P}/committees", create_committee, ("POST",), endpoint="evaluation_committees",
                    request_schema=CommitteeInSchema, response_schema=CommitteeSchema,
                    permission="evaluation.committee.manage", summary="Form an evaluation committee (DB1302 7.1)"),
        ApiResource(f"{P}/committees/{cid}/members", list_members, ("GET",), endpoint="evaluation_members",
                    response_schema=MemberSchema, many=True, permission="evaluation.committee.manage",
                    summary="Committee members"),
        ApiResource(f"{P}/committees/{cid}/members", add_member, ("POST",), endpoint="evaluation_members",
                    request_schema=MemberInSchema, response_schema=MemberSchema,
                    permission="evaluation.committee.manage", summary="Add a committee member"),
        ApiResource(f"{P}/members/{mid}/declaration", declaration_view, ("POST",), endpoint="evaluation_declaration",
                    request_schema=DeclarationSchema, response_schema=MemberSchema,
                    permission="evaluation.evaluation.score", summary="Declare conflicts of interest"),
        ApiResource(f"{P}/evaluations", list_evaluations, ("GET",), endpoint="evaluation_evaluations",
                    response_schema=EvaluationSchema, many=True, permission="evaluation.evaluation.score",
                    summary="Evaluations: methods, scope, findings, score"),
        ApiResource(f"{P}/evaluations", create_evaluation, ("POST",), endpoint="evaluation_evaluations",
                    request_schema=EvaluationInSchema, response_schema=EvaluationSchema,
                    permission="evaluation.evaluation.score", summary="Run an evaluation"),
        ApiResource(f"{P}/evaluations/{eid}", evaluation_view, ("GET",), endpoint="evaluation_evaluation",
                    response_schema=EvaluationSchema, permission="evaluation.evaluation.score", summary="One evaluation"),
        ApiResource(f"{P}/evaluations/{eid}/scores", scores_view, ("POST",), endpoint="evaluation_scores",
                    request_schema=ScoreInSchema, response_schema=ScoreSchema, permission="evaluation.evaluation.score",
                    summary="A member's score on one criterion"),
        ApiResource(f"{P}/evaluations/{eid}/finish", finish_view, ("POST",), endpoint="evaluation_finish",
                    request_schema=FinishSchema, response_schema=EvaluationSchema,
                    permission="evaluation.evaluation.manage", summary="Finish with findings; score = mean"),
        ApiResource(f"{P}/improvements", list_improvements, ("GET",), endpoint="evaluation_improvements",
                    response_schema=ImprovementSchema, many=True, permission="evaluation.improvement.manage",
                    summary="The improvement register (DB1302 7.2)"),
        ApiResource(f"{P}/improvements", register_improvement, ("POST",), endpoint="evaluation_improvements",
                    request_schema=ImprovementInSchema, response_schema=ImprovementSchema,
                    permission="evaluation.improvement.manage", summary="Register an improvement action (DB1302 7.2)"),
        ApiResource(f"{P}/improvements/{aid}", improvement_view, ("GET", "PATCH"), endpoint="evaluation_improvement",
                    request_schema=ImprovementUpdateSchema, response_schema=ImprovementSchema,
                    permission="evaluation.improvement.manage", summary="One improvement action; PATCH the plan or what was done"),
        ApiResource(f"{P}/improvements/{aid}/verify", verify_view, ("POST",), endpoint="evaluation_improvement_verify",
                    request_schema=VerifyEffectSchema, response_schema=ImprovementSchema,
                    permission="evaluation.improvement.manage", summary="Record the verification of the effect"),
        ApiResource(f"{P}/improvements/{aid}/close", close_view, ("POST",), endpoint="evaluation_improvement_close",
                    response_schema=ImprovementSchema, permission="evaluation.improvement.manage",
                    summary="Close (refused until the effect is verified)"),
        ApiResource(f"{P}/board", board_view, ("GET",), endpoint="evaluation_board", response_schema=BoardSchema,
                    permission="evaluation.sla.view", summary="Requests due soon and overdue, by department and service (DB1302 5.4.1)"),
        ApiResource(f"{P}/reports/supervision", report_view, ("GET",), endpoint="evaluation_report",
                    response_schema=SupervisionReportSchema, permission="evaluation.report.view",
                    summary="Supervision report of a period (?period=2026-Q3)"),
    ]
