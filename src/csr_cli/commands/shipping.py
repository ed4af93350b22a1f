"""`csr shipping`: fee, free or not, courier and days to a region, and a drafted reply."""

from __future__ import annotations

from typing import Annotated

import typer

from csr_cli.commands._calculator import PolicyOpt, View, finish, policy
from csr_cli.commands._common import JsonOpt, NoCopyOpt, SetOpt
from csr_cli.money import fmt, parse_amount
from csr_cli.policy.shipping import Courier, ShippingResult, shipping_quote


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
        str | None,
        typer.Option("--amount", metavar="A", help="The order amount (decides free shipping)."),
    ] = None,
    courier: Annotated[
        Courier | None,
        typer.Option("--courier", help="standard (default) or ems (the buyer's choice)."),
    ] = None,
    policy_file: PolicyOpt = None,
    assignments: SetOpt = None,
    no_copy: NoCopyOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Quote shipping to a region or city: fee, whether free, courier and days."""
    loaded = policy(policy_file)
    result = shipping_quote(
        to=to,
        amount=None if amount is None else parse_amount(amount, "--amount"),
        courier=courier,
        policy=loaded.shipping,
    )
    finish(
        result,
        view=_view(result),
        loaded=loaded,
        assignments=assignments,
        as_json=as_json,
        no_copy=no_copy,
    )


def _view(result: ShippingResult) -> View:
    if result.free and result.fee:
        free = " (the order ships free by the default courier; this is the EMS difference)"
    else:
        free = " (free)" if result.free else ""
    where = f"{result.city} ({result.region})" if result.city else result.region
    headline = (
        f"shipping to {where}: {fmt(result.fee)} by {result.courier}, {result.days} days{free}"
    )
    return View(headline, result.steps, result.rule, result.warnings)
