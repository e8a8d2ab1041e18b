"""Demo data for the investment plugin: a small investor register and one project walked to
tracking with follow-ups (DB1302 6.4.4.1)."""
from __future__ import annotations

from rongtong.core.plugin import PluginHost

from .models import FollowUp, Investor
from .steps import PROJECT
from .workflows import KEY, WORKFLOW

INVESTORS = [
    ("冀北产业投资基金", "institution", ["智能制造", "新材料"], ["growth", "mature"], 1000, 5000, ["石家庄", "唐山"]),
    ("燕赵创投", "institution", ["电子信息", "生物医药"], ["seed", "early"], 100, 800, ["石家庄", "保定"]),
    ("华融科创基金", "institution", ["新能源", "智能制造"], ["early", "growth"], 300, 2000, []),
    ("王天使", "individual", ["现代农业", "电子信息"], ["seed"], 20, 200, ["邯郸"]),
]


def ensure_investors() -> list[Investor]:
    """The demo investor register; idempotent, so the financing demo can rely on it whichever
    plugin seeds first."""
    investors = []
    for name, kind, industries, stages, low, high, regions in INVESTORS:
        inv = Investor.get_or_none(Investor.name == name)
        if inv is None:
            inv = Investor.create(name=name, kind=kind, industries=industries, stages=stages, ticket_min=low,
                                  ticket_max=high, regions=regions, contact_name="投资经理")
        investors.append(inv)
    return investors


def seed(platform: PluginHost, context) -> None:
    investors = ensure_investors()
    enterprises = [e for e in context.get("enterprises", []) if e.status == "admitted"]
    staff = (context.get("users", {}).get("staff") or [None])[0]
    if KEY not in platform.registry.services or len(enterprises) < 2 or staff is None:
        return
    engine = platform.engine
    examples = {s.key: dict(s.example or {}) for s in WORKFLOW.steps}
    examples["screening"].update(investor=investors[0].id, target=enterprises[1].id)
    # one project waiting at each step, so every screen of the workflow has something to show
    for index, at in enumerate(WORKFLOW.steps):
        inv = investors[index % len(investors)]
        req = engine.open_request(enterprise=enterprises[index % len(enterprises)], service_key=KEY, actor=staff,
                                  title=f"{inv.name}：投资项目（{at.title}）", data={"investor": inv.id})
        for step in WORKFLOW.steps[:index]:
            engine.transition(req.id, "advance", staff, data=examples[step.key])
    project = PROJECT.get_or_create(req)  # the one at tracking
    for period, revenue in (("2026-Q3", 1200), ("2026-Q4", 1350)):
        FollowUp.create(project=project, period=period, revenue=revenue, profit=revenue / 10, employees=85,
                        note="经营正常", recorded_by=staff)
