"""The field vocabulary (issue 9 §1): one description of every field — label, help, unit, widget,
choices with labels, visibility — and values shown as people read them."""
from __future__ import annotations

import datetime
import zoneinfo

import peewee
from marshmallow import Schema, fields, validate

from rongtong.core.fields import JSONField, ListField
from rongtong.core.i18n import lazy_gettext as _l
from rongtong.core.models import ServiceRequest, User
from rongtong.core.vocabulary import FieldSpec, describe_model, describe_schema, enterprise_view, format_number, overdue_text

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


class Row(Schema):
    name = fields.String(required=True, metadata={"label": "指标", "label_en": "Indicator"})
    after = fields.Float(metadata={"label": "改进后"})


class Budget(Schema):
    total = fields.Decimal(required=True, metadata={"label": "总额", "widget": "money", "unit": "万元"})


class Evidence(Schema):
    summary = fields.String(required=True, validate=validate.Length(max=100), metadata={"label": "摘要", "help": "一句话"})
    report = fields.String(metadata={"label": "报告"})
    amount = fields.Float(metadata={"label": "金额", "unit": "万元", "widget": "money"})
    score = fields.Integer(validate=validate.Range(min=1, max=5), metadata={"label": "评分", "widget": "scale"})
    grade = fields.String(validate=validate.OneOf(["met", "not_met"], labels=["达到", "未达到"]), metadata={"label": "目标"})
    kinds = fields.List(fields.String(), validate=validate.ContainsOnly(["a", "b"], labels=["甲", "乙"]))
    deliverables = fields.List(fields.String(), metadata={"label": "交付成果"})
    ids = fields.List(fields.Integer())
    indicators = fields.List(fields.Nested(Row), metadata={"label": "指标变化"})
    budget = fields.Nested(Budget, metadata={"label": "预算"})
    approved = fields.Boolean(metadata={"label": "通过"})
    due = fields.Date()
    at = fields.DateTime()
    notes = fields.String(metadata={"label": "内部意见", "visibility": "internal"})
    created = fields.DateTime(dump_only=True)


def test_widgets_follow_the_schema():
    specs = {s.name: s for s in describe_schema(Evidence)}
    assert "created" not in specs  # dump-only fields are no input
    widgets = {name: s.widget for name, s in specs.items()}
    assert widgets == {"summary": "text", "report": "textarea", "amount": "money", "score": "scale", "grade": "choice",
                       "kinds": "multichoice", "deliverables": "textarea", "ids": "textarea", "indicators": "table",
                       "budget": "table", "approved": "boolean", "due": "date", "at": "datetime", "notes": "textarea"}
    assert specs["deliverables"].many and specs["ids"].item == "int" and specs["indicators"].many
    assert not specs["budget"].many and [c.name for c in specs["budget"].columns] == ["total"]
    assert [c.title() for c in specs["indicators"].columns] == ["指标", "改进后"]
    assert specs["indicators"].columns[0].title("en") == "Indicator"
    assert (specs["score"].minimum, specs["score"].maximum) == (1, 5)
    assert specs["summary"].help == "一句话" and specs["amount"].unit == "万元"


def test_values_read_as_people_read_them(app):
    specs = {s.name: s for s in describe_schema(Evidence)}
    with app.test_request_context("/?lang=zh_Hans_CN"):
        assert specs["grade"].display("not_met") == "未达到"
        assert specs["kinds"].display(["a", "b"]) == "甲、乙"
        assert specs["approved"].display(True) == "是" and specs["approved"].display(False) == "否"
        assert specs["amount"].display(5000000.0) == "5,000,000 万元"  # never "5e+06"
        assert specs["score"].display(4) == "4 / 5" and FieldSpec("year", widget="integer").display(2026) == "2026"
        assert specs["indicators"].display([{"name": "交付周期", "after": 12.5}]) == "指标: 交付周期, 改进后: 12.5"
        assert specs["budget"].display({"total": "300.00"}) == "总额: 300 万元"
        assert specs["at"].display(datetime.datetime(2026, 3, 1, 16, 30), tz=SHANGHAI) == "2026-03-02 00:30"
        assert specs["report"].display(None) == "—" and specs["grade"].display("") == "—"


def test_numbers_have_no_exponent_and_no_trailing_zeros():
    assert format_number(5e6) == "5,000,000" and format_number("12.50") == "12.5" and format_number(1234) == "1,234"
    assert format_number(0.000125) == "0.000125"


def test_a_choice_answers_to_its_key_and_labels_in_both_languages(app):
    spec = FieldSpec("scale", widget="choice", choices=describe_model(ServiceRequest)["status"].choices)
    with app.test_request_context("/?lang=en"):
        assert spec.match_choice("办理中") == ["open"]  # Chinese label in the English UI
        assert spec.match_choice("Open") == ["open"]  # the msgid of the lazy label
        assert spec.match_choice("open") == ["open"]  # the key itself, exactly
        assert spec.match_choice("") == [] and spec.match_choice("no such thing") == []
    tech = FieldSpec("service", choices=(describe_schema(Evidence)[4].choices))
    assert tech.match_choice("达到") == ["met", "not_met"] and tech.match_choice("未达") == ["not_met"]


def test_model_columns_read_choices_units_and_json_schemas(app):
    class Case(peewee.Model):
        vocabulary = {"amount": {"unit": "万元", "widget": "money"}, "indicators": {"schema": Row},
                      "kinds": {"choices": [("a", "甲"), ("b", "乙")]}}
        amount = peewee.DecimalField(verbose_name=_l("Amount"))
        indicators = JSONField(default=list)
        kinds = ListField(max_length=50, default="")
        active = peewee.BooleanField(default=True)

    specs = describe_model(Case)
    assert specs["id"].title() == "ID" and specs["amount"].widget == "money" and specs["amount"].unit == "万元"
    assert specs["indicators"].widget == "table" and specs["indicators"].many
    assert [c.name for c in specs["indicators"].columns] == ["name", "after"]
    assert specs["kinds"].widget == "multichoice" and specs["kinds"].display(["b", "a"]) == "乙、甲"
    with app.test_request_context("/?lang=zh_Hans_CN"):
        assert describe_model(User)["roles"].display(["staff", "expert"]) == "服务人员、专家"
        assert specs["active"].display(True) == "是"


def test_the_enterprise_reads_only_what_is_meant_for_it():
    data = {"summary": "已完成", "notes": "内部讨论", "unknown_key": "x"}
    assert [(s.name, v) for s, v in enterprise_view(Evidence, data)] == [("summary", "已完成")]


def test_overdue_reads_as_overdue_in_chinese(app):
    with app.test_request_context("/?lang=zh_Hans_CN"):
        assert overdue_text(-3) == "超期 3 个工作日"
        assert overdue_text(2) == "剩余 2 个工作日" and overdue_text(0) == "今日到期"


def test_errors_map_back_to_the_inputs():
    from rongtong.core.web.fieldforms import flatten_errors

    messages = {"indicators": {1: {"after": ["Not a valid number."], "_schema": ["Bad row."]}},
                "budget": {"total": ["Missing data for required field."]}, "_schema": ["Too late."]}
    assert flatten_errors(messages) == {"indicators.1.after": ["Not a valid number."], "indicators.1": ["Bad row."],
                                        "budget.total": ["Missing data for required field."], "_schema": ["Too late."]}
