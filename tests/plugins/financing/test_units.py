"""Money fields state their unit on every surface, once, and reasons print amounts and choices as
people write them (DB1302 6.4.4.1, 6.4.4.2; issue 12 "units")."""
import csv
import io

import pytest

from rongtong.core.i18n import site_language
from rongtong.core.toolkit import vocab
from rongtong.core.vocabulary import describe_model
from rongtong.plugins.financing.models import Case, LoanProduct
from rongtong.plugins.investment.models import Investor
from tests.support.apiflow import Api


@pytest.fixture
def platform(make_platform):
    return make_platform(plugins=["investment", "financing"])


@pytest.fixture
def api(client, api_token):
    return Api(client, api_token)


def _export_header(client, path) -> list[str]:
    body = client.get(path).get_data(as_text=True).lstrip("\ufeff")
    return next(csv.reader(io.StringIO(body)))


def test_6_4_4_2_money_columns_state_the_unit_once_in_exports_lists_and_forms(app, client, login, people, api):
    """The export header says 万元 once (not "（万元）（万元）"), the list cell carries the unit, and
    the staff's edit form says what the number means."""
    bank = api.post(people.staff, "financing/banks", {"name": "河北银行", "region": "石家庄"}).get_json()
    api.post(people.staff, "financing/loan-products", {"bank": bank["id"], "name": "科创贷", "min_amount": "100",
                                                       "max_amount": "2000", "max_term_months": 36})
    login(client, people.staff)
    header = _export_header(client, "/admin/financing/loanproduct/export/csv/")
    assert "金额下限（万元）" in header and "金额上限（万元）" in header and "最长期限（月）" in header, header
    assert not [h for h in header if h.count("（") > 1], header
    listing = client.get("/admin/financing/loanproduct/").get_data(as_text=True)
    assert "2,000 万元" in listing and "36 月" in listing
    form = client.get("/admin/financing/loanproduct/new/").get_data(as_text=True)
    assert "500 表示 500 万元" in form and "单位为月" in form


def test_6_4_4_2_a_money_column_is_declared_once_for_every_surface(platform):
    spec = describe_model(Case)["amount"]
    assert (spec.unit, spec.widget) == (vocab.WAN_YUAN, "money")
    with site_language(platform):
        assert spec.title() == "拟融资金额" and spec.heading() == "拟融资金额（万元）"
        assert spec.display(1250.5) == "1,250.5 万元" and spec.display(5e6) == "5,000,000 万元"
    assert describe_model(LoanProduct)["min_amount"].unit == vocab.WAN_YUAN


def test_6_4_4_with_unit_never_states_the_unit_twice(platform):
    from rongtong.core.vocabulary import with_unit

    with site_language(platform):
        assert with_unit("金额", "万元") == "金额（万元）"
        assert with_unit("金额（万元）", "万元") == "金额（万元）"
        assert with_unit("Amount (10k CNY)", "万元") == "Amount (10k CNY)"
        assert with_unit("预算总额", "元") == "预算总额（元）" and with_unit("人数", "") == "人数"
    assert vocab.amount_text(5000000) == "5,000,000 万元" and vocab.amount_text("500.00") == "500 万元"
    assert vocab.amount_text(1250.5, vocab.YUAN) == "1,250.5 元"


def test_6_4_4_1_match_reasons_print_amounts_and_stage_labels(api, people):
    """Reasons read "单笔投资规模 1,000 万元 在 500 万元 ~ 3,000 万元 范围内" and "阶段 匹配：成长期",
    never "1000.00", "1e+03" or the key "growth"."""
    Investor.create(name="冀北基金", industries=["装备制造"], stages=["growth"], ticket_min=500, ticket_max=3000)
    rid = api.file(people.user_a, "financing", "股权融资", data={"kind": "equity", "amount": "1000"})["id"]
    case = Case.get(Case.request == rid)
    Case.update_where(Case.id == case.id, {"stage": "growth"})
    ranked = api.get(people.staff, f"financing/cases/{case.id}/matches").get_json()["candidates"]
    texts = {r["criterion"]: r["text"] for r in ranked[0]["reasons"]}
    assert "1,000 万元" in texts["ticket"] and "500 万元 ~ 3,000 万元" in texts["ticket"], texts
    assert "成长期" in texts["stage"] and "growth" not in texts["stage"], texts
    english = api.get(people.staff, f"financing/cases/{case.id}/matches", lang="en").get_json()["candidates"]
    stage = {r["criterion"]: r["text"] for r in english[0]["reasons"]}["stage"]
    assert "Growth stage" in stage, stage
