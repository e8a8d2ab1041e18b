"""core.attachments: files stored by content hash, limits from config, scoped like their record
(DB1302 5.3.2 data kept safe; 6.4.1.2 c records of every service kept)."""
import io

import pytest
from werkzeug.datastructures import FileStorage

from rongtong.core.attachments import (AttachmentRefused, attachments_of, get_scoped_attachment, open_attachment,
                              path_of, save_upload)
from rongtong.core.models import Attachment, AuditEvent, ServiceRequest


def upload(data: bytes, name="plan.pdf"):
    return FileStorage(stream=io.BytesIO(data), filename=name, content_type="application/pdf")


def make_request(platform, people, enterprise=None):
    return platform.engine.open_request(enterprise=enterprise or people.ent_a, service_key="sample",
                                        actor=people.staff, title="需要帮助")


def stored_files(platform):
    root = platform.config.get("attachments.directory")
    import os

    return sorted(f for _, _, files in os.walk(root) for f in files) if os.path.isdir(root) else []


def test_upload_is_stored_by_hash_and_audited(platform, people):
    req = make_request(platform, people)
    att = save_upload(upload(b"%PDF-1.4 business plan", "../../商业计划书.pdf"), req, people.user_a, platform.config)
    assert att.filename == "商业计划书.pdf"  # no directory part survives
    assert att.owner_type == "core_servicerequest" and att.owner_id == str(req.id)
    assert att.size == 22 and len(att.content_hash) == 64
    assert path_of(att.content_hash, platform.config).read_bytes() == b"%PDF-1.4 business plan"
    with open_attachment(att, platform.config) as fh:
        assert fh.read() == b"%PDF-1.4 business plan"
    event = AuditEvent.select().where(AuditEvent.object_type == "core_attachment").get()
    assert event.action == "create" and event.actor_name == "user_a"
    assert [a.id for a in attachments_of(req)] == [att.id]


def test_same_content_twice_is_stored_once(platform, people):
    req = make_request(platform, people)
    a = save_upload(upload(b"same bytes"), req, people.staff, platform.config)
    b = save_upload(upload(b"same bytes", "copy.pdf"), req, people.staff, platform.config)
    assert a.content_hash == b.content_hash
    assert stored_files(platform) == [a.content_hash]


@pytest.mark.parametrize("data,name,field_message", [
    (b"x" * 11, "big.pdf", "larger than 10 bytes"),
    (b"MZ...", "virus.exe", "File type .exe is not accepted"),
    (b"", "empty.pdf", "The file is empty"),
    (b"abc", "", "Choose a file"),
])
def test_refused_file_gets_a_clear_message_and_nothing_is_stored(make_platform, people_factory, data, name, field_message):
    platform = make_platform(attachments={"max_bytes": 10, "allowed_extensions": ["pdf"]})
    people = people_factory()
    req = make_request(platform, people)
    with pytest.raises(AttachmentRefused) as info:
        save_upload(upload(data, name), req, people.staff, platform.config)
    assert field_message in info.value.fields["file"][0]
    assert Attachment.select().count() == 0
    assert stored_files(platform) == []
    assert AuditEvent.select().where(AuditEvent.object_type == "core_attachment").count() == 0


def test_attachment_is_scoped_like_its_request(platform, people):
    req_a = make_request(platform, people, people.ent_a)
    att = save_upload(upload(b"evidence"), req_a, people.staff, platform.config)
    assert get_scoped_attachment(att.id, people.user_a, platform.registry).id == att.id
    assert get_scoped_attachment(att.id, people.staff, platform.registry).id == att.id
    assert get_scoped_attachment(att.id, people.user_b, platform.registry) is None
    assert get_scoped_attachment(att.id, people.expert, platform.registry) is None  # not assigned
    ServiceRequest.update(assignee=people.expert).where(ServiceRequest.id == req_a.id).execute()
    assert get_scoped_attachment(att.id, people.expert, platform.registry).id == att.id
    assert get_scoped_attachment("nope", people.staff, platform.registry) is None


def test_attachment_of_a_staff_only_record_is_hidden_from_enterprises(platform, people):
    att = save_upload(upload(b"internal"), people.department, people.staff, platform.config)
    assert get_scoped_attachment(att.id, people.staff, platform.registry) is not None
    assert get_scoped_attachment(att.id, people.user_a, platform.registry) is None


@pytest.fixture
def people_factory():
    from tests.factories import make_people

    return make_people
