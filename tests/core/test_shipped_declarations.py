"""Every declared service the project ships starts a platform, draws its forms from the field
vocabulary and walks from filing to completion (issue 11 §6).

The shipped declarations: ``plugins/*/service.toml`` (built-in plugins that are declarations),
``docs/services/*.toml`` (worked examples, loaded through ``[services] directory`` as an operator
would) and ``core/declared/template.toml`` (what ``rongtong service new`` writes). For each one the
portal's filing form and every step's form -- the page the person acting opens: the staff request
page, or the enterprise's own request page -- show every declared field's Chinese label and no
textarea or input holding JSON to type by hand; then the request is advanced step by step through
``/api/v1`` with :func:`rongtong.core.declared.demo.example_data` until it is completed. Every
register of every shipped file -- a ``[plugin]`` file declares registers only -- has its admin
screen drawn from the vocabulary, and a public register its portal page.

DB1302 4.4.4 (filing in the portal), 5.4.1 (the published limit), 6.4.1.2 c (service records
readable by staff and enterprise).
"""
from __future__ import annotations

import html
import re
import shutil
import tomllib
from pathlib import Path

import pytest

from rongtong.core.audit import acting_as
from rongtong.core.declared.demo import example_data, people_by_role
from rongtong.core.models import Notification, ServiceRequest
from tests.support.apiflow import Api, field_errors

REPO = Path(__file__).resolve().parents[2]
SHIPPED = sorted([*REPO.glob("plugins/*/service.toml"), *REPO.glob("docs/services/*.toml"),
                  REPO / "core" / "declared" / "template.toml"])
#: The shipped services (a ``[service]`` with steps; a ``[plugin]`` declares registers only).
SERVICES = [p for p in SHIPPED if "service" in tomllib.loads(p.read_text(encoding="utf-8"))]
#: The one who acts on a step holding each role (the first of the step's roles that is here).
ACTOR_OF_ROLE = ("staff", "expert", "enterprise", "evaluator", "admin")


def test_every_kind_of_shipped_declaration_is_found():
    names = {p.relative_to(REPO).as_posix() for p in SHIPPED}
    assert {"plugins/management/service.toml", "docs/services/legal.toml", "core/declared/template.toml"} <= names


@pytest.fixture(params=SHIPPED, ids=lambda p: p.relative_to(REPO).as_posix())
def shipped(request):
    return request.param


@pytest.fixture
def platform(make_platform, shipped, tmp_path):
    if shipped.parent.parent.name == "plugins":  # a built-in plugin that is a declaration
        return make_platform(plugins=[shipped.parent.name])
    folder = tmp_path / "services"  # as an operator installs it: a copy in [services] directory
    folder.mkdir()
    shutil.copy(shipped, folder / shipped.name)
    return make_platform(plugins=[], services={"directory": str(folder)})


@pytest.fixture
def service(platform, shipped):
    """The DeclaredService the platform loaded from ``shipped``."""
    found = [p.module for p in platform.registry.plugins.values()
             if hasattr(p.module, "declaration") and Path(p.module.path).name == shipped.name]
    assert len(found) == 1, [p.name for p in platform.registry.plugins.values()]
    return found[0]


@pytest.fixture
def api(client, api_token):
    return Api(client, api_token)


def intake_data(fields: list[dict]) -> dict:
    """Values for the required intake fields, of their declared types."""
    samples = {"text": "测试", "textarea": "测试问题", "integer": 1, "scale": 3, "money": "1.00", "date": "2030-01-02",
               "boolean": True, "lines": ["一项"]}
    out = {}
    for f in fields:
        if not f["required"]:
            continue
        if f["type"] in ("choice", "multichoice"):
            first = f["choices"][0][0]
            out[f["key"]] = first if f["type"] == "choice" else [first]
        else:
            out[f["key"]] = samples[f["type"]]
    return out


def labels(fields: list[dict]) -> list[str]:
    out = []
    for f in fields:
        out.append(f["label"])
        out += labels(f["columns"] or [])
    return out


def assert_form(page: str, fields: list[dict], where: str) -> None:
    """Every declared field's Chinese label is on the page, and nothing asks for JSON."""
    text = html.unescape(page)
    missing = [label for label in labels(fields) if label not in text]
    assert not missing, f"{where}: labels not shown: {missing}"
    for content in re.findall(r"<textarea[^>]*>(.*?)</textarea>", page, re.S):
        assert not html.unescape(content).strip().startswith(("{", "[")), f"{where}: a JSON textarea: {content[:80]}"
    for value in re.findall(r'<input[^>]*value="([^"]*)"', page):
        assert not html.unescape(value).startswith(("{\"", "[{", "[\"")), f"{where}: a JSON input: {value[:80]}"


def answered_survey(api, people, key) -> int:
    """A needs survey of ``key`` answered by enterprise A (for a ``survey`` field)."""
    questions = [{"key": "need", "kind": "text", "text": "具体需求"}]
    r = api.post(people.staff, f"{key}/surveys", {"title": "需求调研", "questions": questions})
    assert r.status_code == 201, r.get_json()
    sid = r.get_json()["id"]
    assert api.post(people.staff, f"{key}/surveys/{sid}/invitations", {"enterprises": [people.ent_a.id]}).status_code == 201
    assert api.post(people.user_a, f"{key}/surveys/{sid}/answers", {"answers": {"need": "战略"}}).status_code == 201
    return sid


def legal_lawyer_register(api, people, service, request_id, data) -> None:
    """The assignment is refused until the register has an active lawyer (the ``row_exists``
    guard with ``where = { active = true }``), then the lawyer is added."""
    lawyer = service.register("lawyer")
    with acting_as(people.staff):
        row = lawyer.create(name="张律师", firm="融通律师事务所", speciality="contract", phone="0311-0000000",
                            years=12, active=False)
    refused = api.act(people.staff, request_id, "advance", data)
    assert refused.status_code == 422 and "在册律师" in str(field_errors(refused)), refused.get_json()
    with acting_as(people.staff):
        row.active = True
        row.save()


#: What a shipped service needs before one of its steps, beyond the example data.
BEFORE_STEP = {("legal", "assign"): legal_lawyer_register}


@pytest.mark.parametrize("shipped", SERVICES, ids=lambda p: p.relative_to(REPO).as_posix())
def test_forms_show_the_vocabulary_and_a_request_walks_to_completion(platform, service, people, api, client, login):
    d = service.declaration.data
    key = service.key
    assert key in platform.registry.services and platform.registry.workflows[key].step_keys == [
        s["key"] for s in d["steps"]]
    assert platform.registry.services[key].time_limit_days >= sum(s["time_limit_days"] for s in d["steps"])  # 5.4.1

    login(client, people.user_a)
    page = client.get(f"/services/{key}/apply")
    assert page.status_code == 200
    assert_form(page.get_data(as_text=True), d["intake"], "the filing form")
    survey = answered_survey(api, people, key) if service.uses_surveys else None
    by_role = people_by_role()
    rid = api.file(people.user_a, key, "申请", data=intake_data(d["intake"]))["id"]

    for step_decl in d["steps"]:
        req = ServiceRequest.get_by_id(rid)
        assert req.status == "open" and req.current_step == step_decl["key"]
        step = platform.engine.workflow_of(req).step(step_decl["key"])
        role = next(r for r in ACTOR_OF_ROLE if r in step.roles)
        actor = people.user_a if role == "enterprise" else getattr(people, role)
        login(client, actor)
        url = f"/my/requests/{rid}" if role == "enterprise" else f"/admin/core/request/{rid}/"
        page = client.get(url)
        assert page.status_code == 200, url
        assert_form(page.get_data(as_text=True), step_decl["fields"], f"step {step_decl['key']} ({url})")
        data = example_data(step_decl, step.example, by_role, survey)
        if (key, step_decl["key"]) in BEFORE_STEP:
            BEFORE_STEP[key, step_decl["key"]](api, people, service, rid, data)
        last = step_decl is d["steps"][-1]
        api.advance(actor, rid, data, "complete" if last else "advance")
    assert ServiceRequest.get_by_id(rid).status == "completed"


#: Register fields the admin form leaves out: JSON columns, kept by the workflow (core/web/admin/generated.py).
NOT_IN_ADMIN_FORMS = ("table", "data")


def test_every_register_has_its_admin_screen_in_the_vocabulary(platform, service, people, app, client, login):
    """Each register's admin screen (Admin > title > register): the create form of an editable
    one shows every field's label, a read-only one lists its columns; a public register's portal
    page opens for anyone (DB1302 4.1.3, 5.3.1)."""
    login(client, people.admin)
    for reg in service.declaration.data["registers"]:
        base = f"/admin/{service.key}/{reg['key']}/"
        listed = client.get(base)
        assert listed.status_code == 200, base
        if reg["editable"]:
            page = client.get(f"{base}new/")
            assert page.status_code == 200, base
            assert_form(page.get_data(as_text=True), [f for f in reg["fields"] if f["type"] not in NOT_IN_ADMIN_FORMS],
                        f"{base}new/")
        else:
            shown = [f for f in reg["fields"] if f["key"] in (reg["list"] or ())]
            assert_form(listed.get_data(as_text=True), shown, base)
    anyone = app.test_client()
    for reg in service.declaration.data["registers"]:
        if reg["public"]:
            page = anyone.get(f"/registers/{service.key}/{reg['key']}")
            assert page.status_code == 200 and reg["title"] in page.get_data(as_text=True)


@pytest.mark.parametrize("shipped", [REPO / "docs" / "services" / "legal.toml"], ids=["legal"])
def test_legal_tells_the_enterprise_when_answered_and_lists_its_lawyers(platform, service, people, api):
    """The legal example: the enterprise is notified when the answer waits for its evaluation,
    the lawyer assigned became the request's assignee, and the register is listed and filtered."""
    d = {s["key"]: s for s in service.declaration.data["steps"]}
    by_role = people_by_role()
    rid = api.file(people.user_a, "legal", "合同咨询", data={"question": "合同违约怎么办", "area": "contract"})["id"]
    with acting_as(people.staff):
        service.register("lawyer").create(name="李律师", firm="某所", speciality="labour", active=True)
    for key in ("accept", "assign"):
        api.advance(people.staff, rid, example_data(d[key], d[key]["example"], by_role))
    assert ServiceRequest.get_by_id(rid).assignee_id == people.expert.id
    def told():  # the enterprise's notices that its request waits at a step (notify = [...])
        return [n.subject for n in Notification.select().where((Notification.user == people.user_a.id)
                                                               & (Notification.event == "request.step"))]
    assert told() == []
    api.advance(people.expert, rid, example_data(d["answer"], d["answer"]["example"], by_role))
    assert len(told()) == 1 and "评价" in told()[0]
    assert [r["name"] for r in api.get(people.staff, "legal/lawyers", speciality="labour").get_json()] == ["李律师"]
    assert api.get(people.staff, "legal/lawyers", speciality="contract").get_json() == []
    assert api.get(people.staff, "legal/lawyers", q="李").get_json()[0]["firm"] == "某所"
    assert api.get(people.user_a, "legal/lawyers").status_code == 403  # platform-wide: staff keep it


@pytest.mark.parametrize("shipped", [REPO / "docs" / "services" / "legal.toml"], ids=["legal"])
def test_legal_lawyers_admin_lists_the_declared_columns_filters_and_search(platform, service, people, client, login):
    """Admin > 法律咨询 > 签约律师: the columns of ``list``, a filter per ``filters`` entry, search
    over ``search``; staff add lawyers there (the register is editable)."""
    lawyer = service.register("lawyer")
    with acting_as(people.staff):
        lawyer.create(name="王律师", firm="北方律师事务所", speciality="ip", phone="0311-1234567", years=8, active=True)
        lawyer.create(name="赵律师", firm="南方律师事务所", speciality="tax", active=False)
    login(client, people.staff)
    page = client.get("/admin/legal/lawyer/")
    assert page.status_code == 200
    text = html.unescape(page.get_data(as_text=True))
    head = re.search(r"<thead>.*?</thead>", text, re.S).group(0)
    for label in ("姓名", "律师事务所", "专业领域", "执业年限", "在册"):
        assert label in head
    assert "联系电话" not in head and "0311-1234567" not in text  # not a list column
    assert "知识产权" in text and "ip" not in re.findall(r">\s*(\w+)\s*<", text)  # choices by their labels
    filters = re.findall(r'<a[^>]*class="[^"]*\bfilter\b[^"]*"[^>]*>(.*?)</a>', text, re.S)
    assert filters == ["专业领域", "在册"]
    searched = html.unescape(client.get("/admin/legal/lawyer/", query_string={"search": "北方"}).get_data(as_text=True))
    assert "王律师" in searched and "赵律师" not in searched
    assert client.get("/admin/legal/lawyer/new/").status_code == 200
