"""Configuration (issue 2 §1): where the file comes from, environment overrides, validation.

A bad file stops start-up with exit status 2 and ONE line naming the file, the key and the problem —
never a traceback. Those cases run the real console script in a subprocess.
"""
from __future__ import annotations

import datetime
import json

import pytest

from rongtong.core.config import DEFAULT_FILE, load_config
from rongtong.core.errors import ConfigError
from tests.core.test_cli import assert_user_error, install_plugin, rongtong, write_config


@pytest.fixture
def clean_env(tmp_path, monkeypatch):
    for name in ("RONGTONG_CONFIG", "RONGTONG_DATABASE_URL", "RONGTONG_SECRET_KEY", "RONGTONG_MAIL_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


# --- in process -----------------------------------------------------------------------------------

def test_defaults_without_any_file(clean_env):
    config = load_config()
    assert config.source == str(DEFAULT_FILE)
    assert config.database_url == "sqlite:///rongtong.db"
    assert config.get("timezone") == "Asia/Shanghai"
    assert config.get("locale") == "zh_Hans_CN"
    assert config.enabled_plugins == []
    assert config.get("calendar.extra_holidays") == []
    assert config.get("database.busy_timeout_ms") == 10000


def test_a_file_only_needs_the_keys_it_changes(clean_env):
    write_config(clean_env, '[site]\nname = "My platform"\n[calendar]\nextra_holidays = ["2026-03-02", 2026-03-03]\n')
    config = load_config()
    assert config.source.endswith("rongtong.toml")
    assert config.get("site.name") == "My platform"
    assert config.get("site.https") is False  # still the default
    assert config.database_url == "sqlite:///rongtong.db"
    # Quoted and bare TOML dates both become dates.
    assert config.get("calendar.extra_holidays") == [datetime.date(2026, 3, 2), datetime.date(2026, 3, 3)]


def test_reverse_proxy_hops_are_a_documented_setting(clean_env):
    """Behind nginx the operator sets how many proxies to trust (login throttling and the audit
    trail then see the client's address, not the proxy's)."""
    assert load_config().get("server.trusted_proxies") == 0
    write_config(clean_env, "[server]\ntrusted_proxies = 1\n")
    assert load_config().get("server.trusted_proxies") == 1
    write_config(clean_env, '[server]\ntrusted_proxies = "yes"\n')
    with pytest.raises(ConfigError, match="server.trusted_proxies"):
        load_config()


def test_precedence_argument_then_env_then_local_file(clean_env, monkeypatch):
    write_config(clean_env, '[site]\nname = "local"\n')
    write_config(clean_env, '[site]\nname = "env"\n', "env.toml")
    write_config(clean_env, '[site]\nname = "arg"\n', "arg.toml")
    assert load_config().get("site.name") == "local"
    monkeypatch.setenv("RONGTONG_CONFIG", str(clean_env / "env.toml"))
    assert load_config().get("site.name") == "env"
    assert load_config(clean_env / "arg.toml").get("site.name") == "arg"


def test_environment_overrides_database_url_and_secret(clean_env, monkeypatch):
    write_config(clean_env, '[site]\nsecret_key = "from-file"\n[database]\nurl = "sqlite:///file.db"\n')
    monkeypatch.setenv("RONGTONG_DATABASE_URL", "postgresql://u:p@db.example/rt")
    monkeypatch.setenv("RONGTONG_SECRET_KEY", "from-env")
    config = load_config()
    assert config.database_url == "postgresql://u:p@db.example/rt"
    assert config.get("site.secret_key") == "from-env"


def test_bad_environment_database_url_names_the_variable(clean_env, monkeypatch):
    monkeypatch.setenv("RONGTONG_DATABASE_URL", "mysql://x/y")
    with pytest.raises(ConfigError) as err:
        load_config()
    assert err.value.message.startswith("RONGTONG_DATABASE_URL: database.url:")


def test_redacted_hides_every_secret(clean_env):
    write_config(clean_env, '[site]\nsecret_key = "s3cret"\n[mail]\npassword = "mailpw"\n'
                            '[database]\nurl = "postgresql://rt:dbpw@db.example:5432/rt"\n')
    shown = json.dumps(load_config().redacted())
    for secret in ("s3cret", "mailpw", "dbpw"):
        assert secret not in shown
    assert "postgresql://rt:***@db.example:5432/rt" in shown


# --- the console script ---------------------------------------------------------------------------

def test_cli_precedence_config_option_then_env_then_local(tmp_path):
    write_config(tmp_path, '[site]\nname = "local"\n')
    write_config(tmp_path, '[site]\nname = "env"\n', "env.toml")
    write_config(tmp_path, '[site]\nname = "arg"\n', "arg.toml")

    def shown(*args, env=None):
        result = rongtong(*args, "config", "show", cwd=tmp_path, env=env)
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)["site"]["name"]

    assert shown() == "local"
    assert shown(env={"RONGTONG_CONFIG": "env.toml"}) == "env"
    assert shown("--config", "arg.toml", env={"RONGTONG_CONFIG": "env.toml"}) == "arg"


def test_config_show_redacts_secrets(tmp_path):
    write_config(tmp_path, '[site]\nsecret_key = "file-secret"\n[mail]\npassword = "mail-secret"\n')
    result = rongtong("config", "show", cwd=tmp_path, env={"RONGTONG_SECRET_KEY": "env-secret"})
    assert result.returncode == 0, result.stderr
    for secret in ("file-secret", "mail-secret", "env-secret"):
        assert secret not in result.stdout
    data = json.loads(result.stdout)
    assert data["site"]["secret_key"] == "***" and data["mail"]["password"] == "***"
    assert data["source"].endswith("rongtong.toml")


def test_config_validate_ok(tmp_path):
    install_plugin(tmp_path / "site")
    write_config(tmp_path, '[plugins]\nenabled = ["sample"]\n[plugins.sample]\ngreeting = "你好"\n'
                           '[workflows.sample.steps.accept]\ntime_limit_days = 1\n')
    result = rongtong("config", "validate", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("rongtong.toml: ok")


SAMPLE = '[plugins]\nenabled = ["sample"]\n'

BAD_FILES = [
    # (id, file text, what the one line must name besides the file)
    ("toml-syntax", "[site\nname = 1\n", ["TOML syntax error"]),
    ("unknown-top-key", "colour = 'blue'\n", ["colour", "unknown key"]),
    ("unknown-nested-key", "[site]\nnmae = 'x'\n", ["site.nmae", "unknown key"]),
    ("wrong-type-int", "[database]\nbusy_timeout_ms = 'long'\n", ["database.busy_timeout_ms", "integer"]),
    ("wrong-type-bool", "[site]\nhttps = 'yes'\n", ["site.https", "boolean"]),
    ("wrong-type-date", "[calendar]\nextra_holidays = ['soon']\n", ["calendar.extra_holidays", "date"]),
    ("bad-timezone", "timezone = 'Mars/Olympus'\n", ["timezone", "Mars/Olympus"]),
    ("bad-db-url", "[database]\nurl = 'mysql://x/y'\n", ["database.url", "sqlite:///"]),
    ("enabled-not-a-list", "[plugins]\nenabled = 'sample'\n", ["plugins.enabled", "list"]),
    ("unknown-plugin", "[plugins]\nenabled = ['sample', 'nosuch']\n", ["plugins.enabled", "nosuch"]),
    ("options-of-disabled-plugin", "[plugins.sample]\ngreeting = 'x'\n", ["plugins.sample", "not enabled"]),
    ("plugin-option-wrong-type", SAMPLE + "[plugins.sample]\ngreeting = 5\n", ["plugins.sample.greeting", "string"]),
    ("plugin-option-unknown", SAMPLE + "[plugins.sample]\ngreting = 'x'\n", ["plugins.sample.greting", "unknown key"]),
    ("override-unknown-workflow", SAMPLE + "[workflows.nosuch.steps.a]\ntime_limit_days = 1\n",
     ["workflows.nosuch", "no such workflow"]),
    ("override-unknown-step", SAMPLE + "[workflows.sample.steps.nosuch]\ntime_limit_days = 1\n",
     ["workflows.sample.steps.nosuch", "no such step"]),
    ("override-unknown-role", SAMPLE + "[workflows.sample.steps.accept]\nroles = ['boss']\n",
     ["workflows.sample.steps.accept.roles", "boss"]),
    ("override-wrong-type", SAMPLE + "[workflows.sample.steps.accept]\ntime_limit_days = 'two'\n",
     ["workflows.sample.steps.accept.time_limit_days", "integer"]),
    ("override-unknown-key", SAMPLE + "[workflows.sample.steps.accept]\ndeadline = 3\n",
     ["workflows.sample.steps.accept.deadline", "unknown key"]),
]


@pytest.mark.parametrize("text, needles", [case[1:] for case in BAD_FILES], ids=[case[0] for case in BAD_FILES])
def test_bad_file_exits_2_with_one_line(tmp_path, text, needles):
    install_plugin(tmp_path / "site")
    write_config(tmp_path, text, "bad.toml")
    # `config validate` checks everything; `db status` is an ordinary start-up.
    for command in (("config", "validate"), ("db", "status")):
        result = rongtong("--config", "bad.toml", *command, cwd=tmp_path)
        line = assert_user_error(result, 2, "bad.toml", *needles)
        assert line.startswith("error: bad.toml: ")  # file, then key, then problem
    assert not (tmp_path / "rongtong.db").exists()  # refused before touching the database


def test_local_file_errors_name_the_local_file(tmp_path):
    write_config(tmp_path, "[site]\nhttps = 1\n")
    result = rongtong("config", "show", cwd=tmp_path)
    assert_user_error(result, 2, "rongtong.toml", "site.https")


def test_missing_config_file(tmp_path):
    result = rongtong("--config", "nowhere.toml", "config", "show", cwd=tmp_path)
    assert_user_error(result, 2, "nowhere.toml", "not found")
    result = rongtong("config", "show", cwd=tmp_path, env={"RONGTONG_CONFIG": "gone.toml"})
    assert_user_error(result, 2, "gone.toml", "not found")
