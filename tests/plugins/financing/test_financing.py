"""Financing plugin: DB1302 4.4.3, 6.2.4, 6.4.4.2 a–f."""
import pytest
from click.testing import CliRunner

from rongtong.core.models import Notification, ServiceRequest, Transition
from rongtong.plugins.financing.models import MODELS, Case, ExpertScore, Fund, FundUse, LoanProduct, Meeting
from rongtong.plugins.financing.workflows import WORKFLOW
from rongtong.plugins.investment.models import Investor
from tests import factories
from tests.support.apiflow import Api, field_errors, visit_admin


@pytest.fixture
def platform(make_platform):
    return make_platform(plugins=["investment", "financing"])


@pytest.fixture
def api(client, api_token):
    return Api(client, api_token)


@pytest.fixture
def experts(people):
    return [people.expert, factories.user("expert2", ["expert"]), factories.user("expert3", ["expert"])]


@pytest.fixture
def registers(people, api):
    inv = Investor.create(name="冀北基金", industries=["manufacturing"], stages=["growth"], ticket_min=500,
                          ticket_max=3000, regions=["石家庄"])
    Investor.create(name="软件天使", industries=["software"], stages=["seed"], ticket_min=10, ticket_max=100)
    bank = api.post(people.staff, "financing/banks", {"name": "河北银行", "region": "石家庄"}).get_json()
    good = api.post(people.staff, "financing/loan-products",
                    {"bank": bank["id"], "name": "科创贷", "min_amount": "100", "max_amount": "2000",
                     "industries": ["manufacturing"], "scales": ["small", "micro"]}).get_json()
    api.post(people.staff, "financing/loan-products",
             {"bank": bank["id"], "name": "大额贷", "min_amount": "5000", "max_amount": "50000", "scales": ["large"]})
    return {"investor": inv, "bank": bank, "product": good}


def examples(**overrides):
    data = {s.key: dict(s.example) for s in WORKFLOW.steps}
    for key, value in overrides.items():
        data[key].update(value)
    return data


def test_migrations_equal_models(platform):
    from playhouse.schema_diff import diff_models

    assert not diff_models(platform.db, MODELS)


def test_registers_refuse_bad_input_and_wrong_roles(api, people):
    """DB1302 6.4.4.2 d: a register of banks and their loan products."""
    assert api.post(people.user_a, "financing/banks", {"name": "某银行"}).status_code == 403
    r = api.post(people.staff, "financing/loan-products", {"bank": 999, "name": "x", "scales": ["huge"]})
    assert r.status_code == 422 and {"bank", "scales"} <= set(field_errors(r))
    bank = api.post(people.staff, "financing/banks", {"name": "河北银行"}).get_json()
    r = api.post(people.staff, "financing/loan-products",
                 {"bank": bank["id"], "name": "x", "min_amount": "500", "max_amount": "100"})
    assert r.status_code == 422 and "max_amount" in field_errors(r)
    assert LoanProduct.select().count() == 0


def test_amounts_are_in_wan_yuan_and_the_reasons_say_so(api, people, registers):
    """DB1302 6.4.4.2 a, d: the amount sought is in 万元. 5000000 typed as yuan is refused naming the
    field, the unit and what it would be in 万元; the match reasons print amounts with their unit
    and no exponent."""
    r = api.post(people.user_a, "requests", {"service_key": "financing", "title": "融资",
                                             "data": {"kind": "debt", "amount": "5000000"}})
    assert r.status_code == 422 and ServiceRequest.select().count() == 0
    message = " ".join(field_errors(r)["amount"])
    assert "融资金额" in message and "1,000,000 万元" in message and "500 万元" in message

    rid = api.file(people.user_a, "financing", "流动资金贷款", data={"kind": "debt", "amount": "500"})["id"]
    case = Case.get(Case.request == rid)
    ranked = api.get(people.staff, f"financing/cases/{case.id}/matches").get_json()["candidates"]
    texts = " ".join(reason["text"] for match in ranked for reason in match["reasons"])
    assert "500 万元" in texts and "2,000 万元" in texts and "50,000 万元" in texts
    assert "e+" not in texts, texts


def test_equity_case_end_to_end(api, people, experts, registers):
    """DB1302 6.4.4.2 a–f through /api/v1/requests: survey, plan, business plan and roadshow plan,
    independent expert scores, recommendation to investors, roadshow, fund tracking."""
    staff, owner = people.staff, people.user_a
    r = api.post(owner, "requests", {"service_key": "financing", "title": "融资", "data": {"kind": "gift"}})
    assert r.status_code == 422 and ServiceRequest.select().count() == 0
    rid = api.file(owner, "financing", "股权融资", data={"kind": "equity", "amount": "1000", "purpose": "扩产"})["id"]
    case = Case.get(Case.request == rid)
    assert case.kind == "equity" and float(case.amount) == 1000
    data = examples(evaluation={"investors": [registers["investor"].id]})

    # a. needs survey (staff only; invalid data names the fields and writes nothing)
    assert api.act(owner, rid, data=data["survey"]).status_code == 403
    before = Transition.select().count()
    r = api.act(staff, rid, data={**data["survey"], "amount": "-5", "stage": "unicorn"})
    assert r.status_code == 422 and {"amount", "stage"} <= set(field_errors(r))
    assert Transition.select().count() == before
    api.advance(staff, rid, data["survey"])
    api.advance(staff, rid, data["plan"])  # b. tailored plan
    # c. business plan: the enterprise itself may prepare it; equity needs the roadshow plan
    r = api.act(owner, rid, data={**data["preparation"], "roadshow_plan": "", "loan_preparation": "抵押物清单"})
    assert r.status_code == 422 and "roadshow_plan" in field_errors(r)
    assert Case.get_by_id(case.id).bp_summary == ""
    assert api.act(people.user_b, rid, data=data["preparation"]).status_code == 404
    api.advance(owner, rid, data["preparation"])
    assert Case.get_by_id(case.id).bp_market.startswith("市场规模")

    # matching: ranked investors, each with the reasons
    ranked = api.get(staff, f"financing/cases/{case.id}/matches").get_json()["candidates"]
    assert ranked[0]["candidate"]["name"] == "冀北基金"
    assert {x["criterion"] for x in ranked[0]["reasons"]} == {"industry", "stage", "ticket", "region"}
    assert ranked[0]["score"] > ranked[1]["score"]

    # d. expert evaluation: panel, independent scores, classification, recommendation
    panel_path, scores_path = f"financing/cases/{case.id}/panel", f"financing/cases/{case.id}/scores"
    assert api.put(staff, panel_path, {"experts": [experts[0].id]}).status_code == 422
    assert api.put(staff, panel_path, {"experts": [experts[0].id, people.staff.id]}).status_code == 422
    assert api.put(staff, panel_path, {"experts": [experts[0].id, experts[1].id]}).status_code == 200
    # the panel is asked to score; the enterprise was told of the answers it may read (survey, plan)
    assert [n.user_id for n in Notification.select().where(Notification.user != owner.id)
            .order_by(Notification.user)] == [experts[0].id, experts[1].id]
    assert [n.event for n in Notification.select().where(Notification.user == owner.id)] == ["request.answered"] * 2
    r = api.act(staff, rid, data=data["evaluation"])
    assert r.status_code == 422 and "scores" in field_errors(r)
    assert api.post(experts[2], scores_path, {"score": 90, "comment": "x"}).status_code == 404  # not on the panel
    assert api.post(experts[0], scores_path, {"score": 101, "comment": ""}).status_code == 422
    assert api.post(experts[0], scores_path, {"score": 87, "comment": "独立意见甲"}).status_code == 201
    mine = api.get(experts[0], scores_path).get_json()
    theirs = api.get(experts[1], scores_path).get_json()
    by_staff = api.get(staff, scores_path).get_json()
    assert not mine["complete"] and sorted(p["score"] for p in mine["panel"] if p["score"] is not None) == [87]
    assert all(p["score"] is None and p["comment"] is None for p in theirs["panel"] + by_staff["panel"])
    assert [p["scored"] for p in theirs["panel"]] == [True, False]  # who has scored is visible, not what
    assert api.put(staff, panel_path, {"experts": [experts[1].id, experts[2].id]}).status_code == 409
    assert api.post(experts[0], scores_path, {"score": 20, "comment": "改主意"}).status_code == 409  # final
    assert api.post(experts[1], scores_path, {"score": 64, "comment": "独立意见乙"}).status_code == 201
    done = api.get(experts[0], scores_path).get_json()
    assert done["complete"] and done["average"] == 75.5 and {p["score"] for p in done["panel"]} == {87, 64}
    r = api.act(staff, rid, data={**data["evaluation"], "classification": "improve"})
    assert r.status_code == 422 and "classification" in field_errors(r)
    r = api.act(staff, rid, data={**data["evaluation"], "investors": [999]})
    assert r.status_code == 422 and "investors" in field_errors(r)
    api.advance(staff, rid, data["evaluation"])
    assert Case.get_by_id(case.id).recommended == [{"type": "investor", "id": registers["investor"].id,
                                                     "name": "冀北基金"}]

    # e. roadshow; f. fund tracking until closed
    api.advance(staff, rid, data["meeting"])
    assert Meeting.get(Meeting.case == case.id).kind == "roadshow"
    r = api.act(staff, rid, "complete", data["tracking"])
    assert r.status_code == 422 and "funds" in field_errors(r)
    funds_path = f"financing/cases/{case.id}/funds"
    fund = {"amount": "800", "received_on": "2026-08-30", "source_kind": "investor", "source_name": "冀北基金"}
    assert api.post(owner, funds_path, fund).status_code == 403
    r = api.post(staff, funds_path, {**fund, "source_kind": "lottery", "received_on": "yesterday"})
    assert r.status_code == 422 and {"source_kind", "received_on"} <= set(field_errors(r))
    fund_id = api.post(staff, funds_path, fund).get_json()["id"]
    r = api.post(staff, f"financing/funds/{fund_id}/uses", {"used_on": "2026-09-01", "amount": "900", "purpose": "设备"})
    assert r.status_code == 422 and "amount" in field_errors(r) and FundUse.select().count() == 0
    for amount in ("300", "200"):
        assert api.post(staff, f"financing/funds/{fund_id}/uses",
                        {"used_on": "2026-09-01", "amount": amount, "purpose": "设备"}).status_code == 201
    api.advance(staff, rid, data["tracking"], outcome="complete")
    assert ServiceRequest.get_by_id(rid).status == "completed"
    seen = api.get(owner, f"financing/cases/{case.id}").get_json()
    assert seen["funds"][0]["amount"] == "800.00" and len(seen["funds"][0]["uses"]) == 2
    assert api.get(people.user_b, f"financing/cases/{case.id}").status_code == 404


def _walk_debt_case(api, people, experts, registers, amount="500"):
    staff = people.staff
    rid = api.file(people.user_a, "financing", "贷款")["id"]
    case = Case.get(Case.request == rid)
    data = examples(survey={"kind": "debt", "amount": amount},
                    preparation={"roadshow_plan": "", "loan_preparation": "近三年报表、抵押物清单"},
                    evaluation={"loan_products": [registers["product"]["id"]], "investors": []})
    for key in ("survey", "plan", "preparation"):
        api.advance(staff, rid, data[key])
    api.put(staff, f"financing/cases/{case.id}/panel", {"experts": [e.id for e in experts[:2]]})
    for e in experts[:2]:
        api.post(e, f"financing/cases/{case.id}/scores", {"score": 80, "comment": "可贷"})
    return rid, case, data


def test_debt_case_goes_to_banks_and_reports(api, people, experts, registers):
    """DB1302 6.4.4.2 d–f for debt: loan products ranked with reasons, bank–enterprise meeting,
    funds obtained reported per period by scale, industry and source."""
    staff = people.staff
    rid, case, data = _walk_debt_case(api, people, experts, registers)
    ranked = api.get(staff, f"financing/cases/{case.id}/matches").get_json()
    assert ranked["kind"] == "debt" and ranked["candidates"][0]["candidate"]["name"] == "科创贷"
    texts = " ".join(x["text"] for x in ranked["candidates"][1]["reasons"])
    assert "500" in texts  # the big loan says why 500 does not fit
    r = api.act(staff, rid, data={**data["evaluation"], "loan_products": []})
    assert r.status_code == 422 and "loan_products" in field_errors(r)
    api.advance(staff, rid, data["evaluation"])
    api.advance(staff, rid, data["meeting"])
    assert Meeting.get(Meeting.case == case.id).kind == "bank_meeting"
    for day, amount, kind in (("2026-07-03", "300", "bank"), ("2026-09-30", "150.5", "bank"),
                              ("2026-10-01", "999", "other")):
        api.post(staff, f"financing/cases/{case.id}/funds",
                 {"amount": amount, "received_on": day, "source_kind": kind, "source_name": "河北银行"})
    report = api.get(staff, "financing/report", period="2026-Q3", lang="en").get_json()
    assert report["total"] == {"count": 2, "amount": "450.50"}
    assert report["by_source"] == [{"key": "bank", "label": "Bank loan", "count": 2, "amount": "450.50"}]
    assert report["by_scale"][0]["key"] == "small" and report["by_industry"][0]["key"] == "manufacturing"
    assert api.get(staff, "financing/report", period="2026-Q5").status_code == 422
    assert api.get(people.user_a, "financing/report", period="2026-Q3").status_code == 403

    from rongtong.core.cli_context import CliContext
    from rongtong.plugins.financing.cli import financing

    ctx = CliContext(None)
    ctx._platform = api.client.application.extensions["rongtong"]
    out = CliRunner().invoke(financing, ["report", "--period", "2026-Q3", "--format", "csv"], obj=ctx)
    assert out.exit_code == 0 and "450.50" in out.output and "银行贷款" in out.output  # the site language (DB1302: Chinese by default)
    bad = CliRunner().invoke(financing, ["report", "--period", "2026-13"], obj=ctx)
    assert bad.exit_code == 2 and "month" in bad.output


def test_admin_hides_scores_until_the_panel_has_scored(api, app, client, login, people, experts, registers):
    """DB1302 6.4.4.2 d: in the admin too, nobody sees a score before every panel expert scored."""
    rid = api.file(people.user_a, "financing", "贷款")["id"]
    case = Case.get(Case.request == rid)
    for key, value in examples(survey={"kind": "debt", "amount": "500"},
                               preparation={"loan_preparation": "报表"}).items():
        if key == "evaluation":
            break
        api.advance(people.staff, rid, value)
    api.put(people.staff, f"financing/cases/{case.id}/panel", {"experts": [experts[0].id, experts[1].id]})
    api.post(experts[0], f"financing/cases/{case.id}/scores", {"score": 87, "comment": "独立意见甲"})
    login(client, people.staff)
    page = client.get("/admin/financing/expertscore/").get_data(as_text=True)
    assert "独立意见甲" not in page and ">87<" not in page
    assert client.get("/admin/financing/expertscore/export/csv/").status_code in (302, 403, 404)
    api.post(experts[1], f"financing/cases/{case.id}/scores", {"score": 64, "comment": "独立意见乙"})
    page = client.get("/admin/financing/expertscore/").get_data(as_text=True)
    assert "独立意见甲" in page and "独立意见乙" in page
    client_b = app.test_client()
    login(client_b, people.user_a)
    assert client_b.get("/admin/financing/expertscore/").status_code in (302, 403)


def test_seed_demo(platform, people, client, login):
    ctx = {"platform": platform, "enterprises": [people.ent_a, people.ent_b], "users": {"staff": [people.staff]},
           "passwords": {"expert": "Expert-pass-2026"}}
    platform.registry.notify("seed_demo", context=ctx)
    steps = [c.request.current_step for c in Case.select()]
    assert sorted(steps) == sorted(s.key for s in WORKFLOW.steps)  # one case waiting at each step
    assert Fund.get().case.request.current_step == "tracking"
    waiting = Case.get(Case.request.in_(ServiceRequest.select(ServiceRequest.id)
                                        .where(ServiceRequest.current_step == "evaluation")))
    assert [s.score is not None for s in waiting.scores.order_by(ExpertScore.id)] == [True, False]
    login(client, people.staff)  # every admin screen renders the demo records
    assert visit_admin(client, "financing", MODELS) == {}


def test_disabled_leaves_nothing(make_platform):
    """Removed from plugins.enabled: no routes, admin views, API resources, catalog entries, commands."""
    from rongtong.core.web.app import create_app

    plat = make_platform(plugins=["investment"])
    reg = plat.registry
    assert "financing" not in reg.services and not reg.models_of("financing")
    assert not [p for p in reg.permissions if p.startswith(("financing.", "workflow.financing."))]
    assert "financing" not in {c.name for _o, c in reg.commands}
    app = create_app(platform=plat)
    assert not [r.rule for r in app.url_map.iter_rules() if "financing" in r.rule]
    assert app.test_client().get("/api/v1/financing/banks").status_code == 404


@pytest.mark.parametrize("slug", ["bank", "loanproduct", "case", "expertscore", "meeting", "fund", "funduse"])
def test_admin_screens_for_staff_only(app, client, login, people, slug):
    login(client, people.staff)
    assert client.get(f"/admin/financing/{slug}/").status_code == 200
    other = app.test_client()
    login(other, people.user_a)
    assert other.get(f"/admin/financing/{slug}/").status_code in (302, 403)


def test_needs_the_investor_register(make_platform):
    """Investors come from the investment plugin: enabling financing alone stops start-up, naming both."""
    from rongtong.core.errors import PluginError

    with pytest.raises(PluginError) as err:
        make_platform(plugins=["financing"], migrate=False)
    assert "financing" in err.value.message and "investment" in err.value.message
