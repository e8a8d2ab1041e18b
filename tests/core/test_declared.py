"""Declared services (issue 11): a service in a TOML file, with no Python, is a full service.

DB1302 4.1.4 (catalog: fee type and standard), 5.4.1 (published time limit covering the steps),
6.4 (each service's steps with their evidence). The file format is checked at start-up like the
config: one line ``file:line: key: problem``, exit 2; versions keep running requests on theirs;
registers are real tables altered additively.
"""
from __future__ import annotations

import textwrap

import pytest

from rongtong.core.errors import ConfigError, PluginError, ValidationFailed
from rongtong.core.models import AuditEvent, Notification, ServiceRequest, WorkflowVersion

CONSULT = """\
[service]
key = "legalq"
title = "法律咨询"
title_en = "Legal consultation"
fee_type = "free"
time_limit_days = 6

[choices.areas]
contract = ["合同", "Contracts"]
labour = ["劳动用工", "Labour"]

[[intake]]
key = "question"
type = "textarea"
required = true
label = "咨询问题"
label_en = "Question"

[[intake]]
key = "area"
type = "choice"
choices = "areas"
default = "contract"
label = "法律领域"
label_en = "Area of law"

[[steps]]
key = "accept"
title = "受理"
title_en = "Acceptance"
roles = ["staff"]
time_limit_days = 1

  [[steps.guards]]
  use = "row_exists"
  register = "lawyer"
  where = { active = true }
  message = "律师库中还没有在册律师"
  message_en = "The lawyers register has no active lawyer yet"

[[steps]]
key = "answer"
title = "解答"
title_en = "Answer"
roles = ["staff", "expert"]
time_limit_days = 5
notify = ["enterprise", "role:expert"]

  [[steps.fields]]
  key = "answer"
  type = "textarea"
  required = true
  label = "解答意见"
  label_en = "Answer"

  [[steps.fields]]
  key = "fee"
  type = "money"
  unit = "元"
  label = "参考费用"
  label_en = "Indicative fee"

  [[steps.effects]]
  use = "record"
  register = "case"
  set = { answer = "answer" }

  [[steps.effects]]
  use = "add_row"
  register = "advice"
  set = { text = "answer" }

[[registers]]
key = "lawyer"
title = "签约律师"
title_en = "Contracted lawyers"
search = ["name"]
filters = ["active"]

  [[registers.fields]]
  key = "name"
  type = "text"
  label = "姓名"
  label_en = "Name"

  [[registers.fields]]
  key = "active"
  type = "boolean"
  label = "在册"
  label_en = "Active"

[[registers]]
key = "case"
title = "咨询案卷"
title_en = "Consultation files"
scope = "request"
per_request = true
permission = "legalq.case.view"

  [[registers.fields]]
  key = "answer"
  type = "textarea"
  label = "解答意见"
  label_en = "Answer"

[[registers]]
key = "advice"
title = "解答记录"
title_en = "Advice given"
scope = "enterprise"

  [[registers.fields]]
  key = "text"
  type = "textarea"
  label = "内容"
  label_en = "Text"

[[permissions]]
key = "legalq.case.view"
title = "查看咨询案卷"
title_en = "View consultation files"
roles = ["staff", "enterprise"]
"""


def write(folder, name: str, text: str):
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture
def services(tmp_path):
    folder = tmp_path / "services"
    write(folder, "legalq.toml", CONSULT)
    return folder


@pytest.fixture
def platform(make_platform, services):
    """The test platform (and its app, client, people) with the declared service."""
    return make_platform(plugins=[], services={"directory": str(services)})


@pytest.fixture
def declared(platform):
    return platform


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), start=1) if needle in line)


# --- A declared service is a full service --------------------------------------------------------

def test_catalog_entry_workflow_and_registers(declared):
    """DB1302 4.1.4, 5.4.1: the catalog entry, its promise, the steps, the registers' tables."""
    reg = declared.registry
    service = reg.services["legalq"]
    assert (service.title, service.fee_type, service.time_limit_days) == ("法律咨询", "free", 6)
    wf = reg.workflows["legalq"]
    assert wf.step_keys == ["accept", "answer"] and wf.version == 1
    assert {m._meta.table_name for m in reg.models_of("legalq")} == {"legalq_lawyer", "legalq_case", "legalq_advice"}
    assert set(declared.db.get_tables()) >= {"legalq_lawyer", "legalq_case", "legalq_advice"}
    answer = wf.step("answer").schema().fields
    assert answer["fee"].metadata["unit"] == "元" and answer["answer"].metadata["label_en"] == "Answer"
    assert "legalq.case.view" in reg.permissions and "workflow.legalq.act" in reg.permissions


def test_guard_effects_notify_and_register_api(declared, people, client, api_token):
    """A guard refuses until the register has a row; effects write the case file and a register
    row in the transition's transaction; the enterprise is told when the request reaches a step
    that says so; the registers answer through /api/v1 with their row scope."""
    from tests.support.apiflow import Api

    engine = declared.engine
    api = Api(client, api_token)
    req = api.file(people.user_a, "legalq", "合同审查", data={"question": "合同违约金条款是否有效？"})
    assert ServiceRequest.get_by_id(req["id"]).data["area"] == "contract"  # the declared default
    with pytest.raises(ValidationFailed) as refused:
        engine.transition(req["id"], "advance", people.staff)
    assert "律师库" in refused.value.message
    lawyers = declared.registry.models_of("legalq")
    lawyer = next(m for m in lawyers if m._meta.table_name == "legalq_lawyer")
    lawyer.create(name="王律师", active=False)
    with pytest.raises(ValidationFailed):  # where = { active = true }
        engine.transition(req["id"], "advance", people.staff)
    lawyer.create(name="李律师", active=True)
    engine.transition(req["id"], "advance", people.staff)
    told = {n.user_id for n in Notification.select().where(Notification.event == "request.step")}
    assert told == {people.user_a.id, people.expert.id}  # notify = ["enterprise", "role:expert"]
    before = AuditEvent.select().count()
    done = engine.transition(req["id"], "complete", people.staff, data={"answer": "有效，但不得过高", "fee": "300"})
    assert done.outcome == "complete"
    assert AuditEvent.select().count() >= before + 3  # the transition, the case update, the advice row
    case = api.get(people.user_a, f"legalq/cases/{req['id']}").get_json()
    assert case["answer"] == "有效，但不得过高" and case["request"] == req["id"]
    assert api.get(people.user_b, f"legalq/cases/{req['id']}").status_code == 404
    advice = api.get(people.user_a, "legalq/advices").get_json()
    assert [a["text"] for a in advice] == ["有效，但不得过高"]
    assert api.get(people.user_b, "legalq/advices").get_json() == []
    assert [r["name"] for r in api.get(people.staff, "legalq/lawyers", q="李").get_json()] == ["李律师"]
    assert [r["name"] for r in api.get(people.staff, "legalq/lawyers", active="true").get_json()] == ["李律师"]
    bad = api.get(people.staff, "legalq/lawyers", colour="red")
    assert bad.status_code == 422 and "colour" in bad.get_json()["error"]["fields"]


def test_a_plugin_effect_is_used_by_name(make_platform, services, people):
    """Effects grow with the platform: the sample plugin registers ``sample_note``."""
    from tests.fixtures.sampleplugin.models import SampleNote

    text = CONSULT.replace('''  [[steps.effects]]
  use = "add_row"''', '''  [[steps.effects]]
  use = "sample_note"
  text = "answered"

  [[steps.effects]]
  use = "add_row"''')
    write(services, "legalq.toml", text)
    plat = make_platform(plugins=["sample"], services={"directory": str(services)})
    lawyer = next(m for m in plat.registry.models_of("legalq") if m._meta.table_name == "legalq_lawyer")
    lawyer.create(name="李律师", active=True)
    req = plat.engine.open_request(enterprise=people.ent_a, service_key="legalq", actor=people.user_a,
                                   title="咨询", data={"question": "?"})
    plat.engine.transition(req.id, "advance", people.staff)
    plat.engine.transition(req.id, "complete", people.staff, data={"answer": "好"})
    assert [n.text for n in SampleNote.select().where(SampleNote.request == req.id)] == ["answered"]


# --- Bad declarations never start a half-built platform -------------------------------------------

BAD = [
    ('type = "textarea"\n  required = true\n  label = "解答意见"', 'type = "essay"\n  required = true\n  label = "解答意见"',
     "steps[1].fields[0].type", "unknown field type 'essay'", 'type = "essay"'),
    ('roles = ["staff", "expert"]', 'roles = ["staff", "expret"]', "steps[1].roles", "unknown role 'expret'",
     '"expret"'),
    ('default = "contract"', 'default = "tax"', "intake[1].default", "default 'tax' is not among the choices",
     'default = "tax"'),
    ('time_limit_days = 5', 'time_limit_days = 0', "steps[1].time_limit_days", "positive whole number",
     "time_limit_days = 0"),
    ('time_limit_days = 5', 'time_limit_days = 2.5', "steps[1].time_limit_days", "Not a valid integer",
     "time_limit_days = 2.5"),
    ('time_limit_days = 5', 'time_limit_days = "5"', "steps[1].time_limit_days", "Not a valid integer",
     'time_limit_days = "5"'),
    ('time_limit_days = 6', 'time_limit_days = 2', "service.time_limit_days", "add up to 6",
     "time_limit_days = 2"),
    ('choices = "areas"', 'choices = "regions"', "intake[1].choices", "no [choices.regions] table",
     'choices = "regions"'),
    ('use = "row_exists"', 'use = "row_exist"', "steps[0].guards[0].use", "unknown guard 'row_exist'",
     'use = "row_exist"'),
    ('register = "lawyer"', 'register = "lawyers"', "steps[0].guards[0].register", "no register 'lawyers'",
     'register = "lawyers"'),
    ('set = { answer = "answer" }', 'sett = { answer = "answer" }', "steps[1].effects[0].sett", "unknown key",
     'sett = {'),
    ('filters = ["active"]', 'filters = ["colour"]', "registers[0].filters", "no field 'colour'",
     'filters = ["colour"]'),
    ('permission = "legalq.case.view"', 'permission = "legalq.case.read"', "registers[1].permission",
     "unknown permission", 'permission = "legalq.case.read"'),
]


@pytest.mark.parametrize("old, new, key, problem, line_text", BAD, ids=[b[2] + ":" + b[3][:20] for b in BAD])
def test_a_bad_declaration_is_refused_with_file_line_and_key(make_platform, services, old, new, key, problem,
                                                           line_text):
    assert old in CONSULT
    text = CONSULT.replace(old, new, 1)
    path = write(services, "legalq.toml", text)
    with pytest.raises((ConfigError, PluginError)) as refused:
        make_platform(plugins=[], services={"directory": str(services)})
    message = str(refused.value)
    assert message.startswith(f"{path}:{line_of(text, line_text)}: {key}: "), message
    assert problem in message and "\n" not in message


def test_two_services_with_one_key_are_refused_naming_both_files(make_platform, services):
    second = write(services, "zz-copy.toml", CONSULT)
    with pytest.raises(ConfigError) as refused:
        make_platform(plugins=[], services={"directory": str(services)})
    assert str(refused.value).startswith(f"{second}:2: service.key: 'legalq' is already declared in ")
    assert f"{services / 'legalq.toml'}:2" in str(refused.value)


def test_a_key_taken_by_a_plugin_is_refused(make_platform, services):
    write(services, "legalq.toml", CONSULT.replace("legalq", "sample"))
    with pytest.raises(PluginError) as refused:
        make_platform(plugins=["sample"], services={"directory": str(services)})
    assert "'sample' is already the name of plugin 'sample'" in str(refused.value)


def test_a_missing_directory_is_refused(make_platform, tmp_path):
    with pytest.raises(ConfigError) as refused:
        make_platform(plugins=[], services={"directory": str(tmp_path / "nowhere")})
    assert "services.directory: no such directory" in str(refused.value)


# --- Versions: running requests stay on theirs ----------------------------------------------------

def test_a_changed_file_makes_a_new_version_and_running_requests_stay(make_platform, services, people):
    """Issue 11 §4: v1 keeps running (read back from the database) after the file changed."""
    first = make_platform(plugins=[], services={"directory": str(services)})
    lawyer = next(m for m in first.registry.models_of("legalq") if m._meta.table_name == "legalq_lawyer")
    lawyer.create(name="李律师", active=True)
    old = first.engine.open_request(enterprise=people.ent_a, service_key="legalq", actor=people.user_a, title="旧",
                                    data={"question": "?"})
    assert old.workflow_version == 1
    again = make_platform(plugins=[], services={"directory": str(services)})  # unchanged: still v1
    assert again.registry.workflows["legalq"].version == 1 and WorkflowVersion.select().count() == 1
    changed = CONSULT.replace('''[[registers]]
key = "lawyer"''', '''[[steps]]
key = "review"
title = "复核"
title_en = "Review"
roles = ["staff"]
time_limit_days = 1

  [[steps.fields]]
  key = "verdict"
  type = "text"
  required = true
  label = "复核意见"
  label_en = "Verdict"

[[registers]]
key = "lawyer"''', 1).replace("time_limit_days = 6", "time_limit_days = 7", 1)
    write(services, "legalq.toml", changed)
    second = make_platform(plugins=[], services={"directory": str(services)})
    assert second.registry.workflows["legalq"].step_keys == ["accept", "answer", "review"]
    assert second.registry.workflows["legalq"].version == 2
    assert [(v.version, v.source) for v in WorkflowVersion.select().order_by(WorkflowVersion.version)] == [
        (1, str(services / "legalq.toml")), (2, str(services / "legalq.toml"))]
    assert AuditEvent.select().where(AuditEvent.object_type == "core_workflowversion").count() == 2
    new = second.engine.open_request(enterprise=people.ent_a, service_key="legalq", actor=people.user_a, title="新",
                                     data={"question": "?"})
    assert new.workflow_version == 2
    # the old request runs on v1, which the file no longer says: "answer" is its last step
    second.engine.transition(old.id, "advance", people.staff)
    second.engine.transition(old.id, "complete", people.staff, data={"answer": "好"})
    assert ServiceRequest.get_by_id(old.id).status == "completed"
    second.engine.transition(new.id, "advance", people.staff)
    second.engine.transition(new.id, "advance", people.staff, data={"answer": "好"})
    assert ServiceRequest.get_by_id(new.id).current_step == "review"


# --- Registers: additive, never dropping -----------------------------------------------------------

def test_db_upgrade_adds_columns_and_keeps_removed_ones(make_platform, services, people):
    """Issue 11 §2: a new field is added by ``db upgrade``; a removed one keeps its data and is
    reported; before the upgrade the platform says what is missing instead of failing later."""
    from rongtong.core.checks import check_schema

    first = make_platform(plugins=[], services={"directory": str(services)})
    lawyer = next(m for m in first.registry.models_of("legalq") if m._meta.table_name == "legalq_lawyer")
    lawyer.create(name="李律师", active=True)
    grown = CONSULT.replace('''  [[registers.fields]]
  key = "active"''', '''  [[registers.fields]]
  key = "phone"
  type = "text"
  label = "电话"
  label_en = "Phone"

  [[registers.fields]]
  key = "active"''', 1)
    write(services, "legalq.toml", grown)
    pending = make_platform(plugins=[], migrate=False, services={"directory": str(services)})
    with pytest.raises(PluginError) as refused:
        check_schema(pending)
    assert "column legalq_lawyer.phone" in str(refused.value) and "rongtong db upgrade" in str(refused.value)
    done = pending.upgrade()
    assert "added column legalq_lawyer.phone" in done["legalq"]
    check_schema(pending)
    shrunk = grown.replace('''  [[registers.fields]]
  key = "name"
  type = "text"
  label = "姓名"
  label_en = "Name"
''', "", 1).replace('search = ["name"]\n', "", 1)
    write(services, "legalq.toml", shrunk)
    third = make_platform(plugins=[], services={"directory": str(services)})
    assert any(line.startswith("kept column legalq_lawyer.name") for line in third.upgrade()["legalq"])
    model = next(m for m in third.registry.models_of("legalq") if m._meta.table_name == "legalq_lawyer")
    model.create(phone="010-1234", active=True)  # the kept column does not block new rows
    rows = third.db.execute_sql('SELECT "name" FROM "legalq_lawyer" ORDER BY "id"').fetchall()
    assert [r[0] for r in rows][0] == "李律师"


EVENT = """\
[service]
key = "roadshow"
title = "路演推介"
title_en = "Roadshow"
time_limit_days = 10

[[steps]]
key = "plan"
title = "活动策划"
title_en = "Planning"
roles = ["staff"]
time_limit_days = 3

  [[steps.fields]]
  key = "event_date"
  type = "date"
  required = true
  label = "活动日期"
  label_en = "Event date"

  [[steps.effects]]
  use = "schedule"
  field = "event_date"

[[steps]]
key = "hold"
title = "举办"
title_en = "Held"
roles = ["staff"]
time_limit_days = 2
"""


def test_the_schedule_effect_runs_the_next_steps_clock_from_the_date(make_platform, tmp_path, people):
    """DB1302 5.4.1: the "held" step is due 2 working days after the event (Thu 2026-10-01 is
    National Day: the holiday does not count), and the request's due date covers it."""
    folder = tmp_path / "events"
    write(folder, "roadshow.toml", EVENT)
    plat = make_platform(plugins=[], services={"directory": str(folder)})
    assert plat.registry.workflows["roadshow"].step("hold").schedule_from == "event_date"
    req = plat.engine.open_request(enterprise=people.ent_a, service_key="roadshow", actor=people.user_a, title="路演")
    plat.engine.transition(req.id, "advance", people.staff, data={"event_date": "2026-09-30"})
    req = ServiceRequest.get_by_id(req.id)
    due = plat.calendar.local_date(req.step_due_at)
    assert str(due) == "2026-10-09" and req.due_at >= req.step_due_at


REGISTERS_ONLY = """\
[plugin]
key = "premises"
title = "场地设施"
title_en = "Premises"

[[registers]]
key = "room"
title = "功能区与设施"
title_en = "Function areas and facilities"
public = true
menu = true
public_where = { published = true }
list = ["name", "area", "kind"]

  [[registers.fields]]
  key = "name"
  type = "text"
  label = "名称"
  label_en = "Name"

  [[registers.fields]]
  key = "area"
  type = "integer"
  unit = "平方米"
  label = "面积"
  label_en = "Area"

  [[registers.fields]]
  key = "kind"
  type = "choice"
  choices = { meeting = ["视频会议室", "Video meeting room"], data = ["数据中心", "Data centre"] }
  label = "类型"
  label_en = "Kind"

  [[registers.fields]]
  key = "keeper"
  type = "text"
  visibility = "internal"
  label = "管理人"
  label_en = "Keeper"

  [[registers.fields]]
  key = "published"
  type = "boolean"
  label = "公开"
  label_en = "Published"
"""


def test_a_registers_only_declaration_publishes_on_the_portal(make_platform, tmp_path):
    """DB1302 4.3: a register of premises kept by the platform, published on the portal: labels and
    choice labels, the unit, only the published rows, never the internal fields."""
    from rongtong.core.web.app import create_app

    folder = tmp_path / "registers"
    write(folder, "premises.toml", REGISTERS_ONLY)
    plat = make_platform(plugins=[], services={"directory": str(folder)})
    assert "premises" not in plat.registry.services and "premises" not in plat.registry.workflows
    room = plat.registry.models_of("premises")[0]
    room.create(name="一号会议室", area=60, kind="meeting", keeper="张三", published=True)
    room.create(name="机房", area=120, kind="data", keeper="李四", published=False)
    client = create_app(platform=plat).test_client()
    page = client.get("/registers/premises/room").get_data(as_text=True)
    assert "功能区与设施" in page and "一号会议室" in page and "视频会议室" in page and "平方米" in page
    assert "机房" not in page and "张三" not in page and "meeting" not in page
    home = client.get("/").get_data(as_text=True)
    assert "/registers/premises/room" in home  # menu = true
    english = client.get("/registers/premises/room?lang=en").get_data(as_text=True)
    assert "Video meeting room" in english and "Function areas and facilities" in english


@pytest.mark.parametrize("old, new, problem", [
    ("[plugin]", "[service]", "a service declares at least one [[steps]]"),
    ("public_where = { published = true }", "public_where = { colour = 1 }", "registers[0].public_where: no field"),
    ("public = true\n", "", "registers[0].menu: only a public register"),
])
def test_a_registers_only_declaration_is_checked(make_platform, tmp_path, old, new, problem):
    folder = tmp_path / "registers"
    text = REGISTERS_ONLY.replace(old, new, 1)
    write(folder, "premises.toml", text)
    with pytest.raises(ConfigError) as refused:
        make_platform(plugins=[], services={"directory": str(folder)})
    assert problem in str(refused.value)


def test_declared_services_are_in_a_valid_openapi_document(make_platform, services):
    """Issue 11 §1: /api/v1 with OpenAPI like a coded plugin; two services may name a register alike."""
    from openapi_spec_validator import validate

    from rongtong.core.web.app import create_app

    twin = CONSULT.replace("legalq", "taxq").replace("法律咨询", "税务咨询").replace("Legal consultation", "Tax consultation")
    write(services, "taxq.toml", twin)
    plat = make_platform(plugins=[], services={"directory": str(services)})
    spec = create_app(platform=plat).test_client().get("/api/v1/openapi.json").get_json()
    validate(spec)
    assert {"/api/v1/legalq/cases/{request_id}", "/api/v1/taxq/lawyers"} <= set(spec["paths"])
    assert {"LegalqCaseOut", "TaxqCaseOut"} <= set(spec["components"]["schemas"])


def test_a_multichoice_filter_matches_whole_keys(make_platform, tmp_path):
    """A register's multichoice filter finds the rows holding that key, not a key it is part of."""
    from rongtong.core.declared.api import _has_item

    folder = tmp_path / "tags"
    write(folder, "tags.toml", REGISTERS_ONLY.replace('''  [[registers.fields]]
  key = "published"''', '''  [[registers.fields]]
  key = "uses"
  type = "multichoice"
  choices = { video = ["视频", "Video"], videoconf = ["视频会议", "Video conference"], data = ["数据", "Data"] }
  label = "用途"
  label_en = "Uses"

  [[registers.fields]]
  key = "published"''', 1))
    plat = make_platform(plugins=[], services={"directory": str(folder)})
    room = plat.registry.models_of("premises")[0]
    for uses in (["video"], ["videoconf"], ["data", "video"], ["data"]):
        room.create(name="/".join(uses), uses=uses)
    found = sorted(r.name for r in room.select().where(_has_item(room.uses, "video")))
    assert found == ["data/video", "video"]
