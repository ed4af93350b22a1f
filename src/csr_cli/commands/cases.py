"""`csr cases`: the after-sale case log — record, list, show, move, approve, note, export."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Annotated

import typer

from csr_cli.cases import CaseFilter, CaseState, shop_timezone
from csr_cli.commands._caselog import (
    JsonOpt,
    actor,
    case_log,
    day,
    due_time,
    note,
    print_json,
    shown,
    use_rich,
)
from csr_cli.commands.cases_export import export
from csr_cli.commands.cases_record import record
from csr_cli.errors import UsageError
from csr_cli.money import fmt, parse_amount

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from csr_cli.cases import Case

cases_app = typer.Typer(
    help="The after-sale case log: record, list, show, move, approve and export cases.",
    add_completion=False,
    invoke_without_command=True,
)
cases_app.command("export")(export)
cases_app.command("record")(record)

IdArg = Annotated[int, typer.Argument(metavar="ID", help="The case number (see `csr cases list`).")]
NoteOpt = Annotated[str | None, typer.Option("--note", help="Why, for the history.")]


@cases_app.callback()
def cases_root(ctx: typer.Context) -> None:
    """The after-sale case log: record, list, show, move, approve and export cases."""
    if ctx.invoked_subcommand is None:
        typer.echo(ctx.get_help())


@cases_app.command("list")
def list_cases(
    state: Annotated[
        CaseState | None, typer.Option("--state", help="Only cases in this state.")
    ] = None,
    agent: Annotated[str | None, typer.Option("--agent", help="Only this handler's cases.")] = None,
    shop: Annotated[str | None, typer.Option("--shop", help="Only this shop.")] = None,
    first: Annotated[
        str | None, typer.Option("--from", metavar="DATE", help="Recorded on or after this day.")
    ] = None,
    last: Annotated[
        str | None, typer.Option("--to", metavar="DATE", help="Recorded on or before this day.")
    ] = None,
    buyer: Annotated[str | None, typer.Option("--buyer", help="Only this buyer account.")] = None,
    order: Annotated[str | None, typer.Option("--order", help="Only this order.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """List recorded cases, oldest first, filtered by state, agent, shop, dates, buyer or order."""
    tz = shop_timezone()
    since, until = _span(first, last, tz)
    filters = CaseFilter(
        state=state, handler=agent, shop=shop, buyer=buyer, order=order, since=since, until=until
    )
    with case_log() as log:
        found = log.find(filters)
    if as_json:
        print_json([case.to_json(tz) for case in found])
        return
    _table(found, tz)
    if not found:
        note("no cases match")


def _span(
    first: str | None, last: str | None, tz: ZoneInfo
) -> tuple[datetime | None, datetime | None]:
    start, end = day(first, "--from"), day(last, "--to")
    if start and end and end < start:
        raise UsageError(f"--to {end} is before --from {start}; swap them")
    since = None if start is None else datetime.combine(start, time(), tzinfo=tz)
    until = None if end is None else datetime.combine(end + timedelta(days=1), time(), tzinfo=tz)
    return since, until


def _table(found: list[Case], tz: ZoneInfo) -> None:
    header = (
        "id",
        "time",
        "kind",
        "state",
        "shop",
        "buyer",
        "order",
        "amount",
        "handler",
        "reason",
    )
    rows = [
        (
            str(c.id),
            shown(c.created_at, tz),
            c.kind.value,
            c.state.value,
            c.shop,
            c.buyer,
            c.order or "",
            fmt(c.amount),
            c.handler,
            c.reason,
        )
        for c in found
    ]
    if not use_rich():
        for row in rows:
            typer.echo("\t".join(row))
        return
    from rich.console import Console
    from rich.table import Table

    # A terminal gets the columns an agent scans (shop and order stay in the piped and JSON
    # forms), so the table still fits an 80-column window.
    shown_columns = ("id", "time", "kind", "state", "buyer", "amount", "handler", "reason")
    table = Table(box=None, header_style="bold", show_edge=False)
    for column in shown_columns:
        table.add_column(
            column,
            justify="right" if column in ("id", "amount") else "left",
            no_wrap=column in ("id", "time", "state", "amount"),
        )
    keep = [header.index(column) for column in shown_columns]
    for row in rows:
        style = "yellow" if row[3] == CaseState.pending_approval.value else None
        table.add_row(*(row[i] for i in keep), style=style)
    Console(highlight=False).print(table)


@cases_app.command("show")
def show(case_id: IdArg, as_json: JsonOpt = False) -> None:
    """Show one case with its full history."""
    tz = shop_timezone()
    with case_log() as log:
        case = log.get(case_id)
    if as_json:
        print_json(case.to_json(tz))
        return
    typer.echo("\n".join(_case_lines(case, tz)))


def _case_lines(case: Case, tz: ZoneInfo) -> list[str]:
    amount = fmt(case.amount)
    if case.amount != case.recorded_amount:
        amount += f" (recorded {fmt(case.recorded_amount)}, amended)"
    fields = [
        ("shop 店铺", case.shop),
        ("buyer 帐号", case.buyer),
        ("order", case.order),
        ("item 款式", case.item),
        ("wanted 需要换的款式", case.wanted_item),
        ("reason 原因", case.reason),
        ("amount 金额", amount),
        ("cap", None if case.cap is None else fmt(case.cap)),
        ("postage 邮费", None if case.postage is None else fmt(case.postage)),
        ("recharged 是否充值", "是" if case.recharged else "否"),
        ("entered 是否录入", "是" if case.entered else "否"),
        ("handler 处理人", case.handler),
        ("time 时间", shown(case.created_at, tz)),
        ("due", shown(case.due_at, tz) or None),
    ]
    lines = [f"case {case.id}: {case.kind.value} ({case.kind.label}), {case.state.value}"]
    lines += [f"  {name}: {value}" for name, value in fields if value is not None]
    lines.append("history:")
    for ev in case.history:
        change = f"{ev.old} → {ev.new}" if ev.old else (ev.new or "")
        lines.append(
            f"  {shown(ev.at, tz)}  {ev.actor}  {ev.action} {change}".rstrip()
            + (f"  ({ev.note})" if ev.note else "")
        )
    return lines


def _changed(case: Case, as_json: bool, message: str) -> None:
    if as_json:
        print_json(case.to_json(shop_timezone()))
    else:
        note(f"✓ case {case.id}: {message}")


@cases_app.command("set-state")
def set_state(
    case_id: IdArg,
    state: Annotated[
        CaseState,
        typer.Argument(
            metavar="STATE", help="received, refunded, recharged, entered or cancelled."
        ),
    ],
    text: NoteOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Move a case on: waiting-parcel → received → refunded/recharged → entered, or cancelled."""
    with case_log() as log:
        case = log.set_state(case_id, state, actor=actor(), note=text)
    _changed(case, as_json, f"now {case.state.value}")


@cases_app.command("approve")
def approve(case_id: IdArg, text: NoteOpt = None, as_json: JsonOpt = False) -> None:
    """Approve a compensation above the cap (recorded with your name and the time)."""
    with case_log() as log:
        case = log.approve(case_id, actor=actor(), note=text)
    _changed(case, as_json, f"approved by {actor()}")


@cases_app.command("reject")
def reject(case_id: IdArg, text: NoteOpt = None, as_json: JsonOpt = False) -> None:
    """Reject a compensation above the cap (recorded with your name and the time)."""
    with case_log() as log:
        case = log.reject(case_id, actor=actor(), note=text)
    _changed(case, as_json, f"rejected by {actor()}")


@cases_app.command("note")
def add_note(
    case_id: IdArg,
    text: Annotated[str, typer.Argument(metavar="TEXT", help="What happened, e.g. 买家已寄回.")],
    as_json: JsonOpt = False,
) -> None:
    """Add a note to a case's history."""
    with case_log() as log:
        case = log.add_note(case_id, text, actor=actor())
    _changed(case, as_json, "note added")


@cases_app.command("due")
def set_due(
    case_id: IdArg,
    when: Annotated[
        str, typer.Argument(metavar="WHEN", help="明天10点, 今天下午3点, +2h, or an ISO time.")
    ],
    as_json: JsonOpt = False,
) -> None:
    """Promise a follow-up by a time; `csr due` lists what is due."""
    tz = shop_timezone()
    due_at = due_time(when, tz, "WHEN")
    assert due_at is not None
    with case_log() as log:
        case = log.set_due(case_id, due_at, actor=actor())
    _changed(case, as_json, f"due {shown(case.due_at, tz)}")


@cases_app.command("amend")
def amend(
    case_id: IdArg,
    amount: Annotated[str, typer.Argument(metavar="AMOUNT", help="The corrected amount, e.g. 12.")],
    text: Annotated[str, typer.Option("--note", help="Why the amount changed (required).")],
    as_json: JsonOpt = False,
) -> None:
    """Correct a case's amount; the recorded amount stays in the history."""
    with case_log() as log:
        case = log.amend_amount(case_id, parse_amount(amount, "AMOUNT"), actor=actor(), note=text)
    _changed(
        case,
        as_json,
        f"amount now {fmt(case.amount)} (recorded {fmt(case.recorded_amount)}); {case.state.value}",
    )
