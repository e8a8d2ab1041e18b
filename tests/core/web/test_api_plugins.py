"""Plugin API resources (issue 3 §3): mounted at /api/v1/<plugin>/..., authenticated, permission
checked, validated with the plugin's schemas, scoped, listed in OpenAPI; clashes stop start-up
naming both plugins. The plugins below are loaded through entry points, like any third-party one."""
from __future__ import annotations

import importlib.metadata

import flask
import pytest
from marshmallow import Schema, fields, validate

from rongtong.core import hookimpl
from rongtong.core.errors import NotFound, PluginError
from rongtong.core.contract import ApiResource, Permission
from rongtong.core.security import get_scoped, scope_query
from rongtong.core.web.api import api_user
from tests.fixtures.sampleplugin.models import SampleNote

MODULE = __name__


class NoteSchema(Schema):
    id = fields.Integer(dump_only=True)
    request_id = fields.Integer(required=True, strict=True)
    text = fields.String(required=True, validate=validate.Length(min=1, max=500))


def list_notes():
    user = api_user()
    return list(scope_query(SampleNote.select(), SampleNote, user).order_by(SampleNote.id))


def add_note(data):
    from rongtong.core.models import ServiceRequest

    if get_scoped(ServiceRequest, data["request_id"], api_user()) is None:
        raise NotFound("Request not found.")
    return SampleNote.create(request=data["request_id"], text=data["text"])


def get_note(note_id, data=None):
    note = get_scoped(SampleNote, note_id, api_user())
    if note is None:
        raise NotFound("Note not found.")
    if flask.request.method == "PATCH":
        SampleNote.update_where(SampleNote.id == note.id, data)  # SampleNote is audited
        return SampleNote.get_by_id(note.id), 200
    return note


def _ping():
    return flask.jsonify({"pong": "other"})


class NotesPlugin:
    """A plugin with a scoped resource guarded by its own permission."""

    @hookimpl
    def register_permissions():
        return [Permission("notes.view", "查看备注", "View notes", ("staff", "enterprise"))]

    @hookimpl
    def register_api_resources(platform):
        return [
            ApiResource("notes/items", list_notes, ("GET",), endpoint="notes_list", summary="Notes",
                        response_schema=NoteSchema, many=True, permission="notes.view"),
            ApiResource("notes/items", add_note, ("POST",), endpoint="notes_add", summary="Add a note",
                        request_schema=NoteSchema, response_schema=NoteSchema, permission="notes.view"),
            ApiResource("notes/items/<int:note_id>", get_note, ("GET", "PATCH"), endpoint="notes_get",
                        request_schema=NoteSchema, response_schema=NoteSchema, permission="notes.view"),
        ]


class SameEndpointPlugin:
    @hookimpl
    def register_api_resources(platform):
        return [ApiResource("clash/ping", _ping, ("GET",), endpoint="sample_ping")]


class UnprefixedPlugin:
    @hookimpl
    def register_api_resources(platform):
        return [ApiResource("requests/mine", _ping, ("GET",))]


class TwicePlugin:
    @hookimpl
    def register_api_resources(platform):
        return [ApiResource("twice/x", _ping, ("GET",), endpoint="twice_a"),
                ApiResource("twice/x", _ping, ("GET",), endpoint="twice_b")]


def _ep(name, attr):
    return {name: importlib.metadata.EntryPoint(name, f"{MODULE}:{attr}", "rongtong.plugins")}


@pytest.fixture
def notes_app(make_platform):
    from rongtong.core.web.app import create_app

    platform = make_platform(plugins=("sample", "notes"), entry_points=_ep("notes", "NotesPlugin"))
    app = create_app(platform=platform)
    app.config["TESTING"] = True
    return app, platform


def test_plugin_resource_is_mounted_guarded_and_scoped(notes_app, api_token):
    from tests.conftest import SAMPLE_ENTRY_POINTS  # noqa: F401  (the sample plugin is loaded too)
    from tests.factories import make_people

    app, platform = notes_app
    people = make_people()
    client = app.test_client()

    def call(method, path, user, **kw):
        headers = {"Authorization": f"Bearer {api_token(user)}"} if user else {}
        return client.open(path, method=method, headers=headers, **kw)

    req_a = platform.engine.open_request(enterprise=people.ent_a, service_key="sample", actor=people.user_a, title="a")
    req_b = platform.engine.open_request(enterprise=people.ent_b, service_key="sample", actor=people.user_b, title="b")
    assert {r.endpoint for r in app.url_map.iter_rules()} >= {"api.notes_list", "api.notes_add", "api.notes_get",
                                                              "api.sample_ping"}
    assert call("GET", "/api/v1/notes/items", None).status_code == 401
    assert call("GET", "/api/v1/notes/items", people.expert).status_code == 403  # lacks notes.view

    made = call("POST", "/api/v1/notes/items", people.user_a, json={"request_id": req_a.id, "text": "备注"})
    assert made.status_code == 201, made.get_json()
    assert made.get_json() == {"id": made.get_json()["id"], "request_id": req_a.id, "text": "备注"}
    # Someone else's request: 404, nothing written. Bad data: 422 in the user's words. Extra fields refused.
    assert call("POST", "/api/v1/notes/items", people.user_a, json={"request_id": req_b.id, "text": "x"}).status_code == 404
    bad = call("POST", "/api/v1/notes/items", people.user_a, json={"request_id": "1", "text": "", "id": 3})
    assert bad.status_code == 422
    assert set(bad.get_json()["error"]["fields"]) == {"request_id", "text", "id"}
    assert call("POST", "/api/v1/notes/items", people.user_a, data="nope", content_type="application/json").status_code == 400
    assert SampleNote.select().count() == 1

    mine = made.get_json()["id"]
    assert [n["id"] for n in call("GET", "/api/v1/notes/items", people.user_a).get_json()] == [mine]
    assert call("GET", "/api/v1/notes/items", people.user_b).get_json() == []
    assert call("GET", f"/api/v1/notes/items/{mine}", people.user_b).status_code == 404
    assert call("GET", f"/api/v1/notes/items/{mine}", people.staff).get_json()["text"] == "备注"
    # PATCH validates only the fields sent (partial), still refusing unknown and server-owned ones.
    patched = call("PATCH", f"/api/v1/notes/items/{mine}", people.user_a, json={"text": "改"})
    assert patched.status_code == 200 and patched.get_json()["text"] == "改"
    assert call("PATCH", f"/api/v1/notes/items/{mine}", people.user_a, json={"id": 9}).status_code == 422
    assert call("PATCH", f"/api/v1/notes/items/{mine}", people.user_b, json={"text": "x"}).status_code == 404
    assert SampleNote.get_by_id(mine).text == "改"

    spec = client.get("/api/v1/openapi.json").get_json()
    assert set(spec["paths"]["/api/v1/notes/items"]) == {"get", "post"}
    assert spec["paths"]["/api/v1/notes/items/{note_id}"]["get"]["responses"]["200"]
    assert "requestBody" in spec["paths"]["/api/v1/notes/items/{note_id}"]["patch"]
    assert "notes.view" in spec["paths"]["/api/v1/notes/items"]["get"]["description"]
    assert any(name.endswith("Note") for name in spec["components"]["schemas"])


@pytest.mark.parametrize("name, attr, words", [
    ("clash", "SameEndpointPlugin", ["duplicate API endpoint 'sample_ping'", "'sample'", "'clash'"]),
    ("unprefixed", "UnprefixedPlugin", ["'unprefixed'", "must start with 'unprefixed/'"]),
    ("twice", "TwicePlugin", ["duplicate API route 'GET /api/v1/twice/x'", "'twice'"]),
])
def test_clashing_resources_stop_start_up(make_platform, name, attr, words):
    from rongtong.core.web.app import create_app

    platform = make_platform(plugins=("sample", name), entry_points=_ep(name, attr))
    with pytest.raises(PluginError) as info:
        create_app(platform=platform)
    for word in words:
        assert word in str(info.value)
