"""``rongtong plugin new NAME``: a working, installable plugin package from the files under
``template/`` (``PKG`` in a path becomes the plugin's name; ``${name}``, ``${title}``,
``${title_en}`` in a file become the plugin's name and titles; ``tests/test_plugin.py`` becomes
``tests/test_<name>.py``). The catalog's ``.mo`` is compiled from the ``.po`` after writing.
"""
from __future__ import annotations

import keyword
import string
from pathlib import Path

from rongtong.core.errors import ValidationFailed

TEMPLATE = Path(__file__).resolve().parent / "template"
BUILTIN_NAMES = {"core", "information", "technical", "training", "management", "investment", "financing",
                 "promotion", "evaluation"}
NAME_MAX = 40


def check_name(name: str, directory: Path) -> None:
    """Refuse a name Rongtong could not load as a plugin, or a directory that exists."""
    from rongtong.core.registry import _entry_points

    if not name.isidentifier() or keyword.iskeyword(name) or not name.isascii() or name != name.lower():
        raise ValidationFailed(f"NAME: {name!r} is not a lower-case Python identifier (e.g. patent_guidance)",
                               {"name": name})
    if len(name) > NAME_MAX:
        raise ValidationFailed(f"NAME: {name!r} is longer than {NAME_MAX} characters", {"name": name})
    if name in BUILTIN_NAMES or name in _builtin_entry_points(_entry_points()):
        raise ValidationFailed(f"NAME: {name!r} is the name of a built-in plugin; choose another", {"name": name})
    if directory.exists():
        raise ValidationFailed(f"--dir: {directory} already exists", {"dir": str(directory)})


def _builtin_entry_points(entry_points: dict) -> set[str]:
    return {name for name, ep in entry_points.items() if ep.value.startswith("rongtong.plugins.")}


def _render(text: str, values: dict) -> str:
    return string.Template(text).safe_substitute(values)


def _target(relative: Path, name: str) -> Path:
    parts = [name if part == "PKG" else part for part in relative.parts]
    if parts == ["tests", "test_plugin.py"]:
        parts = ["tests", f"test_{name}.py"]
    return Path(*parts)


def new_plugin(name: str, directory: Path, title: str = "", title_en: str = "") -> list[Path]:
    """Write the plugin package ``name`` into ``directory`` (which must not exist); returns the
    files written."""
    from rongtong.core import i18n_catalogs

    check_name(name, directory)
    title_en = title_en or name.replace("_", " ").capitalize()
    values = {"name": name, "title": title or title_en, "title_en": title_en}
    written = []
    for source in sorted(TEMPLATE.rglob("*")):
        if source.is_dir() or "__pycache__" in source.parts or source.suffix == ".pyc":
            continue
        target = directory / _target(source.relative_to(TEMPLATE), name)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(_render(source.read_text(encoding="utf-8"), values), encoding="utf-8")
        written.append(target)
    owner = i18n_catalogs.Owner(name, directory / name, root=directory)
    i18n_catalogs.cmd_compile([owner], echo=lambda line: None)
    written.append(owner.mo)
    return written
