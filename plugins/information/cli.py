"""``rongtong information ...``: expire outdated articles, print consultation statistics."""
from __future__ import annotations

import io

import click

from rongtong.core.plugin import acting_as, get_platform, periods, tabular


@click.group("information")
def information():
    """Information services (DB1302 6.2.1, 6.4.1)."""


@information.command("expire")
def expire_command():
    """Expire published articles whose validity date has passed (DB1302 6.4.1.1 a)."""
    from .articles import expire_articles

    platform = get_platform()
    with acting_as(None):
        ids = expire_articles(platform.calendar)
    click.echo(f"expired {len(ids)} article(s)" + (f": {', '.join(map(str, ids))}" if ids else ""))


@information.command("stats")
@click.option("--period", type=periods.PERIOD, required=True, help="2026, 2026-H1, 2026-Q3 or 2026-09.")
@click.option("--format", "fmt", type=click.Choice(tabular.FORMATS), default="table", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write to this file (required for xlsx unless stdout is redirected).")
def stats_command(period, fmt, output):
    """Consultation statistics for a period (DB1302 6.4.1.2 d)."""
    from .stats import consultation_stats, stats_rows

    platform = get_platform()
    headers, rows = stats_rows(consultation_stats(period, platform.calendar.tz))
    if output:
        with open(output, "wb") as stream:
            tabular.write_rows(headers, rows, fmt, stream, bom=(fmt == "csv"))
        click.echo(f"wrote {output}")
        return
    if fmt == "xlsx":
        stream = click.get_binary_stream("stdout")
        if stream.isatty():
            raise click.UsageError("xlsx is binary: give --output FILE or redirect stdout")
        buf = io.BytesIO()
        tabular.write_rows(headers, rows, fmt, buf)
        stream.write(buf.getvalue())
        stream.flush()
        return
    buf = io.StringIO()
    tabular.write_rows(headers, rows, fmt, buf)
    click.echo(buf.getvalue(), nl=False)
