"""`csr compensate`: the most an agent may pay, whether an offer is within it, and a reply."""

from __future__ import annotations

from typing import Annotated

import typer

from csr_cli.commands._calculator import calculator
from csr_cli.money import parse_amount
from csr_cli.policy.compensate import CompensationReason, CompensationResult, compensation_cap
from csr_cli.policy.model import Policy


@calculator(recordable=True)
def compensate(
    price: Annotated[
        str, typer.Argument(metavar="PRICE", help="The item's price, e.g. 250 or ¥99.99.")
    ],
    reason: Annotated[
        CompensationReason,
        typer.Option(
            "--reason",
            "-r",
            help="goodwill (unhappy, bad-review threat), minor-defect, missing-gift, keep-damaged.",
        ),
    ] = CompensationReason.goodwill,
    shipping: Annotated[
        str | None,
        typer.Option("--shipping", metavar="S", help="The shipping fee (the minor-defect cap)."),
    ] = None,
    offer: Annotated[
        str | None,
        typer.Option("--offer", metavar="X", help="An amount to check against the cap."),
    ] = None,
    *,
    policy: Policy,
) -> CompensationResult:
    """Work out the compensation cap and whether an offer needs a supervisor's approval."""
    return compensation_cap(
        price=parse_amount(price, "PRICE"),
        reason=reason,
        shipping=None if shipping is None else parse_amount(shipping, "--shipping"),
        offer=None if offer is None else parse_amount(offer, "--offer"),
        policy=policy.compensation,
    )
