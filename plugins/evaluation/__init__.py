"""Evaluation and supervision plugin (服务评价与监督): time-limit supervision with escalation,
satisfaction surveys, evaluation committees, complaints and the improvement register
(DB1302 5.4.1, 5.4.2, 7.1, 7.2)."""
from rongtong.core.plugin import Permission, hookimpl

VERSION = "1.0"
TITLE = "评价与监督 / Evaluation and supervision"
REQUIRES = ()

PERMISSIONS = [
    Permission("evaluation.sla.view", "查看时限监督看板", "View the time-limit board", ("staff",)),
    Permission("evaluation.survey.view", "查看满意度调查", "View satisfaction surveys", ("staff", "enterprise")),
    Permission("evaluation.survey.answer", "填写满意度调查", "Answer satisfaction surveys", ("enterprise",)),
    Permission("evaluation.committee.manage", "管理评价委员会", "Manage evaluation committees", ("staff",)),
    Permission("evaluation.evaluation.manage", "组织服务评价", "Run evaluations", ("staff",)),
    Permission("evaluation.evaluation.score", "评价打分", "Score evaluations", ("staff", "evaluator", "expert")),
    Permission("evaluation.complaint.view", "查看投诉", "View complaints", ("staff", "enterprise", "evaluator")),
    Permission("evaluation.improvement.manage", "管理改进措施", "Manage improvement actions", ("staff",)),
    Permission("evaluation.report.view", "查看监督报告", "View supervision reports", ("staff",)),
]


@hookimpl
def declare_config():
    from .schemas import OptionsSchema

    return OptionsSchema


@hookimpl
def register_models():
    from .models import MODELS

    return list(MODELS)


@hookimpl
def register_workflows():
    from .workflows import COMPLAINT_WORKFLOW

    return [COMPLAINT_WORKFLOW]


@hookimpl
def register_services():
    from .workflows import COMPLAINT_SERVICE

    return [COMPLAINT_SERVICE]


@hookimpl
def register_permissions():
    return list(PERMISSIONS)


@hookimpl
def register_admin_views(platform):
    from .admin import admin_views

    return admin_views(platform)


@hookimpl
def register_api_resources(platform):
    from .api import api_resources

    return api_resources(platform)


@hookimpl
def register_blueprints():
    from .views import blueprint

    return [blueprint()]


@hookimpl
def register_commands():
    from .cli import COMMANDS

    return list(COMMANDS)


@hookimpl
def register_reactions():
    """DB1302 5.4.2: keep a complaint record in step with its case."""
    from .steps import reactions

    return reactions()


@hookimpl
def on_request_closed(request, transition, platform):
    """DB1302 7.1: a completed request gets its satisfaction survey; 5.4.2: a closed complaint
    case stamps its record."""
    from .workflows import COMPLAINT

    if request.workflow_key == COMPLAINT:
        from .complaints import on_closed

        on_closed(request)
        return
    from .surveys import create_for

    create_for(request, platform.options_of("evaluation"), platform=platform)


@hookimpl
def seed_demo(platform, context):
    from .demo import seed

    seed(platform, context)


@hookimpl
def register_evidence():
    """What this plugin shows a supervisor, by clause (``rongtong report compliance``)."""
    from .evidence import evidence

    return evidence()
