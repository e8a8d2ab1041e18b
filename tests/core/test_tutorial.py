"""docs/tutorial.md works as written (issue 10 §5): the scaffold, every file it shows, the commands
it runs (`plugin new`, `init`, `db new`, `db upgrade`, the plugin's command, `i18n update|compile|
check`, `pip wheel`) and the plugin's own tests."""
from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from rongtong.core.testing.fixtures import PG_URL_VARIABLE
from tests.core.test_scaffold import WHEEL_COMMAND

REPO = Path(__file__).resolve().parents[2]
TUTORIAL = REPO / "docs" / "tutorial.md"
BIN = Path(sys.executable).parent
BLOCK = re.compile(r'^```(\w+) title="([^"]+)"([^\n]*)\n(.*?)^```\n', re.S | re.M)


def tutorial() -> str:
    return TUTORIAL.read_text(encoding="utf-8")


def file_blocks(text: str) -> list[tuple[str, str, str]]:
    """``(path, mode, body)`` of every titled code block, in order (mode: "", "append", "translations")."""
    return [(path, extra.strip(), body) for _lang, path, extra, body in BLOCK.findall(text)]


def shell_lines(text: str, section: str) -> list[str]:
    """The commands of the ``sh`` blocks of one section (comments dropped)."""
    part = text.split(f"## {section}", 1)[1].split("\n## ", 1)[0]
    lines = []
    for block in re.findall(r"^```sh\n(.*?)^```\n", part, re.S | re.M):
        lines += [line.split("  #")[0].strip() for line in block.splitlines() if line.strip() and not line.startswith("#")]
    return lines


def translate(po: Path, pairs: str) -> None:
    """Fill in the tutorial's translations the way a translator does: the msgstr, and no fuzzy mark."""
    from babel.messages.pofile import read_po, write_po

    with po.open("rb") as f:
        catalog = read_po(f)
    for msgid, msgstr in re.findall(r'^msgid "(.*)"\nmsgstr "(.*)"$', pairs, re.M):
        message = catalog.get(msgid)
        assert message is not None and (not message.string or message.fuzzy), f"{msgid!r} is not waiting in {po}"
        message.string = msgstr
        message.flags.discard("fuzzy")
    with po.open("wb") as f:
        write_po(f, catalog, width=100, sort_output=True, include_lineno=False)


def test_the_tutorial_shows_every_file_it_talks_about():
    paths = [path for path, _mode, _body in file_blocks(tutorial())]
    for wanted in ("models.py", "workflows.py", "steps.py", "admin.py", "api.py", "cli.py", "__init__.py"):
        assert f"patent_guidance/{wanted}" in paths
    assert "tests/test_patent_guidance.py" in paths
    assert shell_lines(tutorial(), "1. Scaffold")[0] == \
        'rongtong plugin new patent_guidance --title 专利导航 --title-en "Patent guidance"'


@pytest.mark.slow
def test_the_tutorial_runs(tmp_path):
    text = tutorial()
    env = {k: v for k, v in os.environ.items() if not k.startswith("RONGTONG_") or k == PG_URL_VARIABLE}
    env["PYTHONPATH"] = os.pathsep.join([str(tmp_path / "site-packages"), str(tmp_path / "patent_guidance")])

    def run(line: str, cwd: Path) -> subprocess.CompletedProcess:
        args = shlex.split(line)
        program = str(BIN / args[0]) if (BIN / args[0]).exists() else args[0]
        done = subprocess.run([program, *args[1:]], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, (line, done.stdout, done.stderr)
        return done

    # 1. Scaffold; "pip install -e" is replaced by the entry point on the path (the same for Rongtong).
    run(shell_lines(text, "1. Scaffold")[0], tmp_path)
    project = tmp_path / "patent_guidance"
    dist = tmp_path / "site-packages" / "rongtong_patent_guidance-0.1.0.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: rongtong-patent-guidance\nVersion: 0.1.0\n")
    (dist / "entry_points.txt").write_text("[rongtong.plugins]\npatent_guidance = patent_guidance\n")
    # 2. The site.
    site = tmp_path / "site"
    site.mkdir()
    config = re.search(r"cat > rongtong.toml <<'EOF'\n(.*?)\nEOF\n", text, re.S).group(1)
    (site / "rongtong.toml").write_text(config + "\n", encoding="utf-8")
    assert "applied patent_guidance: 0001_initial" in run("rongtong init", site).stdout
    # 3. Fields: the model, then the migration rongtong writes from it.
    blocks = file_blocks(text)
    for path, mode, body in blocks:
        if path == "patent_guidance/models.py":
            (project / path).write_text(body, encoding="utf-8")
    for line in shell_lines(text, "3. Fields"):
        run(line, site)
    assert (project / "patent_guidance" / "migrations" / "0002_kind_search_findings_recommendation.py").exists()
    # 4-8. Every other file.
    for path, mode, body in blocks:
        target = project / path
        if mode == "append":
            target.write_text(target.read_text(encoding="utf-8") + "\n\n" + body, encoding="utf-8")
        elif mode == "":
            target.write_text(body, encoding="utf-8")
    stats = run("rongtong patent-guidance-stats", site)
    assert stats.stdout.splitlines() == ["file: 0", "improve: 0", "abandon: 0"]
    tested = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=project, env=env,
                            capture_output=True, text=True, timeout=300)
    assert tested.returncode == 0 and "6 passed" in tested.stdout, tested.stdout + tested.stderr
    # 9. Translations.
    run(shell_lines(text, "9. Translations")[0], project)
    (po_path, _mode, pairs), = [b for b in blocks if b[1] == "translations"]
    translate(project / po_path, pairs)
    for line in shell_lines(text, "9. Translations")[1:]:
        run(line, project)
    # 10. The wheel: tests/core/test_scaffold.py builds it with the same command and opens it.
    wheel_line, listing_line = shell_lines(text, "10. Package and ship")[:2]
    assert wheel_line == " ".join(WHEEL_COMMAND)
    assert listing_line.startswith("python -m zipfile -l dist/rongtong_patent_guidance-0.1.0-py3-none-any.whl")
