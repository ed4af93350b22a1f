"""`csr refund`: how much to refund, with the working, the rule and a drafted reply."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

import typer

from csr_cli.commands._calculator import calculator
from csr_cli.errors import UsageError
from csr_cli.money import parse_amount, parse_amounts
from csr_cli.policy.model import Policy
from csr_cli.policy.refund import PartialReturn, RefundReason, RefundResult, refund_due


@calculator(recordable=True)
def refund(
    paid: Annotated[
        str,
        typer.Argument(
            metavar="PAID",
            help="What the buyer paid in total, shipping included: 190, ¥190, 190元.",
        ),
    ],
    shipping: Annotated[
        str | None, typer.Option("--shipping", metavar="S", help="Outbound shipping in PAID.")
    ] = None,
    reason: Annotated[
        RefundReason,
        typer.Option(
            "--reason",
            "-r",
            help="Why: color, size and changed-mind are no-reason; defect, wrong-item and "
            "damaged-on-arrival are quality.",
        ),
    ] = RefundReason.no_reason,
    return_shipping: Annotated[
        str | None,
        typer.Option(
            "--return-shipping", metavar="X", help="Return postage the buyer prepaid (quality)."
        ),
    ] = None,
    items: Annotated[
        str | None,
        typer.Option(
            "--items", metavar="P,P", help="Partial return: every item's price, e.g. 120,80."
        ),
    ] = None,
    returning: Annotated[
        str | None,
        typer.Option(
            "--returning", metavar="P", help="Partial return: the returned items' prices."
        ),
    ] = None,
    discount: Annotated[
        str | None,
        typer.Option("--discount", metavar="D", help="Partial return: the order's 满减, e.g. 30."),
    ] = None,
    discount_threshold: Annotated[
        str | None,
        typer.Option(
            "--discount-threshold",
            metavar="T",
            help="Partial return: the 满减 threshold, e.g. 200.",
        ),
    ] = None,
    free_shipping_threshold: Annotated[
        str | None,
        typer.Option(
            "--free-shipping-threshold",
            metavar="F",
            help="Partial return: the order's free-shipping threshold (default: the policy's).",
        ),
    ] = None,
    *,
    policy: Policy,
) -> RefundResult:
    """Work out a refund: what was paid, less what the reason makes the buyer bear."""
    partial = _partial(
        items=items,
        returning=returning,
        discount=discount,
        discount_threshold=discount_threshold,
        free_shipping_threshold=free_shipping_threshold,
        policy_threshold=policy.shipping.free_threshold,
    )
    return refund_due(
        paid=parse_amount(paid, "PAID"),
        shipping=_optional(shipping, "--shipping"),
        reason=reason,
        return_shipping=_optional(return_shipping, "--return-shipping"),
        policy=policy,
        partial=partial,
    )


def _optional(text: str | None, option: str) -> Decimal | None:
    return None if text is None else parse_amount(text, option)


def _partial(
    *,
    items: str | None,
    returning: str | None,
    discount: str | None,
    discount_threshold: str | None,
    free_shipping_threshold: str | None,
    policy_threshold: Decimal | None,
) -> PartialReturn | None:
    """The partial-return flags as one order, or None for a whole-order refund."""
    if items is None or returning is None:
        if items or returning or discount or discount_threshold or free_shipping_threshold:
            raise UsageError(
                "a partial return needs --items (every item's price) and --returning (the "
                "returned items' prices), e.g. --items 120,80 --returning 80"
            )
        return None
    threshold = _optional(free_shipping_threshold, "--free-shipping-threshold")
    return PartialReturn(
        items=tuple(parse_amounts(items, "--items")),
        returning=tuple(parse_amounts(returning, "--returning")),
        discount=_optional(discount, "--discount"),
        discount_threshold=_optional(discount_threshold, "--discount-threshold"),
        free_shipping_threshold=policy_threshold if threshold is None else threshold,
    )
