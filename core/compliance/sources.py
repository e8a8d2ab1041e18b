"""Who gives evidence: the core (``core_evidence``), every plugin through the hook
``register_evidence``, and the declared services (their files' ``clauses``).

A coded plugin answers through its ``register_evidence`` hookimpl (the built-in ones keep theirs
in ``evidence.py``); a declared service or plugin through the ``clauses`` of its file.
"""
from __future__ import annotations

from rongtong.core.contract import CORE, Evidence
from rongtong.core.errors import PluginError

from . import core_evidence
from .declared import declared_evidence

HOOK = "register_evidence"


def all_evidence(registry) -> list[tuple[str, Evidence]]:
    """``[(owner, Evidence), ...]``: the core's first, then the plugins' in name order."""
    found = [(CORE, item) for item in core_evidence.evidence()]
    found += registry.call(HOOK)
    for name, loaded in sorted(registry.plugins.items()):
        if name == CORE or HOOK in registry.hooks_of(name):
            continue
        module = loaded.module
        if hasattr(module, "declaration"):
            found += [(name, item) for item in declared_evidence(module)]
    for owner, item in found:
        if not isinstance(item, Evidence):
            raise PluginError(f"plugin {owner!r}: {HOOK} must return Evidence objects, not {type(item).__name__}")
    return found
