"""``rongtong financing report --period 2026-Q3 [--format table|csv|xlsx] [--output FILE]``:
funds obtained per period by enterprise scale, industry and source (DB1302 6.4.4.2 f)."""
from __future__ import annotations

import io

import click

from rongtong.core.plugin import pass_platform, periods, tabular


@click.group("financing")
def financing():
    """Financing service (DB1302 6.4.4.2)."""


@financing.command("report")
@click.option("--period", type=periods.PERIOD, required=True, help="2026, 2026-H1, 2026-Q3 or 2026-09.")
@click.option("--format", "fmt", type=click.Choice(tabular.FORMATS), default="table", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write to this file (required for xlsx unless stdout is redirected).")
@pass_platform
def report(platform, period, fmt, output):
    """Funds obtained in PERIOD by enterprise scale, industry and source."""
    from .reports import funds_report, report_rows

    headers, rows = report_rows(funds_report(period))
    if output:
        with open(output, "wb") as stream:
            tabular.write_rows(headers, rows, fmt, stream, bom=fmt == "csv", sheet_title=period.label)
        click.echo(output)
        return
    if fmt == "xlsx":
        stream = click.get_binary_stream("stdout")
        if stream.isatty():
            raise click.UsageError("xlsx is binary: give --output FILE or redirect stdout")
        tabular.write_rows(headers, rows, fmt, stream, sheet_title=period.label)
        return
    buffer = io.StringIO()
    tabular.write_rows(headers, rows, fmt, buffer)
    click.echo(buffer.getvalue(), nl=False)
