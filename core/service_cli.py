"""``rongtong service``: write, check and inspect declared services (issue 11 §5).

* ``service new [KEY] [--to DIR]`` writes the commented template ``core/declared/template.toml``
  as ``KEY.toml`` (default DIR: the configured ``[services] directory``, else the current one);
  it never overwrites a file.
* ``service validate FILE...`` checks files without starting anything and without touching the
  database: the file format (:func:`~core.declared.spec.load_declaration`), then what start-up
  checks once the plugins are registered -- effect and guard names and their parameters,
  permissions, the key not taken by another plugin, the workflow buildable -- against the plugins
  the current configuration enables (their ``register_effects`` included).
* ``service show KEY [--json]`` tells what the platform sees of one declared service: catalog
  entry, source, the versions stored with their open requests, steps, registers and whether
  ``rongtong db upgrade`` has work to do.

Like the rest of the command line, a problem is one line and exit 2. The imports of the declared
layer are inside the commands, so ``rongtong --help`` stays fast.
"""
from __future__ import annotations

import json
import re
import sys
import types
from pathlib import Path

import click

from rongtong.core.cli_context import get_cli_context

TEMPLATE = Path(__file__).resolve().parent / "declared" / "template.toml"
TEMPLATE_KEY = "my_service"


@click.group()
def service():
    """Declared services: a service in a TOML file (docs/declaring-services.md)."""


# --- new ---------------------------------------------------------------------------------------------

@service.command("new")
@click.argument("key", default=TEMPLATE_KEY)
@click.option("--to", "directory", type=click.Path(file_okay=False), default=None,
              help="Where to write KEY.toml (default: [services] directory of the config, else here).")
def service_new(key, directory):
    """Write KEY.toml: a commented template of a declared service that validates as written."""
    from rongtong.core.declared.loader import services_directory
    from rongtong.core.declared.spec import KEY, KEY_RULE
    from rongtong.core.errors import ValidationFailed

    if not KEY.match(key):
        raise ValidationFailed(f"KEY: {key!r} must be {KEY_RULE}", {"key": key})
    target_dir = Path(directory) if directory else (services_directory(get_cli_context().config) or Path.cwd())
    target = target_dir / f"{key}.toml"
    if target.exists():
        raise ValidationFailed(f"{target}: already exists; not overwritten (choose another KEY or --to)",
                               {"key": key})
    target_dir.mkdir(parents=True, exist_ok=True)
    target.write_text(template_text(key), encoding="utf-8")
    click.echo(f"wrote {target}")
    click.echo(f"next: edit it, then `rongtong service validate {target}`; the platform loads the files of "
               "[services] directory at start-up")


def template_text(key: str = TEMPLATE_KEY) -> str:
    """The template with its service key (and the permission keys that start with it) set to ``key``."""
    return re.sub(rf"\b{TEMPLATE_KEY}\b", key, TEMPLATE.read_text(encoding="utf-8"))


# --- validate ----------------------------------------------------------------------------------------

@service.command("validate")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
def service_validate(files):
    """Check declared-service FILEs without starting anything: `ok FILE: KEY, N steps, M registers`
    per good file (exit 0), else one line `file:line: key: problem` per bad file (exit 2)."""
    failed, told = False, set()
    checker = Checker(get_cli_context().config)
    for name in files:
        try:
            declaration = checker.check(name)
        except _errors() as exc:
            if exc.message not in told:  # a problem of the configured platform is told once
                click.echo(f"error: {exc.message}", err=True)
                told.add(exc.message)
            failed = True
            continue
        data = declaration.data
        click.echo(f"ok {name}: {declaration.key}, {len(data['steps'])} steps, {len(data['registers'])} registers")
    if failed:
        sys.exit(2)


def _errors():
    from rongtong.core.errors import ConfigError, PluginError

    return ConfigError, PluginError


class Checker:
    """The checks of ``service validate``: the file's own, then those start-up runs with every
    plugin registered, against the registry of ``config`` (built once, with no database)."""

    def __init__(self, config):
        self.config = config
        self._registry = None
        self.registry_error = None  # what stopped the registry of ``config`` from being built
        self.seen: dict[str, str] = {}  # service key -> where the files checked so far declare it

    @property
    def registry(self):
        if self._registry is None:
            from rongtong.core.db import database
            from rongtong.core.registry import PluginRegistry

            if self.registry_error is not None:
                raise self.registry_error
            # No database: a declared service then builds its file's workflow as version 1 and
            # stores nothing (core.declared.versions), even in a process that has one bound.
            bound = database.obj
            database.initialize(None)
            try:
                self._registry = PluginRegistry(self.config)
            except _errors() as exc:
                self.registry_error = exc
                raise
            finally:
                database.initialize(bound)
        return self._registry

    def check(self, path: str):
        from rongtong.core.declared.build import build_workflow
        from rongtong.core.declared.effects import FIELDSETS
        from rongtong.core.declared.service import DeclaredService, effects_of
        from rongtong.core.declared.spec import DeclarationError, dotted, load_declaration

        declaration = load_declaration(path)
        here = declaration.where(("service", "key"))
        if declaration.key in self.seen and self.seen[declaration.key] != here:
            raise DeclarationError(f"{here}: service.key: {declaration.key!r} is already declared in "
                                   f"{self.seen[declaration.key]}")
        registry = self.registry
        clash = self._clash(declaration)
        if clash:
            raise DeclarationError(f"{here}: service.key: {declaration.key!r} is already the name of plugin {clash}")
        service = DeclaredService(declaration)
        own = {p.key: p for p in service.register_permissions()}
        view = types.SimpleNamespace(effects=registry.effects, effect_owner=registry.effect_owner,
                                     permissions={**registry.permissions, **own})
        for problem in service.problems(view):
            raise DeclarationError(problem)
        try:
            if declaration.is_service:  # a [plugin] declares registers only: no workflow
                build_workflow(declaration.data, 1, effects_of(registry), FIELDSETS, declaration.path)
        except ValueError as exc:
            at = _step_path(declaration, str(exc))
            raise DeclarationError(f"{declaration.where(at)}: {dotted(at)}: {exc}") from None
        self.seen[declaration.key] = here
        return declaration

    def _clash(self, declaration) -> str | None:
        """The plugin (other than this file, or another version of it in the services directory)
        that already has the key: start-up would refuse the pair."""
        from rongtong.core.declared.loader import services_directory

        plugin = self.registry.plugins.get(declaration.key)
        if plugin is None:
            return None
        mine = Path(declaration.path).resolve()
        theirs = Path(plugin.path).resolve() if plugin.path else None
        directory = services_directory(self.config)
        replaced = (hasattr(plugin.module, "declaration") and theirs is not None and directory is not None
                    and theirs.parent == directory.resolve())
        if theirs == mine or replaced:
            return None
        return f"{plugin.name!r} ({plugin.path})"


def _step_path(declaration, message: str) -> tuple:
    """The key path of the step a build problem names (``step plan: ...``)."""
    match = re.search(r"\bstep (\w+):", message)
    keys = [s["key"] for s in declaration.data["steps"]]
    if match and match.group(1) in keys:
        return ("steps", keys.index(match.group(1)))
    return ("steps",)


# --- show --------------------------------------------------------------------------------------------

@service.command("show")
@click.argument("key")
@click.option("--json", "as_json", is_flag=True, help="The same as JSON (dates in ISO 8601).")
def service_show(key, as_json):
    """A declared service as the platform sees it: catalog entry, source, versions with their open
    requests, steps (after config overrides), registers and whether `db upgrade` is needed."""
    from rongtong.core.errors import ValidationFailed

    platform = get_cli_context().platform
    declared = {name: p.module for name, p in platform.registry.plugins.items() if hasattr(p.module, "declaration")}
    if key not in declared:
        raise ValidationFailed(f"KEY: no declared service {key!r} (declared: {', '.join(sorted(declared)) or 'none'})",
                               {"key": key})
    summary = describe(platform, declared[key])
    if as_json:
        click.echo(json.dumps(summary, ensure_ascii=False, indent=2, default=_iso))
        return
    for line in show_lines(summary):
        click.echo(line)


def _iso(value):
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def describe(platform, service) -> dict:
    """What ``service show`` prints: :meth:`DeclaredService.describe` with the catalog entry and
    the steps as the engine runs them (roles and limits after ``[workflows.*]`` overrides)."""
    info = service.describe()
    data = service.declaration.data
    head = data[service.declaration.head]
    entry = platform.registry.services.get(service.key)  # None for a [plugin] (registers only)
    workflow = platform.registry.workflows.get(service.key)
    running = {s.key: s for s in workflow.steps} if workflow is not None else {}
    steps = []
    for s in data["steps"]:
        step = running[s["key"]]
        steps.append({
            "key": s["key"], "title": s["title"], "title_en": s["title_en"], "roles": list(step.roles),
            "time_limit_days": step.time_limit_days, "declared_time_limit_days": s["time_limit_days"],
            "outcomes": list(s["outcomes"]), "next": workflow.next_of(s["key"]), "returns_to": s["returns_to"],
            "fieldset": s["fieldset"], "fields": [_field(f) for f in s["fields"]],
            "effects": [dict(e) for e in s["effects"]], "guards": [dict(g) for g in s["guards"]],
            "notify": list(s["notify"])})
    missing = {r["key"]: r["missing"] for r in info["registers"]}
    registers = [{"key": r["key"], "title": r["title"], "title_en": r["title_en"],
                  "table": service.models[r["key"]]._meta.table_name, "scope": r["scope"],
                  "per_request": r["per_request"], "parent": r["parent"], "permission": service.permission_of(r),
                  "fields": [_field(f) for f in r["fields"]], "list": r["list"], "filters": r["filters"],
                  "search": r["search"], "public": r.get("public", False), "missing": missing[r["key"]],
                  "needs_upgrade": bool(missing[r["key"]])}
                 for r in data["registers"]]
    return {
        "key": service.key, "kind": service.declaration.head, "title": head["title"], "title_en": head["title_en"],
        "source": info["source"], "clauses": list(head.get("clauses") or []),
        "category": entry.category if entry else "", "department": entry.department if entry else "",
        "fee_type": entry.fee_type if entry else None, "fee_standard": entry.fee_standard if entry else "",
        "time_limit_days": entry.time_limit_days if entry else None,
        "steps_total_days": workflow.total_days if workflow else 0, "version": info["version"],
        "checksum": info["checksum"],
        "versions": info["versions"], "intake": [_field(f) for f in data["intake"]],
        "on_open": [dict(e) for e in data["on_open"]], "steps": steps, "registers": registers,
        "permissions": [dict(p) for p in data["permissions"]],
    }


def _field(f: dict) -> dict:
    out = {"key": f["key"], "type": f["type"], "label": f["label"], "label_en": f["label_en"],
           "required": f["required"], "visibility": f["visibility"]}
    if f["choices"]:
        out["choices"] = [c[0] for c in f["choices"]]
    if f["columns"]:
        out["columns"] = [_field(c) for c in f["columns"]]
    for name in ("unit", "role", "step"):
        if f.get(name):
            out[name] = f[name]
    return out


def _field_text(f: dict) -> str:
    extra = [f["type"]]
    if f.get("unit"):
        extra.append(f["unit"])
    if f.get("role"):
        extra.append(f"role {f['role']}")
    if f["required"]:
        extra.append("required")
    if f["visibility"] != "enterprise":
        extra.append(f["visibility"])
    text = f"{f['key']} ({', '.join(extra)}) {f['label']}"
    if f.get("choices"):
        text += f" [{' | '.join(f['choices'])}]"
    if f.get("columns"):
        text += " {" + "; ".join(_field_text(c) for c in f["columns"]) + "}"
    return text


def _refs(refs: list[dict]) -> str:
    return ", ".join(f"{r['use']}({', '.join(f'{k}={r[k]!r}' for k in sorted(r) if k != 'use')})" for r in refs)


def show_lines(s: dict) -> list[str]:
    lines = [f"{s['key']}: {s['title']} / {s['title_en']}", f"  source: {s['source']}"]
    if s["clauses"]:
        lines.append(f"  DB1302: {', '.join(s['clauses'])}")
    if s["kind"] == "plugin":
        lines.append("  registers only ([plugin]): no catalog entry, no workflow")
        return lines + _register_lines(s)
    fee = "free" if s["fee_type"] == "free" else f"paid: {s['fee_standard']}"
    lines += [f"  fee: {fee}",
              f"  published limit: {s['time_limit_days']} working days (the steps add up to {s['steps_total_days']})"]
    if s["category"] or s["department"]:
        lines.append(f"  category: {s['category'] or '-'}  department: {s['department'] or '-'}")
    if s["versions"]:
        for v in s["versions"]:
            mark = "  (the file)" if v["checksum"] == s["checksum"] else ""
            lines.append(f"  version {v['version']}: stored {_iso(v['created_at'])} UTC, "
                         f"{v['open_requests']} open request(s){mark}")
    else:
        lines.append(f"  version {s['version']}: not stored yet (run `rongtong db upgrade`)")
    if s["intake"]:
        lines.append("  intake: " + "; ".join(_field_text(f) for f in s["intake"]))
    if s["on_open"]:
        lines.append(f"  on open: {_refs(s['on_open'])}")
    lines.append("  steps:")
    for i, step in enumerate(s["steps"], 1):
        limit = f"{step['time_limit_days']} working days"
        if step["time_limit_days"] != step["declared_time_limit_days"]:
            limit += f" (the file says {step['declared_time_limit_days']}; config overrides it)"
        lines.append(f"    {i}. {step['key']} {step['title']} / {step['title_en']}  roles: {', '.join(step['roles'])}  "
                     f"{limit}  outcomes: {', '.join(step['outcomes'])}")
        for f in step["fields"]:
            lines.append(f"       field {_field_text(f)}")
        for name in ("guards", "effects"):
            if step[name]:
                lines.append(f"       {name}: {_refs(step[name])}")
        if step["notify"]:
            lines.append(f"       notify: {', '.join(step['notify'])}")
    return lines + _register_lines(s)


def _register_lines(s: dict) -> list[str]:
    lines = []
    if s["registers"]:
        lines.append("  registers:")
    for r in s["registers"]:
        state = "db upgrade needed: " + ", ".join(r["missing"]) if r["needs_upgrade"] else "up to date"
        public = "  public on the portal" if r["public"] else ""
        lines.append(f"    {r['key']} {r['title']} / {r['title_en']}  table {r['table']}  scope {r['scope']}  "
                     f"permission {r['permission']}{public}  ({state})")
        for f in r["fields"]:
            lines.append(f"       field {_field_text(f)}")
    return lines
