"""``rongtong plugin new`` (issue 10 §4): the scaffolded package installs, its wheel holds its
migrations and catalogs, its own tests pass on Rongtong's pytest plugin, and its catalog checks."""
from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from rongtong.core.cli import main
from rongtong.core.testing.fixtures import PG_URL_VARIABLE

PYTHON = sys.executable
BIN = Path(sys.executable).parent
WHEEL_COMMAND = ("pip", "wheel", "--no-deps", "-w", "dist", ".")  # as docs/tutorial.md builds it


def scaffold(capsys, *args) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main(["plugin", "new", *map(str, args)])
    out, err = capsys.readouterr()
    return exited.value.code, out, err


@pytest.mark.parametrize("name, needle", [
    ("patent-guidance", "is not a lower-case Python identifier"),
    ("class", "is not a lower-case Python identifier"),
    ("Patents", "is not a lower-case Python identifier"),
    ("training", "is the name of a built-in plugin"),
])
def test_a_bad_name_is_one_line_exit_2(capsys, tmp_path, name, needle):
    code, out, err = scaffold(capsys, name, "--dir", tmp_path / "x")
    assert code == 2 and needle in err and err.count("\n") == 1 and "Traceback" not in err
    assert not (tmp_path / "x").exists()


def test_an_existing_directory_is_refused(capsys, tmp_path):
    (tmp_path / "patents").mkdir()
    code, _out, err = scaffold(capsys, "patents", "--dir", tmp_path / "patents")
    assert code == 2 and "already exists" in err and err.count("\n") == 1


def _env(site: Path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RONGTONG_") or k == PG_URL_VARIABLE}
    env["PYTHONPATH"] = str(site)
    env.update(extra)
    return env


@pytest.mark.slow
def test_the_scaffold_builds_installs_and_passes_its_own_tests(capsys, tmp_path):
    project = tmp_path / "patents"
    code, out, _err = scaffold(capsys, "patents", "--dir", project, "--title", "专利导航", "--title-en", "Patent guidance")
    assert code == 0 and "wrote" in out
    # The wheel (built as a user builds it) ships the migration, the compiled catalog and the entry point.
    built = subprocess.run([PYTHON, "-m", *WHEEL_COMMAND, "-q"], cwd=project, capture_output=True, text=True,
                           timeout=300)
    assert built.returncode == 0, built.stderr
    (wheel,) = (project / "dist").glob("rongtong_patents-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for wanted in ("patents/migrations/__init__.py", "patents/migrations/0001_initial.py",
                   "patents/translations/zh_Hans_CN/LC_MESSAGES/messages.mo", "patents/api.py"):
        assert wanted in names, (wanted, names)
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    assert "[rongtong.plugins]\npatents = patents" in zipfile.ZipFile(wheel).read(entry_points).decode()
    # Installed from the wheel (not from the source folder), the generated tests pass.
    site = tmp_path / "site"
    installed = subprocess.run([PYTHON, "-m", "pip", "install", "--no-deps", "-q", "--target", site, wheel],
                               capture_output=True, text=True, timeout=300)
    assert installed.returncode == 0, installed.stderr
    tested = subprocess.run([PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider", project / "tests"],
                            cwd=tmp_path, env=_env(site), capture_output=True, text=True, timeout=300)
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert "3 passed" in tested.stdout
    # The installed plugin's catalog is complete, checked through its entry point.
    checked = subprocess.run([BIN / "rongtong", "i18n", "check", "--plugin", "patents"], cwd=tmp_path,
                             env=_env(site), capture_output=True, text=True, timeout=120)
    assert checked.returncode == 0 and "catalogs complete: patents" in checked.stdout, checked.stdout + checked.stderr
    # The migration matches the model: after `db upgrade`, `db new` has nothing to write.
    (tmp_path / "rongtong.toml").write_text('[site]\nsecret_key = "s3cret"\n\n[plugins]\nenabled = ["patents"]\n')
    url = {"RONGTONG_DATABASE_URL": f"sqlite:///{tmp_path / 'scaffold.db'}"}
    upgraded = subprocess.run([BIN / "rongtong", "db", "upgrade"], cwd=tmp_path, env=_env(site, **url),
                              capture_output=True, text=True, timeout=120)
    assert upgraded.returncode == 0 and "applied patents: 0001_initial" in upgraded.stdout, upgraded.stderr
    diff = subprocess.run([BIN / "rongtong", "db", "new", "--plugin", "patents", "check"], cwd=tmp_path,
                          env=_env(site, **url), capture_output=True, text=True, timeout=120)
    assert "models and database agree" in diff.stdout, diff.stdout + diff.stderr
