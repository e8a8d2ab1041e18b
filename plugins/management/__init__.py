"""Management improvement plugin (管理提升): strategy, finance, HR, marketing and brand — needs
survey and analysis, an improvement plan with the experts assigned, implementation, and the
evaluation of the effect (DB1302 6.2.6, 6.4.6 a–d)."""
from rongtong.core.plugin import Permission, hookimpl, surveys

VERSION = "1.0"
TITLE = "管理提升 / Management improvement"
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
    return [
        Permission("management.project.view", "查看管理提升项目", "View management improvement projects",
                   ("staff", "expert", "enterprise")),
        *surveys.permissions("management"),
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
    """The needs-survey answer link sent to invited enterprises (no login)."""
    return [surveys.blueprint("management")]


@hookimpl
def register_reactions():
    from .steps import PROJECT

    return PROJECT.reactions()


@hookimpl
def seed_demo(platform, context):
    from .demo import seed

    seed(platform, context)
