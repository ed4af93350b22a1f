"""Placeholders in reply texts: `{name}` markers filled from config, --set or a prompt."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

PLACEHOLDER_RE = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")

# The names bundled replies may use, with what the agent is asked for.
KNOWN_PLACEHOLDERS: dict[str, str] = {
    "shop": "shop name (店铺名)",
    "agent": "your name or number (客服名/工号)",
    "amount": "an amount in yuan (金额)",
    "price": "item price in yuan (商品价格)",
    "refund": "refund amount in yuan (退款金额)",
    "shipping": "shipping fee in yuan (运费)",
    "threshold": "free-shipping threshold in yuan (包邮门槛)",
    "courier": "courier company (快递公司)",
    "days": "number of days (天数)",
    "time": "when you will reply (回复时间)",
    "size": "size (尺码)",
    "gift": "the free gift (赠品)",
    "discount": "discount in yuan (优惠金额)",
    "return_address": "the shop's return address (退货地址)",
    "return_receiver": "return recipient (退货收件人)",
    "return_phone": "the shop's return phone (退货电话)",
    "item": "item name (商品名)",
    "material": "fabric composition (面料成分)",
    "ems_fee": "EMS fee in yuan (EMS运费)",
    "paid": "what the buyer paid in yuan (实付金额)",
    "return_shipping": "return postage the buyer prepaid, in yuan (退货运费)",
    "kept": "what the kept items cost after re-settling, in yuan (保留商品结算金额)",
    "last_day": "last day to ask for a no-reason return (无理由退货截止日)",
    "category": "kind of goods (商品类别)",
    "condition": "state of the goods (商品状态)",
    "region": "province or region shipped to (收货地区)",
}


# Values the shop policy decides (csr_cli.policy.placeholders fills them), so a reply never
# quotes a different rule from `csr shipping`.
POLICY_PLACEHOLDERS = frozenset({"threshold", "ems_fee"})


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
