"""Declaring a field for the field vocabulary (:mod:`core.vocabulary`, issue 9 §1) in one line.

Every step, intake and API field carries its label (zh/en), help, unit, widget and visibility in
marshmallow ``metadata``, and every choice list its labels; these helpers keep the declarations
short and alike in every plugin::

    from rongtong.core.toolkit.vocab import AmountRange, label, one_of, wan_yuan

    kind = fields.String(required=True, validate=one_of(KINDS), metadata=label("融资类型", "Kind of financing"))
    amount = wan_yuan("融资金额", "Amount sought", required=True, positive=True)
    notes = fields.String(metadata=label("内部备注", "Internal notes", visibility="internal"))

Money is declared with its unit, never implied: ``wan_yuan`` for amounts in 万元 (ten thousand
yuan, what investment and financing speak), ``metadata=label(..., unit=YUAN, widget="money")``
for amounts in 元. :class:`AmountRange` refuses an amount out of range with a message that names
the field and the unit, and says so when a number typed into a 万元 field looks like yuan
(5000000 → "that is 500 万元"). :func:`amount_text` writes an amount into a sentence (match
reasons, reports, notifications) the way :func:`core.vocabulary.format_number` shows it: no
exponent, thousands separated, with the unit.
"""
from __future__ import annotations

import decimal

import peewee
from marshmallow import ValidationError, fields, validate

from rongtong.core.i18n import gettext as _
from rongtong.core.i18n import lazy_gettext as _l
from rongtong.core.vocabulary import Bilingual, current_language, format_number, with_unit
from rongtong.core.vocabulary import Choice, FieldSpec, describe_schema

#: What plugins read here although this module does not use it itself.
REEXPORTED = (Bilingual, with_unit)

WAN_YUAN = "万元"
YUAN = "元"
#: The largest amount a 万元 field takes: 1,000,000 万元 (100 亿元). A larger number is nearly
#: always an amount typed in yuan.
MAX_WAN_YUAN = 1_000_000


def label(zh, en: str, help=None, **extra) -> dict:
    """Marshmallow ``metadata`` for the vocabulary: ``label`` (Chinese, or a lazy gettext string),
    ``label_en``, ``help`` and any of ``unit``, ``widget``, ``visibility``, ``format``."""
    meta = {"label": zh, "label_en": en}
    if help:
        meta["help"] = help
    meta.update(extra)
    return meta


def internal(zh, en: str, help=None, **extra) -> dict:
    """:func:`label` of a field only staff read (working notes, worksheets, assessments)."""
    return label(zh, en, help, visibility="internal", **extra)


def one_of(pairs, **kwargs) -> validate.OneOf:
    """``validate.OneOf`` over ``(key, label)`` pairs (a model's ``choices``), with the labels the
    vocabulary shows instead of the keys."""
    pairs = list(pairs)
    return validate.OneOf([key for key, _label in pairs], labels=[lbl for _key, lbl in pairs], **kwargs)


def amount_text(value, unit: str = WAN_YUAN) -> str:
    """An amount as people read it in a sentence: ``"500 万元"``, ``"1,250.5 万元"`` (never
    ``"5e+06"``)."""
    if value is None:
        return "-"
    text = format_number(value)
    return f"{text} {unit}" if unit else text


def _title(zh, en: str) -> str:
    """The field's name in the current language (the message names the field)."""
    return en if en and current_language() == "en" else str(zh)


class AmountRange(validate.Range):
    """``validate.Range`` for an amount in ``unit``: the message names the field and the unit, and
    for a 万元 field a number that fits once read as yuan gets the hint
    "5,000,000 looks like yuan: that is 500 万元"."""

    def __init__(self, field_label, field_label_en: str = "", unit: str = WAN_YUAN, *, min=0, max=MAX_WAN_YUAN,
                 min_inclusive: bool = True):
        super().__init__(min=min, max=max, min_inclusive=min_inclusive)
        self.field_label, self.field_label_en, self.unit = field_label, field_label_en, unit

    def __call__(self, value):
        if value is None:
            return value
        field = _title(self.field_label, self.field_label_en)
        shown = dict(field=field, unit=self.unit, min=format_number(self.min) if self.min is not None else "",
                     max=format_number(self.max) if self.max is not None else "")
        if self.min is not None and (value < self.min or (not self.min_inclusive and value == self.min)):
            if self.min_inclusive:
                raise ValidationError(_("%(field)s must be at least %(min)s %(unit)s.", **shown))
            raise ValidationError(_("%(field)s must be more than %(min)s %(unit)s.", **shown))
        if self.max is not None and value > self.max:
            message = _("%(field)s is in %(unit)s: at most %(max)s %(unit)s.", **shown)
            as_wan = decimal.Decimal(str(value)) / 10_000
            if self.unit == WAN_YUAN and as_wan <= self.max:
                message += " " + _("%(value)s looks like an amount in yuan: that is %(converted)s 万元.",
                                   value=format_number(value), converted=format_number(as_wan.normalize()))
            raise ValidationError(message)
        return value


def wan_yuan(zh, en: str, help=None, *, positive: bool = False, negative: bool = False, maximum=MAX_WAN_YUAN,
             visibility: str | None = None, **kwargs) -> fields.Decimal:
    """A decimal amount in 万元 (two places, sent and returned as text), with its unit, the money
    widget and an :class:`AmountRange`: ``positive`` refuses 0, ``negative`` allows figures below 0
    (a loss)."""
    extra = {"visibility": visibility} if visibility else {}
    minimum = -maximum if negative else 0
    validators = [AmountRange(zh, en, WAN_YUAN, min=minimum, max=maximum, min_inclusive=not positive)]
    more = kwargs.pop("validate", None)
    if more is not None:
        validators += list(more) if isinstance(more, (list, tuple)) else [more]
    return fields.Decimal(as_string=True, places=2, validate=validators,
                          metadata=label(zh, en, help or _WAN_HELP, unit=WAN_YUAN, widget="money", **extra), **kwargs)


#: The help every 万元 field shows unless it says more.
_WAN_HELP = _l("In 万元 (ten thousand yuan): 500 means 5,000,000 yuan.")


# --- Model columns ---------------------------------------------------------------------------------

#: ``vocabulary`` entry of a decimal column holding an amount in 万元.
WAN_YUAN_COLUMN = {"unit": WAN_YUAN, "widget": "money"}


def wan_yuan_column(verbose_name, help_text=None, **kwargs) -> peewee.DecimalField:
    """A model column holding an amount in 万元, declared once for every surface: the label names
    the field only (``_l("Amount sought")``) and the unit comes from the vocabulary -- list cells
    read "1,000 万元", export headers and headings "拟融资金额（万元）" (once), and the staff's
    edit form says the unit in its help (500 means 5,000,000 yuan). Fourteen digits, two places."""
    field = peewee.DecimalField(max_digits=14, decimal_places=2, verbose_name=verbose_name,
                                help_text=help_text or _WAN_HELP, **kwargs)
    field.vocabulary = dict(WAN_YUAN_COLUMN)
    return field
#: ``vocabulary`` entry of a JSON column holding a list of short texts (one per line).
LINES_COLUMN = {"widget": "textarea"}


def schema_columns(schema_cls) -> tuple:
    """The row columns of a JSON column that stores what ``schema_cls`` loaded (a step's data):
    ``vocabulary = {"plan": {"columns": schema_columns(PlanSchema)}}``."""
    return tuple(describe_schema(schema_cls))


def columns(*specs) -> tuple:
    """Row columns given inline as ``(name, label)`` or ``(name, label, {more FieldSpec keys})``
    (choices as ``(key, label)`` pairs)."""
    out = []
    for name, title, *more in specs:
        extra = dict(more[0]) if more else {}
        if "choices" in extra:
            extra["choices"] = tuple(Choice(k, lbl) for k, lbl in extra["choices"])
        out.append(FieldSpec(name, label=title, **extra))
    return tuple(out)


class LazyVocabulary:
    """A model's ``vocabulary`` built on first read, so it may name the step schemas whose data a
    JSON column keeps even when those schemas import the model's module::

        class TrainingProgramme(BaseModel):
            vocabulary = LazyVocabulary(lambda: {"delivery": {"columns": schema_columns(DeliverSchema)}})
    """

    def __init__(self, build):
        self.build, self.value = build, None

    def __get__(self, instance, owner):
        if self.value is None:
            self.value = self.build()
        return self.value
