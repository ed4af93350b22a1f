"""How much to refund, by reason, with the working shown (../shared/policy_rules.md, Refund)."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from enum import Enum
from typing import Any, NamedTuple

from csr_cli.errors import UsageError
from csr_cli.money import ZERO, fmt, fmt_chat
from csr_cli.policy.model import LAW, SHOP_RULE, Policy, Rule
from csr_cli.policy.result import Working, calculation_json, not_a_case


class RefundReason(str, Enum):
    no_reason = "no-reason"
    color = "color"
    size = "size"
    changed_mind = "changed-mind"
    quality = "quality"
    defect = "defect"
    wrong_item = "wrong-item"
    damaged_on_arrival = "damaged-on-arrival"
    not_shipped = "not-shipped"
    transit_damage = "transit-damage"
    refused_delivery = "refused-delivery"
    in_transit = "in-transit"


NO_REASON = frozenset(
    {RefundReason.no_reason, RefundReason.color, RefundReason.size, RefundReason.changed_mind}
)
QUALITY = frozenset(
    {
        RefundReason.quality,
        RefundReason.defect,
        RefundReason.wrong_item,
        RefundReason.damaged_on_arrival,
    }
)


class PartialReturn(NamedTuple):
    """Some items of a multi-item order come back; the rest is re-settled on its own terms."""

    items: tuple[Decimal, ...]  # every item's price in the order, before any discount
    returning: tuple[Decimal, ...]  # the prices of the items coming back
    discount: Decimal | None = None  # a spend-threshold discount the order won (满减)
    discount_threshold: Decimal | None = None
    free_shipping_threshold: Decimal | None = None


class RefundResult(NamedTuple):
    working: Working
    refund: Decimal | None  # None: declined for now (parcel in transit)
    paid: Decimal
    reason: RefundReason
    shipping: Decimal = ZERO
    return_shipping: Decimal = ZERO

    @property
    def headline(self) -> str:
        if self.refund is None:
            return "refund: declined for now"
        return f"refund: {fmt(self.refund)} ({self.reason.value})"

    def case_fields(self) -> dict[str, Any]:
        if self.refund is None:
            not_a_case(self.working)  # declined for now: nothing to pay or take back yet
        return {"kind": "refund", "reason": self.reason.value, "amount": self.refund}

    def to_json(self) -> dict[str, object]:
        return calculation_json(self)

    def facts(self) -> dict[str, object]:
        return {
            "refund": None if self.refund is None else fmt(self.refund),
            "paid": fmt(self.paid),
            "shipping": fmt(self.shipping),
            "return_shipping": fmt(self.return_shipping),
            "reason": self.reason.value,
        }


def refund_due(
    *,
    paid: Decimal,
    shipping: Decimal | None,
    reason: RefundReason,
    return_shipping: Decimal | None,
    policy: Policy,
    partial: PartialReturn | None = None,
) -> RefundResult:
    """The refund for `reason`; PAID includes the outbound shipping."""
    if not paid:
        raise UsageError(
            "paid is 0.00: the buyer paid nothing, so there is nothing to refund; check the amount",
            fields=("paid",),
        )
    # A partial return's shipping may be a waived fee larger than PAID; its order check covers it.
    if partial is None and shipping is not None and shipping > paid:
        raise UsageError(
            f"shipping ({fmt(shipping)}) is more than paid ({fmt(paid)}); paid is the total "
            "the buyer paid, shipping included",
            fields=("shipping", "paid"),
        )
    if return_shipping is not None and reason not in QUALITY:
        raise UsageError(
            "return_shipping applies only to quality reasons (quality, defect, wrong-item, "
            "damaged-on-arrival): on other returns the buyer bears the return leg",
            fields=("return_shipping",),
        )
    if partial is not None:
        if reason not in NO_REASON:
            raise UsageError(
                "items/returning work out partial no-reason returns; drop them or use "
                "reason no-reason",
                fields=("items", "returning", "reason"),
            )
        return _partial(paid=paid, shipping=shipping or ZERO, reason=reason, order=partial)
    if reason in NO_REASON:
        return _no_reason(paid=paid, shipping=shipping, reason=reason, policy=policy)
    if reason in QUALITY:
        return _quality(paid=paid, shipping=shipping, reason=reason, postage=return_shipping)
    return _whole_or_declined(paid=paid, shipping=shipping or ZERO, reason=reason)


def _no_reason(
    *, paid: Decimal, shipping: Decimal | None, reason: RefundReason, policy: Policy
) -> RefundResult:
    due = policy.refund.due_within_days
    warnings = []
    if shipping is None:
        warnings.append(
            "no --shipping given: treated as a free-shipping order, nothing deducted; pass "
            "--shipping if the buyer paid for shipping"
        )
    outbound = shipping or ZERO
    deducted = outbound if policy.refund.deduct_outbound_shipping else ZERO
    refund = paid - deducted
    if deducted:
        steps = [f"{fmt(paid)} paid − {fmt(deducted)} outbound shipping = {fmt(refund)}"]
        rule = Rule(
            "No-reason return (colour, size, changed mind): the buyer bears the outbound "
            "shipping already spent and the return shipping; the refund is due within "
            f"{due} days of the shop receiving the return",
            SHOP_RULE,
        )
        reply_id = "refund-explain-no-reason"
    else:
        why = "free-shipping order" if not outbound else "the shop refunds outbound shipping"
        steps = [f"{fmt(paid)} paid, nothing deducted ({why}) = {fmt(refund)}"]
        rule = Rule(
            "No-reason return: the buyer bears only the return shipping; the refund is due "
            f"within {due} days of the shop receiving the return",
            LAW if not outbound else SHOP_RULE,
        )
        reply_id = "refund-explain-full"
    return RefundResult(
        refund=refund,
        paid=paid,
        shipping=outbound,
        reason=reason,
        working=Working(
            rule=rule,
            steps=tuple(steps),
            warnings=tuple(warnings),
            reply_id=reply_id,
            reply_values=_chat(paid=paid, shipping=outbound, refund=refund),
        ),
    )


def _quality(
    *, paid: Decimal, shipping: Decimal | None, reason: RefundReason, postage: Decimal | None
) -> RefundResult:
    steps = []
    if shipping:
        steps.append(f"{fmt(paid)} paid includes {fmt(shipping)} outbound shipping: refunded too")
    warnings = []
    if postage is None:
        warnings.append(
            "no --return-shipping given: add the buyer's prepaid return postage once known "
            "(it is reimbursed after the shop receives the item)"
        )
    return_leg = postage or ZERO
    refund = paid + return_leg
    steps.append(
        f"{fmt(paid)} paid + {fmt(return_leg)} return shipping (reimbursed) = {fmt(refund)}"
    )
    rule = Rule(
        "Quality problem (defect, wrong item, damaged on arrival): the shop bears shipping both "
        "ways; the buyer prepays the return by an ordinary courier (no cash-on-delivery 到付, "
        "no surface mail 平邮) and is reimbursed (消费者权益保护法 art. 24)",
        LAW,
    )
    return RefundResult(
        refund=refund,
        paid=paid,
        shipping=shipping or ZERO,
        return_shipping=return_leg,
        reason=reason,
        working=Working(
            rule=rule,
            steps=tuple(steps),
            warnings=tuple(warnings),
            reply_id="refund-explain-quality" if postage else "refund-explain-quality-prepay",
            reply_values=_chat(paid=paid, refund=refund, return_shipping=return_leg),
        ),
    )


def _whole_or_declined(*, paid: Decimal, shipping: Decimal, reason: RefundReason) -> RefundResult:
    refund: Decimal | None = paid
    if reason is RefundReason.not_shipped:
        steps = [f"{fmt(paid)} paid, nothing shipped, nothing spent = {fmt(paid)}"]
        text = "Not shipped yet: nothing was spent, so everything paid is refunded"
        reply_id = "refund-explain-not-shipped"
    elif reason is RefundReason.in_transit:
        refund = None
        steps = ["parcel in transit: no refund until it arrives or is confirmed lost"]
        text = (
            "Parcel in transit, not received: the refund is declined until it arrives or is "
            "confirmed lost; help at once on receipt"
        )
        reply_id = "refund-declined-in-transit"
    else:
        steps = [
            f"{fmt(paid)} paid, delivery refused, the shop claims from the courier = {fmt(paid)}"
        ]
        text = (
            "Damaged in transit, delivery refused: refund in full; the shop claims from the courier"
        )
        reply_id = "refund-explain-transit-damage"
    return RefundResult(
        refund=refund,
        paid=paid,
        shipping=shipping,
        reason=reason,
        working=Working(
            rule=Rule(text, SHOP_RULE),
            steps=tuple(steps),
            reply_id=reply_id,
            reply_values=_chat(refund=paid) if refund is not None else {},
        ),
    )


def _partial(
    *, paid: Decimal, shipping: Decimal, reason: RefundReason, order: PartialReturn
) -> RefundResult:
    if (order.discount is None) != (order.discount_threshold is None):
        raise UsageError(
            "discount and discount_threshold go together (满200减30 is 30 off over 200)",
            fields=("discount", "discount_threshold"),
        )
    if order.discount is not None and order.discount >= (order.discount_threshold or ZERO):
        raise UsageError(
            "discount must be less than discount_threshold (满200减30)",
            fields=("discount", "discount_threshold"),
        )
    kept = _kept_items(order)
    order_steps, charged = _settle_order(paid=paid, shipping=shipping, order=order)
    kept_cost, kept_steps = _settle_kept(kept=kept, shipping=shipping, charged=charged, order=order)
    refund = paid - kept_cost
    warnings = []
    if refund < 0:
        warnings.append(
            f"the kept items cost {fmt(kept_cost)} once re-settled, more than the {fmt(paid)} "
            "paid: the refund is 0.00; ask a supervisor before asking the buyer for the difference"
        )
        refund = ZERO
    steps = [
        *order_steps,
        *kept_steps,
        f"refund: {fmt(paid)} paid − {fmt(kept_cost)} kept = {fmt(refund)}",
    ]
    rule = Rule(
        "Partial no-reason return: the kept items are re-settled on the discount and "
        "free-shipping terms they reach on their own; the buyer bears the return shipping "
        "(网络购买商品七日无理由退货暂行办法)",
        LAW,
    )
    return RefundResult(
        refund=refund,
        paid=paid,
        shipping=shipping,
        reason=reason,
        working=Working(
            rule=rule,
            steps=tuple(steps),
            warnings=tuple(warnings),
            reply_id="refund-explain-partial",
            reply_values=_chat(paid=paid, refund=refund, kept=kept_cost),
        ),
    )


def _kept_items(order: PartialReturn) -> list[Decimal]:
    left = Counter(order.items)
    for price in order.returning:
        if left[price] == 0:
            listed = ", ".join(fmt(item) for item in order.items)
            raise UsageError(
                f"returning {fmt(price)} is not one of the items ({listed}) still in the "
                "order; list each returned item's price once",
                fields=("returning", "items"),
            )
        left[price] -= 1
    return sorted(left.elements(), reverse=True)


def _settle_order(
    *, paid: Decimal, shipping: Decimal, order: PartialReturn
) -> tuple[list[str], bool]:
    """Check PAID against the order; whether the order was charged its shipping."""
    total = sum(order.items, ZERO)
    parts = [f"{' + '.join(fmt(item) for item in order.items)} = {fmt(total)}"]
    discount = _discount(total, order)
    if order.discount is not None and not discount:
        raise UsageError(
            f"the items ({fmt(total)}) do not reach --discount-threshold "
            f"({fmt(order.discount_threshold or ZERO)}), so the order had no discount; check both"
        )
    if discount:
        parts.append(f"≥ {fmt(order.discount_threshold or ZERO)} → {fmt(discount)} off")
    charged = not _free(total, order)
    if shipping and not charged:
        parts.append(
            f"≥ {fmt(order.free_shipping_threshold or ZERO)} → shipping {fmt(shipping)} waived"
        )
    elif shipping:
        parts.append(f"+ {fmt(shipping)} shipping")
    expected = total - discount + (shipping if charged else ZERO)
    if expected != paid:
        raise UsageError(
            f"PAID {fmt(paid)} does not match the order: {', '.join(parts)} → {fmt(expected)}; "
            "pass what the buyer paid, or leave out --items for a whole-order refund"
        )
    return [f"order: {', '.join(parts)} → {fmt(paid)} paid"], charged


def _settle_kept(
    *, kept: list[Decimal], shipping: Decimal, charged: bool, order: PartialReturn
) -> tuple[Decimal, list[str]]:
    """What the kept items cost on their own terms, with the working."""
    total = sum(kept, ZERO)
    if not kept:
        parts = ["kept: nothing (the whole order comes back)"]
    else:
        listed = " + ".join(fmt(item) for item in kept)
        parts = [f"kept: {listed}" + (f" = {fmt(total)}" if len(kept) > 1 else "")]
    discount = _discount(total, order)
    if order.discount is not None and kept:
        threshold = fmt(order.discount_threshold or ZERO)
        parts.append(
            f"still ≥ {threshold} → keeps {fmt(discount)} off"
            if discount
            else f"< {threshold} → the {fmt(order.discount)} discount no longer applies"
        )
    # Kept items owe the shipping unless they reach free shipping themselves; a fully returned
    # order owes only what it was actually charged.
    owes_shipping = charged or (bool(kept) and not _free(total, order))
    due = shipping if owes_shipping else ZERO
    if shipping and not charged and due:
        parts.append(
            f"< {fmt(order.free_shipping_threshold or ZERO)} → shipping {fmt(shipping)} is due"
        )
    elif due:
        parts.append(f"+ {fmt(due)} shipping (the buyer bears it)")
    cost = total - discount + due
    return cost, [f"{', '.join(parts)} → kept items cost {fmt(cost)}"]


def _discount(total: Decimal, order: PartialReturn) -> Decimal:
    if order.discount is None or order.discount_threshold is None:
        return ZERO
    return order.discount if total >= order.discount_threshold else ZERO


def _free(total: Decimal, order: PartialReturn) -> bool:
    threshold = order.free_shipping_threshold
    return threshold is not None and total >= threshold


def _chat(**amounts: Decimal) -> dict[str, str]:
    return {name: fmt_chat(value) for name, value in amounts.items()}
