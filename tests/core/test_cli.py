"""The `rongtong` console script, run for real in a subprocess (issue 2 §8).

Exit status: 0 success, 1 failure, 2 bad usage or configuration; a user error is one line on stderr,
never a traceback. The sample plugin is "installed" for the subprocess the way a third-party plugin
is: a ``*.dist-info`` directory with an ``entry_points.txt`` on the Python path.

The helpers here (``rongtong``, ``install_plugin``, ``write_config``) are shared with the other CLI
tests of tests/core.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
RONGTONG = str(Path(sys.executable).parent / "rongtong")


def install_plugin(site: Path, name: str = "sample", module: str = "tests.fixtures.sampleplugin") -> None:
    """Make ``module`` visible as plugin ``name`` in the entry-point group ``rongtong.plugins``."""
    dist = site / f"rongtong_test_{name}-1.0.dist-info"
    dist.mkdir(parents=True, exist_ok=True)
    (dist / "METADATA").write_text(f"Metadata-Version: 2.1\nName: rongtong-test-{name}\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text(f"[rongtong.plugins]\n{name} = {module}\n")


def write_config(directory: Path, text: str, name: str = "rongtong.toml") -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def rongtong(*args, cwd: Path, env: dict | None = None, input: str | None = None, database_url: str | None = None):
    """Run the real console script in ``cwd`` with a clean RONGTONG_* environment.

    ``cwd/site`` (where :func:`install_plugin` puts plugins) and the repository are on the path.
    ``database_url`` becomes RONGTONG_DATABASE_URL (so the CLI tests also run on PostgreSQL).
    """
    full = {k: v for k, v in os.environ.items() if not k.startswith("RONGTONG_")}
    full["PYTHONPATH"] = os.pathsep.join([str(Path(cwd) / "site"), str(REPO)])
    if database_url:
        full["RONGTONG_DATABASE_URL"] = database_url
    full.update(env or {})
    return subprocess.run([RONGTONG, *map(str, args)], cwd=cwd, env=full, input=input,
                          capture_output=True, text=True, timeout=120)


def assert_user_error(result, code: int, *needles: str) -> str:
    """Exit ``code``, exactly one line on stderr containing every needle, no traceback."""
    assert result.returncode == code, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr + result.stdout
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
    return lines[0]


@pytest.fixture
def site(tmp_path):
    """A working directory with the sample plugin installed and enabled in ./rongtong.toml."""
    install_plugin(tmp_path / "site")
    write_config(tmp_path, '[site]\nsecret_key = "s3cret-value"\n\n[plugins]\nenabled = ["sample"]\n\n'
                           '[workflows.sample.steps.deliver]\ntime_limit_days = 4\nroles = ["staff"]\n')
    return tmp_path


def _open_db(url):
    """Point the models at the database the subprocess used."""
    from rongtong.core.db import bind_database

    return bind_database(url)


# --- init -----------------------------------------------------------------------------------------

def test_init_writes_config_upgrades_and_prints_admin_password_once(tmp_path, database_url):
    first = rongtong("init", cwd=tmp_path, database_url=database_url)
    assert first.returncode == 0, first.stderr
    assert "Traceback" not in first.stderr
    config = (tmp_path / "rongtong.toml").read_text()
    assert "secret_key" in config and "[plugins]" in config
    assert "applied core: 0001_initial" in first.stdout
    password_lines = [line for line in first.stdout.splitlines() if "password:" in line]
    assert len(password_lines) == 1
    password = password_lines[0].rsplit("password:", 1)[1].strip()
    assert len(password) >= 12

    db = _open_db(database_url)
    from rongtong.core.models import User

    admin = User.get(User.username == "admin")
    assert admin.roles == ["admin"]
    assert admin.check_password(password)
    assert not admin.check_password("admin")  # no default password
    db.close()

    second = rongtong("init", cwd=tmp_path, database_url=database_url)
    assert second.returncode == 0, second.stderr
    assert "password" not in second.stdout
    assert "none created" in second.stdout
    assert (tmp_path / "rongtong.toml").read_text() == config  # never overwritten
    _open_db(database_url)
    assert User.select().count() == 1
    db.close()


# --- plugins, workflows ---------------------------------------------------------------------------

def test_plugins_list_json(site, database_url):
    result = rongtong("plugins", "list", "--json", cwd=site, database_url=database_url)
    assert result.returncode == 0, result.stderr
    rows = {row["name"]: row for row in json.loads(result.stdout)}
    assert rows["core"]["enabled"] is True
    assert "core_auditevent" in rows["core"]["models"]
    sample = rows["sample"]
    assert sample["enabled"] is True and sample["version"] == "1.0"
    assert sample["models"] == ["sample_note"]
    assert sample["workflows"] == ["sample"]
    assert {"register_models", "register_workflows", "on_transition", "declare_config"} <= set(sample["hooks"])
    assert sample["migrations"]["pending"] == ["0001_initial"]  # nothing upgraded yet


def test_plugins_list_shows_installed_but_disabled(tmp_path, database_url):
    """Installed means available, not enabled (the allowlist decides)."""
    install_plugin(tmp_path / "site")
    result = rongtong("plugins", "list", "--json", cwd=tmp_path, database_url=database_url)
    assert result.returncode == 0, result.stderr
    rows = {row["name"]: row for row in json.loads(result.stdout)}
    assert rows["sample"]["enabled"] is False
    assert rows["sample"]["workflows"] == []


def test_workflow_show_json_has_steps_after_overrides(site, database_url):
    result = rongtong("workflow", "show", "sample", "--json", cwd=site, database_url=database_url)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["key"] == "sample" and data["version"] == 2
    steps = {s["key"]: s for s in data["steps"]}
    assert list(steps) == ["accept", "deliver", "evaluate"]
    assert steps["deliver"]["time_limit_days"] == 4  # from rongtong.toml
    assert steps["deliver"]["roles"] == ["staff"]
    assert steps["accept"]["time_limit_days"] == 2

    text = rongtong("workflow", "show", "sample", cwd=site, database_url=database_url)
    assert text.returncode == 0 and "deliver" in text.stdout and "4 working days" in text.stdout

    old = rongtong("workflow", "show", "sample", "--version", "1", "--json", cwd=site, database_url=database_url)
    assert [s["key"] for s in json.loads(old.stdout)["steps"]] == ["accept", "finish"]


def test_workflow_show_unknown_key_is_a_usage_error(site, database_url):
    result = rongtong("workflow", "show", "nope", cwd=site, database_url=database_url)
    assert_user_error(result, 2, "nope", "sample")


def test_workflow_list(site, database_url):
    result = rongtong("workflow", "list", "--json", cwd=site, database_url=database_url)
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert rows == [{"key": "sample", "version": 2, "title": "示例服务", "title_en": "Sample service",
                     "steps": 3, "total_days": 2 + 4 + 3, "plugin": "sample"}]


def test_plugin_command_is_added(site, database_url):
    result = rongtong("sample-hello", cwd=site, database_url=database_url)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "hello from sample"


# --- users ----------------------------------------------------------------------------------------

@pytest.fixture
def migrated_site(site, database_url):
    result = rongtong("db", "upgrade", cwd=site, database_url=database_url)
    assert result.returncode == 0, result.stderr
    return site


def test_user_create_reads_password_from_stdin(migrated_site, database_url):
    result = rongtong("user", "create", "alice", "--role", "staff", "--password-stdin",
                      cwd=migrated_site, database_url=database_url, input="a long password\n")
    assert result.returncode == 0, result.stderr
    assert "alice" in result.stdout
    db = _open_db(database_url)
    from rongtong.core.models import AuditEvent, User

    alice = User.get(User.username == "alice")
    assert alice.roles == ["staff"] and alice.check_password("a long password")
    event = AuditEvent.get((AuditEvent.object_type == "core_user") & (AuditEvent.object_id == str(alice.id)))
    assert event.action == "create" and "password" not in event.data
    db.close()


@pytest.mark.parametrize("args, needles", [
    (["--role", "boss"], ["--role", "boss"]),
    (["--role", "enterprise", "--enterprise", "99"], ["--enterprise", "99"]),
    (["--role", "enterprise"], ["--enterprise"]),
])
def test_user_create_bad_input_exits_2_with_one_line(migrated_site, database_url, args, needles):
    result = rongtong("user", "create", "bob", *args, "--password-stdin",
                      cwd=migrated_site, database_url=database_url, input="a long password\n")
    assert_user_error(result, 2, *needles)
    db = _open_db(database_url)
    from rongtong.core.models import User

    assert not User.select().where(User.username == "bob").exists()  # nothing half-written
    db.close()


def test_user_create_short_password_and_duplicate(migrated_site, database_url):
    short = rongtong("user", "create", "carol", "--role", "staff", "--password-stdin",
                     cwd=migrated_site, database_url=database_url, input="short\n")
    assert_user_error(short, 2, "--password")
    ok = rongtong("user", "create", "carol", "--role", "staff", "--password-stdin",
                  cwd=migrated_site, database_url=database_url, input="long enough pw\n")
    assert ok.returncode == 0
    again = rongtong("user", "create", "carol", "--role", "staff", "--password-stdin",
                     cwd=migrated_site, database_url=database_url, input="long enough pw\n")
    assert_user_error(again, 2, "carol", "already exists")


# --- exit codes -----------------------------------------------------------------------------------

def test_exit_codes_success_usage_failure(migrated_site, database_url):
    assert rongtong("audit", "verify", cwd=migrated_site, database_url=database_url).returncode == 0
    usage = rongtong("calendar", "due", "not-a-date", "3", cwd=migrated_site, database_url=database_url)
    assert_user_error(usage, 2, "START")
    missing = rongtong("user", "create", cwd=migrated_site, database_url=database_url)
    assert_user_error(missing, 2, "USERNAME")
    unknown = rongtong("frobnicate", cwd=migrated_site, database_url=database_url)
    assert_user_error(unknown, 2, "frobnicate")


def test_unreachable_database_is_one_line_exit_1(site):
    result = rongtong("db", "status", cwd=site,
                      database_url="postgresql://nobody@127.0.0.1:1/nowhere")
    assert_user_error(result, 1, "error:")


def test_help_lists_core_commands_and_plugin_commands_are_found(site):
    """`--help` stays fast (no plugin is imported to list it); plugin commands still run and
    `plugins list` names them."""
    result = rongtong("--help", cwd=site)
    assert result.returncode == 0
    for name in ("init", "db", "plugins", "workflow", "user", "config", "audit", "calendar"):
        assert name in result.stdout
    assert "plugins list" in result.stdout
    listed = rongtong("plugins", "list", "--json", cwd=site)
    sample = next(p for p in json.loads(listed.stdout) if p["name"] == "sample")
    assert sample["commands"] == ["sample-hello"]
    ran = rongtong("sample-hello", cwd=site)
    assert ran.returncode == 0 and "hello from sample" in ran.stdout


def test_help_with_broken_config_still_works(tmp_path):
    write_config(tmp_path, "this is = = not toml")
    result = rongtong("--help", cwd=tmp_path)
    assert result.returncode == 0 and "init" in result.stdout


def test_user_token_is_shown_once_and_stored_hashed(migrated_site, database_url):
    created = rongtong("user", "create", "api", "--role", "staff", "--password-stdin",
                       cwd=migrated_site, database_url=database_url, input="a long password\n")
    assert created.returncode == 0, created.stderr
    result = rongtong("user", "token", "api", "--name", "ci", cwd=migrated_site, database_url=database_url)
    assert result.returncode == 0, result.stderr
    token = result.stdout.strip()
    assert token.startswith("rt_") and len(token) > 30
    db = _open_db(database_url)
    from rongtong.core.models import ApiToken
    from rongtong.core.web.tokens import user_for_token

    row = ApiToken.get()
    assert (row.name, row.user.username) == ("ci", "api")
    assert token not in row.token_hash and row.prefix == token[:8]
    assert user_for_token(token).username == "api"
    db.close()


def test_user_token_for_an_unknown_user(migrated_site, database_url):
    result = rongtong("user", "token", "ghost", cwd=migrated_site, database_url=database_url)
    assert_user_error(result, 2, "ghost")
