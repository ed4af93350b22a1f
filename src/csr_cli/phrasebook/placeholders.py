"""Placeholders in reply texts: `{name}` markers filled from config, --set or a prompt."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

PLACEHOLDER_RE = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")

# The names bundled replies may use, with what the agent is asked for. Three kinds:
# the shop profile's facts (PROFILE_PLACEHOLDERS), a catalogue product's facts
# (PRODUCT_PLACEHOLDERS, filled by --product SKU), and values the agent or a calculator gives.
KNOWN_PLACEHOLDERS: dict[str, str] = {
    # The shop profile (policy file)
    "shop": "shop name (店铺名)",
    "courier": "the shop's courier (快递公司)",
    "shipping_fee": "the general shipping fee in yuan (运费)",
    "shipping_rates": "shipping fees by region (各地区运费)",
    "delivery_days": "usual days in transit (快递时效天数)",
    "delivery_times": "usual days in transit by region (各地区时效)",
    "threshold": "free-shipping threshold in yuan (包邮门槛)",
    "ems_fee": "EMS fee in yuan (EMS运费)",
    "ems_days": "EMS days in transit (EMS时效天数)",
    "remote_regions": "regions the courier can't reach (偏远地区)",
    "return_days": "days for a no-reason return (无理由退货天数)",
    "refund_days": "days to refund after receiving a return (退款天数)",
    "dispatch_days": "days to ship an in-stock order (发货天数)",
    "ship_by": "same-day dispatch cut-off time (当天发货截止时间)",
    "service_hours": "customer-service hours (客服时间)",
    "holiday": "the holiday's name (节假日)",
    "closed_from": "first day closed (放假开始)",
    "closed_to": "last day closed (放假结束)",
    "last_dispatch": "last dispatch day before the holiday (节前最后发货日)",
    "resume_day": "first dispatch day after the holiday (节后恢复发货日)",
    # A catalogue product (--product SKU)
    "product": "the product's name (商品名)",
    "material": "fabric composition (面料成分)",
    "sizes": "the sizes it comes in (尺码)",
    "size_chart": "the product's size chart (尺码表)",
    "care": "washing and care (洗涤保养)",
    # The agent, the buyer's order or a calculator
    "agent": "your name (客服名)",
    "colleague": "the colleague who takes over (同事名)",
    "amount": "an amount in yuan (金额)",
    "price": "item price in yuan (商品价格)",
    "refund": "refund amount in yuan (退款金额)",
    "shipping": "shipping fee for this order in yuan (运费)",
    "days": "number of days for this order (天数)",
    "time": "when you will reply (回复时间)",
    "size": "size (尺码)",
    "gift": "the free gift (赠品)",
    "discount": "discount in yuan (优惠金额)",
    "return_address": "the shop's return address (退货地址)",
    "return_receiver": "return recipient (退货收件人)",
    "return_phone": "the shop's return phone (退货电话)",
    "item": "item name (商品名)",
    "paid": "what the buyer paid in yuan (实付金额)",
    "return_shipping": "return postage the buyer prepaid, in yuan (退货运费)",
    "kept": "what the kept items cost after re-settling, in yuan (保留商品结算金额)",
    "last_day": "last day to ask for a no-reason return (无理由退货截止日)",
    "category": "kind of goods (商品类别)",
    "condition": "state of the goods (商品状态)",
    "region": "province or region shipped to (收货地区)",
    "total": "several orders' total in yuan (合计金额)",
    "difference": "price difference of an exchange, in yuan (换货差价)",
    "cap": "the most an agent may pay, in yuan (补偿上限)",
}

# Facts the shop profile states (csr_cli.policy.profile fills them). A reply never quotes its
# own value for one: config and --set can't contradict the profile, and entries give no default.
PROFILE_PLACEHOLDERS = frozenset(
    {
        "shop",
        "courier",
        "shipping_fee",
        "shipping_rates",
        "delivery_days",
        "delivery_times",
        "threshold",
        "ems_fee",
        "ems_days",
        "remote_regions",
        "return_days",
        "refund_days",
        "dispatch_days",
        "ship_by",
        "service_hours",
        "holiday",
        "closed_from",
        "closed_to",
        "last_dispatch",
        "resume_day",
    }
)
# Shop rules an entry's wording may take for granted (its `requires`), and what each means.
PROFILE_CONDITIONS: dict[str, str] = {
    "remote-top-up": "remote regions go by EMS with the buyer's top-up "
    "(shipping.free_to_remote: false)",
    "deducts-outbound-shipping": "a no-reason refund deducts the outbound shipping "
    "(refund.deduct_outbound_shipping: true)",
}
# Facts of one catalogue product, filled by `--product SKU` and never guessed.
PRODUCT_PLACEHOLDERS = frozenset({"product", "material", "sizes", "size_chart", "care"})


def names_in(text: str) -> list[str]:
    """Placeholder names in order of first appearance."""
    return list(dict.fromkeys(PLACEHOLDER_RE.findall(text)))


def stray_brace(text: str) -> int | None:
    """The 0-based position of the first `{` or `}` that is not part of a `{name}` placeholder
    (a typo such as `{shop好的}}{` would otherwise reach the buyer as it is), else None."""
    rest = PLACEHOLDER_RE.sub(lambda match: " " * len(match.group()), text)
    found = re.search(r"[{}]", rest)
    return found.start() if found else None


def names_in_all(texts: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(name for text in texts for name in names_in(text)))


def describe(name: str) -> str:
    return KNOWN_PLACEHOLDERS.get(name, name)


def fill(text: str, values: Mapping[str, str]) -> str:
    """Replace every placeholder; the caller has made sure each one has a value."""
    return PLACEHOLDER_RE.sub(lambda match: values[match.group(1)], text)
