"""The OpenAPI document describes what the investment, financing, promotion and evaluation resources
return (issue 10 §1: response schemas on every operation), so an API client knows the fields --
with their labels and units -- instead of a bare ``object``. (The needs-survey resources under ``<plugin>/surveys``
come from the core's toolkit and are not counted here.)"""
import pytest


@pytest.fixture
def platform(make_platform):
    return make_platform(plugins=["investment", "financing", "promotion", "evaluation"])


def _schema_of(spec, ref_or_schema):
    schema = ref_or_schema
    if schema.get("type") == "array":
        schema = schema["items"]
    if "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


@pytest.mark.parametrize("plugin", ["investment", "financing", "promotion", "evaluation"])
def test_every_operation_documents_the_fields_it_returns(client, plugin):
    spec = client.get("/api/v1/openapi.json").get_json()
    operations = [(path, method, op) for path, item in spec["paths"].items()
                  if path.startswith(f"/api/v1/{plugin}/") and not path.startswith(f"/api/v1/{plugin}/surveys")
                  for method, op in item.items() if method in {"get", "post", "put", "patch", "delete"}]
    assert len(operations) >= 9
    bare = []
    for path, method, op in operations:
        ok = next(code for code in op["responses"] if code in ("200", "201"))
        schema = _schema_of(spec, op["responses"][ok]["content"]["application/json"]["schema"])
        if not schema.get("properties"):
            bare.append(f"{method.upper()} {path}")
    assert bare == []


@pytest.mark.parametrize("path, fields", [
    ("/api/v1/investment/investors", {"name", "industries", "ticket_min"}),
    ("/api/v1/financing/banks", {"name", "branch", "region"}),
    ("/api/v1/promotion/quality-enterprises", {"enterprise", "criteria", "products"}),
    ("/api/v1/evaluation/committees", {"name", "kind", "active"}),
])
def test_a_list_and_its_registration_are_documented_apart(client, path, fields):
    """GET lists the records (an array), POST registers one (an object), on the same path."""
    spec = client.get("/api/v1/openapi.json").get_json()
    item = spec["paths"][path]
    listed = item["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    created = item["post"]["responses"]["201"]["content"]["application/json"]["schema"]
    assert listed["type"] == "array" and listed["items"] == created
    assert fields <= set(_schema_of(spec, created)["properties"])
