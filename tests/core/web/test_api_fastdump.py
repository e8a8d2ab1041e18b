"""The compiled dumper gives exactly what marshmallow's ``dump`` gives, for every core response
schema, on real rows (issue 3 §5: fast reads without a second serialisation of the truth)."""
from __future__ import annotations

from flask import g

from rongtong.core.web.api.fastdump import compile_dumper
from rongtong.core.web.api.resources import core_operations
from rongtong.core.web.api.routing import schema_instance


def _objects(app, api, platform, people):
    """(endpoint, method) -> the object each core view returns, built inside a real request."""
    req = platform.engine.open_request(enterprise=people.ent_a, service_key="sample", actor=people.user_a,
                                       title="t", assignee=people.expert)
    platform.engine.transition(req.id, "advance", people.staff, data={"need": "x"})
    platform.engine.transition(req.id, "pause", people.staff, reason="材料")
    import io

    from werkzeug.datastructures import FileStorage

    from rongtong.core.attachments import save_upload

    att = save_upload(FileStorage(io.BytesIO(b"report"), "报告.txt"), req, people.staff, platform.config)
    from rongtong.core.casefile import post_message

    post_message(req, people.staff, "请补充", internal=True, files=[FileStorage(io.BytesIO(b"n"), "备注.txt")],
                 config=platform.config)
    out = {}
    headers = {"Authorization": f"Bearer {api.token(people.staff)}"}
    ops = {(op.endpoint, op.method): op for op in core_operations()}
    calls = {
        ("me", "GET"): ((), {}), ("services", "GET"): ((), {}), ("workflows", "GET"): ((), {}),
        ("workflow", "GET"): (("sample",), {}),
        ("enterprises", "GET"): ((), {"limit": 20}), ("enterprise", "GET"): ((people.ent_a.id,), {}),
        ("requests", "GET"): ((), {"limit": 20}), ("request", "GET"): ((req.id,), {}),
        ("request_transitions", "GET"): ((req.id,), {}), ("request_messages", "GET"): ((req.id,), {}),
        ("attachments", "GET"): ((), {"owner_type": "core_servicerequest", "owner_id": str(req.id)}),
        ("attachment", "GET"): ((att.id,), {}),
    }
    for key, (args, query) in calls.items():
        with app.test_request_context("/api/v1/x", headers=headers):
            g.api_query = query
            out[key] = ops[key].view(*args)
    return ops, out


def test_compiled_dump_equals_marshmallow(app, api, platform, people):
    ops, objects = _objects(app, api, platform, people)
    for key, obj in objects.items():
        schema = schema_instance(ops[key].response_schema, many=ops[key].many)
        fast = compile_dumper(schema)
        assert fast is not None, key
        with app.test_request_context("/"):
            assert fast(obj) == schema.dump(obj), key
    # The interesting parts were really there: nested enterprise, clock while paused, history.
    page = objects[("requests", "GET")]
    assert page["items"] and page["items"][0].enterprise.name == "甲公司"
    assert objects[("request", "GET")].clock["paused_since"] is not None
    assert len(objects[("request_transitions", "GET")]["transitions"]) == 3
    assert objects[("request_messages", "GET")][0]["attachments"]  # a thread entry with its file
    assert [e["kind"] for e in objects[("request", "GET")].timeline][-1] == "message"


def test_unsupported_schemas_fall_back(app):
    from marshmallow import Schema, fields, pre_dump

    class Hooked(Schema):
        a = fields.String()

        @pre_dump
        def change(self, data, **kwargs):
            return data

    class Dotted(Schema):
        a = fields.String(attribute="x.y")

    class Method(Schema):
        a = fields.Method("get_a")

        def get_a(self, obj):
            return 1

    assert compile_dumper(Hooked()) is None and compile_dumper(Dotted()) is None and compile_dumper(Method()) is None
