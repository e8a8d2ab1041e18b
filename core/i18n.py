"""Translation helpers. Every label goes through these (Chinese zh_Hans_CN is the default locale,
English the second).

Message ids are English; catalogs live in ``core/translations`` and ``plugins/<name>/translations``
(:func:`translation_directories`, the one list the web app and :func:`site_language` load).
Web requests pick the language per request (core.web.app). Commands run from a terminal or cron
(plugin reports, ``sla check`` notifications) translate in the site's ``locale`` through
:func:`site_language`, which ``core.cli_context.pass_platform`` applies to every plugin command.
"""
from __future__ import annotations

import contextlib
import os

from flask import Flask
from flask_babel import Babel, gettext, lazy_gettext, ngettext

_ = gettext

__all__ = ["_", "gettext", "lazy_gettext", "ngettext", "site_language", "translation_directories"]

#: The core's catalogs (``core/translations``).
CORE_TRANSLATIONS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "translations")


def translation_directories(plugins: dict) -> list[str]:
    """Catalog folders, one domain (``messages``, kept by ``scripts/i18n.py``), merged by
    Flask-Babel: the core's, then each plugin's ``translations/`` folder next to its module.

    ``plugins`` maps a plugin name to its loaded plugin (anything with a ``path``), i.e.
    ``platform.registry.plugins``."""
    dirs = [CORE_TRANSLATIONS]
    for name, plugin in sorted(plugins.items()):
        folder = os.path.join(os.path.dirname(plugin.path or ""), "translations")
        if name != "core" and plugin.path and os.path.isdir(folder):
            dirs.append(folder)
    return dirs


@contextlib.contextmanager
def site_language(platform, locale: str | None = None):
    """Translate strings made inside the block in ``locale`` (default: the site's ``locale``),
    outside any web request, with the same catalogs the web app loads.

    A minimal Flask app carries Flask-Babel's settings for the block; it is not the platform's web
    app (no views, no plugins' web parts)."""
    app = Flask("rongtong.core", instance_path=os.path.abspath("instance"))
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(translation_directories(platform.registry.plugins))
    app.config["BABEL_DEFAULT_LOCALE"] = locale or platform.config.get("locale", "zh_Hans_CN")
    app.config["BABEL_DEFAULT_TIMEZONE"] = platform.config.get("timezone", "Asia/Shanghai")
    Babel(app)
    with app.test_request_context():
        yield
