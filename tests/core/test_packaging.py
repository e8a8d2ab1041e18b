"""The project installs under its own name (issue 10 §2): nothing generic in site-packages, and a
site directory holding folders named ``core``, ``plugins`` or ``config`` cannot shadow ours."""
from __future__ import annotations

import importlib.metadata
import os
import subprocess
import sys


def test_the_distribution_installs_one_top_level_package_named_rongtong():
    dist = importlib.metadata.distribution("rongtong")
    assert dist.read_text("top_level.txt").split() == ["rongtong"]
    assert all(ep.value.startswith("rongtong.") for ep in dist.entry_points), \
        [ep.value for ep in dist.entry_points if not ep.value.startswith("rongtong.")]


def test_folders_named_like_ours_in_the_working_directory_do_not_shadow_the_platform(tmp_path):
    for name in ("core", "plugins", "config", "migrations"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "__init__.py").write_text("raise ImportError('the wrong package was imported')\n")
    (tmp_path / "cli.py").write_text("raise ImportError('the wrong cli was imported')\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("RONGTONG_") and k != "PYTHONPATH"}
    code = ("from rongtong.core.serving import wsgi_app; import rongtong.plugins.information, rongtong.config;"
            "from rongtong.core.cli import main; print('ours')")
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ours"
