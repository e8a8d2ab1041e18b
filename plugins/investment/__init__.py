"""Investment plugin (投资服务): investor register and investment projects from needs survey and
target screening to post-investment tracking (DB1302 4.4.3, 6.2.4, 6.4.4.1 a–e)."""
from rongtong.core.plugin import Permission, hookimpl, surveys

VERSION = "1.0"
TITLE = "投资服务 / Investment"
REQUIRES = ()


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
    return surveys.permissions("investment") + [
        Permission("investment.investor.manage", "管理投资方", "Manage investors", ("staff",)),
        Permission("investment.project.view", "查看投资项目", "View investment projects", ("staff", "enterprise")),
        Permission("investment.project.manage", "管理投资项目记录", "Manage investment project records", ("staff",)),
        Permission("investment.project.screen", "筛选投资标的", "Screen investment targets", ("staff",)),
        Permission("investment.followup.record", "记录投后跟踪", "Record post-investment follow-ups", ("staff",)),
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
def register_reactions():
    from .steps import PROJECT

    return PROJECT.reactions()


@hookimpl
def seed_demo(platform, context):
    from .demo import seed

    seed(platform, context)


@hookimpl
def register_evidence():
    """What this plugin shows a supervisor, by clause (``rongtong report compliance``)."""
    from .evidence import evidence

    return evidence()
