"""The service plan schema (core.toolkit.plans): every field of DB1302 6.4.3 c."""
import copy

import pytest
from marshmallow import fields

from rongtong.core.toolkit.plans import PLAN_EXAMPLE, PLAN_FIELDS, PlanSchema


def test_plan_has_every_field_of_6_4_3_c_and_all_are_required():
    assert set(PlanSchema().fields) == set(PLAN_FIELDS)
    assert set(PlanSchema().validate({})) == set(PLAN_FIELDS)


def test_example_is_valid():
    plan = PlanSchema().load(PLAN_EXAMPLE)
    assert str(plan["budget"]["total"]) == "12000.00"
    assert plan["milestones"][0]["date"].isoformat() == "2030-01-10"


@pytest.mark.parametrize("path, value", [
    (("audience",), ""),
    (("budget", "total"), "-1"),
    (("budget", "items"), [{"item": "讲师费", "amount": "1.00"}]),  # does not add up to the total
    (("milestones",), []),
    (("milestones",), [{"title": "b", "date": "2030-02-01"}, {"title": "a", "date": "2030-01-01"}]),
    (("schedule",), [{"date": "not a date", "activity": "x"}]),
    (("roles",), []),
    (("trainer_introductions",), [{"name": "王老师"}]),
])
def test_bad_plans_refused_naming_the_field(path, value):
    data = copy.deepcopy(PLAN_EXAMPLE)
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    errors = PlanSchema().validate(data)
    assert path[0] in errors


def test_plugins_extend_the_plan():
    class WithExperts(PlanSchema):
        experts = fields.List(fields.Integer(), required=True)

    assert "experts" in WithExperts().validate(PLAN_EXAMPLE)
    assert WithExperts().validate({**PLAN_EXAMPLE, "experts": [1]}) == {}
