"""``rongtong run --reload`` and the global ``--traceback`` (issue 10 §4)."""
from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from tests.core.test_cli import RONGTONG, REPO, assert_user_error, install_plugin, rongtong, write_config

BOOM = "import peewee\n\n\ndef helper():\n    return 1 / 0\n\n\nhelper()\n"


@pytest.fixture
def broken_site(tmp_path):
    """A plugin that fails on import, installed and enabled."""
    install_plugin(tmp_path / "site", "boom", "boomplugin")
    (tmp_path / "site" / "boomplugin.py").write_text(BOOM)
    write_config(tmp_path, '[site]\nsecret_key = "s3cret-value"\n\n[plugins]\nenabled = ["boom"]\n')
    return tmp_path


def test_a_start_up_error_is_one_line(broken_site, database_url):
    result = rongtong("plugins", "list", cwd=broken_site, database_url=database_url)
    assert_user_error(result, 2, "plugin 'boom' failed to load: ZeroDivisionError")


def test_traceback_shows_the_cause_then_the_line(broken_site, database_url):
    result = rongtong("--traceback", "plugins", "list", cwd=broken_site, database_url=database_url)
    assert result.returncode == 2
    assert "Traceback (most recent call last)" in result.stderr
    assert 'boomplugin.py", line 5, in helper' in result.stderr  # the plugin's own line
    assert result.stderr.rstrip().splitlines()[-1].startswith("error: plugin 'boom' failed to load")


def test_reload_watches_the_config_and_every_plugin_template_and_catalog(make_platform, tmp_path):
    from rongtong.core.cli import watched_files

    config = write_config(tmp_path, "[site]\n")
    platform = make_platform(plugins=("information",), migrate=False)
    files = watched_files(platform, str(config))
    assert str(config.resolve()) in files
    information = Path(platform.registry.plugins["information"].path).parent
    assert any(f.startswith(str(information / "templates")) and f.endswith(".html") for f in files)
    assert str(information / "translations" / "zh_Hans_CN" / "LC_MESSAGES" / "messages.mo") in files
    core = Path(platform.registry.plugins["core"].path).parent
    assert any(f.startswith(str(core / "templates")) for f in files)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(predicate, what, limit=60):
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"gave up waiting for {what}")


@pytest.mark.slow
def test_run_reload_restarts_when_the_configuration_changes(tmp_path, database_url):
    install_plugin(tmp_path / "site")
    config = write_config(tmp_path, '[site]\nsecret_key = "s3cret-value"\n\n[plugins]\nenabled = ["sample"]\n')
    env = {k: v for k, v in os.environ.items() if not k.startswith("RONGTONG_")}
    env.update(PYTHONPATH=os.pathsep.join([str(tmp_path / "site"), str(REPO)]), RONGTONG_DATABASE_URL=database_url)
    assert subprocess.run([RONGTONG, "db", "upgrade"], cwd=tmp_path, env=env, capture_output=True).returncode == 0
    port = _free_port()
    log = tmp_path / "run.log"
    with log.open("w") as out:
        server = subprocess.Popen([RONGTONG, "run", "--reload", "--port", str(port)], cwd=tmp_path, env=env,
                                  stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        def answers():
            try:
                return urllib.request.urlopen(f"http://127.0.0.1:{port}/login").status == 200
            except OSError:
                return False

        _wait_for(answers, "the server")
        config.write_text(config.read_text() + "\n# edited\n")
        _wait_for(lambda: f"Detected change in '{config.resolve()}'" in log.read_text(), "the reload")
        _wait_for(answers, "the restarted server")
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)
