"""The web kernel's view of the request: the running platform and the language of the page.

One accessor each, used by every surface (admin, API, portal), the app factory and the plugins'
web helpers; none of them imports the app factory to find the platform.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from flask import current_app
from flask_babel import get_locale

if TYPE_CHECKING:  # pragma: no cover - typing only
    from rongtong.core.platform import Platform

#: The key of the platform in ``app.extensions`` (set by :func:`core.web.app.create_app`).
EXTENSION = "rongtong"
LANGS = ("zh_Hans_CN", "en")


def current_platform() -> "Platform":
    """The :class:`~core.platform.Platform` of the app serving the current request."""
    return current_app.extensions[EXTENSION]


def current_lang() -> str:
    """'en' or 'zh_Hans_CN' for the current request."""
    locale = get_locale()
    return "en" if locale is not None and locale.language == "en" else "zh_Hans_CN"
