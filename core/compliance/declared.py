"""Evidence of the declared services (issue 11): the ``clauses`` a declared service or register
names in its file. A declared service is the registered plugin object carrying a ``declaration``
(``core.declared.service.DeclaredService``; duck-typed here, so this package needs nothing above
it): its requests filed and closed in the period, and for each register the rows kept at the end
of the period, created and updated in it."""
from __future__ import annotations

from rongtong.core.contract import Evidence

from .core_evidence import requests_of
from .figures import bounds


def declared_evidence(module) -> list[Evidence]:
    """The evidence of one declared service or register file (``[]`` for anything else)."""
    declaration = getattr(module, "declaration", None)
    data = getattr(declaration, "data", None)
    if not isinstance(data, dict):
        return []
    found = []
    service = data.get("service") or {}
    requests = requests_of(module.key)  # one collector for every clause it is cited for
    for clause in service.get("clauses") or ():
        found.append(Evidence(clause, service["title"], service.get("title_en") or service["title"], requests))
    models = getattr(module, "models", {}) or {}
    for register in data.get("registers") or ():
        model = models.get(register.get("key"))
        if model is None or not register.get("clauses"):
            continue
        rows = _rows_of(model, f"/admin/{module.key}/{register['key']}/")
        title = register.get("title") or register["key"]
        for clause in register["clauses"]:
            found.append(Evidence(clause, title, register.get("title_en") or title, rows))
    return found


def _rows_of(model, screen: str):
    def collect(platform, period):
        start, stop = bounds(platform, period)
        table = model._meta.table_name
        kept = model.select().where(model.created_at < stop).count()
        source = f"{table} · {screen}"
        if not kept:
            return [], source
        created = model.select().where((model.created_at >= start) & (model.created_at < stop)).count()
        updated = model.select().where((model.created_at < start) & (model.updated_at >= start)
                                       & (model.updated_at < stop)).count()
        return [("登记在册（期末）", "Rows kept (end of period)", kept), ("本期新增", "Created in the period", created),
                ("本期更新", "Updated in the period", updated)], source
    return collect
