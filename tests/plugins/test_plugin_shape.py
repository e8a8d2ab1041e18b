"""Every built-in plugin folder has the same shape (docs/architecture.md), so the next engineer
finds things in the same place in each one."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from rongtong.core.setup import BUILTIN_PLUGINS

PLUGINS = Path(__file__).resolve().parents[2] / "plugins"
REQUIRED = ["__init__.py", "models.py", "schemas.py", "workflows.py", "admin.py", "api.py", "demo.py",
            "migrations/0001_initial.py", "translations/zh_Hans_CN/LC_MESSAGES/messages.po",
            "translations/zh_Hans_CN/LC_MESSAGES/messages.mo"]


@pytest.mark.parametrize("name", BUILTIN_PLUGINS)
def test_plugin_folder_has_the_common_shape(name):
    missing = [f for f in REQUIRED if not (PLUGINS / name / f).exists()]
    assert not missing, f"plugins/{name} lacks {missing}"


@pytest.mark.parametrize("name", BUILTIN_PLUGINS)
def test_plugin_init_holds_only_metadata_and_hookimpls(name):
    tree = ast.parse((PLUGINS / name / "__init__.py").read_text(encoding="utf-8"))
    names = {t.id for node in tree.body if isinstance(node, ast.Assign) for t in node.targets if isinstance(t, ast.Name)}
    assert {"VERSION", "TITLE", "REQUIRES"} <= names
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            decorators = [ast.unparse(d) for d in node.decorator_list]
            assert "hookimpl" in decorators, f"plugins/{name}/__init__.py: {node.name} is not a hookimpl"
        assert not isinstance(node, ast.ClassDef), f"plugins/{name}/__init__.py defines class {node.name}"
