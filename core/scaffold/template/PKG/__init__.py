"""${title_en} (${title}): a Rongtong service plugin.

Rongtong loads it through the entry point in pyproject.toml. Everything it uses from Rongtong comes
from the public plugin API, ``rongtong.core.plugin``.
"""
from rongtong.core.plugin import Permission, hookimpl

VERSION = "0.1.0"
TITLE = "${title} / ${title_en}"
REQUIRES = ()

VIEW = "${name}.case.view"
EDIT = "${name}.case.edit"


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
        Permission(VIEW, "查看${title}案例", "View ${title_en} cases", ("staff", "expert", "enterprise")),
        Permission(EDIT, "编辑${title}案例", "Edit ${title_en} cases", ("staff",)),
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
    """What each step writes into the request's case (steps.py)."""
    from .steps import CASE

    return CASE.reactions()
