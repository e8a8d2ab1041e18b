"""Ranked matching with reasons: never an unexplained score.

Candidates (investors, banks, enterprises, service institutions...) are judged by named
:class:`Criterion` objects. Each criterion gives a :class:`Verdict`: the share of its weight the
candidate earns (0..1) **and** a human-readable reason. :func:`rank` adds the points up and returns
:class:`Match` objects best first; a match unpacks as ``(candidate, score, reasons)``.

Serves DB1302 4.4.3 (match both sides of investment and financing precisely), 6.4.4.1 a (screen
investment targets), 6.4.4.2 d (recommend to investors or banks) and 6.4.2 b (match service
institutions to a technical need).

Example::

    from rongtong.core.toolkit.matching import Criterion, overlap, within, rank

    criteria = [
        overlap("industry", 40, _l("Industry"), wanted=[need.industry], values_of=lambda inv: inv.industries),
        within("ticket", 30, _l("Ticket size"), value=need.amount, bounds_of=lambda inv: (inv.min, inv.max)),
    ]
    for investor, score, reasons in rank(Investor.select(), criteria):
        ...

A criterion marked ``required`` filters: a candidate earning nothing on it is left out. Ties are
broken by a stable key (the candidate's primary key, else its text), so the order never depends on
the order the candidates came in.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from typing import Any

from rongtong.core.i18n import gettext as _
from rongtong.core.vocabulary import format_number


@dataclasses.dataclass(frozen=True)
class Verdict:
    """What one criterion says about one candidate: ``fraction`` of the weight earned, and why."""

    fraction: float
    reason: str

    def __post_init__(self):
        if not 0.0 <= float(self.fraction) <= 1.0:
            raise ValueError(f"fraction must be within 0..1, got {self.fraction!r}")
        if not str(self.reason or "").strip():
            raise ValueError("a verdict needs a reason (never an unexplained score)")


@dataclasses.dataclass(frozen=True)
class Criterion:
    """A named way of judging candidates. ``judge(candidate)`` returns a :class:`Verdict`
    (or None when the criterion does not apply to that candidate: no points, no reason)."""

    key: str
    weight: float
    judge: Callable[[Any], Verdict | None]
    title: Any = ""
    required: bool = False

    def __post_init__(self):
        if self.weight <= 0:
            raise ValueError(f"criterion {self.key}: weight must be positive")


@dataclasses.dataclass(frozen=True)
class Reason:
    criterion: str
    title: str
    points: float
    max_points: float
    text: str

    def as_dict(self) -> dict:
        return {"criterion": self.criterion, "title": self.title, "points": self.points,
                "max_points": self.max_points, "text": self.text}


@dataclasses.dataclass(frozen=True)
class Match:
    candidate: Any
    score: float
    reasons: tuple[Reason, ...]

    def __iter__(self):  # unpack as (candidate, score, reasons)
        return iter((self.candidate, self.score, self.reasons))

    def as_dict(self, describe: Callable[[Any], Any] | None = None) -> dict:
        """JSON-ready; ``describe(candidate)`` turns the candidate into data (default: id + text)."""
        cand = describe(self.candidate) if describe else _describe(self.candidate)
        return {"candidate": cand, "score": self.score, "reasons": [r.as_dict() for r in self.reasons]}


def _describe(candidate) -> dict:
    pk = getattr(candidate, "get_id", None)
    return {"id": pk() if callable(pk) else None, "name": str(candidate)}


def _tie_key(candidate):
    pk = getattr(candidate, "get_id", None)
    value = pk() if callable(pk) else None
    return (0, value, "") if isinstance(value, int) else (1, 0, str(value if value is not None else candidate))


def evaluate(candidate, criteria: Iterable[Criterion]) -> Match | None:
    """Judge one candidate; None when it fails a required criterion."""
    reasons, total = [], 0.0
    for crit in criteria:
        verdict = crit.judge(candidate)
        if verdict is None:
            if crit.required:
                return None
            continue
        points = round(crit.weight * float(verdict.fraction), 2)
        if crit.required and points <= 0:
            return None
        reasons.append(Reason(crit.key, str(crit.title or crit.key), points, float(crit.weight), str(verdict.reason)))
        total += points
    return Match(candidate, round(total, 2), tuple(reasons))


def rank(candidates: Iterable, criteria: Iterable[Criterion], *, limit: int | None = None,
         min_score: float | None = None) -> list[Match]:
    """Judge every candidate by every criterion; best first. Candidates failing a required
    criterion, or scoring below ``min_score``, are left out."""
    criteria = list(criteria)
    if not criteria:
        raise ValueError("rank() needs at least one criterion")
    keys = [c.key for c in criteria]
    if len(set(keys)) != len(keys):
        raise ValueError("criterion keys must be unique")
    matches = []
    for cand in candidates:
        m = evaluate(cand, criteria)
        if m is None or (min_score is not None and m.score < min_score):
            continue
        matches.append(m)
    matches.sort(key=lambda m: (-m.score, _tie_key(m.candidate)))
    return matches[:limit] if limit is not None else matches


def max_score(criteria: Iterable[Criterion]) -> float:
    return float(sum(c.weight for c in criteria))


# --- Ready-made criteria ------------------------------------------------------------------------

def _as_set(values) -> set:
    if values is None:
        return set()
    if isinstance(values, str):
        values = [v for v in values.replace("，", ",").split(",")]
    return {str(v).strip() for v in values if v is not None and str(v).strip()}


def overlap(key: str, weight: float, title, *, wanted: Iterable, values_of: Callable[[Any], Iterable],
            required: bool = False, any_means_all: bool = True) -> Criterion:
    """Full points when the candidate's values share anything with ``wanted``.

    ``any_means_all``: a candidate that lists no values (no restriction) earns half the points,
    with a reason saying so. If ``wanted`` is empty the criterion does not apply.
    """
    wanted_set = _as_set(wanted)

    def judge(cand):
        if not wanted_set:
            return None
        offered = _as_set(values_of(cand))
        common = sorted(wanted_set & offered)
        if common:
            return Verdict(1.0, _("%(title)s matches: %(values)s", title=title, values="、".join(common)))
        if not offered and any_means_all:
            return Verdict(0.5, _("%(title)s: no restriction stated", title=title))
        return Verdict(0.0, _("%(title)s does not match (wanted %(wanted)s, offers %(offered)s)", title=title,
                              wanted="、".join(sorted(wanted_set)), offered="、".join(sorted(offered)) or "-"))

    return Criterion(key, weight, judge, title, required)


def within(key: str, weight: float, title, *, value, bounds_of: Callable[[Any], tuple],
           required: bool = False, unit: str = "") -> Criterion:
    """Full points when ``value`` lies within the candidate's ``(low, high)`` bounds (either may be
    None = open); otherwise points fall off with the distance (half way out: half the points).
    The reason prints the numbers as :func:`core.vocabulary.format_number` does, followed by
    ``unit`` (``"万元"``): "融资金额 500 万元 在 100 万元 ~ 1,000 万元 之内"."""

    def fmt(x):  # "5,000,000 万元", never "5e+06"
        return f"{format_number(x)} {unit}" if unit else format_number(x)

    def judge(cand):
        if value is None:
            return None
        low, high = bounds_of(cand)
        v = float(value)
        lo = float(low) if low is not None else None
        hi = float(high) if high is not None else None
        shown = f"{fmt(lo) if lo is not None else '-'} ~ {fmt(hi) if hi is not None else '-'}"
        if lo is None and hi is None:
            return Verdict(0.5, _("%(title)s: no range stated", title=title))
        if (lo is None or v >= lo) and (hi is None or v <= hi):
            return Verdict(1.0, _("%(title)s %(value)s is within %(range)s", title=title, value=fmt(v), range=shown))
        edge = lo if lo is not None and v < lo else hi
        distance = abs(v - edge) / max(abs(edge), 1e-9)
        fraction = max(0.0, round(1.0 - 2 * distance, 2)) if distance < 0.5 else 0.0
        return Verdict(fraction, _("%(title)s %(value)s is outside %(range)s", title=title, value=fmt(v), range=shown))

    return Criterion(key, weight, judge, title, required)


def flag(key: str, weight: float, title, *, test: Callable[[Any], bool], yes, no,
         required: bool = False) -> Criterion:
    """All or nothing: ``test(candidate)`` true earns full points with reason ``yes``, else ``no``."""

    def judge(cand):
        return Verdict(1.0, str(yes)) if test(cand) else Verdict(0.0, str(no))

    return Criterion(key, weight, judge, title, required)


def scaled(key: str, weight: float, title, *, measure: Callable[[Any], tuple[float, str]],
           required: bool = False) -> Criterion:
    """A graded criterion: ``measure(candidate)`` returns ``(fraction, reason)`` (e.g. current
    load: fewer running jobs, more points)."""

    def judge(cand):
        fraction, reason = measure(cand)
        return Verdict(max(0.0, min(1.0, float(fraction))), reason)

    return Criterion(key, weight, judge, title, required)
