"""Every built-in plugin folder has the same shape (docs/architecture.md), so the next engineer
finds things in the same place in each one. A plugin is either coded (hooks, models, schemas...)
or declared (issue 11: ``service.toml`` and a two-line ``__init__.py``), never a mix."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from rongtong.core.setup import BUILTIN_PLUGINS

PLUGINS = Path(__file__).resolve().parents[2] / "plugins"
DECLARED = [name for name in BUILTIN_PLUGINS if (PLUGINS / name / "service.toml").exists()]
CODED = [name for name in BUILTIN_PLUGINS if name not in DECLARED]
REQUIRED = ["__init__.py", "models.py", "schemas.py", "workflows.py", "admin.py", "api.py", "demo.py",
            "migrations/0001_initial.py", "translations/zh_Hans_CN/LC_MESSAGES/messages.po",
            "translations/zh_Hans_CN/LC_MESSAGES/messages.mo"]


@pytest.mark.parametrize("name", CODED)
def test_plugin_folder_has_the_common_shape(name):
    missing = [f for f in REQUIRED if not (PLUGINS / name / f).exists()]
    assert not missing, f"plugins/{name} lacks {missing}"


@pytest.mark.parametrize("name", CODED)
def test_plugin_init_holds_only_metadata_and_hookimpls(name):
    tree = ast.parse((PLUGINS / name / "__init__.py").read_text(encoding="utf-8"))
    names = {t.id for node in tree.body if isinstance(node, ast.Assign) for t in node.targets if isinstance(t, ast.Name)}
    assert {"VERSION", "TITLE", "REQUIRES"} <= names
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            decorators = [ast.unparse(d) for d in node.decorator_list]
            assert "hookimpl" in decorators, f"plugins/{name}/__init__.py: {node.name} is not a hookimpl"
        assert not isinstance(node, ast.ClassDef), f"plugins/{name}/__init__.py defines class {node.name}"


# One idiom per concern (issue 10 §1): the same builder names with the same arguments in every
# plugin, step handlers in steps.py, reactions by workflow key instead of filtering a broadcast.
BUILDERS = {"admin.py": ("admin_views", ["platform"]), "api.py": ("api_resources", ["platform"]),
            "demo.py": ("seed", ["platform", "context"])}


def _functions(path: Path) -> dict[str, list[str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.name: [a.arg for a in node.args.args] for node in tree.body if isinstance(node, ast.FunctionDef)}


@pytest.mark.parametrize("name", CODED)
def test_builders_have_one_name_and_take_the_platform(name):
    for filename, (builder, args) in BUILDERS.items():
        functions = _functions(PLUGINS / name / filename)
        assert functions.get(builder) == args, f"plugins/{name}/{filename}: def {builder}({', '.join(args)})"


@pytest.mark.parametrize("name", CODED)
def test_step_handlers_live_in_steps_py_and_react_by_workflow_key(name):
    assert (PLUGINS / name / "steps.py").exists(), f"plugins/{name} has no steps.py"
    hooks = _functions(PLUGINS / name / "__init__.py")
    assert "register_reactions" in hooks, f"plugins/{name}: its steps are not registered as reactions"
    assert "on_transition" not in hooks, f"plugins/{name}: on_transition fires for every workflow; use reactions"
    for path in (PLUGINS / name).rglob("*.py"):
        assert "workflow.key !=" not in path.read_text(encoding="utf-8"), f"{path}: filters a broadcast by key"


@pytest.mark.parametrize("name", DECLARED)
def test_a_declared_plugin_is_its_file_and_nothing_else(name):
    """Issue 11 §6: everything the service is lives in service.toml; __init__.py only points at it."""
    from rongtong.core.declared.spec import load_declaration

    files = sorted(str(p.relative_to(PLUGINS / name)) for p in (PLUGINS / name).rglob("*")
                   if p.is_file() and "__pycache__" not in p.parts)
    assert files == ["__init__.py", "service.toml"]
    tree = ast.parse((PLUGINS / name / "__init__.py").read_text(encoding="utf-8"))
    assert [ast.unparse(n) for n in tree.body if not isinstance(n, ast.Expr)] == [
        "from rongtong.core.plugin import declared_service", "PLUGIN = declared_service(__file__)"]
    assert load_declaration(PLUGINS / name / "service.toml").key == name
