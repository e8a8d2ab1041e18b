"""Values shown as HTML from the field vocabulary (issue 9 §1): what a details page, a request's
evidence or a notification preview prints for one field — choice labels, 是/否, amounts with their
unit, times in the site's zone, and a list of objects as a table of rows (a single object as
"label: value" pairs), never a Python dict or JSON.

    value_html(spec, value, lang, tz)  -> Markup
    value_text(spec, value, lang, tz, limit=None) -> str  (lists, exports: one line)
"""
from __future__ import annotations

from markupsafe import Markup, escape

from rongtong.core.vocabulary import EMPTY, FieldSpec

LIST_TEXT_MAX = 120


def _blank(value) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _columns_for(spec: FieldSpec, rows: list[dict]) -> list[FieldSpec]:
    """The spec's own columns, then a column for every other key the rows hold (in order seen)."""
    columns = list(spec.columns)
    known = {c.name for c in columns}
    for row in rows:
        for key in row:
            if key not in known:
                known.add(key)
                columns.append(FieldSpec(str(key)))
    return columns


def value_html(spec: FieldSpec, value, lang: str = "zh_Hans_CN", tz=None) -> Markup:
    if _blank(value):
        return Markup(EMPTY)
    if isinstance(value, list) and value and all(isinstance(row, dict) for row in value):
        columns = _columns_for(spec, value)
        head = Markup("").join(Markup("<th scope=\"col\">{}</th>").format(c.title(lang)) for c in columns)
        body = Markup("").join(
            Markup("<tr>{}</tr>").format(Markup("").join(
                Markup("<td>{}</td>").format(value_html(c, row.get(c.name), lang, tz)) for c in columns))
            for row in value)
        return Markup('<table class="table table-sm rt-value-table"><thead><tr>{}</tr></thead><tbody>{}</tbody></table>'
                      ).format(head, body)
    if isinstance(value, dict):
        columns = _columns_for(spec, [value])
        items = Markup("").join(
            Markup("<dt>{}</dt><dd>{}</dd>").format(c.title(lang), value_html(c, value.get(c.name), lang, tz))
            for c in columns if not _blank(value.get(c.name)))
        return Markup('<dl class="rt-value-pairs">{}</dl>').format(items)
    return escape(spec.display(value, lang, tz))


def value_text(spec: FieldSpec, value, lang: str = "zh_Hans_CN", tz=None, limit: int | None = None) -> str:
    text = spec.display(value, lang, tz)
    if limit is not None and len(text) > limit:
        return text[: limit - 1] + "…"
    return text
