"""`csr return-check`: may the buyer still return it? Exit 0 yes, 1 no, 2 bad input."""

from __future__ import annotations

from typing import Annotated

import typer

from csr_cli import dates
from csr_cli.commands._calculator import PolicyOpt, View, finish, policy
from csr_cli.commands._common import JsonOpt, NoCopyOpt, SetOpt
from csr_cli.policy.model import Category, Condition
from csr_cli.policy.returns import ReturnResult, check_return

REFUSED_EXIT = 1


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
    policy_file: PolicyOpt = None,
    assignments: SetOpt = None,
    no_copy: NoCopyOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Check whether a return is allowed, the last allowed day, and the rule that decided."""
    loaded = policy(policy_file)
    result = check_return(
        signed=dates.parse_date(signed, "--signed"),
        on=dates.today() if on is None else dates.parse_date(on, "--on"),
        category=category,
        conditions=tuple(condition or ()),
        quality=quality,
        gift_missing=gift_missing,
        policy=loaded.returns,
    )
    finish(
        result,
        view=_view(result),
        loaded=loaded,
        assignments=assignments,
        as_json=as_json,
        no_copy=no_copy,
    )
    if not result.allowed:
        raise typer.Exit(REFUSED_EXIT)


def _view(result: ReturnResult) -> View:
    if result.allowed:
        headline = f"allowed: yes (last day for a no-reason return {result.last_day})"
    else:
        headline = f"allowed: no (last day for a no-reason return {result.last_day})"
    return View(headline, result.reasons, result.rule, result.warnings)
