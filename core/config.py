"""Configuration: TOML files (stdlib tomllib) over `config/default.toml`, plus environment overrides.

Where the file comes from, in order: ``rongtong --config PATH``, the ``RONGTONG_CONFIG`` environment
variable, ``./rongtong.toml`` if present, else only the defaults.

Validation happens in two stages. :func:`load_config` checks everything the core knows (types,
unknown keys). Tables that belong to plugins (``[plugins.<name>]``) and workflow overrides
(``[workflows.<key>.steps.<step>]``) are checked by :mod:`core.registry` once the plugins are loaded.
Every failure is a :class:`~core.errors.ConfigError` whose message is one line: file, key, problem.
"""
from __future__ import annotations

import copy
import datetime
import os
import tomllib
import zoneinfo
from pathlib import Path

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates

from rongtong.core.errors import ConfigError

DEFAULT_FILE = Path(__file__).resolve().parent.parent / "config" / "default.toml"
LOCAL_FILE = "rongtong.toml"
SECRET_KEYS = {("site", "secret_key"), ("mail", "password"), ("database", "url")}
LOCALES = ("zh_Hans_CN", "en")


class StrictBool(fields.Boolean):
    """A TOML boolean only: "yes" or 1 is a typo, not true."""

    truthy = {True}
    falsy = {False}

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):  # 1 == True in Python; a TOML integer is still a typo
            raise self.make_error("invalid", input=value)
        return value


class _Strict(Schema):
    class Meta:
        unknown = RAISE


class SiteSchema(_Strict):
    name = fields.String()
    url = fields.Url(require_tld=False)
    https = StrictBool()
    secret_key = fields.String()
    debug = StrictBool()


class DatabaseSchema(_Strict):
    url = fields.String()
    busy_timeout_ms = fields.Integer(strict=True, validate=validate.Range(min=0))

    @validates("url")
    def _url_scheme(self, value, **kwargs):
        if not value.startswith(("sqlite:///", "postgresql://", "postgres://")):
            raise ValidationError("must start with sqlite:/// or postgresql://")


class SecuritySchema(_Strict):
    session_idle_minutes = fields.Integer(strict=True, validate=validate.Range(min=1))
    session_absolute_hours = fields.Integer(strict=True, validate=validate.Range(min=1))
    login_max_failures = fields.Integer(strict=True, validate=validate.Range(min=1))
    login_window_minutes = fields.Integer(strict=True, validate=validate.Range(min=1))


class ServerSchema(_Strict):
    bind = fields.String()
    workers = fields.Integer(strict=True, validate=validate.Range(min=1, max=64))
    trusted_proxies = fields.Integer(strict=True, validate=validate.Range(min=0, max=5))


class AttachmentsSchema(_Strict):
    directory = fields.String()
    max_bytes = fields.Integer(strict=True, validate=validate.Range(min=1))
    allowed_extensions = fields.List(fields.String())


class MailSchema(_Strict):
    host = fields.String()
    port = fields.Integer(strict=True, validate=validate.Range(min=1, max=65535))
    sender = fields.String()
    username = fields.String()
    password = fields.String()
    starttls = StrictBool()
    # The outbox worker (core.notify): how often it looks for mail, how often it retries.
    worker_interval_seconds = fields.Integer(strict=True, validate=validate.Range(min=1, max=3600))
    max_attempts = fields.Integer(strict=True, validate=validate.Range(min=1, max=100))
    retry_seconds = fields.Integer(strict=True, validate=validate.Range(min=1, max=86400))
    lease_seconds = fields.Integer(strict=True, validate=validate.Range(min=5, max=86400))


class RoutingSchema(_Strict):
    """DB1302 5.1.2: services map to departments; requests land in a department's queue."""

    # {service key: department key}; checked against the registered services and departments.
    services = fields.Dict(keys=fields.String(), values=fields.String())
    # "round_robin": a filed request goes to the next member of its department; "none": it waits
    # in the queue until the department head assigns it.
    assign = fields.String(validate=validate.OneOf(("round_robin", "none")))
    # The comprehensive management board (DB1302 4.4.4): a department key; escalations climb
    # handler -> department head -> the board's members, and reach the admins only when nobody is there.
    board_department = fields.String()


class YearNoticesField(fields.Field):
    """``[calendar.years.YYYY]``: the State Council's notice per year (core.calendar.parse_notices)."""

    def _deserialize(self, value, attr, data, **kwargs):
        from rongtong.core.calendar import NoticeError, parse_notices

        try:
            parse_notices(value)
        except NoticeError as exc:
            raise ValidationError({exc.key: [exc.problem]} if exc.key else [exc.problem])
        return value


class CalendarSchema(_Strict):
    extra_holidays = fields.List(fields.Date())
    extra_workdays = fields.List(fields.Date())
    years = YearNoticesField()


class ServicesSchema(_Strict):
    """Declared services (issue 11): the folder of their ``*.toml`` files ("" for none)."""

    directory = fields.String()


class StepOverrideSchema(_Strict):
    time_limit_days = fields.Integer(strict=True, validate=validate.Range(min=0, max=3650))
    roles = fields.List(fields.String(), validate=validate.Length(min=1))


class ConfigSchema(_Strict):
    timezone = fields.String()
    locale = fields.String(validate=validate.OneOf(LOCALES))
    site = fields.Nested(SiteSchema)
    database = fields.Nested(DatabaseSchema)
    security = fields.Nested(SecuritySchema)
    server = fields.Nested(ServerSchema)
    attachments = fields.Nested(AttachmentsSchema)
    mail = fields.Nested(MailSchema)
    calendar = fields.Nested(CalendarSchema)
    routing = fields.Nested(RoutingSchema)
    services = fields.Nested(ServicesSchema)
    # Both validated further by core.registry once plugins are loaded.
    plugins = fields.Dict(keys=fields.String(), values=fields.Raw())
    workflows = fields.Dict(keys=fields.String(), values=fields.Raw())

    @validates("timezone")
    def _known_zone(self, value, **kwargs):
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValidationError(f"unknown time zone {value!r}")


def first_error(messages, prefix=""):
    """Flatten a marshmallow error dict to ``(dotted.key, message)`` of its first leaf."""
    if isinstance(messages, dict):
        for key in sorted(messages, key=str):
            name = f"{prefix}.{key}" if prefix else str(key)
            return first_error(messages[key], name)
    if isinstance(messages, list) and messages:
        head = messages[0]
        if isinstance(head, (dict, list)):
            return first_error(head, prefix)
        return prefix, str(head).replace("Unknown field.", "unknown key").rstrip(".")
    return prefix, str(messages)


def _merge(base: dict, override: dict) -> dict:
    out = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _read_toml(path: Path) -> dict:
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found")
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: TOML syntax error: {exc}")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}")


class Config:
    """Validated configuration. ``config.get("database.url")``; ``config.source`` names the file."""

    def __init__(self, data: dict, source: str):
        self.data = data
        self.source = source

    def get(self, dotted: str, default=None):
        node = self.data
        for part in dotted.split("."):
            if not isinstance(node, dict) or part not in node:
                return default
            node = node[part]
        return node

    def __getitem__(self, key):
        return self.data[key]

    @property
    def database_url(self) -> str:
        return self.data["database"]["url"]

    @property
    def enabled_plugins(self) -> list[str]:
        return list(self.data["plugins"].get("enabled", []))

    def plugin_options(self, name: str) -> dict:
        return dict(self.data["plugins"].get(name, {}))

    def step_override(self, workflow_key: str, step_key: str) -> dict:
        wf = self.data.get("workflows", {}).get(workflow_key, {})
        return dict(wf.get("steps", {}).get(step_key, {}))

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.data["timezone"])

    def redacted(self) -> dict:
        """A copy safe to print: secrets replaced by ``***``."""
        out = copy.deepcopy(self.data)
        for section, key in SECRET_KEYS:
            value = out.get(section, {}).get(key)
            if value and (section, key) != ("database", "url"):
                out[section][key] = "***"
            elif (section, key) == ("database", "url") and value and "@" in value:
                scheme, rest = value.split("://", 1)
                creds, host = rest.rsplit("@", 1)
                user = creds.split(":", 1)[0]
                out[section][key] = f"{scheme}://{user}:***@{host}"
        return out

    def with_overrides(self, **sections) -> "Config":
        """A new Config with some sections replaced (used by tests and the demo)."""
        return Config(_merge(self.data, sections), self.source)


def resolve_path(path: str | os.PathLike | None = None) -> Path | None:
    if path:
        return Path(path)
    env = os.environ.get("RONGTONG_CONFIG")
    if env:
        return Path(env)
    local = Path.cwd() / LOCAL_FILE
    return local if local.exists() else None


def load_config(path: str | os.PathLike | None = None, overrides: dict | None = None) -> Config:
    """Read, merge and validate the configuration. Raises ConfigError (one line) on any problem."""
    defaults = _read_toml(DEFAULT_FILE)
    file_path = resolve_path(path)
    source = str(file_path) if file_path else str(DEFAULT_FILE)
    data = defaults
    if file_path is not None:
        user = _read_toml(file_path)
        _check(user, source)
        data = _merge(defaults, user)
    if overrides:
        data = _merge(data, overrides)
    env_url = os.environ.get("RONGTONG_DATABASE_URL")
    if env_url:
        data["database"]["url"] = env_url
        source_of_url = "RONGTONG_DATABASE_URL"
    else:
        source_of_url = source
    if os.environ.get("RONGTONG_SECRET_KEY"):
        data["site"]["secret_key"] = os.environ["RONGTONG_SECRET_KEY"]
    if os.environ.get("RONGTONG_MAIL_PASSWORD"):
        data["mail"]["password"] = os.environ["RONGTONG_MAIL_PASSWORD"]
    try:
        _check(data, source)
    except ConfigError as exc:
        if "database.url" in exc.message:
            raise ConfigError(exc.message.replace(source, source_of_url, 1))
        raise
    # Normalise dates so later code gets datetime.date objects.
    data["calendar"]["extra_holidays"] = [_as_date(d) for d in data["calendar"]["extra_holidays"]]
    data["calendar"]["extra_workdays"] = [_as_date(d) for d in data["calendar"]["extra_workdays"]]
    plugins = data["plugins"]
    if not isinstance(plugins.get("enabled", []), list) or not all(
        isinstance(n, str) for n in plugins.get("enabled", [])
    ):
        raise ConfigError(f"{source}: plugins.enabled: must be a list of plugin names")
    return Config(data, source)


def _as_date(value):
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value))


def _check(data: dict, source: str) -> None:
    try:
        ConfigSchema().load(_dates_as_text(data))
    except ValidationError as exc:
        key, problem = first_error(exc.messages)
        raise ConfigError(f"{source}: {key}: {problem}")


def _dates_as_text(data):
    """tomllib yields date objects for bare dates; marshmallow's Date field wants text."""
    if isinstance(data, dict):
        return {k: _dates_as_text(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_dates_as_text(v) for v in data]
    if isinstance(data, datetime.date) and not isinstance(data, datetime.datetime):
        return data.isoformat()
    return data
