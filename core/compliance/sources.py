"""Who gives evidence: the core (``core_evidence``), every plugin through the hook
``register_evidence``, and the declared services (their files' ``clauses``).

Until the coded plugins implement ``register_evidence`` in their ``__init__.py``, a plugin package
that has an ``evidence`` module with an ``evidence()`` function and no hookimpl is asked through
it (found by the plugin's own module name: the core imports nothing from plugins). A plugin that
implements the hook is asked only through the hook.
"""
from __future__ import annotations

import importlib
import importlib.util

from rongtong.core.contract import CORE, Evidence
from rongtong.core.errors import PluginError

from . import core_evidence
from .declared import declared_evidence

HOOK = "register_evidence"
EVIDENCE_MODULE = "evidence"


def all_evidence(registry) -> list[tuple[str, Evidence]]:
    """``[(owner, Evidence), ...]``: the core's first, then the plugins' in name order."""
    found = [(CORE, item) for item in core_evidence.evidence()]
    found += registry.call(HOOK)
    for name, loaded in sorted(registry.plugins.items()):
        if name == CORE or HOOK in registry.hooks_of(name):
            continue
        module = loaded.module
        items = declared_evidence(module) if hasattr(module, "declaration") else _evidence_module(module)
        found += [(name, item) for item in items]
    for owner, item in found:
        if not isinstance(item, Evidence):
            raise PluginError(f"plugin {owner!r}: {HOOK} must return Evidence objects, not {type(item).__name__}")
    return found


def _evidence_module(module) -> list[Evidence]:
    """``<plugin package>.evidence.evidence()`` when the package has that module."""
    if not hasattr(module, "__path__"):  # a plugin that is a single module
        return []
    name = f"{module.__name__}.{EVIDENCE_MODULE}"
    if importlib.util.find_spec(name) is None:
        return []
    builder = getattr(importlib.import_module(name), "evidence", None)
    return list(builder()) if callable(builder) else []
