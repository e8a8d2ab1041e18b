"""Fixtures of the evaluation plugin's tests: a platform with the sample service plugin (requests
to supervise and survey) and the evaluation plugin, a small cast, and clock helpers."""
from __future__ import annotations

import datetime
import zoneinfo

import pytest

from rongtong.core.models import ServiceRequest, Transition

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
PLUGINS = ("sample", "evaluation")


def utc(local_text: str) -> datetime.datetime:
    """A naive-UTC moment from a local (Asia/Shanghai) 'YYYY-MM-DD HH:MM'."""
    local = datetime.datetime.fromisoformat(local_text).replace(tzinfo=TZ)
    return local.astimezone(datetime.timezone.utc).replace(tzinfo=None)


@pytest.fixture
def make_eval_platform(make_config):
    """``make_eval_platform(options={...}, **sections)``: the sample and evaluation plugins, with
    ``[plugins.evaluation]`` set to ``options``; migrated."""
    from rongtong.core.platform import Platform
    from tests.conftest import SAMPLE_ENTRY_POINTS

    built = []

    def factory(options=None, plugins=PLUGINS, **sections):
        config = make_config(plugins=plugins, **sections)
        if options is not None:
            config = config.with_overrides(plugins={"evaluation": options})
        platform = Platform(config, entry_points=SAMPLE_ENTRY_POINTS)
        platform.upgrade()
        built.append(platform)
        return platform

    yield factory
    for platform in built:
        if not platform.db.is_closed():
            platform.db.close()


@pytest.fixture
def platform(make_eval_platform):
    return make_eval_platform()


@pytest.fixture
def people(platform):
    from tests.factories import make_people

    return make_people()


def open_sample(platform, people, title="检测服务申请", **kw):
    return platform.engine.open_request(enterprise=kw.pop("enterprise", people.ent_a), service_key="sample",
                                        actor=kw.pop("actor", people.user_a), title=title,
                                        department=kw.pop("department", people.department), **kw)


def start_step_at(platform, request, local_text: str) -> ServiceRequest:
    """Pretend the request (and its current step) started at ``local_text``: rewrite the stored
    times the way the engine would have written them then."""
    moment = utc(local_text)
    Transition.update(created_at=moment).where(Transition.request == request.id).execute()
    ServiceRequest.update(opened_at=moment).where(ServiceRequest.id == request.id).execute()
    req = ServiceRequest.get_by_id(request.id)
    clock = platform.engine.clock(req, now=moment)
    ServiceRequest.update(step_started_at=clock.step_started_at, step_due_at=clock.step_due_at,
                          due_at=clock.due_at).where(ServiceRequest.id == request.id).execute()
    return ServiceRequest.get_by_id(request.id)


def complete_sample(platform, people, request, institution=None):
    """Walk a sample request to completion (staff, expert-free path, the enterprise evaluates)."""
    eng = platform.engine
    if institution:
        data = dict(request.data or {})
        data.update(institution)
        ServiceRequest.update(data=data).where(ServiceRequest.id == request.id).execute()
    eng.transition(request.id, "advance", people.staff, data={"need": "检测"})
    eng.transition(request.id, "advance", people.staff, data={"deliverable": "报告", "hours": 3})
    eng.transition(request.id, "complete", people.user_a, data={"score": 5})
    return ServiceRequest.get_by_id(request.id)
