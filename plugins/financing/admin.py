"""Staff screens of the financing plugin. Independent scoring (DB1302 6.4.4.2 d): the expert-panel
screen shows each score and comment only once every member of that case's panel has scored; it
cannot sort, search, export or show details by score, so nothing leaks early."""
from rongtong.core.plugin import AdminViewSpec, PluginHost, SecureModelView, lazy_gettext as _l

from .models import Bank, Case, ExpertScore, Fund, FundUse, LoanProduct, Meeting
from .steps import panel_state

CATEGORY = _l("Financing")


def _masked(view, context, model, name):
    size, scored = panel_state(model.case_id)
    if size and scored == size:
        return getattr(model, name)
    return _l("(hidden until the whole panel has scored)")


class ExpertScoreView(SecureModelView):
    can_view_details = can_export = False  # read-only itself: AdminViewSpec(read_only=True)
    column_list = ("case", "expert", "score", "comment", "scored_at")
    column_sortable_list = ("scored_at",)
    column_searchable_list = ()
    column_filters = ()
    column_formatters = {"score": _masked, "comment": _masked}


def admin_views(platform: PluginHost) -> list[AdminViewSpec]:
    return [
        AdminViewSpec(model=Bank, permission="financing.bank.manage", category=CATEGORY, name=_l("Banks")),
        AdminViewSpec(model=LoanProduct, permission="financing.bank.manage", category=CATEGORY,
                      name=_l("Loan products"),  # list columns are edited through the API (validated)
                      form_exclude=("industries", "scales")),
        AdminViewSpec(model=Case, permission="financing.case.manage", category=CATEGORY, name=_l("Financing cases"),
                      options={"can_create": False, "can_delete": False}),
        AdminViewSpec(model=ExpertScore, view_class=ExpertScoreView, permission="financing.panel.manage",
                      category=CATEGORY, name=_l("Expert panels"), read_only=True),
        AdminViewSpec(model=Meeting, permission="financing.case.manage", category=CATEGORY,
                      name=_l("Roadshows and bank meetings"), read_only=True),
        AdminViewSpec(model=Fund, permission="financing.fund.record", category=CATEGORY, name=_l("Funds obtained")),
        AdminViewSpec(model=FundUse, permission="financing.fund.record", category=CATEGORY, name=_l("Use of funds")),
    ]
