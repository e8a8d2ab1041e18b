"""The compliance report (issue 12 "Evidence a supervisor can print"): every clause id of DB1302
(docs/spec/CLAUSES.md, a copy of ../shared/spec/CLAUSES.md) with its evidence from live data in a period, or as a gap, from
``rongtong report compliance`` (text, CSV, XLSX) and the admin page ``/admin/core/compliance/``.

The demo (all built-in plugins, as ``rongtong demo`` builds it) is built once for the module.
"""
from __future__ import annotations

import csv
import datetime
import io
import random
import re
import uuid
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import pytest
from click.testing import CliRunner

from rongtong.core.compliance import build, table
from rongtong.core.compliance.clauses import Clause, clauses, ids_in_markdown, normalise, row_of
from rongtong.core.setup import BUILTIN_PLUGINS
from rongtong.core.toolkit.periods import period_of

REPO = Path(__file__).resolve().parents[2]
#: The standard's clauses as restated in the project's shared folder, and the repository's copy of
#: it (a clone, such as CI's, may have no shared folder beside it).
SHARED_CLAUSES_MD = REPO.parent / "shared" / "spec" / "CLAUSES.md"
CLAUSES_MD = REPO / "docs" / "spec" / "CLAUSES.md"


def clause_ids_of_the_standard() -> list[str]:
    return ids_in_markdown(CLAUSES_MD.read_text(encoding="utf-8"))


def this_quarter(platform):
    return period_of(platform.calendar.local_date(datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)),
                     "quarter")


# --- The clause list -----------------------------------------------------------------------------------------

def test_the_shipped_clause_list_equals_clauses_md():
    """core/compliance/clauses.toml holds exactly the ids of CLAUSES.md, in its order, each with a
    Chinese and an English title."""
    assert [c.id for c in clauses()] == clause_ids_of_the_standard()
    assert len(clause_ids_of_the_standard()) == 44  # 43 rows, "5.1.1, 5.2" is two
    if SHARED_CLAUSES_MD.exists():  # beside the project's shared folder: the copy is still the original
        assert CLAUSES_MD.read_text(encoding="utf-8") == SHARED_CLAUSES_MD.read_text(encoding="utf-8")
    assert all(re.search(r"[\u4e00-\u9fff]", c.title) and c.title_en for c in clauses())


def test_an_evidence_clause_id_finds_its_row():
    """6.4.6 b and 6.4.6 fall under the row 6.4.6 a-d; 6.4.1.2 d is its own row; an id the
    standard's list does not have (4.3) has no row and is listed apart."""
    assert row_of("6.4.6 b").id == "6.4.6 a-d" and row_of("6.4.6").id == "6.4.6 a-d"
    assert row_of("6.4.6b").id == "6.4.6 a-d" and normalise("6.4.6b") == "6.4.6 b"
    assert row_of("6.4.1.2 d").id == "6.4.1.2 d" and row_of("6.4.1.2") is None
    assert row_of("6.4.5 h") is None and row_of("4.3") is None
    assert not Clause("6.4.6 a-d", "", "").covers("6.4.60 a")


# --- The demo --------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """Every built-in plugin and the demo's data (core.demo, as ``rongtong demo`` builds it)."""
    from rongtong.core import audit
    from rongtong.core.config import load_config
    from rongtong.core.demo import backdate_some, fill_empty_steps, seed_context, seed_people, seed_requests
    from rongtong.core.platform import Platform
    from tests.conftest import PG_URL, _pg_admin_connect

    tmp = tmp_path_factory.mktemp("compliance")
    pg_name = None
    if PG_URL:
        pg_name = "rt_" + uuid.uuid4().hex[:16]
        admin_conn = _pg_admin_connect(PG_URL)
        with admin_conn.cursor() as cur:
            cur.execute(f'CREATE DATABASE "{pg_name}"')
        url = urlunparse(urlparse(PG_URL)._replace(path="/" + pg_name))
    else:
        url = f"sqlite:///{tmp / 'demo.db'}"
    config_text = (f'[database]\nurl = "{url}"\n[plugins]\nenabled = [{", ".join(repr(p) for p in BUILTIN_PLUGINS)}]\n'
                   f'[site]\nsecret_key = "compliance"\n[attachments]\ndirectory = "{tmp / "files"}"\n')
    (tmp / "rongtong.toml").write_text(config_text.replace("'", '"'), encoding="utf-8")
    config = load_config(overrides={"database": {"url": url}, "plugins": {"enabled": list(BUILTIN_PLUGINS)},
                                    "site": {"secret_key": "compliance"},
                                    "attachments": {"directory": str(tmp / "files")}})
    platform = Platform(config)
    platform.upgrade()
    rng = random.Random(20261204)
    ctx = seed_people(rng)
    with audit.acting_as(ctx["admin"]):
        context = seed_context(platform, ctx, rng)
        seed_requests(platform, ctx, rng)
        platform.registry.notify("seed_demo", context=context)
        fill_empty_steps(platform, ctx)
        backdate_some(platform, rng)
    from rongtong.core.web.app import create_app

    app = create_app(platform=platform)
    app.config["TESTING"] = True
    yield app, platform, tmp / "rongtong.toml"
    if platform.is_current:  # the last test of the module builds a platform of its own
        platform.db.close()
    if pg_name:
        with admin_conn.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')
        admin_conn.close()


def cli(config, *args):
    from rongtong.core import cli as cli_module

    return CliRunner().invoke(cli_module.cli, ["--config", str(config), *args], catch_exceptions=False)


def test_every_clause_of_the_standard_appears_with_evidence_or_as_a_gap(demo):
    """DB1302 all clauses: the demo's report lists every id of CLAUSES.md, in order; the core's
    and the declared services' and registers' evidence fill 4.4.4, 5.1.2, 5.3.2, 5.4.1, 6.3, 6.4.6,
    4.2 and 5.3.6."""
    app, platform, _config = demo
    with app.test_request_context():
        report = build(platform, this_quarter(platform))
    listed = [row.clause.id for row in report.rows if row.listed]
    assert listed == clause_ids_of_the_standard()
    found = {row.clause.id: row for row in report.rows}
    for clause in ("4.4.4", "5.1.2", "5.3.2", "5.4.1", "6.3", "6.4.6 a-d", "4.2", "5.3.6"):
        assert not found[clause].gap, f"{clause}: no evidence in the demo"
    # the governance registers of premises (4.3) and funds (5.3.4) cite ids CLAUSES.md lacks: rows of their own
    assert {"4.3", "5.3.4"} <= {row.clause.id for row in report.rows if not row.listed}
    assert report.gaps and all(row.gap == (not any(i.figures for i in row.items)) for row in report.rows)
    # DB1302 5.3.2: the audit chain is verified, 5.4.1: the on-time rate is given per service
    audit_figures = {zh: value for item in found["5.3.2"].items for zh, _en, value in item.figures}
    assert audit_figures["审计链校验"][0].startswith("完整")
    on_time = [zh for item in found["5.4.1"].items for zh, _en, _v in item.figures if zh.startswith("按时办结率：")]
    assert on_time, "no on-time rate per service"


def test_the_coded_plugins_evidence_is_in_the_report(demo):
    """DB1302 6.4.1.2 d, 7.1, 7.2, 5.4.2, 6.4.3: the plugins' evidence modules answer (through the
    hook once their __init__ implements it, through ``<plugin>.evidence`` until then)."""
    app, platform, _config = demo
    with app.test_request_context():
        report = build(platform, this_quarter(platform))
    owners = {row.clause.id: {item.owner for item in row.items} for row in report.rows}
    assert "information" in owners["6.4.1.2 d"] and "evaluation" in owners["7.1"]
    assert "evaluation" in owners["7.2"] and "evaluation" in owners["5.4.2"] and "training" in owners["6.4.3 a-f"]
    consultations = next(row for row in report.rows if row.clause.id == "6.4.1.2 a")
    assert not consultations.gap  # the demo's consultations were accepted this quarter


def test_a_period_without_data_lists_every_clause_as_a_gap_but_the_audit_chain(demo):
    """A quarter long before the demo: nothing to show, every clause a gap, none left out."""
    app, platform, _config = demo
    from rongtong.core.toolkit.periods import parse_period

    with app.test_request_context("/?lang=en"):
        report = build(platform, parse_period("2001-Q1"))
        headers, rows = table(report, "en")
    assert {row.clause.id for row in report.gaps} >= set(clause_ids_of_the_standard()) - {"5.3.2", "5.1.1", "5.2", "6.1"}
    gap_lines = [r for r in rows if r[0] == "3.1"]
    assert gap_lines == [["3.1", "Integrated-development platform", "gap", "no evidence in the period", "", "", ""]]


def test_cli_text_csv_and_xlsx_carry_the_same_rows(demo, tmp_path):
    from openpyxl import load_workbook

    _app, platform, config = demo
    period = this_quarter(platform).label
    text = cli(config, "report", "compliance", "--period", period)
    assert text.exit_code == 0, text.output
    assert "5.4.1" in text.output and "无证据" in text.output  # Chinese by default
    out_csv, out_xlsx = tmp_path / "c.csv", tmp_path / "c.xlsx"
    assert cli(config, "report", "compliance", "--period", period, "--format", "csv", "--output", str(out_csv)).exit_code == 0
    assert cli(config, "report", "compliance", "--period", period, "--format", "xlsx", "-o", str(out_xlsx)).exit_code == 0
    csv_rows = [[same(v) for v in row] for row in csv.reader(io.StringIO(out_csv.read_text(encoding="utf-8-sig")))]
    sheet = load_workbook(out_xlsx, read_only=True).active
    xlsx_rows = [[same(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    assert csv_rows == xlsx_rows and len(csv_rows) > 44
    assert csv_rows[0][0] == "条款"
    ids = {row[0] for row in csv_rows[1:]}
    assert set(clause_ids_of_the_standard()) <= ids


def same(value) -> str:
    """A cell as text, numbers compared as numbers (XLSX stores 20.0 as 20)."""
    if value is None:
        return ""
    try:
        return format(float(value), "g")
    except ValueError:
        return str(value)


@pytest.mark.parametrize("bad", ["2026-Q5", "Q4", "2026-13"])
def test_a_bad_period_exits_2_naming_the_option(demo, bad):
    result = cli(demo[2], "report", "compliance", "--period", bad)
    assert result.exit_code == 2
    assert "--period" in result.output


def test_the_evaluation_plugins_report_group_stays_reachable(demo):
    """``rongtong report`` is the core's group now; the evaluation plugin's ``report supervision``
    is still found under it."""
    result = cli(demo[2], "report", "supervision", "--period", this_quarter(demo[1]).label, "--format", "csv")
    assert result.exit_code == 0, result.output
    assert "--period" in cli(demo[2], "report", "supervision", "--period", "x").output


# --- The admin page ------------------------------------------------------------------------------------------

def login(client, username, password):
    page = client.get("/login?lang=zh_Hans_CN").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    assert client.post("/login", data={"username": username, "password": password, "csrf_token": token}).status_code in (302, 303)


def test_the_admin_page_lists_every_clause_in_chinese_and_downloads_it(demo):
    from openpyxl import load_workbook

    from rongtong.core.demo import DEMO_PASSWORDS

    app, platform, _config = demo
    client = app.test_client()
    login(client, "staff1", DEMO_PASSWORDS["staff"])
    page = client.get("/admin/core/compliance/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    shown = re.findall(r'<tr data-clause="([^"]+)"', html)
    assert set(clause_ids_of_the_standard()) <= set(shown)
    assert "合规证据" in html and "无证据" in html and "按时办结率" in html
    assert "no evidence" not in html and "Clause" not in html
    period = this_quarter(platform).label
    xlsx = client.get(f"/admin/core/compliance/?period={period}&format=xlsx")
    assert xlsx.status_code == 200 and xlsx.mimetype.endswith("spreadsheetml.sheet")
    rows = list(load_workbook(io.BytesIO(xlsx.data), read_only=True).active.iter_rows(values_only=True))
    assert {r[0] for r in rows[1:]} >= set(clause_ids_of_the_standard())


def test_the_admin_page_refuses_a_bad_period_or_format_with_422(demo):
    from rongtong.core.demo import DEMO_PASSWORDS

    client = demo[0].test_client()
    login(client, "staff1", DEMO_PASSWORDS["staff"])
    bad = client.get("/admin/core/compliance/?period=2026-Q7")
    assert bad.status_code == 422 and 'data-error-for="period"' in bad.get_data(as_text=True)
    bad = client.get("/admin/core/compliance/?period=2026-Q4&format=pdf")
    assert bad.status_code == 422 and 'data-error-for="format"' in bad.get_data(as_text=True)


def test_enterprise_users_may_not_open_the_page(demo):
    from rongtong.core.demo import DEMO_PASSWORDS

    client = demo[0].test_client()
    login(client, "ent1", DEMO_PASSWORDS["enterprise"])
    assert client.get("/admin/core/compliance/").status_code == 403


# --- The hook -----------------------------------------------------------------------------------------------

def test_a_plugins_register_evidence_is_shown_under_its_clause(platform):
    """The sample plugin's ``register_evidence`` (clause 6.2.6): a gap without notes, its figure
    with one; an evidence citing no clause id of the standard is refused at once."""
    from rongtong.core.plugin import Evidence
    from tests.fixtures.sampleplugin.models import SampleNote

    period = this_quarter(platform)
    row = next(r for r in build(platform, period).rows if r.clause.id == "6.2.6")
    assert [i.owner for i in row.items] == ["sample"] and row.gap
    SampleNote.create(text="x")
    row = next(r for r in build(platform, period).rows if r.clause.id == "6.2.6")
    assert row.items[0].figures == [("示例备注", "Sample notes", 1)] and not row.gap
    with pytest.raises(ValueError, match="clause id"):
        Evidence("six", "x", "x", lambda platform, period: ([], ""))
