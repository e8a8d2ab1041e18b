"""Migrations (issue 2 §7): one playhouse Runner per owner, never create tables at boot, and every
owner's migrated schema equals its models — on SQLite and PostgreSQL (RONGTONG_TEST_DATABASE_URL).
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from rongtong.core import migrations
from tests.core.test_cli import REPO, install_plugin, rongtong, write_config


def test_tables_are_never_created_at_boot(make_platform):
    platform = make_platform(migrate=False)
    assert platform.db.get_tables() == []
    assert migrations.pending(platform.registry)["sample"] == ["0001_initial"]
    assert platform.db.get_tables() == []  # asking for the status creates nothing either


def test_migrating_an_empty_database_yields_exactly_the_models(make_platform):
    platform = make_platform(migrate=False)
    applied = platform.upgrade()
    assert list(applied) == ["core", "sample"]  # core first
    assert applied["core"][0] == "0001_initial" and applied["sample"] == ["0001_initial"]
    for owner in ("core", "sample"):
        assert not migrations.schema_diff(platform.registry, owner), owner
    tables = set(platform.db.get_tables())
    assert {"core_migrations", "sample_migrations", "sample_note", "core_auditevent"} <= tables
    assert platform.upgrade() == {"core": [], "sample": []}
    assert all(row["applied"] for rows in migrations.status(platform.registry).values() for row in rows)


def test_plugins_migrate_after_what_they_require(make_platform, tmp_path, monkeypatch):
    from tests.core.test_hooks import make_plugin

    eps = make_plugin(tmp_path, monkeypatch, "aaa", "REQUIRES = ('sample',)\n")
    platform = make_platform(plugins=("aaa", "sample"), entry_points=eps, migrate=False)
    assert migrations.owners(platform.registry) == ["core", "sample", "aaa"]
    applied = platform.upgrade()
    assert list(applied) == ["core", "sample", "aaa"]
    assert applied["aaa"] == []  # a plugin without models needs no migrations folder


def test_core_migrations_are_all_applied_and_install_the_guards(make_platform):
    platform = make_platform(migrate=True)
    names = [p.stem for p in sorted(Path(migrations.CORE_MIGRATIONS).glob("0*.py"))]
    assert [row["name"] for row in migrations.status(platform.registry)["core"]] == names
    # The append-only guard is part of the schema the migration builds.
    if platform.db.__class__.__name__.startswith("Sqlite"):
        triggers = {r[0] for r in platform.db.execute_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
        assert {"core_auditevent_no_update", "core_auditevent_no_delete"} <= triggers
    else:
        triggers = {r[0] for r in platform.db.execute_sql("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")}
        assert "core_auditevent_append_only" in triggers


# --- the console script ----------------------------------------------------------------------------

@pytest.fixture
def copied_sample(tmp_path):
    """A private copy of the sample plugin (so `db new` can write into its migrations folder),
    installed as plugin ``sample`` and enabled in ./rongtong.toml."""
    site = tmp_path / "site"
    shutil.copytree(REPO / "tests" / "fixtures" / "sampleplugin", site / "rt_samplecopy",
                    ignore=shutil.ignore_patterns("__pycache__"))
    install_plugin(site, "sample", "rt_samplecopy")
    write_config(tmp_path, '[plugins]\nenabled = ["sample"]\n')
    return site / "rt_samplecopy"


def test_db_status_upgrade_and_new(tmp_path, database_url, copied_sample):
    def run(*args):
        result = rongtong(*args, cwd=tmp_path, database_url=database_url)
        assert result.returncode == 0, result.stderr
        return result.stdout

    status = run("db", "status")
    assert "core: 0001_initial: PENDING" in status and "sample: 0001_initial: PENDING" in status
    upgraded = run("db", "upgrade")
    assert "applied core: 0001_initial" in upgraded and "applied sample: 0001_initial" in upgraded
    assert "applied " in run("db", "status") and "PENDING" not in run("db", "status")
    assert run("db", "upgrade").strip() == "database is up to date"

    # Models equal to the database: nothing is written.
    before = sorted(p.name for p in (copied_sample / "migrations").iterdir())
    assert "nothing to write" in run("db", "new", "--plugin", "sample", "no change")
    assert sorted(p.name for p in (copied_sample / "migrations").iterdir()) == before

    # A model gains a field: `db new` writes a migration, `db upgrade` applies it, then all agree.
    models = copied_sample / "models.py"
    models.write_text(models.read_text().replace(
        '    text = peewee.TextField(default="")\n',
        '    text = peewee.TextField(default="")\n    title = peewee.CharField(max_length=100, default="")\n'))
    written = run("db", "new", "--plugin", "sample", "add title")
    new_files = sorted(set(p.name for p in (copied_sample / "migrations").glob("*.py")) - set(before))
    assert new_files == ["0002_add_title.py"] and "0002_add_title.py" in written
    body = (copied_sample / "migrations" / "0002_add_title.py").read_text()
    assert body.startswith('"""add title"""') and "title" in body
    assert "applied sample: 0002_add_title" in run("db", "upgrade")
    assert "nothing to write" in run("db", "new", "--plugin", "sample", "again")
    assert "nothing to write" in run("db", "new", "core check")


def test_db_new_for_an_unknown_owner_exits_2(tmp_path, database_url, copied_sample):
    from tests.core.test_cli import assert_user_error

    result = rongtong("db", "new", "--plugin", "nosuch", "x", cwd=tmp_path, database_url=database_url)
    assert_user_error(result, 2, "--plugin", "nosuch")
