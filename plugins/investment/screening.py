"""Target screening (DB1302 6.4.4.1 a, 4.4.3 "match both sides precisely"): admitted enterprises
filtered and ranked against an investor's focus, each with the reasons for its place."""
from __future__ import annotations

from rongtong.core.plugin import Enterprise, lazy_gettext as _l, matching

from .models import STAGES, labels_of, stage_of


def investor_criteria(investor, *, industry_of, stage_of_candidate, region_of):
    """The investor's focus as matching criteria over any candidate (an enterprise, a financing
    request...), given how to read the candidate's industry, stage and region. An investor that
    names industries only sees candidates in them."""
    return [
        matching.overlap("industry", 40, _l("Industry"), wanted=investor.industries,
                values_of=lambda c: [industry_of(c)], required=bool(investor.industries)),
        matching.overlap("stage", 30, _l("Stage"), wanted=labels_of(STAGES, investor.stages),
                         values_of=lambda c: labels_of(STAGES, [stage_of_candidate(c)])),
        matching.overlap("region", 20, _l("Region"), wanted=investor.regions, values_of=lambda c: [region_of(c)]),
    ]


def screen_targets(investor, *, exclude=(), limit: int | None = 50) -> list[matching.Match]:
    """Admitted enterprises ranked for ``investor``; ``exclude``: enterprise ids left out."""
    candidates = Enterprise.select().where(Enterprise.status == "admitted")
    if exclude:
        candidates = candidates.where(Enterprise.id.not_in(list(exclude)))
    criteria = investor_criteria(investor, industry_of=lambda e: e.industry, stage_of_candidate=stage_of,
                                 region_of=lambda e: e.region)
    return matching.rank(candidates, criteria, limit=limit)


def describe_enterprise(e) -> dict:
    return {"id": e.id, "name": e.name, "industry": e.industry, "region": e.region, "scale": e.scale,
            "stage": stage_of(e)}
