"""Translation helpers. Every label goes through these (Chinese zh_Hans_CN is the default locale,
English the second). Outside a Flask app (CLI) strings come out untranslated.

Message ids are English; catalogs live in ``core/translations`` and ``plugins/<name>/translations``.
"""
from flask_babel import gettext, lazy_gettext, ngettext

_ = gettext

__all__ = ["_", "gettext", "lazy_gettext", "ngettext"]
