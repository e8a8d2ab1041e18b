"""First-run tasks: a local config file, the first administrator, creating users."""
from __future__ import annotations

import importlib.util
import json
import os
import secrets
from pathlib import Path

from rongtong.core import audit
from rongtong.core.db import database
from rongtong.core.errors import ValidationFailed
from rongtong.core.models import ROLE_KEYS, Department, Enterprise, User

LOCAL_TEMPLATE = """# Rongtong configuration for this site. Every key is documented in config/default.toml.
[site]
secret_key = "{secret}"

[database]
url = "sqlite:///rongtong.db"

[plugins]
enabled = {plugins}
"""

BUILTIN_PLUGINS = ["information", "technical", "training", "management", "investment", "financing", "promotion", "evaluation",
                   "governance"]


def installed_builtin_plugins() -> list[str]:
    """The built-in plugins whose packages exist in this installation."""
    return [n for n in BUILTIN_PLUGINS if importlib.util.find_spec(f"rongtong.plugins.{n}") is not None]


def write_local_config(config_path: str | None) -> Path | None:
    """Write ./rongtong.toml (or ``config_path``) if it does not exist; returns its path if written."""
    path = Path(config_path or os.environ.get("RONGTONG_CONFIG") or "rongtong.toml")
    if path.exists():
        return None
    path.write_text(LOCAL_TEMPLATE.format(secret=secrets.token_hex(32), plugins=json.dumps(installed_builtin_plugins())),
                    encoding="utf-8")
    return path


def create_first_admin(username: str = "admin") -> str | None:
    """Create an administrator with a generated password if none exists; returns the password."""
    if User.select().where(User.roles.contains("admin")).exists():
        return None
    password = secrets.token_urlsafe(12)
    with database.atomic():
        u = User(username=username, display_name="Administrator", roles=["admin"])
        u.set_password(password)
        u.save()
        audit.record_create(u)
    return password


def create_user(platform, username, roles, password, enterprise_id=None, department_key=None, display_name="") -> User:
    problems = {}
    if not username or len(username) > 80:
        problems["username"] = ["must be 1 to 80 characters"]
    elif User.select().where(User.username == username).exists():
        problems["username"] = [f"user {username!r} already exists"]
    bad = [r for r in roles if r not in ROLE_KEYS]
    if bad:
        problems["role"] = [f"unknown role {bad[0]!r}"]
    if len(password or "") < 8:
        problems["password"] = ["must be at least 8 characters"]
    enterprise = department = None
    if "enterprise" in roles and enterprise_id is None:
        problems["enterprise"] = ["an enterprise user needs --enterprise ID"]
    if enterprise_id is not None:
        enterprise = Enterprise.get_or_none(Enterprise.id == enterprise_id)
        if enterprise is None:
            problems["enterprise"] = [f"no enterprise with id {enterprise_id}"]
    if department_key:
        department = Department.get_or_none(Department.key == department_key)
        if department is None:
            problems["department"] = [f"no department {department_key!r}"]
    if problems:
        field, messages = next(iter(problems.items()))
        raise ValidationFailed(f"--{field}: {messages[0]}", problems)
    with database.atomic():
        u = User(username=username, display_name=display_name or username, roles=list(roles),
                 enterprise=enterprise, department=department)
        u.set_password(password)
        u.save()
        audit.record_create(u)
    return u
