"""``rongtong``: the command line. Thin: parses arguments and calls the core.

Exit status: 0 success, 1 failure, 2 bad usage or configuration. User errors print one line, never a
traceback (``--traceback`` shows the cause).

The commands import what they use inside their own bodies: ``rongtong --help`` and a single command
then load only what that command needs (the web app, openpyxl and the plugins are not imported for
``rongtong calendar due``). The layering test still counts these imports.
"""
from __future__ import annotations

import io
import json
import sys

import click

from rongtong.core.cli_context import CliContext, get_cli_context, get_platform
from rongtong.core.service_cli import service


class RongtongGroup(click.Group):
    """The top-level group: core commands plus the commands of enabled plugins (loaded lazily)."""

    def _plugin_commands(self, ctx) -> dict:
        try:
            cli_ctx = get_cli_context_for(ctx)
            if not cli_ctx.config.enabled_plugins:  # nothing to load: keep `rongtong --help` fast
                return {}
            registry = cli_ctx.platform.registry
        except Exception:  # a bad config is reported by the command that needs it
            return {}
        return {cmd.name: cmd for _owner, cmd in registry.commands}

    def list_commands(self, ctx):
        # Only the core's commands: listing plugin commands would import every plugin, and
        # `rongtong --help` must stay fast. `rongtong plugins list` names each plugin's commands.
        return super().list_commands(ctx)

    def get_command(self, ctx, name):
        cmd = super().get_command(ctx, name)
        if cmd is not None:
            return cmd
        return self._plugin_commands(ctx).get(name)

    def resolve_command(self, ctx, args):
        name = args[0] if args else None
        if name and super().get_command(ctx, name) is None:
            # A plugin command: load the configuration now, so a bad config is reported as such.
            get_cli_context_for(ctx).platform
        return super().resolve_command(ctx, args)


def get_cli_context_for(ctx) -> CliContext:
    obj = ctx.find_object(CliContext)
    if obj is None:
        obj = CliContext(ctx.params.get("config_path"))
        ctx.obj = obj
    return obj


@click.group(cls=RongtongGroup, epilog="Enabled plugins add their own commands: `rongtong plugins list` names them, `rongtong NAME --help` explains one.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), default=None,
              help="Configuration file (default: $RONGTONG_CONFIG, else ./rongtong.toml, else built-in defaults).")
@click.option("--traceback", "show_traceback", is_flag=True,
              help="On an error, print the full traceback (with its cause) before the one-line message.")
@click.pass_context
def cli(ctx, config_path, show_traceback):
    """Rongtong (融通): enterprise integrated-development service platform (DB1302/T)."""
    ctx.obj = CliContext(config_path)


def get_platform_unchecked():
    """The platform for the commands that build or inspect the schema (no refusal of a database
    that lacks a plugin's tables: core/checks.py)."""
    return get_cli_context().platform


def echo_json(data):
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


# --- init ----------------------------------------------------------------------------------------

@cli.command()
@click.option("--admin", "admin_name", default="admin", show_default=True, help="Username of the first administrator.")
def init(admin_name):
    """Write rongtong.toml if missing, upgrade the database, create the first admin."""
    from rongtong.core import setup

    ctx = get_cli_context()
    written = setup.write_local_config(ctx.config_path)
    if written:
        click.echo(f"wrote {written}")
        ctx.config_path = ctx.config_path or str(written)
    platform = ctx.platform
    applied = platform.upgrade()
    for owner, names in applied.items():
        for name in names:
            click.echo(f"applied {owner}: {name}")
    password = setup.create_first_admin(admin_name)
    if password:
        click.echo(f"created administrator {admin_name!r} with password: {password}")
        click.echo("(shown once: store it now and change it after the first login)")
    else:
        click.echo("an administrator already exists; none created")


# --- db --------------------------------------------------------------------------------------------

@cli.group()
def db():
    """Database migrations."""


@db.command("upgrade")
def db_upgrade():
    """Apply pending migrations: the core first, then enabled plugins in dependency order."""
    applied = get_platform_unchecked().upgrade()
    total = 0
    for owner, names in applied.items():
        for name in names:
            total += 1
            click.echo(f"applied {owner}: {name}")
    click.echo(f"{total} migration(s) applied" if total else "database is up to date")


@db.command("status")
@click.option("--json", "as_json", is_flag=True)
def db_status(as_json):
    """Applied and pending migrations of every owner."""
    from rongtong.core import migrations

    status = migrations.status(get_platform_unchecked().registry)
    if as_json:
        return echo_json(status)
    for owner, rows in status.items():
        if not rows:
            click.echo(f"{owner}: no migrations")
        for row in rows:
            click.echo(f"{owner}: {row['name']}: {'applied ' + row['applied'] if row['applied'] else 'PENDING'}")


@db.command("new")
@click.option("--plugin", "owner", default="core", show_default=True, help="Owner of the migration (core or a plugin).")
@click.argument("message")
def db_new(owner, message):
    """Write a migration from the difference between the database and the models."""
    from rongtong.core import migrations
    from rongtong.core.errors import ValidationFailed

    platform = get_platform_unchecked()
    if owner not in platform.registry.plugins:
        raise ValidationFailed(f"--plugin: {owner!r} is not an enabled plugin", fields={"plugin": owner})
    path = migrations.new_migration(platform.registry, owner, message)
    click.echo(f"wrote {path}" if path else f"{owner}: models and database agree; nothing to write")


# --- plugins, workflows ----------------------------------------------------------------------------

@cli.group()
def plugins():
    """Installed and enabled plugins."""


@plugins.command("list")
@click.option("--json", "as_json", is_flag=True)
def plugins_list(as_json):
    """Name, version, enabled, hooks, models, workflows, migration state."""
    from rongtong.core import migrations
    from rongtong.core.contract import CORE

    platform = get_platform_unchecked()
    reg = platform.registry
    try:
        pending = migrations.pending(reg)
    except Exception:
        pending = {}
    rows = []
    for name, plugin in reg.plugins.items():
        rows.append({
            "name": name, "version": plugin.version, "title": plugin.title, "enabled": True,
            "requires": list(plugin.requires),
            "hooks": reg.hooks_of(name),
            "models": [m._meta.table_name for m in reg.models_of(name)],
            "workflows": sorted({k for (k, _v) in reg.workflow_versions if reg.workflow_owner.get(k) == name}),
            "services": sorted(k for k, o in reg.service_owner.items() if o == name),
            "commands": sorted(c.name for o, c in reg.commands if o == name),
            "migrations": {"pending": pending.get(name, [])},
        })
    for name in sorted(set(reg.available) - set(reg.plugins)):
        rows.append({"name": name, "version": None, "enabled": False, "hooks": [], "models": [], "commands": [],
                     "workflows": [], "services": [], "requires": [], "migrations": {"pending": []}})
    if as_json:
        return echo_json(rows)
    for row in rows:
        state = "enabled" if row["enabled"] else "disabled"
        extra = f" pending migrations: {', '.join(row['migrations']['pending'])}" if row["migrations"]["pending"] else ""
        core_mark = " (always on)" if row["name"] == CORE else ""
        click.echo(f"{row['name']:<14} {row['version'] or '-':<8} {state}{core_mark}  "
                   f"models={len(row['models'])} workflows={','.join(row['workflows']) or '-'}"
                   f"{' commands=' + ','.join(row['commands']) if row['commands'] else ''}{extra}")


@cli.group()
def plugin():
    """Write a new plugin (for plugin authors)."""


@plugin.command("new")
@click.argument("name")
@click.option("--dir", "directory", type=click.Path(file_okay=False), default=None,
              help="Where to write the project (default: ./NAME); it must not exist.")
@click.option("--title", default="", help="The service's Chinese title (default: the English one).")
@click.option("--title-en", default="", help="The service's English title (default: from NAME).")
def plugin_new(name, directory, title, title_en):
    """Scaffold an installable plugin package NAME: a model, a 3-step workflow with its catalog
    entry, an admin screen, an API resource, a migration, Chinese translations and tests."""
    from pathlib import Path

    from rongtong.core.scaffold import new_plugin

    target = Path(directory) if directory else Path(name)
    written = new_plugin(name, target, title=title, title_en=title_en)
    click.echo(f"wrote {len(written)} files in {target}")
    click.echo(f"next: pip install -e '{target}[test]' && pytest {target}")


cli.add_command(service)  # `rongtong service new|validate|show` (core/service_cli.py)


@cli.group()
def workflow():
    """Workflows (after config overrides)."""


@workflow.command("list")
@click.option("--json", "as_json", is_flag=True)
def workflow_list(as_json):
    reg = get_platform_unchecked().registry
    rows = [{"key": w.key, "version": w.version, "title": w.title, "title_en": w.title_en,
             "steps": len(w.steps), "total_days": w.total_days, "plugin": reg.workflow_owner[w.key]}
            for w in reg.workflows.values()]
    if as_json:
        return echo_json(rows)
    if not rows:
        click.echo("no workflows (enable plugins in [plugins] enabled)")
    for r in rows:
        click.echo(f"{r['key']:<16} v{r['version']}  {r['title']} / {r['title_en']}  {r['steps']} steps, {r['total_days']} working days  [{r['plugin']}]")


@workflow.command("show")
@click.argument("key")
@click.option("--version", "version", type=int, default=None, help="A specific version (default: latest).")
@click.option("--json", "as_json", is_flag=True)
def workflow_show(key, version, as_json):
    """Steps with roles and time limits, after config overrides."""
    from rongtong.core.errors import ValidationFailed

    reg = get_platform_unchecked().registry
    try:
        wf = reg.workflow(key, version)
    except KeyError:
        known = ", ".join(sorted(reg.workflows)) or "none"
        raise ValidationFailed(f"no workflow {key!r}{' v%s' % version if version else ''} (known: {known})", {"key": key}) from None
    data = wf.describe()
    if as_json:
        return echo_json(data)
    click.echo(f"{wf.key} v{wf.version}: {wf.title} / {wf.title_en} ({wf.total_days} working days)")
    for i, s in enumerate(data["steps"], 1):
        click.echo(f"  {i}. {s['key']:<14} {s['title']} / {s['title_en']}  {s['time_limit_days']} working days  roles: {', '.join(s['roles'])}")


# --- users -----------------------------------------------------------------------------------------

@cli.group()
def user():
    """Users and API tokens."""


@user.command("create")
@click.argument("username")
@click.option("--role", "roles", multiple=True, required=True,
              type=click.Choice(["admin", "staff", "expert", "evaluator", "enterprise"]), help="Repeat for several roles.")
@click.option("--enterprise", "enterprise_id", type=int, default=None, help="Enterprise id (for enterprise users).")
@click.option("--department", "department_key", default=None, help="Department key (for staff).")
@click.option("--display-name", default="")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def user_create(username, roles, enterprise_id, department_key, display_name, password_stdin):
    """Create a user; the password comes from a prompt or stdin."""
    from rongtong.core import setup

    platform = get_platform()
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    u = setup.create_user(platform, username, list(roles), password, enterprise_id, department_key, display_name)
    click.echo(f"created user {u.username!r} (id {u.id}) with roles {', '.join(u.roles)}")


@user.command("token")
@click.argument("username")
@click.option("--name", default="cli", show_default=True, help="A label for the token.")
def user_token(username, name):
    """Create an API token for USERNAME; it is shown once."""
    from rongtong.core.errors import ValidationFailed
    from rongtong.core.models import User

    get_platform()
    u = User.get_or_none(User.username == username)
    if u is None:
        raise ValidationFailed(f"USERNAME: no user {username!r}", {"username": [f"no user {username!r}"]})
    from rongtong.core.web.tokens import issue_token

    click.echo(issue_token(u, name))


# --- config ----------------------------------------------------------------------------------------

@cli.group()
def config():
    """Show or validate the configuration."""


@config.command("show")
def config_show():
    """The effective configuration (secrets redacted), as TOML-like JSON."""
    cfg = get_cli_context().config
    echo_json({"source": cfg.source, **cfg.redacted()})


@config.command("validate")
def config_validate():
    """Validate the file, including plugin tables, workflow overrides and routing (departments
    named in [routing] that do not exist are warnings: departments are rows of the database)."""
    from rongtong.core.registry import PluginRegistry
    from rongtong.core.routing import config_warnings

    cfg = get_cli_context().config
    PluginRegistry(cfg)
    if _database_exists(cfg.database_url):
        from rongtong.core.db import bind_database

        bind_database(cfg.database_url, cfg.get("database.busy_timeout_ms", 10000))
        for line in config_warnings(cfg):
            click.echo(f"warning: {line}", err=True)
    click.echo(f"{cfg.source}: ok")


def _database_exists(url: str) -> bool:
    """False for a SQLite file not created yet (opening it would create it)."""
    from pathlib import Path

    if url.startswith("sqlite:///"):
        path = url[len("sqlite:///"):]
        return path not in ("", ":memory:") and Path(path).expanduser().exists()
    return True


# --- audit, calendar -------------------------------------------------------------------------------

@cli.group()
def audit():
    """The audit trail."""


@audit.command("verify")
@click.option("--expect-head", "anchor", default=None, metavar="HASH",
              help="A head hash recorded earlier (`audit head`, kept off-site): fail if that event is gone, "
                   "which is how rows deleted from the end of the trail are caught.")
def audit_verify(anchor):
    """Walk the hash chain; print `ok N events` or the first broken row (exit 1)."""
    from rongtong.core import audit as audit_mod

    get_platform()
    count, broken = audit_mod.verify()
    if broken is not None:
        click.echo(f"broken at event {broken} (after {count} good events)", err=True)
        sys.exit(1)
    if anchor and not audit_mod.has_event_with_hash(anchor):
        click.echo(f"anchor {anchor} not found: events after it were deleted or rewritten", err=True)
        sys.exit(1)
    click.echo(f"ok {count} events")


@audit.command("head")
def audit_head():
    """Print the id and hash of the newest event, to record off-site (see `verify --expect-head`)."""
    from rongtong.core import audit as audit_mod

    get_platform()
    head = audit_mod.head()
    click.echo(f"{head[0]} {head[1]}" if head else "0 " + audit_mod.GENESIS)


@cli.group()
def calendar():
    """Working days (weekends, public holidays, make-up workdays)."""


@calendar.command("due")
@click.argument("start", metavar="START", type=click.DateTime(formats=["%Y-%m-%d"]))
@click.argument("days", type=click.IntRange(min=0, max=3650))
def calendar_due(start, days):
    """The due date of something started on START with DAYS working days (YYYY-MM-DD)."""
    from rongtong.core.calendar import WorkingCalendar

    cal = WorkingCalendar.from_config(get_cli_context().config)
    click.echo(cal.add_working_days(start.date(), days).isoformat())


@calendar.command("show")
@click.argument("year", type=click.IntRange(min=1901, max=2099))
def calendar_show(year):
    """What is known about YEAR's holidays and from where; its holidays and make-up workdays."""
    from rongtong.core.calendar import print_year_report

    print_year_report(get_cli_context().config, year, click.echo)


# --- report ---------------------------------------------------------------------------------------

class ReportGroup(click.Group):
    """``rongtong report``: the core's reports, and the subcommands of an enabled plugin's own
    ``report`` group (the evaluation plugin's ``supervision``), which this group would hide."""

    def _plugin_reports(self, ctx) -> dict:
        group = cli._plugin_commands(ctx).get("report")
        return dict(group.commands) if isinstance(group, click.Group) else {}

    def list_commands(self, ctx):
        return sorted(set(super().list_commands(ctx)) | set(self._plugin_reports(ctx)))

    def get_command(self, ctx, name):
        return super().get_command(ctx, name) or self._plugin_reports(ctx).get(name)


@cli.group(cls=ReportGroup)
def report():
    """Reports for supervisors (the compliance evidence; plugins add theirs)."""


def _period(ctx, param, value):
    """``--period``, checked before the platform is built (a bad one: exit 2 naming the option)."""
    from rongtong.core.toolkit.periods import PERIOD

    return PERIOD.convert(value, param, ctx)


@report.command("compliance")
@click.option("--period", required=True, metavar="PERIOD", help="2026, 2026-H1, 2026-Q4 or 2026-09.",
              callback=_period)
@click.option("--format", "fmt", type=click.Choice(["text", "csv", "xlsx"]), default="text", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write to this file (needed for xlsx unless stdout is redirected).")
def report_compliance(period, fmt, output):
    """Every clause of DB1302 with its evidence from live data in PERIOD, or as a gap."""
    from rongtong.core import compliance
    from rongtong.core.i18n import site_language

    platform = get_platform()
    fmt = "table" if fmt == "text" else fmt
    lang = "en" if str(platform.config.get("locale", "zh_Hans_CN")).startswith("en") else "zh_Hans_CN"
    with site_language(platform):
        built = compliance.build(platform, period)
        if output:
            with open(output, "wb") as stream:
                compliance.write(built, fmt, stream, lang)
            click.echo(output)
            return
        if fmt == "xlsx" and sys.stdout.isatty():
            raise click.UsageError("xlsx is binary: give --output FILE or redirect stdout", ctx=click.get_current_context())
        buffer = io.BytesIO()
        compliance.write(built, fmt, buffer, lang)
        click.echo(buffer.getvalue() if fmt == "xlsx" else buffer.getvalue().decode("utf-8-sig"), nl=False)


# --- notify ----------------------------------------------------------------------------------------

@cli.group()
def notify():
    """Notifications: the e-mail outbox and its delivery worker."""


def _mail_or_exit(platform):
    from rongtong.core.notify import mail_configured

    if not mail_configured(platform.config):
        click.echo(f"error: e-mail is not configured: set [mail] host in {platform.config.source} "
                   "(notifications stay in the in-app inbox)", err=True)
        sys.exit(2)


@notify.command("worker")
@click.option("--once", is_flag=True, help="Deliver what is due now and exit (for cron); exit 2 if the SMTP server cannot be reached.")
@click.option("--interval", type=click.IntRange(1, 3600), default=None,
              help="Seconds between rounds (default: [mail] worker_interval_seconds).")
def notify_worker(once, interval):
    """Deliver the e-mail outbox: forever (a systemd service; stops cleanly on SIGTERM) or --once."""
    import logging
    import signal
    import smtplib
    import threading

    from rongtong.core.notify import run_worker

    platform = get_platform()
    _mail_or_exit(platform)
    logging.getLogger("core.notify").setLevel(logging.INFO)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_args: stop.set())
    config = platform.config
    if not once:
        click.echo(f"delivering e-mail via {config.get('mail.host')}:{config.get('mail.port')} every "
                   f"{interval or config.get('mail.worker_interval_seconds')}s (stop with SIGTERM)", err=True)
    try:
        total = run_worker(platform, interval=interval, once=once, stop=stop)
    except (smtplib.SMTPException, OSError) as exc:
        click.echo(f"error: cannot reach the SMTP server {config.get('mail.host')}:{config.get('mail.port')}: "
                   f"{exc}".splitlines()[0], err=True)
        sys.exit(2)
    click.echo(f"{total}")


@notify.command("status")
@click.option("--json", "as_json", is_flag=True)
def notify_status(as_json):
    """How many e-mails are pending, being sent, sent and failed."""
    from rongtong.core.notify import mail_configured
    from rongtong.core.notify.outbox import counts, due_count

    platform = get_platform()
    data = {**counts(), "due_now": due_count(), "mail_configured": mail_configured(platform.config)}
    if as_json:
        return echo_json(data)
    click.echo(f"pending {data['pending']} (due now {data['due_now']}), sending {data['sending']}, "
               f"sent {data['sent']}, failed {data['failed']}")
    if not data["mail_configured"]:
        click.echo("e-mail is not configured ([mail] host): notifications stay in the in-app inbox")


# --- i18n ------------------------------------------------------------------------------------------

@cli.group()
def i18n():
    """Message catalogs (Babel) of the core, a built-in or an installed third-party plugin."""


def _i18n_command(name, help_text):
    @i18n.command(name, help=help_text)
    @click.option("--plugin", "names", multiple=True, metavar="NAME",
                  help="An installed plugin (or 'core'); repeat for several. Default: the core and the built-in plugins.")
    @click.option("--path", "paths", multiple=True, type=click.Path(file_okay=False, exists=True),
                  help="A plugin package folder (holding __init__.py); repeat for several.")
    def command(names, paths):
        from rongtong.core import i18n_catalogs

        selected = i18n_catalogs.select(names, paths)
        result = i18n_catalogs.COMMANDS[name](selected, click.echo) if name != "check" else \
            i18n_catalogs.cmd_check(selected, click.echo, lambda line: click.echo(line, err=True))
        if isinstance(result, int) and result:
            sys.exit(result)

    return command


_i18n_command("extract", "Source -> translations/messages.pot (gettext calls in *.py, templates/**/*.html).")
_i18n_command("update", "Extract, then create or update translations/zh_Hans_CN/LC_MESSAGES/messages.po.")
_i18n_command("compile", "messages.po -> messages.mo (fuzzy entries left out).")
_i18n_command("check", "Exit 1 listing untranslated or fuzzy messages, bad placeholders and stale .mo files.")


# --- running ---------------------------------------------------------------------------------------

@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--reload", "reload", is_flag=True,
              help="Restart when a Python file, template, catalog or the configuration changes "
                   "(the core's and every enabled plugin's; Werkzeug's reloader).")
def run(host, port, reload):
    """Development server (single process)."""
    from rongtong.core.web.app import create_app

    platform = get_platform()
    app = create_app(platform=platform)
    extra = watched_files(platform, get_cli_context().config_path) if reload else None
    app.run(host=host, port=port, debug=False, use_reloader=reload, extra_files=extra)


def watched_files(platform, config_path=None) -> list[str]:
    """What ``run --reload`` watches besides the imported Python modules: the configuration file and
    every template and compiled catalog of the core and the enabled plugins."""
    import os
    from pathlib import Path

    files = [str(Path(p).resolve()) for p in (config_path, platform.config.source) if p and os.path.isfile(str(p))]
    for plugin in platform.registry.plugins.values():
        folder = Path(plugin.path).parent if plugin.path else None
        if folder is None or not folder.is_dir():
            continue
        for pattern in ("templates/**/*.html", "translations/**/*.mo", "migrations/*.py"):
            files.extend(str(p) for p in folder.glob(pattern))
    return sorted(set(files))


@cli.command()
@click.option("--bind", default=None, help="host:port (default: [server] bind).")
@click.option("--workers", default=None, type=click.IntRange(1, 64), help="Worker processes (default: [server] workers).")
def serve(bind, workers):
    """Production server (gunicorn)."""
    from rongtong.core import serving

    ctx = get_cli_context()
    serving.serve(ctx.config, ctx.config_path, bind, workers)


@cli.command()
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--no-serve", is_flag=True, help="Build the demo database and exit.")
@click.option("--size", default=None, type=click.IntRange(1, 10_000_000), help="Enterprises to create (requests: 10x).")
@click.option("--database", "db_file", default="rongtong-demo.db", show_default=True, help="SQLite file to (re)create.")
def demo(port, host, no_serve, size, db_file):
    """Build a realistic demo platform on a fresh SQLite file and serve it."""
    from rongtong.core import demo as demo_mod

    demo_mod.run_demo(get_cli_context(), port=port, host=host, serve=not no_serve, size=size, db_file=db_file)


def main(argv=None):
    """Console entry point: turns user errors into one line and an exit status."""
    import logging

    from rongtong.core.errors import RongtongError

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    args = list(sys.argv[1:] if argv is None else argv)
    show_traceback = "--traceback" in args[:_first_command(args)]
    try:
        cli.main(args=argv, prog_name="rongtong", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(1)
    except click.UsageError as exc:  # one line, naming the option or argument (exit 2)
        hint = f" (see '{exc.ctx.command_path} --help')" if exc.ctx is not None else ""
        click.echo(f"error: {exc.format_message()}{hint}".replace("\n", " "), err=True)
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except RongtongError as exc:
        _traceback(show_traceback)
        click.echo(f"error: {exc.message}", err=True)
        sys.exit(exc.exit_code)
    except Exception as exc:  # database unreachable, disk full...: one line, exit 1
        import peewee

        if isinstance(exc, peewee.PeeweeException) or isinstance(exc, OSError):
            _traceback(show_traceback)
            click.echo(f"error: {type(exc).__name__}: {exc}".splitlines()[0], err=True)
            sys.exit(1)
        raise
    sys.exit(0)


def _first_command(args: list[str]) -> int:
    """The index of the first argument that is not a global option (``--config`` takes a value)."""
    i = 0
    while i < len(args) and args[i].startswith("-"):
        i += 2 if args[i] == "--config" else 1
    return i


def _traceback(show: bool) -> None:
    """With ``--traceback``: the whole chain (the plugin's own error is the cause) on stderr."""
    if show:
        import traceback

        traceback.print_exc()


if __name__ == "__main__":
    main()
