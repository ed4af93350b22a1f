"""`csr return-check`: may the buyer still return it? Exit 0 yes, 1 no, 2 bad input."""

from __future__ import annotations

from typing import Annotated

import typer

from csr_cli import dates
from csr_cli.commands._calculator import calculator
from csr_cli.policy.model import Category, Condition, Policy
from csr_cli.policy.returns import ReturnResult, check_return


@calculator(recordable=True, refused=lambda result: not result.allowed)
def return_check(
    signed: Annotated[
        str,
        typer.Option(
            "--signed", metavar="DATE", help="When the buyer signed for the parcel (YYYY-MM-DD)."
        ),
    ],
    on: Annotated[
        str | None,
        typer.Option("--on", metavar="DATE", help="The day the buyer asks (default: today)."),
    ] = None,
    category: Annotated[
        Category, typer.Option("--category", "-c", help="What kind of goods.")
    ] = Category.general,
    condition: Annotated[
        list[Condition] | None,
        typer.Option("--condition", "-k", help="The goods' state; repeat for several."),
    ] = None,
    quality: Annotated[
        bool,
        typer.Option("--quality", help="A quality problem (defect, wrong item, damaged)."),
    ] = False,
    gift_missing: Annotated[
        bool, typer.Option("--gift-missing", help="The free gift is not coming back.")
    ] = False,
    *,
    policy: Policy,
) -> ReturnResult:
    """Check whether a return is allowed, the last allowed day, and the rule that decided."""
    return check_return(
        signed=dates.parse_date(signed, "--signed"),
        on=dates.today() if on is None else dates.parse_date(on, "--on"),
        category=category,
        conditions=tuple(condition or ()),
        quality=quality,
        gift_missing=gift_missing,
        policy=policy.returns,
    )
