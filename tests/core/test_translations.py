"""Chinese (zh_Hans_CN) is the default UI language, English second (project charter; DB1302 5.1.3 and
5.4.1: the service guides, processes and time limits are published to Chinese enterprises).

The catalogs are kept by ``scripts/i18n.py``; these tests prove that every label in today's source has
a Chinese translation and that the web app really shows them — core and plugin labels alike."""
from __future__ import annotations

import html
import os
import subprocess
import sys

from tests import factories

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _page(client, path):
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return html.unescape(response.get_data(as_text=True))


def test_every_label_in_the_source_has_a_chinese_translation():
    # One run over the core and every plugin: untranslated or fuzzy msgids, placeholders that differ
    # from the English, or a messages.mo older than its messages.po are all listed and fail.
    result = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "i18n.py"), "check"],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "catalogs complete" in result.stdout
    for name in ("core", "financing", "information", "investment", "management", "promotion", "technical",
                 "training", "evaluation"):
        assert name in result.stdout


def test_check_lists_a_label_nobody_translated(tmp_path):
    # The check is not a rubber stamp: a new English label in a plugin's source is reported by name.
    sys.path.insert(0, os.path.join(ROOT, "scripts"))
    try:
        import i18n
    finally:
        sys.path.pop(0)
    owner = next(o for o in i18n.owners() if o.name == "training")
    copy = i18n.Owner("training", tmp_path / "training")
    copy.folder.mkdir()
    (copy.folder / "extra.py").write_text('from core.i18n import _\nLABEL = _("A label nobody translated")\n')
    os.makedirs(copy.po.parent)
    copy.po.write_bytes(owner.po.read_bytes())
    copy.mo.write_bytes(owner.mo.read_bytes())
    found = i18n.problems(copy)
    assert any("A label nobody translated" in line and "not in catalog" in line for line in found), found


def test_login_page_is_chinese_by_default_and_english_on_request(client):
    zh = _page(client, "/login")
    assert "登录" in zh and "用户名" in zh and "密码" in zh
    assert "Log in" not in zh and "Username" not in zh
    en = _page(client, "/login?lang=en")
    assert "Log in" in en and "Username" in en and "Password" in en
    assert "登录" not in en


def test_admin_dashboard_is_chinese_by_default_and_english_on_request(app, people, login):
    client = app.test_client()
    login(client, people.staff)
    zh = _page(client, "/admin/")
    assert "我的待办" in zh and "按服务事项和状态统计的服务请求" in zh
    assert "My task inbox" not in zh and "Requests by service and status" not in zh
    en = _page(client, "/admin/?lang=en")
    assert "My task inbox" in en and "Requests by service and status" in en
    assert "我的待办" not in en
    # The choice is remembered for the session (next page without ?lang stays English).
    assert "My task inbox" in _page(client, "/admin/")


def test_enabled_plugin_labels_come_from_the_plugin_catalog(make_platform, login):
    # Labels only the training plugin uses (its menu category "Training" and the model's list name
    # "Training programmes") are Chinese in the admin list page: the plugin's own catalog is loaded
    # with the core's.
    from rongtong.core.web.app import create_app

    platform = make_platform(plugins=["training"])
    people = factories.make_people()
    app = create_app(platform=platform)
    client = app.test_client()
    login(client, people.staff)
    zh = _page(client, "/admin/training/programme/")
    assert "<title>人才培训 - 培训项目" in zh
    assert "Training programmes" not in zh
    en = _page(client, "/admin/training/programme/?lang=en")
    assert "<title>Training - Training programmes" in en


def test_a_users_language_preference_applies_without_query(app, people, login):
    # A user whose profile says English gets English after logging in, without ?lang.
    from rongtong.core.models import User

    User.update(language="en").where(User.id == people.staff.id).execute()
    client = app.test_client()
    login(client, people.staff)
    assert "My task inbox" in _page(client, "/admin/")
