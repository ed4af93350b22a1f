"""`csr compensate`: the most an agent may pay, whether an offer is within it, and a reply."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer

from csr_cli.commands._calculator import PolicyOpt, View, finish, policy
from csr_cli.commands._common import JsonOpt, NoCopyOpt, SetOpt
from csr_cli.config import load_config
from csr_cli.money import fmt, parse_amount
from csr_cli.policy.compensate import CompensationReason, CompensationResult, compensation_cap


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
    policy_file: PolicyOpt = None,
    assignments: SetOpt = None,
    no_copy: NoCopyOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Work out the compensation cap and whether an offer needs a supervisor's approval."""
    loaded = policy(policy_file)
    result = compensation_cap(
        price=parse_amount(price, "PRICE"),
        reason=reason,
        shipping=None if shipping is None else parse_amount(shipping, "--shipping"),
        offer=None if offer is None else parse_amount(offer, "--offer"),
        policy=loaded.compensation,
    )
    finish(
        result,
        view=_view(result),
        loaded=loaded,
        assignments=assignments,
        as_json=as_json,
        no_copy=no_copy,
        extra={"record": _record(result)},
    )


def _record(result: CompensationResult) -> dict[str, str | None]:
    """What a payout log needs: problem, amount, handler and time."""
    amount = result.cap if result.offer is None else result.offer
    return {
        "problem": result.reason.value,
        "amount": fmt(amount),
        "handler": load_config().get("agent"),
        "time": datetime.now().astimezone().isoformat(timespec="minutes"),
    }


def _view(result: CompensationResult) -> View:
    headline = f"cap: {fmt(result.cap)} ({result.reason.value})"
    if result.offer is not None:
        verdict = "is within the cap" if result.within_cap else "needs a supervisor's approval"
        headline += f"; offer {fmt(result.offer)} {verdict}"
    return View(headline, result.steps, result.rule, result.warnings)
