"""``rongtong sla check`` (cron / systemd timer) and ``rongtong report supervision``."""
from __future__ import annotations

import datetime
import json
import sys

import click

from rongtong.core.plugin import deliver_outbox, mail_configured, pass_platform, periods


@click.group("sla")
def sla_group():
    """Time-limit supervision (DB1302 5.4.1)."""


@sla_group.command("check")
@click.option("--now", "now_text", metavar="YYYY-MM-DDTHH:MM",
              help="Preview as of this moment (UTC): print what would be recorded; records nothing.")
@click.option("--dry-run", is_flag=True, help="Preview as of the real moment: print what would be recorded.")
@click.option("--no-email", is_flag=True, help="Only the in-app inbox; do not send e-mail now.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@pass_platform
def sla_check(platform, now_text, dry_run, no_email, as_json):
    """Record warnings, breaches and escalations and send their notifications. Idempotent: run it
    from cron or a systemd timer as often as you like; nothing is recorded or sent twice.

    A simulated moment (--now) only previews (DB1302 5.4.1): an event recorded for a moment that
    has not come would be a permanent false breach, and the real one would then never be recorded.
    It prints what would be recorded and whom it would tell, and records and sends nothing.

    With [mail] configured a real run then delivers the core's e-mail outbox (what is due, of any
    plugin; `rongtong notify worker` does the same continuously). Exit status 1 when the SMTP server
    cannot be reached (the in-app notifications are kept and the e-mails go out on the next run)."""
    from .sla import check

    now = None
    if now_text:
        try:
            now = datetime.datetime.fromisoformat(now_text).replace(tzinfo=None)
        except ValueError:
            raise click.BadParameter("expected YYYY-MM-DDTHH:MM", param_hint="--now")
    preview = now is not None or dry_run
    result = check(platform, now=now, record=not preview).as_dict()
    emailed, mail_error = 0, None
    if not preview and not no_email and mail_configured(platform.config):
        try:
            emailed = deliver_outbox(platform).sent
        except OSError as exc:  # smtplib errors are OSErrors too
            mail_error = exc
    result["emailed"] = emailed
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False))
    elif preview:
        _echo_preview(result, now)
    else:
        ev = result["events"]
        click.echo(f"checked {result['checked']} open requests: {ev['warning']} warnings, {ev['breach']} breaches, "
                   f"{ev['board']} escalations; {result['notifications']} notifications, {emailed} e-mailed")
    if mail_error is not None:
        # The events and the in-app notifications are recorded; the e-mails go out on the next run.
        click.echo(f"error: e-mail not sent, will retry on the next run: {mail_error}", err=True)
        raise SystemExit(1)


def _echo_preview(result: dict, now) -> None:
    """A preview's lines: what would be recorded, one event a line, then the totals."""
    moment = now.isoformat(timespec="minutes") if now is not None else "now"
    click.echo(f"preview: nothing recorded (as of {moment} UTC)")
    for e in result["would_record"]:
        click.echo(f"would record {e['level']}: request #{e['request']} {e['title']} ({e['service']}), "
                   f"step {e['step']}; would tell {len(e['notify'])}")
    ev = result["events"]
    click.echo(f"checked {result['checked']} open requests: would record {ev['warning']} warnings, "
               f"{ev['breach']} breaches, {ev['board']} escalations; {result['notifications']} notifications")


@click.group("report")
def report_group():
    """Periodic reports."""


@report_group.command("supervision")
@click.option("--period", required=True, type=periods.PeriodParamType(), help="2026, 2026-H1, 2026-Q3 or 2026-09.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "xlsx"]), default="table", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), help="Write to a file (needed for xlsx on a terminal).")
@pass_platform
def report_supervision(platform, period, fmt, output):
    """Supervision report: on-time consultations and requests, satisfaction, complaints and
    improvement actions (DB1302 5.4, 7)."""
    from .reports import supervision, write

    report = supervision(platform, period)
    if output:
        with open(output, "wb") as fh:
            write(report, fmt, fh, bom=(fmt == "csv"))
        click.echo(output)
        return
    if fmt == "xlsx":
        stream = click.get_binary_stream("stdout")
        if stream.isatty():
            raise click.UsageError("xlsx is binary: use --output FILE or redirect the output")
        write(report, fmt, stream)
        stream.flush()
        return
    write(report, fmt, sys.stdout)


COMMANDS = [sla_group, report_group]
