"""The most an agent may pay in compensation, and whether an offer is within it."""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal
from enum import Enum
from typing import Any, NamedTuple

from csr_cli.errors import UsageError
from csr_cli.money import fmt, fmt_chat, round_down
from csr_cli.policy.model import SHOP_RULE, CompensationPolicy, Rule
from csr_cli.policy.result import Working, calculation_json


class CompensationReason(str, Enum):
    goodwill = "goodwill"
    minor_defect = "minor-defect"
    missing_gift = "missing-gift"
    keep_damaged = "keep-damaged"


UNCONDITIONAL = (
    "the payment is unconditional: never ask the buyer to change or delete a review in return "
    "(that is illegal review manipulation)"
)
REPLY_IDS = {
    CompensationReason.goodwill: "compensation-offer",
    CompensationReason.minor_defect: "compensation-minor-defect",
    CompensationReason.missing_gift: "compensation-missing-gift",
    CompensationReason.keep_damaged: "compensation-keep-damaged",
}


class CompensationResult(NamedTuple):
    working: Working
    cap: Decimal
    price: Decimal
    reason: CompensationReason
    offer: Decimal | None
    first_offer: Decimal  # what the drafted reply offers when no offer is given
    within_cap: bool | None  # None: no offer to judge
    unconditional: bool

    @property
    def headline(self) -> str:
        headline = f"cap: {fmt(self.cap)} ({self.reason.value})"
        if self.offer is not None:
            verdict = "is within the cap" if self.within_cap else "needs a supervisor's approval"
            headline += f"; offer {fmt(self.offer)} {verdict}"
        return headline

    def case_fields(self) -> dict[str, Any]:
        """A payout: what the reply offers, and the cap (above it, the case waits for a
        supervisor's approval)."""
        return {
            "kind": "compensation",
            "reason": self.reason.value,
            "amount": self.first_offer if self.offer is None else self.offer,
            "cap": self.cap,
        }

    def to_json(self) -> dict[str, object]:
        return calculation_json(self)

    def facts(self) -> dict[str, object]:
        return {
            "cap": fmt(self.cap),
            "price": fmt(self.price),
            "reason": self.reason.value,
            "offer": None if self.offer is None else fmt(self.offer),
            "first_offer": fmt(self.first_offer),
            "within_cap": self.within_cap,
            "unconditional": self.unconditional,
        }


def compensation_cap(
    *,
    price: Decimal,
    reason: CompensationReason,
    shipping: Decimal | None,
    offer: Decimal | None,
    policy: CompensationPolicy,
) -> CompensationResult:
    _check_inputs(price=price, reason=reason, shipping=shipping, offer=offer)
    cap, step, text = _cap(price=price, reason=reason, shipping=shipping, policy=policy)
    steps = [step]
    warnings = []
    within = None if offer is None else offer <= cap
    if offer is not None:
        steps.append(
            f"offer {fmt(offer)} ≤ cap {fmt(cap)}: within the cap"
            if within
            else f"offer {fmt(offer)} > cap {fmt(cap)}: needs a supervisor's approval"
        )
    first = first_offer(cap, reason=reason, policy=policy)
    if offer is None and first != cap:
        steps.append(
            f"first offer: {fmt(cap)} × {percent(policy.first_offer_rate)} → {fmt(first)} "
            f"(the cap {fmt(cap)} is the most; start below it)"
        )
    amount = first if offer is None else offer
    if within is False:
        warnings.append(
            f"{fmt(amount)} is above the {fmt(cap)} cap: ask a supervisor before offering it"
        )
    elif not cap:
        warnings.append(f"the cap is {fmt(cap)}: any payment needs a supervisor's approval")
    unconditional = reason is CompensationReason.goodwill
    if unconditional:
        warnings.append(UNCONDITIONAL)
    if reason is CompensationReason.keep_damaged:
        warnings.append("ask for photos first: they decide whether the item must come back")
    warnings.append("record the payout: problem, amount, handler and time")
    return CompensationResult(
        cap=cap,
        price=price,
        reason=reason,
        offer=offer,
        first_offer=first,
        within_cap=within,
        unconditional=unconditional,
        working=Working(
            rule=Rule(text, SHOP_RULE),
            steps=tuple(steps),
            warnings=tuple(warnings),
            reply_id=_reply_id(reason=reason, within=within, cap=cap),
            reply_values={"amount": fmt_chat(amount)},
        ),
    )


def _check_inputs(
    *,
    price: Decimal,
    reason: CompensationReason,
    shipping: Decimal | None,
    offer: Decimal | None,
) -> None:
    if reason is CompensationReason.minor_defect and shipping is None:
        raise UsageError(
            "reason minor-defect needs shipping: the cap is the order's shipping fee",
            fields=("reason", "shipping"),
        )
    if reason is not CompensationReason.minor_defect and shipping is not None:
        raise UsageError(
            "shipping applies only to reason minor-defect (its cap)", fields=("shipping", "reason")
        )
    if shipping is not None and shipping > price:
        raise UsageError(
            f"shipping ({fmt(shipping)}) is more than price ({fmt(price)}): the cap would pay "
            "more than the item is worth; check both amounts, or offer a return instead",
            fields=("shipping", "price"),
        )
    if offer is not None and not offer:
        raise UsageError(
            f"offer {fmt(offer)} pays nothing; leave it out to see the cap",
            fields=("offer",),
        )


def first_offer(cap: Decimal, *, reason: CompensationReason, policy: CompensationPolicy) -> Decimal:
    """The amount a drafted reply offers: the policy's share of the cap ("适当的给部分补偿"),
    in whole yuan when that is at least one yuan. A missing gift's amount is set, not a cap."""
    if reason is CompensationReason.missing_gift:
        return cap
    share = round_down(cap * policy.first_offer_rate)
    whole = share.quantize(Decimal(1), rounding=ROUND_DOWN)
    return whole if whole >= 1 else share


def _reply_id(*, reason: CompensationReason, within: bool | None, cap: Decimal) -> str:
    if within is False:
        return "compensation-needs-approval"
    # A cap of 0 yuan would offer the buyer nothing, which reads as an insult: apologise and
    # ask a supervisor instead.
    return REPLY_IDS[reason] if cap else "compensation-ask-supervisor"


def _cap(
    *,
    price: Decimal,
    reason: CompensationReason,
    shipping: Decimal | None,
    policy: CompensationPolicy,
) -> tuple[Decimal, str, str]:
    """The cap, the working, and the rule's wording."""
    if reason is CompensationReason.minor_defect:
        cap = shipping or Decimal(0)
        return (
            cap,
            f"cap = the shipping fee {fmt(cap)}",
            "Minor defect the buyer keeps: at most the shipping fee; more needs a supervisor",
        )
    if reason is CompensationReason.missing_gift:
        small = price < policy.gift_price_below
        cap = policy.gift_small if small else policy.gift_large
        compare = "<" if small else "≥"
        return (
            cap,
            f"price {fmt(price)} {compare} {fmt(policy.gift_price_below)} → {fmt(cap)}",
            f"Missing free gift: {fmt(policy.gift_small)} when the price is below "
            f"{fmt(policy.gift_price_below)}, else {fmt(policy.gift_large)}",
        )
    rate = (
        policy.goodwill_rate if reason is CompensationReason.goodwill else policy.keep_damaged_rate
    )
    exact = price * rate
    cap = round_down(exact)
    shown = f"{exact.normalize():f}" if exact != cap else fmt(cap)
    working = f"{fmt(price)} × {percent(rate)} = {shown}"
    if exact != cap:
        working += f" → {fmt(cap)} (caps round down to the fen)"
    if reason is CompensationReason.goodwill:
        text = (
            f"Goodwill compensation (buyer unhappy or threatens a bad review): at most "
            f"{percent(rate)} of the price, rounded down; more needs a supervisor; "
            "never conditional on the review"
        )
    else:
        text = (
            f"Damaged item the buyer keeps: at most {percent(rate)} of the price, rounded "
            "down; photos decide"
        )
    return cap, working, text


def percent(rate: Decimal) -> str:
    return f"{(rate * 100).normalize():f}%"
