"""An exchange: who pays what when an item is swapped for another (policy_rules.md, Exchange).

多退少补: the price difference is settled both ways. A quality problem costs the buyer only
the difference (the shop bears postage both ways); otherwise the buyer also pays the new
parcel's postage, which comes off a difference the shop owes.
"""

from __future__ import annotations

from decimal import Decimal
from enum import Enum
from typing import Any, NamedTuple

from csr_cli.money import ZERO, fmt, fmt_chat
from csr_cli.policy.model import SHOP_RULE, Rule, ShippingPolicy
from csr_cli.policy.result import Working, calculation_json


class ExchangeReason(str, Enum):
    quality = "quality"
    size = "size"
    colour = "colour"
    changed_mind = "changed-mind"


RULE = Rule(
    "Exchange (多退少补): the price difference is settled both ways. Quality problem: the buyer "
    "pays only the difference and the shop bears postage both ways. Otherwise the buyer pays "
    "the difference plus the new parcel's postage and bears the return leg",
    SHOP_RULE,
)


class ExchangeResult(NamedTuple):
    working: Working
    old_price: Decimal
    new_price: Decimal
    shipping: Decimal  # the new parcel's postage the buyer bears (0 for a quality problem)
    reason: ExchangeReason
    buyer_pays: Decimal
    refund: Decimal

    @property
    def headline(self) -> str:
        if self.buyer_pays:
            return f"exchange: the buyer pays {fmt(self.buyer_pays)} ({self.reason.value})"
        if self.refund:
            return f"exchange: the shop refunds {fmt(self.refund)} ({self.reason.value})"
        return f"exchange: nothing to pay either way ({self.reason.value})"

    def case_fields(self) -> dict[str, Any]:
        """An exchange: the handbook records the postage and whether the buyer owes it."""
        quality = self.reason is ExchangeReason.quality
        return {
            "kind": "exchange-quality" if quality else "exchange-other",
            "reason": self.reason.value,
            "amount": self.buyer_pays or self.refund,
            "postage": self.shipping,
            "postage_due": bool(self.buyer_pays) and not quality,
        }

    def to_json(self) -> dict[str, object]:
        return calculation_json(self)

    def facts(self) -> dict[str, object]:
        return {
            "buyer_pays": fmt(self.buyer_pays),
            "refund": fmt(self.refund),
            "old_price": fmt(self.old_price),
            "new_price": fmt(self.new_price),
            "shipping": fmt(self.shipping),
            "reason": self.reason.value,
        }


def exchange_quote(
    *,
    old_price: Decimal,
    new_price: Decimal,
    shipping: Decimal | None,
    reason: ExchangeReason,
    policy: ShippingPolicy,
) -> ExchangeResult:
    """Settle an exchange of an item bought at `old_price` for one at `new_price`."""
    quality = reason is ExchangeReason.quality
    difference = new_price - old_price
    steps = [f"price difference: {fmt(new_price)} − {fmt(old_price)} = {fmt(difference)}"]
    warnings = []
    postage = ZERO
    if quality:
        steps.append("quality problem: the shop bears postage both ways")
        if shipping is not None:
            warnings.append("shipping is ignored: on a quality exchange the shop pays postage")
    else:
        if shipping is None:
            shipping = policy.fee
            warnings.append(
                f"no shipping given: using the profile's general fee {fmt(shipping)}; pass the "
                "buyer's own postage if it differs (a zone or EMS)"
            )
        postage = shipping
        steps.append(
            f"{fmt(difference)} + {fmt(postage)} postage for the new parcel = "
            f"{fmt(difference + postage)}"
        )
    net = difference + postage
    buyer_pays, refund = (net, ZERO) if net > 0 else (ZERO, -net)
    steps.append(
        f"the buyer pays {fmt(buyer_pays)}"
        if buyer_pays
        else f"the shop refunds {fmt(refund)}"
        if refund
        else "nothing to pay either way"
    )
    return ExchangeResult(
        old_price=old_price,
        new_price=new_price,
        shipping=postage,
        reason=reason,
        buyer_pays=buyer_pays,
        refund=refund,
        working=Working(
            rule=RULE,
            steps=tuple(steps),
            warnings=tuple(warnings),
            reply_id=_reply_id(quality=quality, buyer_pays=buyer_pays, refund=refund),
            reply_values={
                "amount": fmt_chat(buyer_pays or refund),
                "difference": fmt_chat(abs(difference)),
                "shipping": fmt_chat(postage),
            },
        ),
    )


def _reply_id(*, quality: bool, buyer_pays: Decimal, refund: Decimal) -> str:
    if not buyer_pays and not refund:
        return "exchange-even"
    base = "exchange-pay" if buyer_pays else "exchange-refund"
    return f"{base}-quality" if quality else base
