"""`csr cases list` and `csr cases show`: the recorded cases, and one case with its history."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from csr_cli.cases import CaseFilter, CaseState, shop_timezone
from csr_cli.cases.model import day_span
from csr_cli.commands._caselog import IdArg, case_log, day, shown
from csr_cli.commands._common import JsonOpt, note, print_json, use_rich
from csr_cli.money import fmt

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from csr_cli.cases import Case


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
    since, until = day_span(day(first, "--from"), day(last, "--to"), tz)
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
