"""The service catalog and workflows through the API (DB1302 4.1.4 fee type and standard,
5.1.3 published service processes, 5.4.1 published time limits)."""
from __future__ import annotations


def test_services_publish_fee_and_time_limit(api, people):
    services = api.get("/api/v1/services", as_=people.user_a).get_json()
    assert services == [{
        "key": "sample", "title": "示例服务", "title_en": "Sample service", "description": "用于测试",
        "description_en": "", "category": "", "fee_type": "paid", "fee_standard": "每次 100 元",
        "time_limit_days": 10, "workflow": "sample",
    }]


def test_workflows_latest_and_pinned_versions(api, people):
    listed = api.get("/api/v1/workflows", as_=people.user_a).get_json()
    assert [(w["key"], w["version"]) for w in listed] == [("sample", 2)]
    steps = listed[0]["steps"]
    assert [s["key"] for s in steps] == ["accept", "deliver", "evaluate"]
    assert steps[1] == {"key": "deliver", "title": "实施", "title_en": "Deliver", "roles": ["staff", "expert"],
                        "time_limit_days": 5, "outcomes": ["advance", "return", "reject", "pause"],
                        "next_steps": ["evaluate"], "returns_to": ["accept"], "fields": ["deliverable", "hours"]}
    # Requests stay pinned to the version they started under, so old versions remain readable.
    v1 = api.get("/api/v1/workflows/sample?version=1", as_=people.staff).get_json()
    assert v1["version"] == 1 and [s["key"] for s in v1["steps"]] == ["accept", "finish"]
    assert api.get("/api/v1/workflows/sample", as_=people.staff).get_json()["version"] == 2
    assert api.get("/api/v1/workflows/sample?version=3", as_=people.staff).status_code == 404
    assert api.get("/api/v1/workflows/sample?version=two", as_=people.staff).status_code == 422
