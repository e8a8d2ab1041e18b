"""core.casefile: the request as a shared case file (issue 9 §2; DB1302 6.4.1.2 c records of every
service, 5.4.1 paused time, 6.3 the business process) — a thread both sides write, internal notes
only staff read, the answer to a pause and the correction after a return, each one transaction."""
from __future__ import annotations

import dataclasses
import io
import os

import pytest
from werkzeug.datastructures import FileStorage

from rongtong.core import casefile
from rongtong.core.attachments import AttachmentRefused, attachments_of, get_scoped_attachment
from rongtong.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed, WorkflowError
from rongtong.core.models import Attachment, AuditEvent, Notification, RequestMessage, ServiceRequest, Transition
from rongtong.core.workflow import PAUSE

CONSULTATION = "information_consultation"


def upload(data: bytes, name="材料.pdf"):
    return FileStorage(stream=io.BytesIO(data), filename=name, content_type="application/pdf")


def require_materials(platform, workflow_key=CONSULTATION, step_key="accept"):
    """Make a pause at ``step_key`` ask for materials (Step.pause_requires_files), as a workflow
    declaring it would."""
    registry = platform.registry
    for (key, version), wf in list(registry.workflow_versions.items()):
        if key != workflow_key:
            continue
        steps = tuple(dataclasses.replace(s, pause_requires_files=True) if s.key == step_key else s for s in wf.steps)
        new = dataclasses.replace(wf, steps=steps)
        registry.workflow_versions[(key, version)] = new
        if registry.workflows[key].version == version:
            registry.workflows[key] = new


@pytest.fixture
def platform(make_platform):
    return make_platform(plugins=("information",), attachments={"max_bytes": 1000, "allowed_extensions": ["pdf", "txt"]})


def consultation(platform, people, **data):
    return platform.engine.open_request(
        enterprise=people.ent_a, service_key="information.consultation", actor=people.user_a, title="专精特新认定",
        data={"channel": "online", "category": "policy", "question": "我公司能否申请专精特新？", **data},
        assignee=people.staff)


def stored_files(platform):
    root = platform.config.get("attachments.directory")
    return sorted(f for _, _, files in os.walk(root) for f in files) if os.path.isdir(root) else []


def reload(req):
    return ServiceRequest.get_by_id(req.id)


def inbox(user, event=None):
    query = Notification.select().where(Notification.user == user.id)
    if event:
        query = query.where(Notification.event == event)
    return list(query)


def test_an_enterprise_never_reads_an_internal_note_or_file(platform, people):
    """DB1302 6.4.1.2 c: both sides keep one record; the platform's working notes stay internal."""
    req = consultation(platform, people)
    ask = casefile.post_message(req, people.user_a, "营业执照见附件", files=[upload(b"licence")], config=platform.config)
    answer = casefile.post_message(req, people.staff, "已收到，请补充近两年财报", config=platform.config)
    note = casefile.post_message(req, people.staff, "该企业去年已获省级认定，需核实", internal=True,
                                 files=[upload(b"internal check", "核查.txt")], config=platform.config)
    secret = note.attachments[0]

    mine = casefile.thread(req, people.user_a)
    assert [m["body"] for m in mine] == ["营业执照见附件", "已收到，请补充近两年财报"]
    assert [m["side"] for m in mine] == ["enterprise", "platform"]
    assert [a.filename for a in mine[0]["attachments"]] == ["材料.pdf"]
    assert secret.id not in {a.id for a in casefile.visible_attachments(req, people.user_a)}
    assert secret.id not in {a.id for a in attachments_of(req, people.user_a)}
    assert get_scoped_attachment(secret.id, people.user_a, platform.registry) is None  # no download either
    wf = platform.engine.workflow_of(req)
    seen = [e["message"]["body"] for e in casefile.enterprise_timeline(req, wf) if e["kind"] == "message"]
    assert "该企业去年已获省级认定，需核实" not in seen and len(seen) == 2

    staff_view = casefile.thread(req, people.staff)
    assert [(m["kind"], m["internal"]) for m in staff_view] == [("message", False), ("message", False), ("note", True)]
    assert get_scoped_attachment(secret.id, people.staff, platform.registry).id == secret.id
    ServiceRequest.update(assignee=people.expert.id).where(ServiceRequest.id == req.id).execute()
    assert len(casefile.thread(reload(req), people.expert)) == 3  # the assigned expert works on the case too

    # The other side is told: the enterprise's message reaches the handler, the staff's the
    # enterprise's users; nobody outside (enterprise B) and nobody for an internal note.
    assert [n.link for n in inbox(people.staff, "request.message")] == [f"/admin/core/request/{req.id}/"]
    told = inbox(people.user_a, "request.message")
    assert len(told) == 1 and told[0].link == f"/my/requests/{req.id}" and told[0].request_id == req.id
    assert "财报" in told[0].body
    assert inbox(people.user_b) == []
    assert ask.kind == "message" and answer.kind == "message" and note.kind == "note"


def test_who_may_write_what(platform, people):
    req = consultation(platform, people)
    with pytest.raises(NotFound):  # another enterprise's request does not exist for B
        casefile.post_message(req, people.user_b, "打扰了", config=platform.config)
    with pytest.raises(NotFound):  # nor for an evaluator it is not assigned to
        casefile.post_message(req, people.evaluator, "?", config=platform.config)
    with pytest.raises(PermissionDenied) as exc:
        casefile.post_message(req, people.user_a, "内部", internal=True, config=platform.config)
    assert "internal" in exc.value.fields
    with pytest.raises(ValidationFailed) as exc:
        casefile.post_message(req, people.user_a, "   ", config=platform.config)
    assert list(exc.value.fields) == ["body"]
    assert RequestMessage.select().count() == 0


@pytest.mark.parametrize("bad,problem", [
    (upload(b"MZ..", "setup.exe"), "setup.exe: File type .exe is not accepted"),
    (upload(b"x" * 1001, "大文件.pdf"), "大文件.pdf is larger than 1000 bytes"),
    (upload(b"", "空.pdf"), "空.pdf is empty"),
])
def test_a_refused_file_writes_nothing(platform, people, bad, problem):
    """A message with one good and one refused file: no message, no attachment, no audit event,
    no stored file, nobody told — and the message names the file."""
    req = consultation(platform, people)
    events = AuditEvent.select().count()
    with pytest.raises(AttachmentRefused) as exc:
        casefile.post_message(req, people.user_a, "材料见附件", files=[upload(b"good one"), bad], config=platform.config)
    assert problem in " ".join(exc.value.fields["file"])
    assert RequestMessage.select().count() == 0 and Attachment.select().count() == 0
    assert AuditEvent.select().count() == events
    assert stored_files(platform) == [] and inbox(people.staff, "request.message") == []


def pause(platform, req, people, reason="请补充近两年财务报表"):
    return platform.engine.transition(req.id, PAUSE, people.staff, reason=reason)


def test_answer_pause_is_one_transaction(platform, people):
    """补正 (DB1302 5.4.1, 6.3): the answer, its materials and the resume happen together or not at all."""
    require_materials(platform)
    req = consultation(platform, people)
    pause(platform, req, people)
    req = reload(req)
    wf = platform.engine.workflow_of(req)
    assert casefile.materials_required(req, wf)
    paused = [e for e in casefile.enterprise_timeline(req, wf) if e["kind"] == "transition"][-1]
    assert paused["reason"] == "请补充近两年财务报表" and paused["materials_required"]

    with pytest.raises(ValidationFailed) as exc:  # the pause asked for materials: a file is required
        casefile.answer_pause(req, people.user_a, "稍后提供", [], platform)
    assert list(exc.value.fields) == ["file"]
    with pytest.raises(Conflict):  # the engine refuses inside the same transaction: nothing is kept
        casefile.answer_pause(req, people.user_a, "财报见附件", [upload(b"report 2024")], platform,
                              expected_version=req.version - 1)
    assert reload(req).status == "paused"
    assert RequestMessage.select().count() == 0 and Attachment.select().count() == 0 and stored_files(platform) == []
    with pytest.raises(PermissionDenied):
        casefile.answer_pause(req, people.staff, "代企业补正", [upload(b"x")], platform)
    with pytest.raises(NotFound):
        casefile.answer_pause(req, people.user_b, "?", [upload(b"x")], platform)
    # Nor can the enterprise skip the materials with the engine's bare resume (the portal's and
    # the API's plain "resume" outcome): the engine itself asks for them, naming the file.
    with pytest.raises(ValidationFailed) as exc:
        platform.engine.transition(req.id, "resume", people.user_a)
    assert list(exc.value.fields) == ["file"] and reload(req).status == "paused"

    msg = casefile.answer_pause(req, people.user_a, "财报见附件", [upload(b"report 2024", "2024财报.pdf")], platform,
                                expected_version=req.version)
    req = reload(req)
    assert req.status == "open" and req.paused_at is None
    last = Transition.select().where(Transition.request == req.id).order_by(Transition.id.desc()).first()
    assert last.outcome == "resume" and last.actor_id == people.user_a.id and last.data == {"message_id": msg.id}
    assert msg.kind == "materials" and [a.filename for a in msg.attachments] == ["2024财报.pdf"]
    assert [n.event for n in inbox(people.staff) if n.event != "request.assigned"] == ["request.materials"]
    with pytest.raises(WorkflowError):  # answered once: no longer paused
        casefile.answer_pause(req, people.user_a, "again", [upload(b"y")], platform)


def test_staff_may_resume_a_pause_that_asked_for_materials(platform, people):
    """The materials may reach the platform another way (by post, at the desk)."""
    require_materials(platform)
    req = consultation(platform, people)
    pause(platform, req, people)
    platform.engine.transition(req.id, "resume", people.staff, reason="材料已线下提交")
    assert reload(req).status == "open"


def test_a_pause_that_asks_for_nothing_resumes_with_a_message_only(platform, people):
    req = consultation(platform, people)
    pause(platform, req, people, reason="请确认联系人电话")
    casefile.answer_pause(reload(req), people.user_a, "联系人电话 0311-1234567", [], platform)
    assert reload(req).status == "open"


def return_to_intake(platform, req, people):
    platform.engine.transition(req.id, "advance", people.staff, data={"category": "policy"})
    platform.engine.transition(req.id, "return", people.staff, reason="问题描述不清，请补充企业规模", target="accept")
    return reload(req)


def test_resubmit_validates_again_and_keeps_old_and_new_values(platform, people):
    req = consultation(platform, people)
    with pytest.raises(WorkflowError):  # nothing was returned yet
        casefile.resubmit(req, people.user_a, {"question": "x"}, "改了", platform)
    req = return_to_intake(platform, req, people)
    wf = platform.engine.workflow_of(req)
    assert casefile.returned_to_intake(req, wf)

    with pytest.raises(ValidationFailed) as exc:  # the workflow's intake_schema decides, as when filing
        casefile.resubmit(req, people.user_a, {"category": "bogus", "question": "我公司50人"}, "已补充", platform)
    assert "category" in exc.value.fields["data"]
    with pytest.raises(ValidationFailed) as exc:
        casefile.resubmit(req, people.user_a, {"question": "我公司50人"}, "", platform, title="")
    assert set(exc.value.fields) == {"body", "title"}
    assert reload(req).data["question"] == "我公司能否申请专精特新？" and RequestMessage.select().count() == 0
    with pytest.raises(PermissionDenied):
        casefile.resubmit(req, people.staff, {"question": "x"}, "代改", platform)

    version = req.version
    casefile.resubmit(req, people.user_a, {"channel": "online", "category": "policy", "question": "我公司50人，能否申请？"},
                      "已补充企业规模", platform, title="专精特新认定（补充）")
    after = reload(req)
    assert after.data["question"] == "我公司50人，能否申请？" and after.title == "专精特新认定（补充）"
    assert after.version == version + 1 and after.current_step == "accept"
    event = (AuditEvent.select().where((AuditEvent.object_type == "core_servicerequest")
                                       & (AuditEvent.object_id == str(req.id)) & (AuditEvent.action == "update")).get())
    import json

    changes = json.loads(event.data)["changes"]
    assert changes["data"][0]["question"] == "我公司能否申请专精特新？"
    assert changes["data"][1]["question"] == "我公司50人，能否申请？"
    assert [m["body"] for m in casefile.thread(after, people.staff)] == ["已补充企业规模"]
    assert [n.event for n in inbox(people.staff) if n.event != "request.assigned"] == ["request.resubmitted"]


def test_known_step_data_starts_from_the_intake_then_from_what_was_recorded(platform, people):
    req = consultation(platform, people, category="talent")
    wf = platform.engine.workflow_of(req)
    assert casefile.known_step_data(req, wf, "accept") == {"category": "talent"}  # matching intake field
    req = return_to_intake(platform, req, people)
    assert casefile.known_step_data(req, wf, "accept") == {"category": "policy"}  # recorded the first time
    assert casefile.known_step_data(req, wf, "answer") == {}
