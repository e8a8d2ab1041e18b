"""The compliance report: every clause of the standard with its evidence from live data in a
period, or as a gap (DB1302 all clauses; issue 12 "Evidence a supervisor can print").

:func:`build` asks every :class:`~core.contract.Evidence` (core, plugins, declared services) for
the period and groups the answers under the clause rows of ``clauses.toml``; evidence citing an id
no row covers (a declared register's ``4.3``) gets a row of its own after them, so nothing is lost.
:func:`table` flattens it for the CLI, CSV and XLSX (one line per figure, one per gap); the admin
page renders the same :class:`Report`.
"""
from __future__ import annotations

import dataclasses
import re
from typing import Any

from rongtong.core.contract import Figure
from rongtong.core.errors import PluginError
from rongtong.core.i18n import lazy_gettext as _l
from rongtong.core.toolkit.periods import Period
from rongtong.core.toolkit.tabular import write_rows

from .clauses import Clause, clauses, normalise, row_of
from .figures import text_of
from .sources import all_evidence

NO_EVIDENCE = _l("no evidence in the period")
NOT_LISTED = _l("(cited, not a clause of CLAUSES.md)")
HEADERS = (_l("Clause"), _l("Clause title"), _l("Status"), _l("Evidence of the clause"), _l("Figure"), _l("Value"), _l("Source"))
STATUS = {True: _l("gap"), False: _l("evidence")}


@dataclasses.dataclass
class Item:
    """One evidence's answer for the period."""

    owner: str
    cited: str  # the clause id the evidence cites
    title: str
    title_en: str
    figures: list[Figure]
    source: str

    def name(self, lang: str) -> str:
        return self.title_en if lang == "en" and self.title_en else self.title


@dataclasses.dataclass
class Row:
    """A clause of the standard (or a cited id no clause covers) and what was found for it."""

    clause: Clause
    items: list[Item]
    listed: bool = True  # False: an id evidence cites that CLAUSES.md does not list

    @property
    def gap(self) -> bool:
        return not any(item.figures for item in self.items)

    def title(self, lang: str) -> str:
        if not self.listed:
            return str(NOT_LISTED)
        return self.clause.title_en if lang == "en" else self.clause.title


@dataclasses.dataclass
class Report:
    period: Period
    rows: list[Row]

    @property
    def gaps(self) -> list[Row]:
        return [row for row in self.rows if row.gap]


def build(platform, period: Period) -> Report:
    """The report of ``period`` on ``platform``'s live data."""
    rows = {c.id: Row(c, []) for c in clauses()}
    extra: dict[str, Row] = {}
    answers: dict[int, tuple] = {}  # one collector cited for several clauses runs once
    seen: set[tuple] = set()
    for owner, evidence in all_evidence(platform.registry):
        cited = normalise(evidence.clause)
        clause = row_of(cited)
        row = rows[clause.id] if clause is not None else \
            extra.setdefault(cited, Row(Clause(cited, "", ""), [], listed=False))
        if (row.clause.id, owner, evidence.title, id(evidence.collect)) in seen:
            continue  # 6.4.6 a, b, c and d of one register: one item under 6.4.6 a-d
        seen.add((row.clause.id, owner, evidence.title, id(evidence.collect)))
        if id(evidence.collect) not in answers:
            answers[id(evidence.collect)] = _collect(owner, evidence, platform, period)
        figures, source = answers[id(evidence.collect)]
        row.items.append(Item(owner, cited, evidence.title, evidence.title_en, figures, source))
    return Report(period, list(rows.values()) + [extra[k] for k in sorted(extra, key=_natural)])


def _collect(owner: str, evidence, platform, period) -> tuple[list, str]:
    try:
        figures, source = evidence.collect(platform, period)
    except Exception as exc:  # a plugin's bug names the plugin and the clause
        raise PluginError(f"plugin {owner!r}: evidence for {evidence.clause} failed: {type(exc).__name__}: {exc}") from exc
    return list(figures or []), str(source or "")


def _natural(clause_id: str) -> list:
    return [int(p) if p.isdigit() else p for p in re.split(r"[.\s]", clause_id)]


def table(report: Report, lang: str) -> tuple[list[str], list[list[Any]]]:
    """``(headers, rows)``: a line per figure, a line per evidence without figures, and a line
    "no evidence in the period" for a clause nothing answered for."""
    out = []
    for row in report.rows:
        head = [row.clause.id, row.title(lang), str(STATUS[row.gap])]
        if not row.items:
            out.append(head + [str(NO_EVIDENCE), "", "", ""])
        for item in row.items:
            if not item.figures:
                out.append(head + [item.name(lang), str(NO_EVIDENCE), "", item.source])
            for zh, en, value in item.figures:
                out.append(head + [item.name(lang), en if lang == "en" else zh, text_of(value, lang), item.source])
    return [str(h) for h in HEADERS], out


def write(report: Report, fmt: str, stream, lang: str) -> None:
    """The report as ``table`` (text), ``csv`` (with the BOM Excel needs for Chinese) or ``xlsx``."""
    headers, rows = table(report, lang)
    write_rows(headers, rows, fmt, stream, bom=(fmt == "csv"), sheet_title=report.period.label)
