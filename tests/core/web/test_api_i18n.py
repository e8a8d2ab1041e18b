"""Field messages in the caller's language (issue 3 §3, §6). marshmallow's English messages —
including those of plugin step schemas — go through gettext with one msgid per template, so a
catalog translates them. A small test catalog stands in for the real one here."""
from __future__ import annotations

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

from rongtong.core.models import Transition, User

ZH = {
    "Missing data for required field.": "缺少必填字段。",
    "Unknown field.": "未知字段。",
    "Must be greater than or equal to %(min)s and less than or equal to %(max)s.": "必须介于 %(min)s 和 %(max)s 之间。",
    "Not a valid integer.": "不是有效的整数。",
}


def _install_catalog(app, tmp_path):
    catalog = Catalog(locale="zh_Hans_CN")
    for msgid, text in ZH.items():
        catalog.add(msgid, text)
    folder = tmp_path / "i18n" / "zh_Hans_CN" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with open(folder / "messages.mo", "wb") as fh:
        write_mo(fh, catalog)
    babel = app.extensions["babel"]
    babel.translation_directories.append(str(tmp_path / "i18n"))
    with app.app_context():
        babel.instance.domain_instance.cache.clear()


def test_step_data_errors_in_the_users_language(app, api, platform, people, tmp_path):
    _install_catalog(app, tmp_path)
    req = platform.engine.open_request(enterprise=people.ent_a, service_key="sample", actor=people.user_a, title="t")
    platform.engine.transition(req.id, "advance", people.staff, data={"need": "x"})
    platform.engine.transition(req.id, "advance", people.staff, data={"deliverable": "d", "hours": 1})
    before = Transition.select().count()

    def evaluate(data, **kw):
        return api.post(f"/api/v1/requests/{req.id}/transitions", {"outcome": "complete", "version": 3, "data": data},
                        as_=people.user_a, **kw).get_json()["error"]["fields"]

    # user_a's language is Chinese (the default): messages of the plugin's schema come out in Chinese.
    assert evaluate({"score": 9}) == {"data": {"score": ["必须介于 1 和 5 之间。"]}}
    assert evaluate({}) == {"data": {"score": ["缺少必填字段。"]}}
    assert evaluate({"score": "high", "note": 1}) == {"data": {"score": ["不是有效的整数。"], "note": ["未知字段。"]}}
    # Chinese for a Chinese-speaking user on the core's own schemas too; English for an English one.
    body = api.post("/api/v1/requests", {"title": "x", "status": "completed"}, as_=people.user_b).get_json()
    assert body["error"]["fields"] == {"service_key": ["缺少必填字段。"], "status": ["未知字段。"]}
    User.update(language="en").where(User.id == people.staff.id).execute()
    body = api.post("/api/v1/requests", {"title": "x", "enterprise_id": people.ent_a.id}, as_=people.staff).get_json()
    assert body["error"]["fields"] == {"service_key": ["Missing data for required field."]}
    # ?lang=en switches a Chinese-speaking user's request to English.
    assert api.post(f"/api/v1/requests/{req.id}/transitions?lang=en",
                    {"outcome": "complete", "version": 3, "data": {"score": 9}},
                    as_=people.user_a).get_json()["error"]["fields"] == {
        "data": {"score": ["Must be greater than or equal to 1 and less than or equal to 5."]}}
    assert Transition.select().count() == before
