"""Rongtong core: the minimal kernel every service plugin stands on.

The core knows no plugin by name. Plugins import what they need from one module, the public plugin
API (see docs/plugins.md)::

    from rongtong.core.plugin import hookimpl, AuditedModel, ServiceRequest, Step, Workflow
"""
import pluggy

PROJECT = "rongtong"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)

__version__ = "0.1.0"

__all__ = ["hookimpl", "hookspec", "PROJECT", "__version__"]
