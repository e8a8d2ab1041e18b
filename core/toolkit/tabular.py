"""Tables out: plain text for terminals, CSV and XLSX for spreadsheets.

Every export of the platform (admin exports, plugin reports, CLI ``--format``) goes through
:func:`write_rows`, so spreadsheet-formula injection is handled in one place: a text cell that
starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would be run as a formula by
Excel or LibreOffice, so it is written with a leading single quote (OWASP "CSV injection").
"""
from __future__ import annotations

import csv
import datetime
import decimal
import io
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

FORMATS = ("table", "csv", "xlsx")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
MIMETYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "table": "text/plain; charset=utf-8",
}


def neutralise_cell(value: Any) -> Any:
    """A cell value safe to open in a spreadsheet: text starting with = + - @ tab or CR gets a
    leading single quote; every other value (numbers, dates, None, other text) is returned as is."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat(sep=" ") if isinstance(value, datetime.datetime) else value.isoformat()
    return str(value)


def _cell(value: Any) -> Any:
    """A value openpyxl can store: numbers and dates stay typed, the rest becomes text."""
    if value is None or isinstance(value, (bool, int, float, decimal.Decimal, datetime.datetime, datetime.date)):
        return value
    return str(value)


def write_rows(headers: Sequence[Any], rows: Iterable[Sequence[Any]], fmt: str, stream, *, bom: bool = False,
               sheet_title: str = "data") -> None:
    """Write ``headers`` then ``rows`` to ``stream`` as ``fmt`` (``table``, ``csv`` or ``xlsx``).

    ``table`` and ``csv`` accept a text or a binary stream (binary gets UTF-8; ``bom=True`` adds the
    byte-order mark Excel needs to read Chinese CSV). ``xlsx`` needs a binary stream. CSV and XLSX
    cells are neutralised with :func:`neutralise_cell`.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r} (use one of: {', '.join(FORMATS)})")
    headers = [str(h) for h in headers]
    if fmt == "xlsx":
        _write_xlsx(headers, rows, stream, sheet_title)
        return
    binary = not isinstance(stream, io.TextIOBase) and "b" in getattr(stream, "mode", "b")
    out = io.TextIOWrapper(stream, encoding="utf-8-sig" if bom else "utf-8", newline="", write_through=True) if binary else stream
    try:
        if fmt == "csv":
            if bom and not binary:
                out.write("\ufeff")
            writer = csv.writer(out)
            writer.writerow([neutralise_cell(h) for h in headers])
            for row in rows:
                writer.writerow([neutralise_cell(_text(v)) for v in row])
        else:
            _write_table(headers, rows, out)
        out.flush()
    finally:
        if binary:
            out.detach()


def _width(text: str) -> int:
    """Display width: CJK characters take two terminal columns."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _write_table(headers, rows, out) -> None:
    body = [[_text(v).replace("\n", " ") for v in row] for row in rows]
    widths = [_width(h) for h in headers]
    for row in body:
        for i, value in enumerate(row):
            if i < len(widths):
                widths[i] = max(widths[i], _width(value))
            else:
                widths.append(_width(value))

    def line(cells):
        return "  ".join(c + " " * (widths[i] - _width(c)) for i, c in enumerate(cells)).rstrip() + "\n"

    out.write(line(headers))
    out.write(line(["-" * w for w in widths[: len(headers)]]))
    for row in body:
        out.write(line(row))


def _write_xlsx(headers, rows, stream, sheet_title) -> None:
    from openpyxl import Workbook  # lazy: heavy, and only an XLSX export needs it

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(sheet_title)[:31] or "data")
    sheet.append([neutralise_cell(h) for h in headers])
    for row in rows:
        sheet.append([neutralise_cell(_cell(v)) for v in row])
    workbook.save(stream)
