"""``rongtong i18n`` works for a third-party plugin outside the repository (issue 10 §4: the old
``scripts/i18n.py`` refused it with "unknown owner(s)")."""
from __future__ import annotations

from babel.messages.pofile import read_po
from click.testing import CliRunner

from rongtong.core.cli import cli

SOURCE = 'from rongtong.core.plugin import _\n\nTITLE = _("Patent guidance")\n'


def run(*args):
    return CliRunner().invoke(cli, ["i18n", *args], catch_exceptions=False)


def _plugin(tmp_path):
    folder = tmp_path / "src" / "patents"
    (folder / "templates").mkdir(parents=True)
    (folder / "__init__.py").write_text(SOURCE, encoding="utf-8")
    (folder / "templates" / "page.html").write_text("<h1>{{ _('Guidance cases') }}</h1>\n", encoding="utf-8")
    return folder


def translate(po_path, translations):
    text = po_path.read_text(encoding="utf-8")
    for english, chinese in translations.items():
        text = text.replace(f'msgid "{english}"\nmsgstr ""', f'msgid "{english}"\nmsgstr "{chinese}"')
    po_path.write_text(text, encoding="utf-8")


def test_extract_update_compile_check_a_plugin_folder(tmp_path):
    folder = _plugin(tmp_path)
    po = folder / "translations" / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po"
    updated = run("update", "--path", str(folder))
    assert updated.exit_code == 0 and "patents/translations/zh_Hans_CN/LC_MESSAGES/messages.po" in updated.output
    with po.open("rb") as f:
        assert {m.id for m in read_po(f) if m.id} == {"Patent guidance", "Guidance cases"}
    missing = run("check", "--path", str(folder))
    assert missing.exit_code == 1 and "untranslated: 'Patent guidance'" in missing.output
    translate(po, {"Patent guidance": "专利导航", "Guidance cases": "导航案例"})
    assert run("compile", "--path", str(folder)).exit_code == 0
    assert (po.with_suffix(".mo")).exists()
    done = run("check", "--path", str(folder))
    assert done.exit_code == 0 and "catalogs complete: patents" in done.output


def test_an_installed_plugin_is_found_by_its_entry_point(tmp_path, monkeypatch):
    folder = _plugin(tmp_path)
    dist = tmp_path / "src" / "acme_patents-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-patents\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[rongtong.plugins]\npatents = patents\n")
    monkeypatch.syspath_prepend(str(tmp_path / "src"))
    extracted = run("extract", "--plugin", "patents")
    assert extracted.exit_code == 0, extracted.output
    assert (folder / "translations" / "messages.pot").exists()
    assert "patents/translations/messages.pot: 2 messages" in extracted.output
