"""Financing plugin (融资服务): banks and loan products, financing cases from needs survey to fund
tracking, independent expert scoring, ranked matching to investors or banks with reasons, and the
funds-obtained report (DB1302 4.4.3, 6.2.4, 6.4.4.2 a–f). Investors come from the investment
plugin's register, hence ``REQUIRES``."""
from rongtong.core.plugin import Permission, hookimpl, surveys

VERSION = "1.0"
TITLE = "融资服务 / Financing"
REQUIRES = ("investment",)


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
    return surveys.permissions("financing") + [
        Permission("financing.bank.manage", "管理银行与贷款产品", "Manage banks and loan products", ("staff",)),
        Permission("financing.case.view", "查看融资案例", "View financing cases", ("staff", "enterprise")),
        Permission("financing.case.manage", "管理融资案例记录", "Manage financing case records", ("staff",)),
        Permission("financing.case.match", "匹配投资方或银行", "Match investors or banks", ("staff",)),
        Permission("financing.panel.manage", "组建专家评审组", "Name expert panels", ("staff",)),
        Permission("financing.score", "专家评分", "Score financing cases", ("staff", "expert")),
        Permission("financing.fund.record", "记录资金到位与使用", "Record funds obtained and used", ("staff",)),
        Permission("financing.report", "融资统计报表", "Financing reports", ("staff",)),
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
def register_commands():
    from .cli import financing

    return [financing]


@hookimpl
def register_reactions():
    from .steps import CASE

    return CASE.reactions()


@hookimpl
def seed_demo(platform, context):
    from .demo import seed

    seed(platform, context)


@hookimpl
def register_evidence():
    """What this plugin shows a supervisor, by clause (``rongtong report compliance``)."""
    from .evidence import evidence

    return evidence()
