"""Test data builders (real rows in the test's database, no mocks)."""
from __future__ import annotations

import functools
import itertools
import types

from rongtong.core.creditcode import credit_code_for
from rongtong.core.models import Department, Enterprise, User

_seq = itertools.count(1)
PASSWORD = "correct horse battery staple"


def credit_code(n: int | None = None) -> str:
    n = next(_seq) if n is None else n
    return credit_code_for(n)  # valid in full (GB 32100), registered in Beijing


def enterprise(name="测试企业", status="admitted", scale="small", kind="sme", **kw) -> Enterprise:
    return Enterprise.create(name=name, credit_code=kw.pop("credit_code", credit_code()), scale=scale, kind=kind,
                             status=status, industry=kw.pop("industry", "manufacturing"),
                             region=kw.pop("region", "石家庄"), **kw)


@functools.lru_cache(maxsize=32)
def _password_hash(password: str) -> str:
    """Hashing is deliberately slow (~0.25 s); tests reuse one hash per password (the salt is in it)."""
    probe = User()
    probe.set_password(password)
    return probe.password_hash


def user(username, roles, enterprise=None, department=None, password=PASSWORD, **kw) -> User:
    u = User(username=username, display_name=kw.pop("display_name", username), roles=list(roles),
             enterprise=enterprise, department=department, **kw)
    u.password_hash = _password_hash(password)
    u.save()
    return u


def make_people():
    dept = Department.create(key="finance", name="投融资部", name_en="Financing")
    a = enterprise("甲公司")
    b = enterprise("乙公司")
    return types.SimpleNamespace(
        department=dept,
        ent_a=a,
        ent_b=b,
        admin=user("admin", ["admin"]),
        staff=user("staff", ["staff"], department=dept),
        head=user("head", ["staff"], department=dept, is_department_head=True),
        expert=user("expert", ["expert"]),
        evaluator=user("evaluator", ["evaluator"]),
        user_a=user("user_a", ["enterprise"], enterprise=a),
        user_b=user("user_b", ["enterprise"], enterprise=b),
    )
