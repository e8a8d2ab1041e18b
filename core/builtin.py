"""The core, registered as the always-on plugin ``core`` through the same hooks as every plugin."""
from rongtong.core import hookimpl, notices
from rongtong.core.contract import Permission
from rongtong.core.models import CORE_MODELS
from rongtong.core.survey_models import MODELS as SURVEY_MODELS

CORE_PERMISSIONS = [
    Permission("core.dashboard.view", "查看工作台", "View the dashboard", ("staff", "expert", "evaluator")),
    Permission("core.request.view", "查看服务请求", "View service requests", ("staff", "expert", "evaluator", "enterprise")),
    Permission("core.request.file", "提交服务请求", "File service requests", ("staff", "enterprise")),
    Permission("core.request.edit", "编辑服务请求", "Edit service requests", ("staff",)),
    Permission("core.enterprise.view", "查看企业", "View enterprises", ("staff", "expert", "evaluator", "enterprise")),
    Permission("core.enterprise.edit", "编辑企业", "Edit enterprises", ("staff",)),
    Permission("core.enterprise.review", "审核企业入驻", "Review enterprise onboarding (DB1302 4.4.4)", ("staff",)),
    Permission("core.attachment.upload", "上传附件", "Upload attachments", ("staff", "expert", "evaluator", "enterprise")),
    Permission("core.user.manage", "管理用户", "Manage users", ()),
    Permission("core.department.manage", "管理部门", "Manage departments", ()),
    Permission("core.audit.view", "查看审计日志", "View the audit log", ()),
    Permission("core.notification.view", "查看通知", "View my notifications", ("staff", "expert", "evaluator", "enterprise")),
    Permission("core.outbox.manage", "管理邮件发件箱", "Manage the e-mail outbox", ()),
    Permission("core.service.view", "查看声明式服务", "View the declared services and their previews", ("staff",)),
    Permission("core.compliance.view", "查看合规证据", "View the compliance evidence (DB1302)", ("staff",)),
]


@hookimpl
def register_models():
    # the needs surveys' tables (DB1302 6.4.3 a ...) are core tables any plugin uses
    return list(CORE_MODELS) + list(SURVEY_MODELS)


@hookimpl
def register_permissions():
    return list(CORE_PERMISSIONS)


@hookimpl
def on_transition(request, transition, workflow, platform):
    """The core's own notices to the enterprise: paused, returned, answered, completed, rejected
    (issue 9 §3; see core.notices)."""
    notices.on_transition(request, transition, workflow, platform.registry)
