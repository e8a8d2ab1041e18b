"""Matching a technical need to contracted institutions (DB1302 6.4.2 b), with the reason for
every point: capability for the kind of service, contract validity, current load (open requests
assigned). An institution lacking the capability or outside its contract is not eligible; it is
listed apart with the reasons, so staff see why it is missing."""
from __future__ import annotations

import datetime

import peewee

from rongtong.core.plugin import ServiceRequest, Transition, gettext as _, matching

from .models import KINDS, Assignment, Institution
from .schemas import InstitutionBriefSchema

SOON_DAYS = 30  # a contract ending within this many days earns only part of its points
OPEN_STATUSES = ("open", "paused")


def kind_label(kind: str) -> str:
    return str(dict(KINDS).get(kind, kind))


def open_loads() -> dict[int, int]:
    """Open (running or paused) requests assigned to each institution."""
    rows = (Assignment.select(Assignment.institution, peewee.fn.COUNT(Assignment.id))
            .join(ServiceRequest, on=(Assignment.request == ServiceRequest.id))
            .where(ServiceRequest.status.in_(OPEN_STATUSES))
            .group_by(Assignment.institution).tuples())
    return {inst: n for inst, n in rows}


def criteria(kind: str, today: datetime.date, loads: dict[int, int]) -> list[matching.Criterion]:
    def contract(inst):
        if inst.contract_start > today:
            return 0.0, _("Contract starts only on %(d)s", d=inst.contract_start.isoformat())
        if inst.contract_end < today:
            return 0.0, _("Contract ended on %(d)s", d=inst.contract_end.isoformat())
        left = (inst.contract_end - today).days
        if left < SOON_DAYS:
            return 0.5, _("Contract valid, but ends soon (%(d)s)", d=inst.contract_end.isoformat())
        return 1.0, _("Contract valid until %(d)s", d=inst.contract_end.isoformat())

    def load(inst):
        n = loads.get(inst.id, 0)
        return 1.0 / (1 + n), _("%(n)s open request(s) assigned", n=n)

    return [
        matching.flag("capability", 50, _("Capability"), test=lambda inst: kind in (inst.capabilities or []),
             yes=_("Offers %(kind)s", kind=kind_label(kind)), no=_("Does not offer %(kind)s", kind=kind_label(kind))),
        matching.scaled("contract", 30, _("Contract"), measure=contract),
        matching.scaled("load", 20, _("Current load"), measure=load),
    ]


def _eligible(match) -> bool:
    points = {r.criterion: r.points for r in match.reasons}
    return points.get("capability", 0) > 0 and points.get("contract", 0) > 0


def rank_institutions(kind: str, today: datetime.date) -> tuple[list, list]:
    """``(eligible, excluded)``: lists of :class:`core.toolkit.matching.Match`, best first."""
    matches = matching.rank(Institution.select().where(Institution.active == True), criteria(kind, today, open_loads()))  # noqa: E712
    return [m for m in matches if _eligible(m)], [m for m in matches if not _eligible(m)]


def eligibility_problem(institution: Institution | None, kind: str, today: datetime.date) -> str | None:
    """Why ``institution`` may not be chosen for ``kind`` today, or None when it may."""
    if institution is None or not institution.active:
        return _("No such active service institution.")
    if kind not in (institution.capabilities or []):
        return _("%(name)s does not offer %(kind)s.", name=institution.name, kind=kind_label(kind))
    if not institution.contract_valid_on(today):
        return _("The contract of %(name)s is not valid on %(d)s (%(a)s ~ %(b)s).", name=institution.name,
                 d=today.isoformat(), a=institution.contract_start.isoformat(), b=institution.contract_end.isoformat())
    return None


def kind_of(request: ServiceRequest) -> str:
    """The kind of service of a request: as confirmed at acceptance, else as applied for."""
    accepted = (Transition.select().where((Transition.request == request.id) & (Transition.from_step == "accept")
                                         & (Transition.outcome == "advance"))
                .order_by(Transition.id.desc()).first())
    if accepted is not None and (accepted.data or {}).get("kind"):
        return accepted.data["kind"]
    return (request.data or {}).get("kind") or ""


def describe(inst: Institution) -> dict:
    """The institution as a match names it (kept in the assignment's candidates)."""
    return InstitutionBriefSchema().dump(inst)


def candidates_report(request: ServiceRequest, today: datetime.date) -> dict:
    kind = kind_of(request)
    eligible, excluded = rank_institutions(kind, today)
    return {"request": request.id, "kind": kind, "date": today.isoformat(),
            "candidates": [m.as_dict(describe) for m in eligible],
            "excluded": [m.as_dict(describe) for m in excluded]}
