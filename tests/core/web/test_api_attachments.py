"""Attachments through the API (issue 3 §2, §3): uploaded as multipart, scoped exactly like the
record they belong to (another enterprise's file is a 404), refused files store nothing
(DB1302 5.3.2, 6.4.1.2 c)."""
from __future__ import annotations

import io

from rongtong.core.models import Attachment


def _upload(api, user, owner_id, content=b"%PDF-1.4 business plan", name="计划书.pdf", **form):
    data = {"owner_type": "core_servicerequest", "owner_id": str(owner_id), **form}
    if content is not None:
        data["file"] = (io.BytesIO(content), name)
    return api.post("/api/v1/attachments", as_=user, data=data, content_type="multipart/form-data")


def test_upload_list_download_scoped(app, api, platform, people, tmp_path):
    req_a = platform.engine.open_request(enterprise=people.ent_a, service_key="sample", actor=people.user_a, title="a")
    req_b = platform.engine.open_request(enterprise=people.ent_b, service_key="sample", actor=people.user_b, title="b")

    made = _upload(api, people.user_a, req_a.id, description="商业计划书")
    assert made.status_code == 201, made.get_json()
    body = made.get_json()
    assert body["filename"] == "计划书.pdf" and body["size"] == 22 and body["description"] == "商业计划书"
    assert body["uploaded_by_id"] == people.user_a.id and "file" not in body
    assert made.headers["Location"].endswith(f"/api/v1/attachments/{body['id']}")

    listed = api.get(f"/api/v1/attachments?owner_type=core_servicerequest&owner_id={req_a.id}", as_=people.staff)
    assert [a["id"] for a in listed.get_json()] == [body["id"]]
    download = api.get(f"/api/v1/attachments/{body['id']}/download", as_=people.staff)
    assert download.status_code == 200 and download.data == b"%PDF-1.4 business plan"
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.mimetype == "application/octet-stream"

    # Enterprise B: neither the file nor the record exist as far as it can tell.
    for path in (f"/api/v1/attachments/{body['id']}", f"/api/v1/attachments/{body['id']}/download",
                 f"/api/v1/attachments?owner_type=core_servicerequest&owner_id={req_a.id}"):
        assert api.get(path, as_=people.user_b).status_code == 404, path
    count = Attachment.select().count()
    assert _upload(api, people.user_b, req_a.id).status_code == 404
    assert _upload(api, people.user_a, req_b.id).status_code == 404
    assert _upload(api, people.user_a, req_a.id, owner_type="core_user").status_code == 404  # users: staff only
    assert Attachment.select().count() == count


def test_refused_uploads_store_nothing(app, api, platform, people, tmp_path):
    req = platform.engine.open_request(enterprise=people.ent_a, service_key="sample", actor=people.user_a, title="a")
    count = Attachment.select().count()
    cases = [
        (dict(content=b""), "file"),  # empty
        (dict(content=None), "file"),  # no file at all
        (dict(status="x"), "status"),  # unknown form field
        (dict(description="x" * 301), "description"),
    ]
    for kwargs, field in cases:
        response = _upload(api, people.user_a, req.id, **kwargs)
        assert response.status_code == 422, (kwargs, response.get_json())
        assert field in response.get_json()["error"]["fields"], (kwargs, response.get_json())
    json_body = api.post("/api/v1/attachments", {"owner_type": "core_servicerequest", "owner_id": str(req.id)},
                         as_=people.user_a)
    assert json_body.status_code == 400 and json_body.get_json()["error"]["code"] == "malformed"
    assert Attachment.select().count() == count
    files = [p for p in (tmp_path / "attachments").rglob("*") if p.is_file()] if (tmp_path / "attachments").exists() else []
    assert files == []
