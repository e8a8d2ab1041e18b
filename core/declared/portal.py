"""Public registers on the portal (``public = true``; DB1302 4.1.3 plans published with their
progress, 5.3.1 the operating entity, 5.1.3 the published organisation and rules).

Each public register of a declaration gets a page at ``/registers/<key>/<register>``, readable
without logging in: its list columns (or every field), labelled and displayed through the field
vocabulary, with only the fields visible to enterprises and only the rows ``public_where`` selects.
A register with ``menu = true`` is in the portal's main menu.
"""
from __future__ import annotations

from flask import Blueprint, render_template

from rongtong.core.contract import PortalLink
from rongtong.core.vocabulary import describe_model
from rongtong.core.web.context import current_lang

LIMIT = 500


def _columns(reg: dict) -> list[str]:
    visible = [f["key"] for f in reg["fields"] if f["visibility"] == "enterprise" and f["type"] != "data"]
    return [c for c in (reg["list"] or visible) if c in visible]


def blueprint(service, registers: list[dict]) -> Blueprint:
    bp = Blueprint(f"{service.key}_registers", __name__, url_prefix=f"/registers/{service.key}")
    for reg in registers:
        bp.add_url_rule(f"/{reg['key']}", reg["key"], _page(service, reg))
    return bp


def _page(service, reg: dict):
    model = service.models[reg["key"]]
    columns = _columns(reg)

    def page():
        lang = current_lang()
        specs = describe_model(model)
        rows = model.select()
        for column, value in reg["public_where"].items():
            rows = rows.where(getattr(model, column) == value)
        title = reg["title_en"] if lang == "en" else reg["title"]
        description = (reg["description_en"] or reg["description"]) if lang == "en" else reg["description"]
        return render_template("portal/register.html", title=title, description=description,
                               headers=[specs[c].title(lang) for c in columns], columns=columns,
                               rows=list(rows.order_by(model.id).limit(LIMIT)))

    page.__name__ = f"{service.key}_{reg['key']}_public"
    return page


def links(service, registers: list[dict]) -> list[PortalLink]:
    return [PortalLink(f"{service.key}_registers.{reg['key']}", reg["title"], reg["title_en"], order=80)
            for reg in registers]
