"""`csr due` and `csr handover`: promised follow-ups, and buyers handed to the next shift."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from csr_cli.cases import shop_timezone
from csr_cli.cases.settings import required_setting
from csr_cli.commands._caselog import actor, case_log, due_time, now, shown
from csr_cli.commands._common import JsonOpt, note, print_json, use_rich
from csr_cli.commands._record_options import DueOpt

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from csr_cli.cases import DueItem, Handover


def due(as_json: JsonOpt = False) -> None:
    """List what is due or overdue today: cases, handed-over buyers, yesterday's open cases."""
    tz = shop_timezone()
    with case_log() as log:
        items = log.due(now(), tz)
    if as_json:
        print_json([item.to_json(tz) for item in items])
        return
    if not items:
        note("nothing is due")
    elif use_rich():
        _due_rich(items, tz)
    else:
        for item in items:
            typer.echo("\t".join(_due_cells(item, tz)))


def _due_cells(item: DueItem, tz: ZoneInfo) -> tuple[str, ...]:
    status = "OVERDUE" if item.overdue else ("due" if item.due_at else "follow-up")
    return (
        status,
        shown(item.due_at, tz),
        f"{item.source} {item.id}",
        item.buyer,
        item.summary,
        item.handler,
    )


def _due_rich(items: list[DueItem], tz: ZoneInfo) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(box=None, header_style="bold", show_edge=False)
    for column in ("", "due", "what", "buyer", "summary", "handler"):
        table.add_column(column)
    for item in items:
        table.add_row(*_due_cells(item, tz), style="bold red" if item.overdue else None)
    Console(highlight=False).print(table)


handover_app = typer.Typer(
    help="The shift handover list (交接表): buyers the next shift must pick up.",
    add_completion=False,
    invoke_without_command=True,
)


@handover_app.callback()
def handover_root(ctx: typer.Context) -> None:
    """The shift handover list (交接表): buyers the next shift must pick up."""
    if ctx.invoked_subcommand is None:
        typer.echo(ctx.get_help())


@handover_app.command("add")
def add(
    buyer: Annotated[str, typer.Argument(metavar="BUYER", help="The buyer's account.")],
    text: Annotated[str, typer.Option("--note", help="What the next shift should do.")],
    due_when: DueOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Hand a buyer over to the next shift."""
    tz = shop_timezone()
    due_at = due_time(due_when, tz)
    shop = required_setting("shop", None, "小美家")
    with case_log() as log:
        entry = log.add_handover(buyer=buyer, note=text, actor=actor(), shop=shop, due_at=due_at)
    if as_json:
        print_json(entry.to_json(tz))
    else:
        typer.echo(f"handover {entry.id}: {entry.buyer}")


@handover_app.command("list")
def list_(
    show_all: Annotated[bool, typer.Option("--all", help="Include the ones already done.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """List the buyers handed over and not yet done."""
    tz = shop_timezone()
    with case_log() as log:
        entries = log.handovers(include_done=show_all)
    if as_json:
        print_json([entry.to_json(tz) for entry in entries])
        return
    for entry in entries:
        typer.echo("\t".join(_handover_cells(entry, tz)))
    if not entries:
        note("no buyers handed over")


def _handover_cells(entry: Handover, tz: ZoneInfo) -> tuple[str, ...]:
    done = f"done {shown(entry.done_at, tz)} by {entry.done_by}" if entry.done_at else "open"
    return (str(entry.id), entry.buyer, entry.note, shown(entry.due_at, tz), entry.created_by, done)


@handover_app.command("done")
def done(
    handover_id: Annotated[int, typer.Argument(metavar="ID", help="The handover number.")],
    as_json: JsonOpt = False,
) -> None:
    """Mark a handed-over buyer as done (recorded with your name and the time)."""
    with case_log() as log:
        entry = log.handover_done(handover_id, actor=actor())
    if as_json:
        print_json(entry.to_json(shop_timezone()))
    else:
        note(f"✓ handover {entry.id} ({entry.buyer}) done")
