"""Promotion plugin (市场推广服务): quality-enterprise database, annual activity plan, activities
(exhibitions, trade talks, product promotion, cooperation) from needs survey to summary, with
registrations within capacity and the negotiations they produced (DB1302 6.2.5, 6.4.5 a–g)."""
from rongtong.core.plugin import Permission, PortalLink, hookimpl, surveys

VERSION = "1.0"
TITLE = "市场推广 / Promotion"
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
        Permission("promotion.database.manage", "管理优质企业库", "Manage the quality-enterprise database", ("staff",)),
        Permission("promotion.plan.manage", "管理年度活动计划", "Manage annual activity plans", ("staff",)),
        Permission("promotion.activity.view", "查看推广活动", "View promotion activities", ("staff", "enterprise")),
        Permission("promotion.activity.manage", "管理推广活动", "Manage promotion activities", ("staff",)),
        Permission("promotion.register", "报名参加活动", "Register for activities", ("staff", "enterprise")),
        Permission("promotion.registration.decide", "审核活动报名", "Approve registrations", ("staff",)),
        Permission("promotion.negotiation.manage", "跟踪洽谈项目", "Follow up negotiations", ("staff",)),
    ] + surveys.permissions("promotion")


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
    from .views import bp

    return [bp]


@hookimpl
def register_portal_links():
    return [PortalLink("promotion.activity_list", "推广活动", "Promotion events", order=20)]


@hookimpl
def register_reactions():
    from .steps import ACTIVITY

    return ACTIVITY.reactions()


@hookimpl
def seed_demo(platform, context):
    from .demo import seed

    seed(platform, context)


@hookimpl
def register_evidence():
    """What this plugin shows a supervisor, by clause (``rongtong report compliance``)."""
    from .evidence import evidence

    return evidence()
