"""core.toolkit.tabular: exports that a spreadsheet opens without running formulas (DB1302 5.3.2:
platform data kept safe; OWASP CSV injection)."""
import csv
import datetime
import io

import pytest
from openpyxl import load_workbook

from rongtong.core.toolkit.tabular import neutralise_cell, write_rows

DANGEROUS = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tTAB", "\rCR", "=HYPERLINK(\"http://x\")"]


@pytest.mark.parametrize("value", DANGEROUS)
def test_formula_cells_get_a_quote(value):
    assert neutralise_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["plain", "甲公司", "", "1=1", "a-b", 5, -5, 1.5, None,
                                   datetime.date(2026, 1, 2)])
def test_other_values_are_untouched(value):
    assert neutralise_cell(value) == value


def test_csv_neutralises_and_keeps_text():
    out = io.StringIO()
    write_rows(["name", "note"], [["甲公司", "=cmd|' /C calc'!A0"], ["乙", None]], "csv", out)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows == [["name", "note"], ["甲公司", "'=cmd|' /C calc'!A0"], ["乙", ""]]


def test_csv_to_binary_stream_with_bom_for_excel():
    out = io.BytesIO()
    write_rows(["名称"], [["-1"]], "csv", out, bom=True)
    data = out.getvalue()
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig").splitlines() == ["名称", "'-1"]


def test_xlsx_cells_are_text_not_formulas_and_numbers_stay_numbers():
    out = io.BytesIO()
    write_rows(["a", "b", "c"], [["=1+1", 42, datetime.date(2026, 3, 1)], ["@x", -3, None]], "xlsx", out)
    sheet = load_workbook(io.BytesIO(out.getvalue())).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0] == ["a", "b", "c"]
    assert values[1][0] == "'=1+1" and values[1][1] == 42
    assert values[1][2].date() == datetime.date(2026, 3, 1)
    assert values[2][:2] == ["'@x", -3]
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


def test_table_aligns_columns_including_chinese():
    out = io.StringIO()
    write_rows(["name", "n"], [["甲公司", 1], ["b", 22]], "table", out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("name    n")  # 甲公司 is six columns wide
    assert lines[2] == "甲公司  1"
    assert lines[3] == "b       22"


def test_unknown_format_is_refused():
    with pytest.raises(ValueError, match="unknown format 'pdf'"):
        write_rows(["a"], [], "pdf", io.StringIO())
