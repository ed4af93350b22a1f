"""`csr shipping`: fee, free or not, courier and days to a region, and a drafted reply."""

from __future__ import annotations

from typing import Annotated

import typer

from csr_cli.commands._calculator import calculator
from csr_cli.money import parse_amount
from csr_cli.policy.model import Policy
from csr_cli.policy.shipping import Courier, ShippingResult, shipping_quote


@calculator()
def shipping(
    to: Annotated[
        str,
        typer.Option(
            "--to",
            metavar="REGION",
            help="Province, city or zone: 浙江, 浙江省, Zhejiang, 杭州, 喀什, Shenzhen, 江浙沪.",
        ),
    ],
    amount: Annotated[
        list[str] | None,
        typer.Option(
            "--amount",
            metavar="A",
            help="The order amount (decides free shipping); repeat it for several orders paid "
            "together to one address, which ship once.",
        ),
    ] = None,
    courier: Annotated[
        Courier | None,
        typer.Option("--courier", help="standard (default) or ems (the buyer's choice)."),
    ] = None,
    *,
    policy: Policy,
) -> ShippingResult:
    """Quote shipping to a region or city: fee, whether free, courier and days."""
    return shipping_quote(
        to=to,
        amounts=tuple(parse_amount(each, "--amount") for each in amount or ()),
        courier=courier,
        policy=policy.shipping,
    )
