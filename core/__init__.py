"""Rongtong core: the minimal kernel every service plugin stands on.

The core knows no plugin by name. Plugins import what they need from here:

    from rongtong.core import hookimpl
    from rongtong.core.models import BaseModel, Enterprise, ServiceRequest
    from rongtong.core.workflow import Workflow, Step
"""
import pluggy

PROJECT = "rongtong"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)

__version__ = "0.1.0"

__all__ = ["hookimpl", "hookspec", "PROJECT", "__version__"]
