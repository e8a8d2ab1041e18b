"""Core models (issue 2 §3): enterprises (DB1302 6.1, 4.4.4), users and roles, service requests,
transitions — real rows in the test's database."""
from __future__ import annotations

import datetime
import decimal

import peewee
import pytest

from rongtong.core.db import database
from rongtong.core.errors import ValidationFailed
from rongtong.core.models import (CORE_MODELS, ENTERPRISE_KINDS, ENTERPRISE_SCALES, ENTERPRISE_STATUS_MOVES, Enterprise,
                         ServiceRequest, Transition, User)
from tests import factories


def test_every_core_table_is_prefixed(platform):
    assert all(m._meta.table_name.startswith("core_") for m in CORE_MODELS)


# --- enterprises -----------------------------------------------------------------------------------

def test_enterprise_register_covers_who_the_platform_serves(platform):
    """DB1302 6.1: entrepreneurs, SMEs and micro enterprises, lead enterprises, other supply-chain parties."""
    assert {k for k, _ in ENTERPRISE_KINDS} == {"entrepreneur", "sme", "lead", "supply_chain"}
    assert {k for k, _ in ENTERPRISE_SCALES} == {"large", "medium", "small", "micro"}
    ent = factories.enterprise("微企", scale="micro", kind="entrepreneur", status="applied")
    fresh = Enterprise.get_by_id(ent.id)
    assert (fresh.scale, fresh.kind, fresh.status) == ("micro", "entrepreneur", "applied")


def test_credit_code_is_checked_normalised_and_unique(platform):
    with pytest.raises(ValidationFailed) as err:
        Enterprise.create(name="x", credit_code="914403001922038217", scale="small", kind="sme")
    assert "check digit" in err.value.fields["credit_code"][0]
    ent = Enterprise.create(name="腾讯", credit_code=" 9144030071526726xg ", scale="large", kind="lead")
    assert Enterprise.get_by_id(ent.id).credit_code == "9144030071526726XG"
    with pytest.raises(peewee.IntegrityError):
        with database.atomic():
            Enterprise.create(name="copy", credit_code="9144030071526726xg", scale="small", kind="sme")
    assert Enterprise.select().count() == 1


@pytest.mark.parametrize("field, value", [("scale", "huge"), ("kind", "bank"), ("status", "approved")])
def test_enterprise_choices_are_enforced(platform, field, value):
    values = {"scale": "small", "kind": "sme", "status": "applied", field: value}
    with pytest.raises(ValidationFailed) as err:
        Enterprise.create(name="x", credit_code=factories.credit_code(), **values)
    assert list(err.value.fields) == [field]
    assert Enterprise.select().count() == 0


def test_onboarding_moves():
    """DB1302 4.4.4: applied → under review → admitted | rejected; an admitted enterprise may exit."""
    assert ENTERPRISE_STATUS_MOVES["under_review"] == {"admitted", "rejected"}
    assert ENTERPRISE_STATUS_MOVES["admitted"] == {"exited"}
    assert "admitted" not in ENTERPRISE_STATUS_MOVES["rejected"]


def test_an_enterprise_with_users_or_requests_cannot_be_deleted(platform, people):
    with pytest.raises(peewee.IntegrityError):
        with database.atomic():
            people.ent_a.delete_instance()
    assert Enterprise.get_or_none(Enterprise.id == people.ent_a.id) is not None


# --- users -----------------------------------------------------------------------------------------

def test_roles_round_trip_and_checks(platform):
    u = factories.user("multi", ["staff", "expert", "staff"])
    fresh = User.get_by_id(u.id)
    assert fresh.roles == ["expert", "staff"]
    assert fresh.has_role("expert") and not fresh.has_role("admin") and not fresh.is_admin
    assert User.get_by_id(factories.user("root", ["admin"]).id).is_admin


def test_passwords_are_hashed(platform):
    u = User(username="p", roles=["staff"])
    u.set_password("a long password")
    u.save()
    fresh = User.get_by_id(u.id)
    assert "a long password" not in fresh.password_hash
    assert fresh.check_password("a long password") and not fresh.check_password("A long password")
    assert not User(username="nopw").check_password("")  # no hash, no login


def test_enterprise_user_flags(platform, people):
    assert people.user_a.is_enterprise_user and not people.staff.is_enterprise_user
    assert people.user_a.enterprise_id == people.ent_a.id
    assert not people.user_a.is_anonymous and people.user_a.get_id() == str(people.user_a.id)
    people.user_a.active = False
    assert not people.user_a.is_active


def test_usernames_are_unique(platform):
    factories.user("same", ["staff"])
    with pytest.raises(peewee.IntegrityError):
        with database.atomic():
            factories.user("same", ["expert"])


# --- requests and transitions ----------------------------------------------------------------------

def test_request_data_keeps_json_with_chinese_dates_and_decimals(platform, people):
    req = ServiceRequest.create(enterprise=people.ent_a, service_key="sample", workflow_key="sample",
                                title="融资需求", data={"金额": decimal.Decimal("12.50"), "date": datetime.date(2026, 3, 2),
                                                        "items": [1, "二"]})
    fresh = ServiceRequest.get_by_id(req.id)
    assert fresh.data == {"金额": "12.50", "date": "2026-03-02", "items": [1, "二"]}
    assert (fresh.status, fresh.version, fresh.is_closed) == ("open", 1, False)
    fresh.status = "withdrawn"
    assert fresh.is_closed


def test_transitions_cannot_point_at_a_missing_request(platform):
    with pytest.raises(peewee.IntegrityError):
        with database.atomic():
            Transition.create(request=424242, to_step="x", outcome="advance")


def test_a_request_with_transitions_cannot_be_deleted(platform, people):
    req = platform.engine.open_request(enterprise=people.ent_a, service_key="sample", actor=people.user_a, title="t")
    with pytest.raises(peewee.IntegrityError):
        with database.atomic():
            req.delete_instance()


def test_due_dates_are_indexed(platform):
    """Inboxes sort and filter by due dates; they must not scan the table."""
    indexed = {tuple(i.columns) for i in platform.db.get_indexes("core_servicerequest")}
    assert ("step_due_at",) in indexed and ("due_at",) in indexed and ("status", "step_due_at") in indexed
