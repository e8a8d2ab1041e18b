import datetime

import pytest

from rongtong.core.models import utcnow
from tests.support.apiflow import Api

QUESTIONS = [
    {"key": "topics", "kind": "multiple", "text": "需要哪些培训主题？", "choices": ["精益生产", "数字化", "营销"]},
    {"key": "urgency", "kind": "scale", "text": "紧迫程度"},
]


@pytest.fixture
def platform(make_platform):
    return make_platform(plugins=["training"])


@pytest.fixture
def api(client, api_token):
    return Api(client, api_token)


@pytest.fixture
def answered_survey(api, people):
    """A training needs survey sent to both enterprises and answered by enterprise A, via the API."""
    r = api.post(people.staff, "training/surveys", {"title": "培训需求调研", "questions": QUESTIONS})
    assert r.status_code == 201, r.get_json()
    survey_id = r.get_json()["id"]
    r = api.post(people.staff, f"training/surveys/{survey_id}/invitations",
                 {"enterprises": [people.ent_a.id, people.ent_b.id]})
    assert r.status_code == 201, r.get_json()
    r = api.post(people.user_a, f"training/surveys/{survey_id}/answers",
                 {"answers": {"topics": ["精益生产", "数字化"], "urgency": 4}})
    assert r.status_code == 201, r.get_json()
    return survey_id


def session_data(days_ahead=30, capacity=2, title="精益生产（第一期）"):
    start = (utcnow() + datetime.timedelta(days=days_ahead)).replace(microsecond=0)
    return {"title": title, "starts_at": start.isoformat() + "+00:00",
            "ends_at": (start + datetime.timedelta(hours=6)).isoformat() + "+00:00",
            "venue": "培训中心 301", "capacity": capacity}


def time_passes(monkeypatch, days):
    """"Now" moves ``days`` ahead for the engine (the scheduled-date guard) and the registrations
    (check-in), as when the sessions' day has come."""
    import rongtong.core.workflow as engine_module
    from rongtong.plugins.training import registrations

    later = utcnow() + datetime.timedelta(days=days)
    for module in (engine_module, registrations):
        monkeypatch.setattr(module, "utcnow", lambda: later)
