"""`csr cases record`: record a case by hand, as the calculators do with --record."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

import typer

from csr_cli.cases import CaseKind, CaseState, NewCase, Recorded, shop_timezone
from csr_cli.commands._caselog import due_time
from csr_cli.commands._common import JsonOpt, note, print_json
from csr_cli.commands._record_options import DueOpt, ItemOpt, KeyOpt, OrderOpt
from csr_cli.errors import UsageError
from csr_cli.money import ZERO, fmt, parse_amount


def record(
    kind: Annotated[
        CaseKind,
        typer.Argument(
            help="compensation, partial-refund, refund, exchange-quality or exchange-other."
        ),
    ],
    buyer: Annotated[str, typer.Option("--buyer", help="The buyer's account (帐号).")],
    reason: Annotated[str, typer.Option("--reason", help="What the problem is (原因 / 破损).")],
    amount: Annotated[
        str | None,
        typer.Option(
            "--amount",
            help="Paid or refunded to the buyer, e.g. 15 or 9.99; for an exchange the price "
            "difference the shop pays back (default 0).",
        ),
    ] = None,
    order: OrderOpt = None,
    item: ItemOpt = None,
    wanted: Annotated[
        str | None, typer.Option("--wanted", help="The item wanted instead (需要换的款式).")
    ] = None,
    cap: Annotated[
        str | None,
        typer.Option(
            "--cap",
            help="The compensation cap; above it (or without it) a supervisor must approve.",
        ),
    ] = None,
    postage: Annotated[
        str | None, typer.Option("--postage", help="Postage involved (邮费金额).")
    ] = None,
    postage_due: Annotated[
        bool | None,
        typer.Option(
            "--postage-due/--no-postage-due",
            help="Whether the buyer must pay postage (是否需要补邮费).",
        ),
    ] = None,
    state: Annotated[
        CaseState | None,
        typer.Option(
            "--state", help="Start in this state (default: waiting-parcel; approved for payouts)."
        ),
    ] = None,
    due: DueOpt = None,
    text: Annotated[str | None, typer.Option("--note", help="A note for the history.")] = None,
    key: KeyOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Record a case by hand (the calculators record theirs with --record)."""
    from csr_cli.cases import record_case

    tz = shop_timezone()
    new = NewCase(
        kind=kind,
        buyer=buyer,
        reason=reason,
        amount=_amount(kind, amount),
        order=order,
        item=item,
        wanted_item=wanted,
        cap=None if cap is None else parse_amount(cap, "--cap"),
        postage=None if postage is None else parse_amount(postage, "--postage"),
        postage_due=postage_due,
        state=state,
        due_at=due_time(due, tz),
        note=text,
        idempotency_key=key,
    )
    recorded = record_case(new)
    if as_json:
        print_json({**recorded.case.to_json(tz), "created": recorded.created})
    else:
        typer.echo(_recorded_line(recorded))


def _amount(kind: CaseKind, text: str | None) -> Decimal:
    if text is not None:
        return parse_amount(text, "--amount")
    if kind in (CaseKind.exchange_quality, CaseKind.exchange_other):
        return ZERO  # an exchange often moves no money
    raise UsageError(f"a {kind.value} case needs --amount, e.g. --amount 15 or --amount 9.99")


def _recorded_line(recorded: Recorded) -> str:
    case = recorded.case
    line = f"case {case.id}: {case.kind.value} {fmt(case.amount)} for {case.buyer} ({case.state.value})"
    if not recorded.created:
        note(f"note: case {case.id} was already recorded (a retry); nothing was recorded twice")
    elif case.state is CaseState.pending_approval:
        note(
            "warning: above the cap (or no cap given): a supervisor must approve it (`csr cases approve`)"
        )
    return line
