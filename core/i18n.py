"""Translation helpers. Every label goes through these (Chinese zh_Hans_CN is the default locale,
English the second).

Message ids are English; catalogs live in ``core/translations`` and ``plugins/<name>/translations``.
Web requests pick the language per request (core.web.app). Commands run from a terminal or cron
(plugin reports, ``sla check`` notifications) translate in the site's ``locale`` through
:func:`site_language`, which ``core.cli_context.pass_platform`` applies to every plugin command.
"""
from __future__ import annotations

import contextlib
import os

from flask_babel import gettext, lazy_gettext, ngettext

_ = gettext

__all__ = ["_", "gettext", "lazy_gettext", "ngettext", "site_language"]


@contextlib.contextmanager
def site_language(platform, locale: str | None = None):
    """Translate strings made inside the block in ``locale`` (default: the site's ``locale``),
    outside any web request, with the same catalogs the web app loads."""
    from flask import Flask
    from flask_babel import Babel

    from rongtong.core.web.app import translation_directories

    app = Flask("rongtong.core", instance_path=os.path.abspath("instance"))
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(translation_directories(app, platform))
    app.config["BABEL_DEFAULT_LOCALE"] = locale or platform.config.get("locale", "zh_Hans_CN")
    app.config["BABEL_DEFAULT_TIMEZONE"] = platform.config.get("timezone", "Asia/Shanghai")
    Babel(app)
    with app.test_request_context():
        yield
