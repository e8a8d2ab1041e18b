"""Where declared services come from: the directory named in config, and plugin packages.

``[services] directory = "services"`` (relative to the config file's folder) holds one ``*.toml``
file per service; the registry loads them through the entry-point group ``rongtong.plugin_sources``
(:func:`plugins_from_config`), after the entry-point plugins, and refuses a key that another file
or a plugin already uses. A plugin package may ship a declaration instead of Python hooks: its entry
point names ``declared_service(__file__)`` (the built-in ``management`` does).
"""
from __future__ import annotations

from pathlib import Path

from rongtong.core.config import DEFAULT_FILE
from rongtong.core.errors import ConfigError

from .service import DeclaredService
from .spec import DeclarationError, load_declaration


def services_directory(config) -> Path | None:
    """The configured directory (None when not configured)."""
    directory = config.get("services.directory") or ""
    if not directory:
        return None
    path = Path(directory).expanduser()
    source = Path(config.source)
    if not path.is_absolute() and source.is_file() and source.resolve() != DEFAULT_FILE:
        path = source.resolve().parent / path
    return path


def declaration_files(config) -> list[Path]:
    path = services_directory(config)
    if path is None:
        return []
    if not path.is_dir():
        raise ConfigError(f"{config.source}: services.directory: no such directory {path}")
    return sorted(p for p in path.glob("*.toml") if p.is_file())


def plugins_from_config(config) -> list[DeclaredService]:
    """One :class:`DeclaredService` per file of the configured directory (a plugin source)."""
    found: dict[str, DeclaredService] = {}
    for file in declaration_files(config):
        service = DeclaredService(load_declaration(file))
        other = found.get(service.key)
        if other is not None:
            head = service.declaration.head
            raise DeclarationError(f"{service.declaration.where((head, 'key'))}: {head}.key: {service.key!r} is "
                                   f"already declared in {other.declaration.where((other.declaration.head, 'key'))}")
        found[service.key] = service
    return list(found.values())


def declared_service(module_file: str, name: str = "service.toml") -> DeclaredService:
    """The plugin object of a package that ships a declaration (``plugins/<name>/service.toml``)::

        PLUGIN = declared_service(__file__)   # entry point: name = package:PLUGIN
    """
    return DeclaredService(load_declaration(Path(module_file).resolve().parent / name))
