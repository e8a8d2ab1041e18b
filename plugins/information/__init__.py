"""Information services (DB1302 6.2.1, 6.4.1.1 a/b, 6.4.1.2 a–d): articles of the seven kinds
with review, validity and pushes to target enterprises; consultations with a reply clock, the whole
exchange kept, and periodic statistics."""
from rongtong.core.plugin import Permission, PortalLink, ServiceEntry, hookimpl

VERSION = "1.0"
TITLE = "信息服务 / Information services"
REQUIRES = ()

PERMISSIONS = [
    Permission("information.article.view", "查看信息", "View information articles",
               ("staff", "expert", "evaluator", "enterprise")),
    Permission("information.article.edit", "编辑信息", "Write and edit information articles", ("staff",)),
    Permission("information.article.publish", "审核发布信息", "Review, publish and expire articles", ("staff",)),
    Permission("information.article.push", "推送信息", "Push articles through channels", ("staff",)),
    Permission("information.consultation.view", "查看咨询", "View consultations", ("staff", "enterprise")),
    Permission("information.consultation.ask", "提出咨询", "Ask and follow up consultations", ("staff", "enterprise")),
    Permission("information.consultation.answer", "答复咨询", "Answer consultations and agree deadlines", ("staff",)),
    Permission("information.stats.view", "咨询统计", "View consultation statistics", ("staff",)),
]


@hookimpl
def register_models():
    from .models import MODELS

    return list(MODELS)


@hookimpl
def register_workflows():
    from .workflows import CONSULTATION_WORKFLOW

    return [CONSULTATION_WORKFLOW]


@hookimpl
def register_services():
    from .workflows import PROMISED_DAYS, WORKFLOW_KEY

    return [ServiceEntry(
        "information.consultation", "政策与信息咨询", "Policy and information consultation", workflow=WORKFLOW_KEY,
        fee_type="free", time_limit_days=PROMISED_DAYS, category="information",
        description="受理法律法规、政策、技术、人才、市场、物流、管理等方面的咨询：受理后及时答复，"
                    "询问满意度后办结，各环节时限见办理流程，合计不超过承诺时限（DB1302 6.4.1.2）。",
        description_en="Questions on laws, policy, technology, talent, markets, logistics and management: "
                       "answered promptly once accepted, then closed after asking whether the answer "
                       "satisfied; each step's limit is shown in the process and together they stay "
                       "within the published time limit (DB1302 6.4.1.2).")]


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
    """Portal pages of published information (and this plugin's templates on the template path)."""
    from .views import bp

    return [bp]


@hookimpl
def register_portal_links():
    return [PortalLink("information.article_list", "政策信息", "Information", order=10)]


@hookimpl
def register_commands():
    from .cli import information

    return [information]


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
