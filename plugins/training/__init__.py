"""Training plugin (人才培训): needs surveys and their analysis, courses, the training plan, sessions
published ahead of time with registration, a waiting list and check-in, and the attendees'
evaluation of the effect (DB1302 6.2.3, 6.4.3 a–f).

Config: ``[plugins.training] minimum_notice_days`` (see :class:`.schemas.Options`).
"""
from rongtong.core.plugin import Permission, PortalLink, hookimpl, surveys

VERSION = "1.0"
TITLE = "人才培训 / Training"
REQUIRES = ()


@hookimpl
def declare_config():
    from .schemas import Options

    return Options


@hookimpl
def register_models():
    from .models import MODELS

    return MODELS


@hookimpl
def register_workflows():
    from .workflows import WORKFLOW

    return [WORKFLOW]


@hookimpl
def register_services():
    from .workflows import SERVICE

    return [SERVICE]


@hookimpl
def register_permissions():
    return [
        Permission("training.programme.view", "查看培训项目", "View training programmes", ("staff", "enterprise")),
        Permission("training.session.view", "查看培训班次", "View training sessions", ("staff", "enterprise")),
        Permission("training.session.register", "报名参加培训", "Register for training sessions", ("enterprise",)),
        Permission("training.registration.cancel", "取消培训报名", "Cancel training registrations", ("staff", "enterprise")),
        Permission("training.registration.manage", "管理报名与签到", "Manage registrations and check-in", ("staff",)),
        Permission("training.evaluation.submit", "提交培训效果评价", "Evaluate a training attended", ("enterprise",)),
        *surveys.permissions("training"),
    ]


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
    """The needs-survey answer link sent to invited enterprises (no login), and the portal's
    training sessions: registration, "my registrations", cancellation (DB1302 6.4.3 d)."""
    from .portal import bp

    return [surveys.blueprint("training"), bp]


@hookimpl
def register_portal_links():
    return [PortalLink("training_portal.sessions", "培训报名", "Training sessions", order=30)]


@hookimpl
def register_reactions():
    from .steps import PROGRAMME

    return PROGRAMME.reactions()


@hookimpl
def seed_demo(platform, context):
    from .demo import seed

    seed(platform, context)


@hookimpl
def register_evidence():
    """What this plugin shows a supervisor, by clause (``rongtong report compliance``)."""
    from .evidence import evidence

    return evidence()
