"""Admin screens open to enterprises are read-only for them unless the plugin says otherwise (issue
10 §4: a permission given to enterprises so they could read their cases also let one rewrite its
rejected case to "completed"). DB1302 5.3.2: secure operation of the platform."""
from __future__ import annotations

import importlib.metadata
import sys
import types

from rongtong.core import hookimpl
from rongtong.core.contract import AdminViewSpec
from tests.core.web.admin_support import grant, open_request, page_csrf
from tests.fixtures.sampleplugin.models import SampleNote

NOTES = "/admin/sample/note/"


def _note(platform, people):
    return SampleNote.create(request=open_request(platform, people), text="rejected")


def test_an_enterprise_granted_a_screens_permission_reads_but_cannot_write(platform, people, client, login):
    grant(platform, "sample.note.edit", "enterprise")  # given to enterprises for reading their notes
    note = _note(platform, people)
    login(client, people.user_a)
    assert client.get(NOTES).status_code == 200
    assert client.get(f"{NOTES}details/?id={note.id}").status_code == 200
    token = page_csrf(client, NOTES)
    edit = client.post(f"{NOTES}edit/?id={note.id}", data={"text": "completed", "csrf_token": token})
    assert edit.status_code == 302
    assert client.post(f"{NOTES}new/", data={"text": "forged", "csrf_token": token}).status_code == 302
    assert client.post(f"{NOTES}delete/", data={"id": note.id, "csrf_token": token}).status_code == 302
    assert [(n.id, n.text) for n in SampleNote.select()] == [(note.id, "rejected")]
    assert 'href="/admin/sample/note/edit/' not in client.get(NOTES).get_data(as_text=True)


def test_staff_holding_the_same_permission_still_edit(platform, people, client, login):
    grant(platform, "sample.note.edit", "enterprise")
    note = _note(platform, people)
    login(client, people.staff)
    assert client.get(f"{NOTES}edit/?id={note.id}").status_code == 200


def test_a_plugin_may_let_enterprises_edit(make_platform, login, monkeypatch):
    from rongtong.core.testing import make_people
    from rongtong.core.web.app import create_app

    module = types.ModuleType("notesforall")
    module.register_admin_views = hookimpl(lambda platform: [
        AdminViewSpec(model=SampleNote, permission="sample.note.edit", slug="mine", enterprise_may_edit=True)])
    monkeypatch.setitem(sys.modules, "notesforall", module)
    platform = make_platform(plugins=("sample", "notesforall"),
                             entry_points={"notesforall": importlib.metadata.EntryPoint("notesforall", "notesforall",
                                                                                        "rongtong.plugins")})
    grant(platform, "sample.note.edit", "enterprise")
    people = make_people()
    note = _note(platform, people)
    client = create_app(platform=platform).test_client()
    login(client, people.user_a)
    assert client.get(f"/admin/notesforall/mine/edit/?id={note.id}").status_code == 200
    assert client.get(f"{NOTES}edit/?id={note.id}").status_code == 302  # the default screen stays read-only
