"""The field vocabulary (issue 9 §1): what every surface needs to know about a field, in one place.

Every field of an intake schema, a step schema or a model column is described by one
:class:`FieldSpec`: label (zh/en), help, choices with labels, unit, widget, visibility to the
requesting enterprise, and how its value is displayed. The admin (lists, details, forms, filters,
exports), the portal, the API (OpenAPI descriptions, enum labels), notifications and reports all
render from it, so no surface shows a raw key, ``True``/``False`` or a Python dict.

Where the facts come from:

* a **marshmallow field** (intake and step schemas): ``metadata`` keys ``label`` (Chinese, or a
  lazy gettext string), ``label_en``, ``help`` (or ``description``), ``unit`` (``"万元"``,
  ``"人"``, ``"天"`` …), ``widget`` (one of :data:`WIDGETS`; guessed from the field type when left
  out), ``visibility`` (``"enterprise"`` or ``"internal"``; default :data:`DEFAULT_VISIBILITY`),
  ``format`` (a ``str.format`` spec for numbers, e.g. ``",.2f"``), ``choices_from`` (keys the
  platform's registry knows — ``"services"``, ``"plugins"``, ``"workflows"``, ``"steps"``,
  ``"tables"`` — labelled by their titles on the screens); choices come from a
  ``validate.OneOf(choices, labels=[_l("..."), ...])`` (or ``ContainsOnly`` for multi-choice);
  a ``List(Nested(RowSchema))`` is a table of rows whose columns are the row schema's fields;
* a **peewee field** (model columns): ``verbose_name``, ``help_text``, ``choices`` (``(key,
  _l("Label"))`` pairs); a model may add ``vocabulary = {"amount": {"unit": "万元", "widget":
  "money"}}`` for what peewee has no attribute for (``choices_from`` too, and for a JSON column
  the ``schema`` of what it holds).

This module is at the bottom of the core (beside :mod:`core.fields`): it imports no web code and
no platform; callers pass the time zone and language.

    for spec in describe_schema(StepSchema):
        print(spec.title("zh_Hans_CN"), spec.display(data.get(spec.name), tz=calendar.tz))
"""
from __future__ import annotations

import dataclasses
import datetime
import decimal
import functools
from typing import Any

import flask_babel
import peewee
from marshmallow import fields as mf
from marshmallow import validate as mv

from rongtong.core.fields import JSONField, ListField

WIDGETS = ("text", "textarea", "integer", "number", "money", "date", "datetime", "choice", "multichoice",
           "scale", "boolean", "file", "table")
VISIBILITIES = ("enterprise", "internal")
#: Step evidence is shown to the requesting enterprise unless a field says ``visibility="internal"``
#: (the answer, the plan, the decision are the service; internal working notes must say so).
DEFAULT_VISIBILITY = "enterprise"
EMPTY = "—"
TEXT_MAX = 200  # a text field allowing more than this many characters is a textarea


def gettext(text: str) -> str:
    """Translate a msgid in the current locale when a Flask-Babel context is active (named
    ``gettext`` so ``scripts/i18n.py`` extracts the msgids given to it)."""
    try:
        return flask_babel.gettext(text)
    except (RuntimeError, KeyError):  # no app / request context
        return text


def current_language() -> str:
    """"en" or "zh_Hans_CN": the language text is being rendered in (the recipient's inside
    :func:`core.notify.notify`, the request's on a page; the site default outside any context)."""
    try:
        locale = flask_babel.get_locale()
    except (RuntimeError, KeyError):
        locale = None
    return "en" if locale is not None and locale.language == "en" else "zh_Hans_CN"


class Bilingual:
    """A name kept in Chinese and English (a service or step title) that reads in the language the
    text is rendered in: pass it as a variable of a lazy gettext string, and a notification sent
    with :func:`core.notify.notify` names the service in its recipient's language::

        _l("Time limit exceeded: %(service)s", service=Bilingual(service.title, service.title_en))
    """

    def __init__(self, zh, en: str = ""):
        self.zh, self.en = zh, en

    def __str__(self) -> str:
        return self.en if self.en and current_language() == "en" else str(self.zh)

    def __repr__(self) -> str:
        return f"Bilingual({self.zh!r}, {self.en!r})"


@dataclasses.dataclass(frozen=True)
class Choice:
    key: Any
    label: Any  # str or a lazy gettext string (rendered in the current locale)
    label_en: str = ""

    def title(self, lang: str = "zh_Hans_CN") -> str:
        if lang == "en" and self.label_en:
            return self.label_en
        return str(self.label)

    def title_zh(self) -> str:
        return in_chinese(self.label) or str(self.label)

    def title_en(self) -> str:
        return self.label_en or msgid_of(self.label) or str(self.label)

    def names(self) -> set[str]:
        """Every text this choice answers to: its key, its label in the current language, its
        English label (``label_en``, or the msgid of a lazy gettext label)."""
        english = self.label_en or msgid_of(self.label)
        return {n for n in (str(self.key), str(self.label), english, in_chinese(self.label)) if n}


def in_chinese(text) -> str:
    """A lazy gettext label rendered in Chinese whatever the current language ('' outside a
    Flask app context); a plain label as it is."""
    if not msgid_of(text):
        return str(text)
    try:
        with flask_babel.force_locale("zh_Hans_CN"):
            return str(text)
    except (RuntimeError, KeyError):
        return ""


def msgid_of(text) -> str:
    """The English msgid of a lazy gettext string (``lazy_gettext("Technical")``), else ''."""
    args = getattr(text, "_args", None)
    return str(args[0]) if args and isinstance(args[0], str) else ""


@dataclasses.dataclass(frozen=True)
class FieldSpec:
    name: str
    label: Any = ""
    label_en: str = ""
    help: Any = ""
    widget: str = "text"
    unit: str = ""
    visibility: str = DEFAULT_VISIBILITY
    required: bool = False
    choices: tuple[Choice, ...] = ()
    columns: tuple["FieldSpec", ...] = ()  # the row fields of a "table" widget
    format: str = ""
    minimum: Any = None
    maximum: Any = None
    default: Any = None  # what a form starts from when nothing is known (marshmallow load_default)
    #: The value is a list: the rows of a table, the keys of a multi-choice, or (a textarea) one
    #: item per line. A "table" that is not ``many`` is one object (a group of sub-fields; with no
    #: columns, free "name: value" pairs).
    many: bool = False
    item: str = ""  # the type of a list's items typed one per line: "str", "int" or "float"
    #: The values are keys the platform's registry knows ("services", "plugins", "workflows",
    #: "steps", "tables"); the screens fill :attr:`choices` with their titles (this module knows no
    #: registry: see ``core.web.admin.base.with_registry_choices``).
    choices_from: str = ""

    # --- labels -----------------------------------------------------------------------------------
    def title(self, lang: str = "zh_Hans_CN") -> str:
        if lang == "en" and self.label_en:
            return self.label_en
        text = str(self.label) if self.label else ""
        return text or self.name.replace("_", " ")

    @property
    def enterprise_visible(self) -> bool:
        return self.visibility == "enterprise"

    def choice_label(self, key, lang: str = "zh_Hans_CN") -> str:
        for choice in self.choices:
            if choice.key == key or str(choice.key) == str(key):
                return choice.title(lang)
        return str(key)

    def match_choice(self, text: str) -> list:
        """The choice keys whose key or label (in either language) contains ``text`` — so a list
        filter typed as "技术服务" finds the rows stored as ``technical``."""
        text = (text or "").strip()
        if not text:
            return []
        exact = [c.key for c in self.choices if str(c.key) == text]
        if exact:  # a key picked from the filter's list of labels
            return exact
        found = []
        for c in self.choices:
            if any(text.lower() in n.lower() for n in c.names()) and c.key not in found:
                found.append(c.key)
        return found

    # --- values -----------------------------------------------------------------------------------
    def display(self, value, lang: str = "zh_Hans_CN", tz=None) -> str:
        """The value as a person reads it: choice labels, 是/否, amounts with their unit and no
        exponent, times in the site's zone (``tz``), a table as "label: value" rows."""
        if value is None or value == "" or value == [] or value == {}:
            return EMPTY
        w = self.widget
        if w == "boolean" or isinstance(value, bool):
            return gettext("Yes") if value else gettext("No")
        if self.choices and w in ("choice", "multichoice", "text", "scale", "integer"):
            if isinstance(value, (list, tuple, set)):
                return "、".join(self.choice_label(v, lang) for v in value)
            return self.choice_label(value, lang)
        if isinstance(value, dict):
            return self._row_text(value, lang, tz)
        if isinstance(value, list) and (w == "table" or (value and isinstance(value[0], dict))):
            return "; ".join(self._row_text(row, lang, tz) if isinstance(row, dict) else str(row) for row in value)
        if isinstance(value, (list, tuple, set)):
            return "、".join(str(v) for v in value)
        if w == "datetime" or isinstance(value, datetime.datetime):
            return format_datetime(value, tz, self.format) if "%" in self.format else format_datetime(value, tz)
        if w == "date" or isinstance(value, datetime.date):
            return format_date(value)
        if isinstance(value, datetime.time):  # opening hours: "08:30"
            return value.strftime("%H:%M")
        if w in ("money", "number", "integer", "scale") or isinstance(value, (int, float, decimal.Decimal)):
            if w in ("integer", "scale", "text") and isinstance(value, int) and not self.format:
                text = str(value)  # a count, a year, a number typed as such: no thousands separator
            else:
                text = format_number(value, self.format)
            if w == "scale" and self.maximum is not None:
                text = f"{text} / {format_number(self.maximum)}"
            return f"{text} {self.unit}" if self.unit else text
        return str(value)

    def _row_text(self, row: dict, lang, tz) -> str:
        columns = {c.name: c for c in self.columns}
        parts = []
        for key, v in row.items():
            if v is None or v == "" or v == [] or v == {}:
                continue
            col = columns.get(key) or FieldSpec(key)
            parts.append(f"{col.title(lang)}: {col.display(v, lang, tz)}")
        return ", ".join(parts)

    def as_dict(self, lang: str = "zh_Hans_CN") -> dict:
        """For the API and OpenAPI: the label (in ``lang``, and in Chinese and English), help, unit,
        widget, visibility and choice labels."""
        out = {"name": self.name, "label": self.title(lang), "label_zh": self.title_zh(), "label_en": self.title_en(),
               "widget": self.widget, "visibility": self.visibility, "required": self.required, "many": self.many}
        if self.help:
            out["help"] = str(self.help)
        if self.unit:
            out["unit"] = self.unit
        if self.minimum is not None:
            out["minimum"] = self.minimum
        if self.maximum is not None:
            out["maximum"] = self.maximum
        if self.choices:
            out["choices"] = [{"value": c.key, "label": c.title(lang), "label_zh": c.title_zh(), "label_en": c.title_en()}
                              for c in self.choices]
        if self.columns:
            out["columns"] = [c.as_dict(lang) for c in self.columns]
        return out

    def heading(self, lang: str = "zh_Hans_CN") -> str:
        """The title with the unit, once (:func:`with_unit`): a column heading, an export header,
        a filter's label — wherever the value is shown without its unit."""
        return with_unit(self.title(lang), self.unit)

    def title_zh(self) -> str:
        return in_chinese(self.label) or str(self.label or "") or self.name.replace("_", " ")

    def title_en(self) -> str:
        return self.label_en or msgid_of(self.label) or self.name.replace("_", " ")


# --- Formatting ------------------------------------------------------------------------------------

#: How a label may already state a unit: "金额（万元）", "Amount (万元)", "Amount (10k CNY)".
UNIT_WORDS = {"万元": ("万元", "10k CNY", "10k yuan"), "元": ("元", "CNY", "yuan")}


def states_unit(label: str, unit: str) -> bool:
    """True when ``label`` already ends with ``unit`` in brackets (full-width or not), or with
    one of its English spellings (:data:`UNIT_WORDS`)."""
    text = str(label or "").rstrip()
    for word in UNIT_WORDS.get(unit, (unit,)):
        if text.endswith((f"（{word}）", f"({word})")):
            return True
    return False


def with_unit(label, unit: str) -> str:
    """A column heading that states the unit once: "拟融资金额（万元）" ("Amount sought (万元)"
    in English); a label that already states it is left as it is (never "（万元）（万元）")."""
    text = str(label or "")
    if not unit or states_unit(text, unit):
        return text
    return f"{text}（{unit}）" if current_language() != "en" else f"{text} ({unit})"


def format_number(value, spec: str = "") -> str:
    """A number without exponent or trailing zeros (5000000 → "5,000,000"; 12.50 → "12.5")."""
    if isinstance(value, str):
        try:
            value = decimal.Decimal(value.strip())
        except decimal.InvalidOperation:
            return value
    if spec:
        try:
            return format(value, spec)
        except (TypeError, ValueError):
            pass
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, int):
        return f"{value:,}"
    d = decimal.Decimal(str(value))
    if d == d.to_integral_value():
        return f"{int(d):,}"
    text = format(d.normalize(), "f")
    whole, _, frac = text.partition(".")
    return f"{int(whole):,}.{frac}" if whole.lstrip("-").isdigit() else text


def _as_datetime(value):
    if isinstance(value, str):
        try:
            value = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    return value if isinstance(value, datetime.datetime) else None


def format_datetime(value, tz=None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A stored time in the site's zone. Naive values are UTC (every stored timestamp is)."""
    moment = _as_datetime(value)
    if moment is None:
        return str(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    if tz is not None:
        moment = moment.astimezone(tz)
    return moment.strftime(fmt)


def format_date(value) -> str:
    if isinstance(value, datetime.datetime):
        value = value.date()
    return value.isoformat() if isinstance(value, datetime.date) else str(value)


def overdue_text(working_days_left) -> str:
    """"剩余 3 个工作日" / "今日到期" / "超期 3 个工作日" (never a negative count)."""
    if working_days_left is None:
        return ""
    try:
        n = int(working_days_left)
        if n > 0:
            return flask_babel.gettext("%(n)s working days left", n=n)
        if n == 0:
            return flask_babel.gettext("Due today")
        return flask_babel.gettext("Overdue by %(n)s working days", n=-n)
    except (RuntimeError, KeyError):
        n = int(working_days_left)
        return f"{n} working days left" if n > 0 else "Due today" if n == 0 else f"Overdue by {-n} working days"


# --- From marshmallow ------------------------------------------------------------------------------

def _item_type(field) -> str:
    if isinstance(field, mf.Integer):
        return "int"
    if isinstance(field, (mf.Float, mf.Decimal, mf.Number)):
        return "float"
    return "str"


def of_marshmallow(name: str, field) -> FieldSpec:
    """The spec of one marshmallow field (see the module docstring for the metadata keys)."""
    meta = dict(field.metadata or {})
    choices: tuple[Choice, ...] = ()
    widget = meta.get("widget")
    minimum = maximum = None
    columns: tuple[FieldSpec, ...] = ()
    validators = list(field.validators)
    inner = getattr(field, "inner", None)
    if inner is not None:
        validators += list(inner.validators)
    for v in validators:
        if isinstance(v, (mv.OneOf, mv.ContainsOnly)):
            labels = list(getattr(v, "labels", None) or []) or [str(c) for c in v.choices]
            choices = tuple(Choice(c, lbl) for c, lbl in zip(v.choices, labels) if c not in ("", None))
        if isinstance(v, mv.Range):
            minimum, maximum = v.min, v.max
    if meta.get("choices"):  # [(key, label) or (key, label, label_en)] given directly
        choices = tuple(Choice(*c) for c in meta["choices"])
    many = isinstance(field, mf.List) or (isinstance(field, mf.Nested) and bool(field.many))
    item = _item_type(inner) if inner is not None else ""
    if widget is None:
        if isinstance(field, mf.List):
            if isinstance(inner, mf.Nested):
                widget = "table"
            elif choices:
                widget = "multichoice"
            else:
                widget = "textarea"
        elif isinstance(field, mf.Nested):
            widget = "table"
        elif choices:
            widget = "choice"
        elif isinstance(field, mf.Boolean):
            widget = "boolean"
        elif isinstance(field, mf.Integer):
            widget = "integer"
        elif isinstance(field, (mf.Decimal, mf.Float, mf.Number)):
            widget = "number"
        elif isinstance(field, mf.DateTime):
            widget = "datetime"
        elif isinstance(field, mf.Date):
            widget = "date"
        elif isinstance(field, mf.Dict):
            widget = "table"
        else:
            length = next((v for v in field.validators if isinstance(v, mv.Length)), None)
            short = length is not None and length.max is not None and length.max <= TEXT_MAX
            widget = "text" if short else "textarea"
    if widget == "table":
        nested = inner if isinstance(inner, mf.Nested) else field if isinstance(field, mf.Nested) else None
        if nested is not None:
            schema = nested.nested if isinstance(nested.nested, type) else type(nested.schema)
            columns = tuple(describe_schema(schema))
    return FieldSpec(
        name=name, label=meta.get("label") or meta.get("title") or "", label_en=str(meta.get("label_en") or meta.get("title_en") or ""),
        help=meta.get("help") or meta.get("description") or "", widget=widget, unit=str(meta.get("unit") or ""),
        visibility=meta.get("visibility", DEFAULT_VISIBILITY), required=bool(field.required), choices=choices,
        columns=columns, format=str(meta.get("format") or ""), minimum=minimum, maximum=maximum,
        many=many, item=item, choices_from=str(meta.get("choices_from") or ""))


def _simple_default(field):
    """A field's ``load_default`` when it is a plain value (a bool, number or text), else None."""
    value = getattr(field, "load_default", None)
    return value if isinstance(value, (bool, int, float, str)) else None


@functools.lru_cache(maxsize=None)
def _describe_schema(schema_cls) -> tuple[FieldSpec, ...]:
    return tuple(of_marshmallow(name, f) for name, f in schema_cls().fields.items() if not f.dump_only)


def describe_schema(schema_cls) -> list[FieldSpec]:
    """The specs of a schema's loadable fields, in declaration order (cached per class)."""
    if schema_cls is None:
        return []
    return list(_describe_schema(schema_cls))


# --- From peewee -----------------------------------------------------------------------------------

def of_peewee(model, name: str) -> FieldSpec:
    """The spec of one model column: ``verbose_name``, ``help_text``, ``choices`` and the model's
    ``vocabulary`` entry for it (``label``, ``label_en``, ``help``, ``unit``, ``widget``,
    ``choices``, ``visibility``, ``format`` (the field's own ``vocabulary`` first: see ``core.toolkit.vocab.wan_yuan_column``);
    for a JSON column ``schema`` — the marshmallow schema
    of what it holds, whose fields become its columns — or ``columns``, and ``many``)."""
    field = model._meta.fields[name]
    # a column declared by a vocabulary helper (``vocab.wan_yuan_column``) carries its own entry;
    # the model's ``vocabulary`` adds to it
    extra = {**(getattr(field, "vocabulary", None) or {}), **((getattr(model, "vocabulary", None) or {}).get(name, {}))}
    choices = tuple(Choice(k, lbl) for k, lbl in (field.choices or ()))
    if extra.get("choices"):
        choices = tuple(Choice(*c) for c in extra["choices"])
    widget = extra.get("widget")
    if widget is None:
        if isinstance(field, ListField):
            widget = "multichoice" if choices else "text"
        elif choices:
            widget = "choice"
        elif isinstance(field, peewee.BooleanField):
            widget = "boolean"
        elif isinstance(field, JSONField):
            widget = "table"
        elif isinstance(field, peewee.DateTimeField):
            widget = "datetime"
        elif isinstance(field, peewee.DateField):
            widget = "date"
        elif isinstance(field, (peewee.IntegerField, peewee.BigIntegerField, peewee.AutoField)):
            widget = "integer"
        elif isinstance(field, (peewee.DecimalField, peewee.FloatField, peewee.DoubleField)):
            widget = "number"
        elif isinstance(field, peewee.TextField):
            widget = "textarea"
        else:
            widget = "text"
    if extra.get("schema") is not None:
        columns = tuple(describe_schema(extra["schema"]))
    else:
        columns = tuple(FieldSpec(**c) if isinstance(c, dict) else c for c in extra.get("columns", ()))
    default = field.default() if callable(field.default) else field.default
    many = bool(extra.get("many", isinstance(field, ListField) or isinstance(default, list)))
    label = extra.get("label") or field.verbose_name or ("ID" if field is model._meta.primary_key else "")
    return FieldSpec(
        name=name, label=label, label_en=str(extra.get("label_en") or ""),
        help=extra.get("help") or field.help_text or "", widget=widget, unit=str(extra.get("unit") or ""),
        visibility=extra.get("visibility", DEFAULT_VISIBILITY), required=not field.null and field.default is None,
        choices=choices, columns=columns, format=str(extra.get("format") or ""), many=many,
        choices_from=str(extra.get("choices_from") or ""))


@functools.lru_cache(maxsize=None)
def _describe_model(model) -> dict[str, FieldSpec]:
    return {name: of_peewee(model, name) for name in model._meta.fields}


def describe_model(model) -> dict[str, FieldSpec]:
    """``{column name: spec}`` for every field of ``model`` (cached per model class)."""
    return dict(_describe_model(model))


# --- The case file -----------------------------------------------------------------------------------

def enterprise_view(schema_cls, data: dict | None) -> list[tuple[FieldSpec, Any]]:
    """The (spec, value) pairs of ``data`` the requesting enterprise may read: fields of the schema
    whose visibility is ``enterprise`` and that have a value. Keys the schema does not describe
    are left out (never shown raw)."""
    data = data or {}
    out = []
    for spec in describe_schema(schema_cls):
        if spec.enterprise_visible and data.get(spec.name) not in (None, "", [], {}):
            out.append((spec, data[spec.name]))
    return out


def labelled(schema_cls, data: dict | None, lang: str = "zh_Hans_CN", tz=None, internal: bool = True) -> list[dict]:
    """``[{"name", "label", "value", "text", "spec"}]`` for every described field of ``data`` with a
    value (``internal=False``: only the enterprise-visible ones): what a page or an e-mail shows."""
    data = data or {}
    out = []
    for spec in describe_schema(schema_cls):
        value = data.get(spec.name)
        if value in (None, "", [], {}) or (not internal and not spec.enterprise_visible):
            continue
        out.append({"name": spec.name, "label": spec.title(lang), "value": value,
                    "text": spec.display(value, lang, tz), "spec": spec})
    return out
