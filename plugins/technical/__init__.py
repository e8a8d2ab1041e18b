"""Technical services (DB1302 6.2.2, 6.4.2 a–d, 5.3.7): contracted service institutions and their
capabilities, shared equipment with bookings, and the accept → plan → deliver → evaluate workflow
with institutions ranked for each need."""
from rongtong.core.plugin import Permission, ServiceEntry, hookimpl

VERSION = "1.0"
TITLE = "技术服务 / Technical services"
REQUIRES = ()

PERMISSIONS = [
    Permission("technical.institution.view", "查看服务机构", "View service institutions", ("staff", "expert")),
    Permission("technical.institution.edit", "管理服务机构", "Manage service institutions", ("staff",)),
    Permission("technical.equipment.view", "查看共享设备", "View shared equipment",
               ("staff", "expert", "evaluator", "enterprise")),
    Permission("technical.equipment.edit", "管理共享设备", "Manage shared equipment", ("staff",)),
    Permission("technical.booking.make", "预约共享设备", "Book shared equipment", ("staff", "enterprise")),
    Permission("technical.booking.view", "查看设备预约", "View equipment bookings", ("staff", "enterprise")),
    Permission("technical.assignment.view", "查看技术服务方案", "View technical service plans",
               ("staff", "expert", "enterprise")),
    Permission("technical.candidates.view", "匹配服务机构", "Match service institutions to a need", ("staff",)),
]


@hookimpl
def register_models():
    from .models import MODELS

    return list(MODELS)


@hookimpl
def register_workflows():
    from .workflows import TECHNICAL_WORKFLOW

    return [TECHNICAL_WORKFLOW]


@hookimpl
def register_services():
    from .workflows import SERVICE_KEY, TECHNICAL_WORKFLOW

    return [ServiceEntry(
        SERVICE_KEY, "技术服务", "Technical services", workflow=TECHNICAL_WORKFLOW.key, fee_type="paid",
        fee_standard="平台受理、方案匹配免费；检测、研发等由签约服务机构按合同约定收费。",
        time_limit_days=TECHNICAL_WORKFLOW.total_days, category="technical",
        description="设计、解决方案、检验检测、技术评价、研发、技术转移、信息化、设备共享等技术服务（DB1302 6.2.2、6.4.2）。",
        description_en="Design, solutions, inspection and testing, technical evaluation, development, technology "
                       "transfer, IT adoption and equipment sharing by contracted institutions (DB1302 6.2.2, 6.4.2).")]


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
    """Only to put this plugin's templates (the matching page) on the template path."""
    import flask

    return [flask.Blueprint("technical", __name__, template_folder="templates")]


@hookimpl
def register_reactions():
    from .steps import REACTIONS

    return REACTIONS


@hookimpl
def seed_demo(platform, context):
    from .demo import seed

    seed(platform, context)


@hookimpl
def register_evidence():
    """What this plugin shows a supervisor, by clause (``rongtong report compliance``)."""
    from .evidence import evidence

    return evidence()
