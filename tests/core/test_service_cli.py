"""``rongtong service new|validate|show`` (issue 11 §5), run through the console entry point with
click's CliRunner: a config file, a database, the one-line errors and their exit status.

Validate checks what start-up checks (the file format, then effect and guard names and parameters
against the plugins the config enables) without starting anything; show tells what the platform
sees of a declared service: its catalog entry (DB1302 4.1.4 fee, 5.4.1 published limit), versions
with their open requests, steps after config overrides, registers and whether ``db upgrade`` has
work to do.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from rongtong.core.cli import main
from tests.core.test_cli import assert_user_error, install_plugin, rongtong, write_config

REPO = Path(__file__).resolve().parents[2]
TEMPLATE = REPO / "core" / "declared" / "template.toml"
LEGAL = REPO / "docs" / "services" / "legal.toml"


@click.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def entry(args):
    """The console script (``main``: one-line errors, exit status) for CliRunner."""
    main(list(args))


class Result:
    def __init__(self, result):
        self.returncode, self.stdout, self.stderr = result.exit_code, result.stdout, result.stderr


def run(config: Path, *args) -> Result:
    return Result(CliRunner().invoke(entry, ["--config", str(config), *map(str, args)]))


@pytest.fixture
def site(tmp_path, database_url, monkeypatch):
    """A site: rongtong.toml naming the database and ``[services] directory = "services"``."""
    monkeypatch.chdir(tmp_path)
    for name in ("RONGTONG_CONFIG", "RONGTONG_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "services").mkdir()
    write_config(tmp_path, f'[site]\nsecret_key = "s3cret-value"\n\n[database]\nurl = "{database_url}"\n\n'
                           '[services]\ndirectory = "services"\n')
    return tmp_path


def mutated(tmp_path: Path, old: str, new: str, source: Path = TEMPLATE) -> tuple[Path, int]:
    """A copy of ``source`` with the first ``old`` replaced; returns it and the changed line."""
    text = source.read_text(encoding="utf-8")
    assert old in text, old
    path = tmp_path / "bad.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path, text[:text.index(old)].count("\n") + 1


# --- new ----------------------------------------------------------------------------------------------

def test_new_writes_the_template_into_the_configured_directory_and_the_platform_starts_with_it(site):
    r = run(site / "rongtong.toml", "service", "new")
    assert r.returncode == 0, r.stderr
    written = site / "services" / "my_service.toml"
    assert f"wrote {written}" in r.stdout and written.read_text(encoding="utf-8") == TEMPLATE.read_text(encoding="utf-8")
    # it validates as written, `db upgrade` creates its registers, and show sees it
    assert run(site / "rongtong.toml", "service", "validate", written).stdout.strip() == \
        f"ok {written}: my_service, 3 steps, 2 registers"
    up = run(site / "rongtong.toml", "db", "upgrade")
    assert up.returncode == 0 and "created table my_service_case" in up.stdout, up.stderr
    shown = run(site / "rongtong.toml", "service", "show", "my_service")
    assert shown.returncode == 0 and "我的服务 / My service" in shown.stdout, shown.stderr


def test_new_with_a_key_and_a_folder_sets_the_key_everywhere_and_never_overwrites(site):
    target = site / "elsewhere"
    r = run(site / "rongtong.toml", "service", "new", "legal_aid", "--to", target)
    assert r.returncode == 0, r.stderr
    text = (target / "legal_aid.toml").read_text(encoding="utf-8")
    assert 'key = "legal_aid"' in text and 'key = "legal_aid.case.view"' in text and "my_service" not in text
    assert "ok" in run(site / "rongtong.toml", "service", "validate", target / "legal_aid.toml").stdout
    (target / "legal_aid.toml").write_text("# mine\n", encoding="utf-8")
    again = run(site / "rongtong.toml", "service", "new", "legal_aid", "--to", target)
    assert_user_error(again, 2, str(target / "legal_aid.toml"), "already exists")
    assert (target / "legal_aid.toml").read_text(encoding="utf-8") == "# mine\n"


def test_new_refuses_a_key_the_format_refuses(site):
    assert_user_error(run(site / "rongtong.toml", "service", "new", "Legal-Aid"), 2, "KEY", "'Legal-Aid'", "lower-case")
    assert not list((site / "services").iterdir())


# --- validate -------------------------------------------------------------------------------------------

def test_validate_prints_one_ok_line_per_file(site):
    r = run(site / "rongtong.toml", "service", "validate", TEMPLATE, LEGAL, REPO / "plugins" / "management" / "service.toml")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == [f"ok {TEMPLATE}: my_service, 3 steps, 2 registers",
                                     f"ok {LEGAL}: legal, 4 steps, 1 registers",
                                     f"ok {REPO / 'plugins' / 'management' / 'service.toml'}: management, 4 steps, 2 registers"]


@pytest.mark.parametrize("old, new, key, problem", [
    ('type = "boolean"                 # a checkbox', 'type = "checkbox"', "steps[0].fields[0].type",
     "unknown field type 'checkbox'"),
    ('use = "assign_lead"', 'use = "assign_led"', "steps[0].effects[0].use", "unknown effect 'assign_led'"),
    ('use = "row_exists"', 'use = "row_exist"', "steps[1].guards[0].use", "unknown guard 'row_exist'"),
    ('use = "add_row"                  # a new row', 'use = "row_exists"   # ', "steps[1].effects[1].use",
     "unknown effect 'row_exists'"),  # a guard is not an effect
    ('  field = "expert"', '  fiel = "expert"', "steps[0].effects[0].fiel", "unknown key"),
    ('register = "visit_log"', 'register = "visits"', "steps[1].effects[1].register", "no register 'visits'"),
    ('time_limit_days = 5', 'time_limit_days = 0', "steps[1].time_limit_days", "positive whole number"),
    ('roles = ["expert", "staff"]', 'roles = ["lawyer"]', "steps[1].roles", "unknown role 'lawyer'"),
    ('default = "policy"', 'default = "law"', "intake[0].default", "not among the choices"),
    ('time_limit_days = 12 ', 'time_limit_days = 9 ', "service.time_limit_days", "DB1302 5.4.1"),
])
def test_validate_names_the_file_line_and_key_of_a_problem(site, tmp_path, old, new, key, problem):
    path, line = mutated(tmp_path, old, new)
    r = run(site / "rongtong.toml", "service", "validate", path)
    assert_user_error(r, 2, f"{path}:{line}: {key}: ", problem)
    assert r.stdout == ""


def test_validate_refuses_a_missing_file_and_bad_toml(site, tmp_path):
    assert_user_error(run(site / "rongtong.toml", "service", "validate", tmp_path / "nope.toml"), 2,
                      f"{tmp_path / 'nope.toml'}: cannot read")
    bad = tmp_path / "bad.toml"
    bad.write_text('[service]\nkey = "x"\ntitle = [\n', encoding="utf-8")
    assert_user_error(run(site / "rongtong.toml", "service", "validate", bad), 2, f"{bad}:", "not valid TOML")
    assert "error: Missing argument" in run(site / "rongtong.toml", "service", "validate").stderr


def test_validate_checks_each_file_and_fails_if_one_does(site, tmp_path):
    path, line = mutated(tmp_path, 'use = "assign_lead"', 'use = "assign"')
    r = run(site / "rongtong.toml", "service", "validate", LEGAL, path)
    assert r.returncode == 2 and r.stdout.splitlines() == [f"ok {LEGAL}: legal, 4 steps, 1 registers"]
    assert r.stderr.splitlines() == [f"error: {path}:{line}: steps[0].effects[0].use: unknown effect 'assign' "
                                     "(known: add_row, assign_lead, record, schedule, survey_report)"]


def test_validate_refuses_a_key_another_plugin_has_and_two_files_with_one_key(site, tmp_path):
    write_config(site, '[site]\nsecret_key = "s3cret-value"\n\n[plugins]\nenabled = ["management"]\n')
    path, line = mutated(tmp_path, 'key = "legal"', 'key = "management"', LEGAL)
    assert_user_error(run(site / "rongtong.toml", "service", "validate", path), 2,
                      f"{path}:{line}: service.key: 'management' is already the name of plugin 'management'")
    copy = tmp_path / "copy.toml"
    shutil.copy(LEGAL, copy)
    r = run(site / "rongtong.toml", "service", "validate", LEGAL, copy)
    assert r.returncode == 2 and r.stderr.strip() == (f"error: {copy}:10: service.key: 'legal' is already declared in "
                                                      f"{LEGAL}:10")


def test_validate_replacing_a_configured_service_with_a_new_version_is_no_clash(site, tmp_path):
    shutil.copy(LEGAL, site / "services" / "legal.toml")
    edited, _line = mutated(tmp_path, "time_limit_days = 5", "time_limit_days = 4", LEGAL)
    r = run(site / "rongtong.toml", "service", "validate", edited)
    assert r.returncode == 0 and r.stdout.startswith(f"ok {edited}: legal"), r.stderr


def test_validate_knows_the_effects_of_the_enabled_plugins(tmp_path):
    """A plugin's ``register_effects`` grows what a file may use: validate checks against the
    plugins the config enables (here the sample plugin, installed as a third-party one)."""
    install_plugin(tmp_path / "site")
    path, _line = mutated(tmp_path, '[[steps.effects]]\n  use = "assign_lead"',
                          '[[steps.effects]]\n  use = "sample_note"\n  text = "noted"\n\n'
                          '  [[steps.effects]]\n  use = "assign_lead"')
    write_config(tmp_path, '[site]\nsecret_key = "s3cret-value"\n')
    assert_user_error(rongtong("service", "validate", path, cwd=tmp_path), 2, "unknown effect 'sample_note'")
    write_config(tmp_path, '[site]\nsecret_key = "s3cret-value"\n\n[plugins]\nenabled = ["sample"]\n')
    ok = rongtong("service", "validate", path, cwd=tmp_path)
    assert ok.returncode == 0 and ok.stdout.startswith(f"ok {path}: my_service"), ok.stderr


# --- show -----------------------------------------------------------------------------------------------

@pytest.fixture
def legal_site(site):
    shutil.copy(LEGAL, site / "services" / "legal.toml")
    with (site / "rongtong.toml").open("a", encoding="utf-8") as f:
        f.write("\n[workflows.legal.steps.answer]\ntime_limit_days = 4\n")
    return site


def file_a_request(config: Path) -> int:
    from rongtong.core.config import load_config
    from rongtong.core.platform import Platform
    from rongtong.core.testing.factories import make_people

    platform = Platform(load_config(str(config)))
    people = make_people()
    req = platform.engine.open_request(enterprise=people.ent_a, service_key="legal", actor=people.user_a,
                                       title="合同咨询", data={"question": "违约", "area": "contract"})
    platform.db.close()
    return req.id


def test_show_tells_what_the_platform_sees(legal_site):
    config = legal_site / "rongtong.toml"
    before = run(config, "service", "show", "legal")
    assert before.returncode == 0, before.stderr
    assert "version 1: not stored yet (run `rongtong db upgrade`)" in before.stdout
    assert "db upgrade needed: table legal_lawyer" in before.stdout
    assert run(config, "db", "upgrade").returncode == 0
    file_a_request(config)
    out = run(config, "service", "show", "legal").stdout
    for needle in ("legal: 法律咨询 / Legal consultation", f"source: {legal_site / 'services' / 'legal.toml'}",
                   "fee: free", "published limit: 10 working days (the steps add up to 9)",
                   "open request(s)  (the file)", "1 open request(s)",
                   "2. assign 指派律师 / Lawyer assignment  roles: staff  1 working days  outcomes: advance, return, reject",
                   "field lawyer (user, role expert, required) 承办律师（用户编号）",
                   "register='lawyer', where={'active': True})",
                   "effects: assign_lead(field='lawyer')",
                   "4 working days (the file says 5; config overrides it)", "field documents (file) 法律文书",
                   "notify: enterprise",
                   "lawyer 签约律师 / Contracted lawyers  table legal_lawyer  scope none  permission legal.lawyer.view  "
                   "(up to date)",
                   "field speciality (choice) 专业领域 [contract | labour | ip | corporate | tax | other]"):
        assert needle in out, (needle, out)


def test_show_json_has_the_same_with_iso_dates(legal_site):
    config = legal_site / "rongtong.toml"
    run(config, "db", "upgrade")
    file_a_request(config)
    r = run(config, "service", "show", "legal", "--json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert (data["key"], data["title"], data["fee_type"], data["time_limit_days"]) == ("legal", "法律咨询", "free", 10)
    [version] = data["versions"]
    assert version["version"] == 1 and version["open_requests"] == 1 and "T" in version["created_at"]
    steps = {s["key"]: s for s in data["steps"]}
    assert steps["answer"]["time_limit_days"] == 4 and steps["answer"]["declared_time_limit_days"] == 5
    assert steps["assign"]["guards"][0]["where"] == {"active": True}
    assert [f["type"] for f in steps["evaluate"]["fields"]] == ["scale", "textarea"]
    assert steps["evaluate"]["notify"] == ["enterprise"]
    [lawyer] = data["registers"]
    assert lawyer["table"] == "legal_lawyer" and lawyer["needs_upgrade"] is False
    assert [f["key"] for f in lawyer["fields"]] == ["name", "firm", "speciality", "phone", "years", "active"]


def test_show_an_unknown_key_names_the_declared_services(legal_site):
    assert_user_error(run(legal_site / "rongtong.toml", "service", "show", "legl"), 2,
                      "no declared service 'legl'", "(declared: legal)")


def test_validate_builds_the_workflow_as_start_up_would(site, tmp_path):
    """A ``schedule`` effect naming a date the step does not have: the workflow cannot be built
    (DB1302 5.4.1: the scheduled clock needs its date), so validate refuses it too."""
    path, _line = mutated(tmp_path, '  # [[steps.effects]]\n  # use = "schedule"', '  [[steps.effects]]\n  use = "schedule"\n  #')
    text = path.read_text(encoding="utf-8").replace('  # field = "visit_on"', '  field = "visit_on"')
    path.write_text(text, encoding="utf-8")
    line = text[:text.index('key = "evaluate"')].count("\n")  # the [[steps]] header of the scheduled step
    assert_user_error(run(site / "rongtong.toml", "service", "validate", path), 2,
                      f"{path}:{line}: steps[2]: ", "schedule_from 'visit_on'")
