"""`csr stats`: which replies the agent uses most, and which never."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from csr_cli.commands._common import JsonOpt, console, note, print_json, use_rich
from csr_cli.phrasebook.cache import open_phrasebook
from csr_cli.search.usage import NO_STATS_ENV

if TYPE_CHECKING:
    from csr_cli.search.stats import Usage, UsageReport


def stats(
    limit: Annotated[
        int, typer.Option("--limit", "-n", min=1, help="How many of the top replies.")
    ] = 10,
    unused: Annotated[
        bool, typer.Option("--unused", "-u", help="List the replies never used instead.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Show the replies used most (copied or printed by csr) and the ones never used."""
    from csr_cli.search.stats import usage_report

    report = usage_report(open_phrasebook(), limit=limit)
    if as_json:
        print_json(report.to_json())
    else:
        rows = report.unused if unused else report.top
        if use_rich():
            _render_rich(rows, unused)
        else:
            for row in rows:
                typer.echo("\t".join([*([] if unused else [str(row.uses)]), row.id, row.title_zh]))
        _summarise(report, unused)
    if not report.counting:
        note(f"counting is off ({NO_STATS_ENV} is set); these are the counts from before")


def _summarise(report: UsageReport, unused: bool) -> None:
    if unused:
        note(f"{len(report.unused)} replies never used")
    elif not report.top:
        note("no replies used yet; `csr reply`, `csr search --copy` and `csr pick` count them")
    else:
        note(
            f"{report.total} uses; {len(report.unused)} replies never used "
            "(see `csr stats --unused`)"
        )


def _render_rich(rows: list[Usage], unused: bool) -> None:
    from rich.table import Table

    table = Table(box=None, header_style="bold", show_edge=False)
    columns = ("id", "标题", "title") if unused else ("uses", "id", "标题", "title")
    for column in columns:
        table.add_column(column, justify="right" if column == "uses" else "left")
    for row in rows:
        cells = [row.id, row.title_zh, row.title]
        table.add_row(*(cells if unused else [str(row.uses), *cells]))
    console().print(table)
