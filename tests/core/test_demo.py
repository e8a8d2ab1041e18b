"""`rongtong demo`: a realistic demo platform on a fresh SQLite file (issue 3 §4).

The demo is what a newcomer sees first, so these tests check what they would notice: enterprises of
every scale and kind with valid credit codes (DB1302 6.1), some awaiting onboarding review
(DB1302 4.4.4), staff in departments (DB1302 5.1.2), requests in every step of every enabled
workflow, some overdue and some due soon, and demo logins that work.
"""
from __future__ import annotations

import datetime
import os
import subprocess
import sys
from pathlib import Path

import peewee
import pytest

from rongtong.core.creditcode import is_valid_credit_code
from rongtong.core.demo import DEMO_PASSWORDS
from rongtong.core.setup import BUILTIN_PLUGINS

RONGTONG = str(Path(sys.executable).with_name("rongtong"))
REPO = Path(__file__).resolve().parents[2]


def run(args, cwd, config_text):
    cfg = Path(cwd) / "rongtong.toml"
    cfg.write_text(config_text, encoding="utf-8")
    # This checkout's code first (not whichever one the console script was installed from).
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    return subprocess.run([RONGTONG, "--config", str(cfg), *args], cwd=cwd, capture_output=True, text=True,
                          timeout=600, env=env)


@pytest.fixture
def demo_db(tmp_path):
    plugins = ", ".join(f'"{p}"' for p in BUILTIN_PLUGINS)
    result = run(["demo", "--no-serve", "--database", "demo.db"], tmp_path, f"[plugins]\nenabled = [{plugins}]\n")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    db = peewee.SqliteDatabase(str(tmp_path / "demo.db"))
    yield db, result.stdout
    db.close()


def test_demo_has_enterprises_of_every_scale_and_kind_with_valid_codes(demo_db):
    db, _ = demo_db
    rows = db.execute_sql("SELECT credit_code, scale, kind, status FROM core_enterprise").fetchall()
    assert len(rows) >= 24
    assert all(is_valid_credit_code(code) for code, *_ in rows)
    assert {scale for _, scale, _, _ in rows} == {"large", "medium", "small", "micro"}
    assert {kind for _, _, kind, _ in rows} == {"entrepreneur", "sme", "lead", "supply_chain"}
    statuses = {status for *_, status in rows}
    assert "admitted" in statuses and "applied" in statuses  # some wait for review (DB1302 4.4.4)


def test_demo_has_requests_in_every_step_of_every_workflow(demo_db):
    from rongtong.core.config import load_config
    from rongtong.core.registry import PluginRegistry

    db, _ = demo_db
    registry = PluginRegistry(load_config(overrides={"plugins": {"enabled": list(BUILTIN_PLUGINS)},
                                                     "database": {"url": "sqlite:///:memory:"}}))
    seen = set(db.execute_sql("SELECT DISTINCT workflow_key, current_step FROM core_servicerequest "
                              "WHERE status = 'open'").fetchall())
    for service in registry.services.values():
        wf = registry.workflow(service.workflow)
        for step in wf.steps:
            assert (wf.key, step.key) in seen, f"no open demo request at {wf.key}/{step.key}"


def test_demo_has_overdue_and_due_soon_requests(demo_db):
    db, _ = demo_db
    now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    dues = [datetime.datetime.fromisoformat(str(d)) for (d,) in db.execute_sql(
        "SELECT step_due_at FROM core_servicerequest WHERE status = 'open' AND step_due_at IS NOT NULL").fetchall()]
    assert any(d < now for d in dues), "no overdue request in the demo"
    assert any(now <= d <= now + datetime.timedelta(days=7) for d in dues), "no request due within a week"


def test_demo_logins_work_and_are_printed(demo_db):
    from werkzeug.security import check_password_hash

    db, stdout = demo_db
    users = dict(db.execute_sql("SELECT username, password_hash FROM core_user").fetchall())
    for username, role in [("admin", "admin"), ("staff1", "staff"), ("head1", "staff"), ("expert", "expert"),
                           ("evaluator", "evaluator"), ("ent1", "enterprise")]:
        assert check_password_hash(users[username], DEMO_PASSWORDS[role]), username
    depts = db.execute_sql("SELECT COUNT(*) FROM core_department").fetchone()[0]
    assert depts >= 6  # DB1302 5.1.2
    # Every service is routed, so every request sits in a department's queue with a handler (issue 9 §4).
    unrouted, unassigned = db.execute_sql("SELECT SUM(department_id IS NULL), SUM(assignee_id IS NULL) "
                                          "FROM core_servicerequest").fetchone()
    assert (unrouted, unassigned) == (0, 0)


def test_demo_notifications_are_in_the_site_language(demo_db):
    """The newcomer's first inbox reads in Chinese (the site's language), amounts and dates included."""
    import re

    db, _ = demo_db
    rows = db.execute_sql("SELECT subject, body FROM core_notification").fetchall()
    assert rows
    chinese = re.compile(r"[\u4e00-\u9fff]")
    english = [(s, b) for s, b in rows if not chinese.search(s) or (b and not chinese.search(b))]
    assert not english, english[:5]


def test_demo_size_builds_n_enterprises_and_ten_times_requests(tmp_path):
    result = run(["demo", "--no-serve", "--size", "40", "--database", "big.db"], tmp_path,
                 '[plugins]\nenabled = ["information"]\n')
    assert result.returncode == 0, result.stderr
    db = peewee.SqliteDatabase(str(tmp_path / "big.db"))
    assert db.execute_sql("SELECT COUNT(*) FROM core_enterprise").fetchone()[0] == 40
    assert db.execute_sql("SELECT COUNT(*) FROM core_servicerequest").fetchone()[0] == 400
    db.close()
