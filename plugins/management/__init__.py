"""Management improvement plugin (管理提升): strategy, finance, HR, marketing and brand — needs
survey and analysis, an improvement plan with the experts assigned, implementation, and the
evaluation of the effect (DB1302 6.2.6, 6.4.6 a–d)."""
from rongtong.core import hookimpl
from rongtong.core.contract import Permission

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
    from rongtong.core.toolkit import surveys

    return [
        Permission("management.project.view", "查看管理提升项目", "View management improvement projects",
                   ("staff", "expert", "enterprise")),
        *surveys.permissions("management"),
    ]


@hookimpl
def register_admin_views(registry):
    from .admin import views

    return views()


@hookimpl
def register_api_resources(registry):
    from .api import resources

    return resources()


@hookimpl
def register_blueprints():
    """The needs-survey answer link sent to invited enterprises (no login)."""
    from rongtong.core.plugin import surveys

    return [surveys.blueprint("management")]


@hookimpl
def on_transition(request, transition, workflow, registry):
    from .steps import on_transition as apply

    apply(request, transition, workflow, registry)


@hookimpl
def seed_demo(registry, context):
    from .demo import seed

    seed(registry, context)
