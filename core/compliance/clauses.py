"""The clause ids of DB1302/T (``clauses.toml``, a copy of the ids of ../shared/spec/CLAUSES.md)
and which report row an evidence's clause id belongs to."""
from __future__ import annotations

import dataclasses
import functools
import re
import tomllib
from pathlib import Path

CLAUSES_FILE = Path(__file__).with_name("clauses.toml")
_ROW = re.compile(r"^\|\s*(\d[^|]*?)\s*\|")
_RANGE = re.compile(r"^(?P<number>\d+(?:\.\d+)*)(?: (?P<first>[a-z])(?:-(?P<last>[a-z]))?)?$")


@dataclasses.dataclass(frozen=True)
class Clause:
    id: str
    title: str
    title_en: str

    def covers(self, clause: str) -> bool:
        """Whether evidence cited as ``clause`` belongs to this row: the same id; or, for a row
        of letters (``6.4.3 a-f``, ``6.4.1.2 d``), the bare number (``6.4.3``) of a range or an
        id whose letter lies in the range (``6.4.3 b``)."""
        clause = normalise(clause)
        if clause == self.id:
            return True
        row, cited = _RANGE.match(self.id), _RANGE.match(clause)
        if not row or not cited or row["number"] != cited["number"] or not row["last"]:
            return False
        return cited["first"] is None or row["first"] <= cited["first"] <= row["last"]


def normalise(clause: str) -> str:
    """``6.4.6a`` and ``6.4.6  a`` read as ``6.4.6 a``."""
    text = " ".join(str(clause).split())
    return re.sub(r"^(\d+(?:\.\d+)*)([a-z])", r"\1 \2", text)


@functools.cache
def clauses() -> tuple[Clause, ...]:
    """Every clause of the standard, in the order of CLAUSES.md."""
    with open(CLAUSES_FILE, "rb") as handle:
        data = tomllib.load(handle)
    return tuple(Clause(c["id"], c["title"], c["title_en"]) for c in data["clause"])


def ids_in_markdown(text: str) -> list[str]:
    """The clause ids of CLAUSES.md's table, in order (a row "5.1.1, 5.2" holds two)."""
    ids = []
    for line in text.splitlines():
        match = _ROW.match(line)
        if match:
            ids += [normalise(part) for part in match.group(1).split(",") if part.strip()]
    return ids


def row_of(clause: str) -> Clause | None:
    """The report row evidence cited as ``clause`` is shown under; None when no row covers it."""
    return next((c for c in clauses() if c.covers(clause)), None)
