"""Validation messages in the user's language.

marshmallow writes its messages in English, already formatted ("Must be greater than or equal to 1
and less than or equal to 5."), and plugin step schemas are plain marshmallow schemas. Here each
such message is matched against marshmallow's templates and rewritten through gettext, so the
catalog carries one msgid per template. Messages that are not marshmallow's (ours, already passed
through gettext when raised) are left as they are.
"""
from __future__ import annotations

import re
from typing import Any

from rongtong.core.i18n import gettext as _
from rongtong.core.i18n import lazy_gettext as _l

# Fixed marshmallow messages -> their msgids (written out so the extractor finds them).
_FIXED = {str(m): m for m in (
    _l("Missing data for required field."),
    _l("Field may not be null."),
    _l("Unknown field."),
    _l("Invalid input type."),
    _l("Invalid input."),
    _l("Invalid type."),
    _l("Invalid value."),
    _l("Not a valid string."),
    _l("Not a valid integer."),
    _l("Not a valid number."),
    _l("Not a valid boolean."),
    _l("Not a valid date."),
    _l("Not a valid datetime."),
    _l("Not a valid time."),
    _l("Not a valid list."),
    _l("Not a valid tuple."),
    _l("Not a valid mapping type."),
    _l("Not a valid email address."),
    _l("Not a valid URL."),
    _l("Not a valid UUID."),
    _l("Not a valid file."),
    _l("Not a valid utf-8 string."),
    _l("Number too large."),
    _l("Special numeric values (nan or infinity) are not permitted."),
    _l("String does not match expected pattern."),
)}


def _range(kind):
    def build(**kw):
        return {
            "ge_le": lambda: _("Must be greater than or equal to %(min)s and less than or equal to %(max)s.", **kw),
            "gt_lt": lambda: _("Must be greater than %(min)s and less than %(max)s.", **kw),
            "ge_lt": lambda: _("Must be greater than or equal to %(min)s and less than %(max)s.", **kw),
            "gt_le": lambda: _("Must be greater than %(min)s and less than or equal to %(max)s.", **kw),
            "ge": lambda: _("Must be greater than or equal to %(min)s.", **kw),
            "gt": lambda: _("Must be greater than %(min)s.", **kw),
            "le": lambda: _("Must be less than or equal to %(max)s.", **kw),
            "lt": lambda: _("Must be less than %(max)s.", **kw),
        }[kind]()
    return build


# Formatted marshmallow messages: (regex, builder of the translated text from the groups).
_PATTERNS = [
    (r"Length must be between (?P<min>\d+) and (?P<max>\d+)\.",
     lambda **kw: _("Length must be between %(min)s and %(max)s.", **kw)),
    (r"Length must be (?P<equal>\d+)\.", lambda **kw: _("Length must be %(equal)s.", **kw)),
    (r"Shorter than minimum length (?P<min>\d+)\.", lambda **kw: _("Shorter than minimum length %(min)s.", **kw)),
    (r"Longer than maximum length (?P<max>\d+)\.", lambda **kw: _("Longer than maximum length %(max)s.", **kw)),
    (r"Must be one of: (?P<choices>.*)\.", lambda **kw: _("Must be one of: %(choices)s.", **kw)),
    (r"Must be equal to (?P<other>.*)\.", lambda **kw: _("Must be equal to %(other)s.", **kw)),
    (r"Must be greater than or equal to (?P<min>\S+) and less than or equal to (?P<max>\S+)\.", _range("ge_le")),
    (r"Must be greater than (?P<min>\S+) and less than (?P<max>\S+)\.", _range("gt_lt")),
    (r"Must be greater than or equal to (?P<min>\S+) and less than (?P<max>\S+)\.", _range("ge_lt")),
    (r"Must be greater than (?P<min>\S+) and less than or equal to (?P<max>\S+)\.", _range("gt_le")),
    (r"Must be greater than or equal to (?P<min>\S+)\.", _range("ge")),
    (r"Must be greater than (?P<min>\S+)\.", _range("gt")),
    (r"Must be less than or equal to (?P<max>\S+)\.", _range("le")),
    (r"Must be less than (?P<max>\S+)\.", _range("lt")),
    (r"Not a valid (?P<kind>\w+)\.", lambda **kw: _("Not a valid %(kind)s.", **kw)),
]
_COMPILED = [(re.compile(p + r"\Z"), build) for p, build in _PATTERNS]


def translate(message: str) -> str:
    """One marshmallow message in the current locale (unknown messages come back unchanged)."""
    text = str(message)
    fixed = _FIXED.get(text)
    if fixed is not None:
        return str(fixed)
    for regex, build in _COMPILED:
        match = regex.match(text)
        if match:
            return build(**match.groupdict())
    return text


def translate_messages(messages: Any) -> Any:
    """Translate a marshmallow ``messages`` structure (dicts, lists, strings) leaf by leaf."""
    if isinstance(messages, dict):
        return {str(k): translate_messages(v) for k, v in messages.items()}
    if isinstance(messages, (list, tuple)):
        return [translate_messages(v) for v in messages]
    if isinstance(messages, str) or messages.__class__.__name__ == "LazyString":
        return translate(messages)
    return messages
