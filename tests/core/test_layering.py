"""The core's layers (issue 10 §3): each module may import only from its own layer and the layers
below it, surfaces never import each other, and nothing imports in a circle.

The table below is the one place a module's layer is declared (the test reads it from this
docstring; ``docs/architecture.md`` draws the same table and a test keeps the two equal). Names
are relative to ``rongtong.core`` (``.`` is the package itself); ``name.*`` covers a package's
submodules. A new module of the core must be placed here, or this test fails naming it.
(``checks``, ``scaffold`` and ``i18n_catalogs`` are the plugin kit's, arriving with it.)

| rank | layer          | modules                                                                                   |
|------|----------------|-------------------------------------------------------------------------------------------|
| 0    | base           | ., errors, fields, creditcode, calendar, config, db, i18n                                 |
| 1    | domain         | models, survey_models, audit, security, vocabulary, attachments, notify, notify.*         |
| 2    | engine         | workflow, routing, casefile, notices, onboarding                                          |
| 3    | contract       | contract, hookspecs                                                                       |
| 4    | assembly       | registry, builtin, platform, migrations, checks                                           |
| 5    | toolkit        | toolkit, toolkit.*                                                                        |
| 5    | reports        | compliance, compliance.*                                                                  |
| 6    | web kernel     | web, web.context, web.auth, web.sessions, web.tokens, web.errors, web.headers, web.fieldforms, web.fieldview |
| 7    | surface admin  | web.admin, web.admin.*, web.surveys                                                       |
| 7    | surface api    | web.api, web.api.*                                                                        |
| 7    | surface portal | web.portal                                                                                |
| 8    | app            | web.app, declared, declared.*                                                             |
| 9    | entry points   | cli, cli_context, service_cli, serving, demo, setup, testing, testing.*, scaffold, i18n_catalogs |
| 10   | façade         | plugin                                                                                    |

What counts as an import: every ``import``/``from ... import`` statement anywhere in a module --
at module level and inside functions (the few genuinely lazy ones, e.g. openpyxl, still count) --
except under ``if TYPE_CHECKING:``: those never run and only name types for annotations (the
contract may name the platform its hooks receive). ``from package import name`` depends on ``package.name`` when that is
a module, else on ``package``. Importing ``a.b.c`` also runs the ``__init__`` of ``a.b``, so those
package modules are checked for layering too (a package's ``__init__`` must not sit above the
modules in it), though not for cycles: Python always initialises a package before its submodules.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import rongtong.core

CORE_DIR = Path(rongtong.core.__file__).resolve().parent
ROOT = "rongtong.core"
DOCS = CORE_DIR.parent / "docs" / "architecture.md"
SURFACE = "surface"


def read_table(text: str) -> list[tuple[int, str, list[str]]]:
    """The rows ``| rank | layer | modules |`` of the first such table in ``text``."""
    rows = []
    for line in text.splitlines():
        match = re.match(r"^\s*\|\s*(\d+)\s*\|\s*([^|]+?)\s*\|\s*([^|]+?)\s*\|\s*$", line)
        if match:
            rank, layer, names = match.groups()
            rows.append((int(rank), layer, [n.strip(" `") for n in names.split(",") if n.strip(" `")]))
    return rows


LAYERS = read_table(__doc__)


def absolute(name: str) -> str:
    return ROOT if name == "." else f"{ROOT}.{name}"


def core_modules() -> dict[str, Path]:
    """Every module of ``rongtong.core`` by dotted name (packages by their ``__init__``). Python
    files in a folder that is no package (a scaffold's template) are data, not modules."""
    found = {}
    for path in sorted(CORE_DIR.rglob("*.py")):
        folders = path.relative_to(CORE_DIR).parents
        if any(not (CORE_DIR / folder / "__init__.py").exists() for folder in folders if str(folder) != "."):
            continue
        parts = list(path.relative_to(CORE_DIR).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join([ROOT, *parts])] = path
    return found


def layer_of(module: str) -> tuple[int, str] | None:
    """(rank, layer) of ``module``: an exact name wins over a ``package.*`` entry."""
    best = None
    for rank, layer, names in LAYERS:
        for name in names:
            if name.endswith(".*"):
                package = absolute(name[:-2])
                if module.startswith(package + ".") and (best is None or best[0] < len(package)):
                    best = (len(package), (rank, layer))
            elif absolute(name) == module:
                return rank, layer
    return best[1] if best else None


def imports_of(module: str, path: Path, modules: dict[str, Path]) -> list[tuple[str, int]]:
    """(imported core module, line) for every import statement in the module, wherever it is."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in _statements(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            targets = [f"{source}.{alias.name}" if f"{source}.{alias.name}" in modules else source
                       for alias in node.names]
        else:
            continue
        for target in targets:
            while target and target not in modules:  # ``import a.b.C``-style names: the module part
                target = target.rpartition(".")[0]
            if target and target != module and target.startswith(ROOT) and (target, node.lineno) not in found:
                found.append((target, node.lineno))
    return found


def _statements(tree: ast.AST):
    """Every node of ``tree`` except what sits under ``if TYPE_CHECKING:``."""
    todo = [tree]
    while todo:
        node = todo.pop()
        yield node
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            todo.extend(node.orelse)
            continue
        todo.extend(ast.iter_child_nodes(node))


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or \
        (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def ancestors(module: str) -> list[str]:
    parts = module.split(".")
    return [".".join(parts[:i]) for i in range(len(ROOT.split(".")), len(parts))]


MODULES = core_modules()
EDGES = {module: imports_of(module, path, MODULES) for module, path in MODULES.items()}


def where(module: str, line: int) -> str:
    return f"{MODULES[module].relative_to(CORE_DIR.parent)}:{line}"


def test_every_core_module_has_a_layer():
    missing = [m for m in MODULES if layer_of(m) is None]
    assert not missing, f"place these modules in the table of {__name__}'s docstring: {missing}"


def test_no_module_imports_from_a_higher_layer_or_another_surface():
    problems = []
    for module, edges in EDGES.items():
        own = layer_of(module)
        if own is None:
            continue
        # importing a module also runs its packages' __init__ (and the importer's own packages')
        checked = [(line, [(t, "")] + [(p, f" (the package of {t})") for p in ancestors(t)]) for t, line in edges]
        checked.append((1, [(p, " (its own package)") for p in ancestors(module)]))
        for line, targets in checked:
            for target, why in targets:  # the imported module first, then the packages it runs
                theirs = layer_of(target)
                if theirs is None or target == module:
                    continue
                upward = theirs[0] > own[0]
                across = theirs[0] == own[0] and theirs[1] != own[1] and SURFACE in own[1]
                if upward or across:
                    problems.append(f"{where(module, line)}: {module} ({own[1]}) imports {target}{why} ({theirs[1]})")
                    break
    assert not problems, "imports against the layering:\n" + "\n".join(sorted(set(problems)))


def find_cycles(edges: dict[str, list[tuple[str, int]]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iteratively)."""
    graph = {m: sorted({t for t, _line in targets}) for m, targets in edges.items()}
    index, low, on_stack, stack, cycles, counter = {}, {}, set(), [], [], [0]

    def visit(root):
        work = [(root, iter(graph.get(root, ())))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter[0]
                    counter[0] += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(graph.get(child, ()))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        cycles.append(sorted(component))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return cycles


def test_no_import_cycles():
    cycles = find_cycles(EDGES)
    lines = []
    for cycle in cycles:
        members = set(cycle)
        lines.append(" <-> ".join(cycle) + ":")
        first = {(m, t): line for m in cycle for t, line in reversed(EDGES[m]) if t in members}
        lines += [f"    {where(m, line)}: {m} imports {t}" for (m, t), line in sorted(first.items())]
    assert not cycles, "import cycles in the core:\n" + "\n".join(lines)


def test_the_checker_sees_function_local_imports_and_cycles(tmp_path):
    """The walk finds an import inside a function body, and a two-module circle is reported."""
    source = tmp_path / "db.py"
    source.write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from rongtong.core import platform\n"
                      "def later():\n    from rongtong.core.web.app import create_app\n", encoding="utf-8")
    found = imports_of("rongtong.core.db", source, MODULES)
    assert found == [("rongtong.core.web.app", 5)]
    edges = {"db": [("errors", 3)], "errors": [("db", 5)], "models": [("db", 1)]}
    assert find_cycles(edges) == [["db", "errors"]]


@pytest.mark.skipif(not DOCS.exists(), reason="docs/ is not installed with the package")
def test_the_architecture_docs_draw_the_same_layers():
    assert read_table(DOCS.read_text(encoding="utf-8")) == LAYERS
