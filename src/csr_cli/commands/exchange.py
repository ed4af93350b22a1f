"""`csr exchange`: who pays what when an item is swapped for another, and a drafted reply."""

from __future__ import annotations

from typing import Annotated

import typer

from csr_cli.commands._calculator import calculator
from csr_cli.money import parse_amount
from csr_cli.policy.exchange import ExchangeReason, ExchangeResult, exchange_quote
from csr_cli.policy.model import Policy


@calculator(recordable=True)
def exchange(
    old_price: Annotated[
        str, typer.Argument(metavar="OLD_PRICE", help="What the buyer paid for the item: 159.")
    ],
    new_price: Annotated[
        str, typer.Argument(metavar="NEW_PRICE", help="The price of the item they want: 179.")
    ],
    shipping: Annotated[
        str | None,
        typer.Option(
            "--shipping",
            metavar="S",
            help="Postage of the new parcel (default: the profile's general fee).",
        ),
    ] = None,
    reason: Annotated[
        ExchangeReason,
        typer.Option(
            "--reason", "-r", help="quality (the shop pays postage) or size, colour, changed-mind."
        ),
    ] = ExchangeReason.size,
    *,
    policy: Policy,
) -> ExchangeResult:
    """Settle an exchange: the price difference both ways (多退少补), and who pays postage."""
    return exchange_quote(
        old_price=parse_amount(old_price, "OLD_PRICE"),
        new_price=parse_amount(new_price, "NEW_PRICE"),
        shipping=None if shipping is None else parse_amount(shipping, "--shipping"),
        reason=reason,
        policy=policy.shipping,
    )
