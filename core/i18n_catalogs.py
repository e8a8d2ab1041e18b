"""Message catalogs of the core and of every plugin, built-in or third-party (Babel's Python API).

    rongtong i18n extract [--plugin NAME | --path DIR]  # source -> <owner>/translations/messages.pot
    rongtong i18n update  [...]   # extract, then create/update <owner>/translations/zh_Hans_CN/LC_MESSAGES/messages.po
    rongtong i18n compile [...]   # messages.po -> messages.mo (fuzzy entries left out)
    rongtong i18n check   [...]   # exit 1 listing untranslated/fuzzy msgids, bad placeholders, stale .mo

Owners: ``core`` (``core/**/*.py``, ``core/templates/**/*.html``), each built-in plugin
``plugins/<name>/``, and any installed plugin (``--plugin NAME``, found through its entry point) or
plugin package folder (``--path DIR``): its ``*.py`` and ``templates/**/*.html``. Each owner's
catalog lives in its own ``translations/`` folder; the web app loads the core's and every enabled
plugin's (see ``core.i18n.translation_directories``). Message ids are English; Chinese
(zh_Hans_CN) is the default UI language (DB1302 -- the platform's users are Chinese enterprises
and staff).

Files are only rewritten when their messages changed, so re-running on an unchanged tree leaves git
clean. ``scripts/i18n.py`` is the same tool for a checkout (``python scripts/i18n.py check core``).
"""
from __future__ import annotations

import importlib.util
import io
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from jinja2.ext import babel_extract

#: The folder holding ``core/`` and ``plugins/``: the checkout (editable install) or
#: ``site-packages/rongtong`` (a wheel).
ROOT = Path(__file__).resolve().parent.parent
LOCALE = "zh_Hans_CN"
DOMAIN = "messages"
#: gettext call names extracted from Python and Jinja (Flask-Admin's own ``_gettext`` strings come
#: from Flask-Admin's catalog and are deliberately not extracted).
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "lazy_gettext": None,
    "_l": None,
    "lazy_ngettext": (1, 2),
}
JINJA_OPTIONS = {"trimmed": "false", "silent": "false"}
SKIP_DIRS = {"__pycache__", "translations", "static"}
#: folders of an owner that are not its source (the scaffold's templates are a plugin's, with its catalog)
SKIP_PATHS = {"scaffold/template"}


@dataclass(frozen=True)
class Owner:
    """A catalog owner: the core or one plugin."""

    name: str
    folder: Path  # the package folder (core/, plugins/<name>/, or an installed plugin's package)
    extra_files: tuple[Path, ...] = ()
    root: Path | None = None  # paths in messages and catalogs are relative to it (default: ROOT)

    @property
    def base(self) -> Path:
        return self.root or ROOT

    @property
    def translations(self) -> Path:
        return self.folder / "translations"

    @property
    def pot(self) -> Path:
        return self.translations / f"{DOMAIN}.pot"

    @property
    def po(self) -> Path:
        return self.translations / LOCALE / "LC_MESSAGES" / f"{DOMAIN}.po"

    @property
    def mo(self) -> Path:
        return self.po.with_suffix(".mo")

    @property
    def project(self) -> str:
        return "Rongtong" if self.name == "core" else f"rongtong-{self.name}"

    def sources(self) -> list[tuple[Path, str]]:
        """(file, method) pairs in a stable order."""
        found: list[tuple[Path, str]] = []
        for dirpath, dirnames, filenames in os.walk(self.folder):
            here = Path(dirpath)
            dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and not d.startswith(".")
                                 and (here / d).relative_to(self.folder).as_posix() not in SKIP_PATHS)
            in_templates = "templates" in here.relative_to(self.folder).parts
            for name in sorted(filenames):
                if name.endswith(".py"):
                    found.append((here / name, "python"))
                elif in_templates and name.endswith(".html"):
                    found.append((here / name, "jinja2"))
        found.extend((path, "python") for path in self.extra_files if path.exists())
        return found


def owners(root: Path = ROOT) -> list[Owner]:
    """The core, then every plugin package under ``plugins/`` (alphabetical)."""
    result = [Owner("core", root / "core", ())]
    plugins = root / "plugins"
    for folder in sorted(plugins.iterdir()) if plugins.is_dir() else ():
        if folder.is_dir() and (folder / "__init__.py").exists():
            result.append(Owner(folder.name, folder))
    return result


def extract(owner: Owner) -> Catalog:
    """The template catalog of everything the owner's source marks for translation."""
    catalog = Catalog(project=owner.project, version="1.0", msgid_bugs_address="", charset="utf-8")
    for path, method in owner.sources():
        func = babel_extract if method == "jinja2" else method
        options = JINJA_OPTIONS if method == "jinja2" else {}
        relative = _rel(path, owner.base)
        for lineno, message, comments, context in extract_from_file(
            func, path, keywords=KEYWORDS, comment_tags=("TRANSLATORS:",), options=options, strip_comment_tags=True
        ):
            if not message or (isinstance(message, tuple) and not all(message)):
                continue
            catalog.add(message, None, [(relative, lineno)], auto_comments=comments, context=context)
    return catalog


def _rel(path: Path, root: Path = ROOT) -> str:
    """``path`` relative to the repository when it is inside it (messages and locations)."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _signature(catalog: Catalog) -> list[tuple]:
    """What matters in a catalog's messages (ids, translations, flags, placeholders kind), in order —
    used to avoid rewriting a file when only dates or line numbers would change."""
    def text(value):
        return tuple(v or "" for v in value) if isinstance(value, (list, tuple)) else (value or "")

    return sorted(
        (repr(m.id), repr(text(m.string)), tuple(sorted(m.flags)), repr(m.context or ""),
         tuple(sorted({loc[0] for loc in m.locations})))
        for m in catalog
        if m.id
    )


def _write_po(catalog: Catalog, path: Path, force: bool = False) -> bool:
    if path.exists() and not force:
        with path.open("rb") as f:
            old = read_po(f)
        if _signature(old) == _signature(catalog):
            return False
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    write_po(buf, catalog, width=100, sort_output=True, ignore_obsolete=True, include_lineno=False)
    path.write_bytes(buf.getvalue())
    return True


def cmd_extract(selected: list[Owner], echo=print) -> dict[str, Catalog]:
    """Write each owner's ``translations/messages.pot`` (only when its messages changed)."""
    templates = {}
    for owner in selected:
        template = extract(owner)
        templates[owner.name] = template
        if len(template) == 0 and not owner.pot.exists():
            continue  # nothing to translate yet: no empty catalogs
        if _write_po(template, owner.pot):
            echo(f"{_rel(owner.pot, owner.base)}: {len(template)} messages")
    return templates


def cmd_update(selected: list[Owner], echo=print) -> None:
    """Extract, then create or update each owner's ``zh_Hans_CN`` catalog."""
    templates = cmd_extract(selected, echo)
    for owner in selected:
        template = templates[owner.name]
        if owner.po.exists():
            with owner.po.open("rb") as f:
                catalog = read_po(f, locale=LOCALE)
        elif len(template) == 0:
            continue
        else:
            catalog = Catalog(locale=Locale.parse(LOCALE), project=owner.project, version="1.0", charset="utf-8")
            catalog.fuzzy = False
        catalog.update(template, no_fuzzy_matching=False)
        if _write_po(catalog, owner.po):
            missing = sum(1 for m in catalog if m.id and (m.fuzzy or not _translated(m)))
            echo(f"{_rel(owner.po, owner.base)}: {len(catalog)} messages, {missing} to translate")


def _compiled(owner: Owner) -> bytes:
    with owner.po.open("rb") as f:
        catalog = read_po(f, locale=LOCALE)
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    return buf.getvalue()


def cmd_compile(selected: list[Owner], echo=print) -> None:
    """``messages.po`` -> ``messages.mo`` (fuzzy entries left out), only when it changes."""
    for owner in selected:
        if not owner.po.exists():
            continue
        data = _compiled(owner)
        if not owner.mo.exists() or owner.mo.read_bytes() != data:
            owner.mo.write_bytes(data)
            echo(f"{_rel(owner.mo, owner.base)}: compiled")


def _translated(message) -> bool:
    strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
    return bool(strings) and all(strings)


def problems(owner: Owner) -> list[str]:
    """Everything wrong with one owner's catalog against the current source."""
    template = extract(owner)
    if len(template) == 0:
        return []
    rel = _rel(owner.po, owner.base)
    if not owner.po.exists():
        return [f"{rel}: missing ({len(template)} messages to translate)"]
    with owner.po.open("rb") as f:
        catalog = read_po(f, locale=LOCALE)
    found = []
    for wanted in template:
        if not wanted.id:
            continue
        have = catalog.get(wanted.id, context=wanted.context)
        label = wanted.id if isinstance(wanted.id, str) else " / ".join(wanted.id)
        if have is None:
            found.append(f"{rel}: not in catalog: {label!r}")
        elif have.fuzzy:
            found.append(f"{rel}: fuzzy: {label!r}")
        elif not _translated(have):
            found.append(f"{rel}: untranslated: {label!r}")
    for message, errors in catalog.check():
        for error in errors:
            found.append(f"{rel}: {message.id!r}: {error}")
    if not owner.mo.exists() or owner.mo.read_bytes() != _compiled(owner):
        found.append(f"{_rel(owner.mo, owner.base)}: out of date (run: rongtong i18n compile)")
    return found


def conflicts(selected: list[Owner]) -> list[str]:
    """Msgids translated differently by two owners. All catalogs share one domain and Flask-Babel
    merges them (later plugins override the core), so one English label can show only one Chinese
    text per app: a conflict means the wording depends on which plugins are enabled."""
    seen: dict = {}
    for owner in selected:
        if not owner.po.exists():
            continue
        with owner.po.open("rb") as f:
            for m in read_po(f, locale=LOCALE):
                if m.id and not m.fuzzy and _translated(m):
                    text = m.string if isinstance(m.string, str) else " / ".join(m.string)
                    seen.setdefault(m.id, {}).setdefault(text, []).append(owner.name)
    return [
        f"warning: {mid!r} is translated differently: " + "; ".join(f"{t!r} ({', '.join(o)})" for t, o in texts.items())
        for mid, texts in seen.items() if len(texts) > 1
    ]


def cmd_check(selected: list[Owner], echo=print, warn=None) -> int:
    """List every problem (exit status 1) or say the catalogs are complete (0)."""
    warn = warn or (lambda line: print(line, file=sys.stderr))
    for line in conflicts(selected):
        warn(line)
    found = [p for owner in selected for p in problems(owner)]
    for line in found:
        echo(line)
    if found:
        warn(f"{len(found)} problem(s)")
        return 1
    echo("catalogs complete: " + ", ".join(o.name for o in selected))
    return 0


COMMANDS = {"extract": cmd_extract, "update": cmd_update, "compile": cmd_compile, "check": cmd_check}


def plugin_owner(name: str) -> Owner:
    """The owner of an installed plugin (built-in or third-party), found by its entry point without
    importing it. Raises :class:`~rongtong.core.errors.ValidationFailed` naming the plugin."""
    from rongtong.core.errors import ValidationFailed
    from rongtong.core.registry import _entry_points

    for owner in owners():
        if owner.name == name:
            return owner
    ep = _entry_points().get(name)
    if ep is None:
        raise ValidationFailed(f"--plugin: no installed plugin {name!r} (no entry point in group rongtong.plugins)",
                               {"plugin": name})
    spec = importlib.util.find_spec(ep.module)
    if spec is None:
        raise ValidationFailed(f"--plugin: plugin {name!r}: module {ep.module!r} not found", {"plugin": name})
    locations = list(spec.submodule_search_locations or [])
    folder = Path(locations[0]) if locations else Path(spec.origin).parent
    return Owner(name, folder, root=folder.parent)


def path_owner(directory: str | os.PathLike) -> Owner:
    """The owner of a plugin package folder (its name is the folder's)."""
    from rongtong.core.errors import ValidationFailed

    folder = Path(directory).resolve()
    if not (folder / "__init__.py").is_file():
        raise ValidationFailed(f"--path: {directory} is not a Python package (no __init__.py)", {"path": str(directory)})
    return Owner(folder.name, folder, root=folder.parent)


def select(names=(), paths=()) -> list[Owner]:
    """The owners named (``core``, a plugin, a package folder); every owner of the checkout when
    nothing is named."""
    if not names and not paths:
        return owners()
    return [*(plugin_owner(n) for n in names), *(path_owner(p) for p in paths)]
