"""Facts a reply must not state itself: numbers, day counts, couriers, regions, product claims,
and variants of one entry that give opposite answers.

A reply states only the shop's true facts, and those live in the shop profile (the policy file)
and the catalogue. `csr check` uses these finders to reject a phrase that writes one literally,
naming the placeholder to use instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from csr_cli.phrasebook.placeholders import PLACEHOLDER_RE

# What a literal number is followed by → the placeholders that state such a fact.
_UNITS: tuple[tuple[str, str], ...] = (
    (r"\s*(?:元|块|rmb|RMB)", "{threshold}, {shipping_fee}, {ems_fee}, {shipping_rates} or {amount}"),
    (r"\s*(?:个)?(?:工作)?(?:天|日)", "{delivery_days}, {dispatch_days}, {return_days}, {refund_days}, {ems_days} or {days}"),
    (r"\s*(?:小时|点|:|：)", "{ship_by}, {service_hours} or {time}"),
)  # fmt: skip
# A number, a decimal or a range (2-4, 3到5).
_DIGITS = re.compile(r"[0-9０-９]+(?:[.．][0-9]+)?(?:\s*[-~～到至]\s*[0-9０-９]+)?")
# A count of days or hours; "下一天" (the next day) and "最后一天" (the last day) are not counts.
_CHINESE_DAYS = re.compile(
    r"(?<![下后前第最每当这那])(?:[一二两三四五六七八九十]+|半)(?:个)?(?:工作)?(?:天|日|小时)"
    r"|次日|隔日|隔天"
)
# A product claim right after these is denied, not made ("无法承诺完全不起球").
_DENIALS = ("无法", "不能", "不敢", "没法")
_COURIERS = re.compile(
    r"顺丰|中通|圆通|申通|韵达|极兔|百世|汇通|邮政|京东快递|京东物流|德邦|宅急送|优速|安能"
)
# Product properties only the catalogue may state.
_PRODUCT_CLAIMS = re.compile(
    r"纯棉|全棉|真丝|桑蚕丝|羊毛|羊绒|涤纶|抗起球|防起球|不起球|不掉色|不褪色|不缩水|不变形|不透"
)
# Opposite answers to one question: a variant saying one and another saying the other.
# A variant that says the second is not counted as saying the first ("没有现货" vs "有现货").
_OPPOSITES: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("in stock / sold out", ("有货", "有现货", "是现货", "现货充足", "有库存", "库存充足"),
     ("售罄", "缺货", "没货", "断货", "卖完", "无货", "没有现货", "暂无现货", "没有库存", "暂时没有货")),
    ("dispatch as usual / paused", ("正常发货", "照常发货", "正常营业", "照常营业", "正常上班"),
     ("暂停发货", "停止发货", "停发", "不发货", "暂停营业", "放假期间无法发货")),
)  # fmt: skip


@dataclass(frozen=True)
class Literal:
    """A fact written into a reply's text, and what to write instead."""

    text: str
    message: str


def literal_facts(text: str, *, regions: Iterable[str] = ()) -> list[Literal]:
    """Every fact `text` states itself instead of through a placeholder."""
    plain = PLACEHOLDER_RE.sub(lambda match: " " * len(match.group(0)), text)
    found = [*_numbers(plain), *_day_counts(plain)]
    found += [
        Literal(match.group(0), "names a courier; write {courier} (the shop profile's)")
        for match in _COURIERS.finditer(plain)
    ]
    named = sorted({region for region in regions if region}, key=len, reverse=True)
    if named:
        pattern = re.compile("|".join(map(re.escape, named)))
        found += [
            Literal(
                match.group(0),
                "names a region the shop profile prices; write {shipping_rates}, "
                "{delivery_times}, {remote_regions} or the calculator's {region}",
            )
            for match in pattern.finditer(plain)
        ]
    found += [
        Literal(
            match.group(0),
            "claims a product property; state it with {material}, {care} or {size_chart} "
            "from the catalogue (--product SKU), or offer to check",
        )
        for match in _PRODUCT_CLAIMS.finditer(plain)
        if not any(word in plain[max(0, match.start() - 8) : match.start()] for word in _DENIALS)
    ]
    return found


def _numbers(plain: str) -> Iterator[Literal]:
    for match in _DIGITS.finditer(plain):
        after = plain[match.end() :]
        use = next(
            (names for unit, names in _UNITS if re.match(unit, after)),
            "a placeholder (an amount, a count or a time from the profile or the agent)",
        )
        yield Literal(match.group(0), f"states the number {match.group(0)}; write {use}")


def _day_counts(plain: str) -> Iterator[Literal]:
    for match in _CHINESE_DAYS.finditer(plain):
        yield Literal(
            match.group(0),
            "states a day count; write {delivery_days}, {dispatch_days}, {return_days}, "
            "{refund_days}, {delivery_times} or {days}",
        )


@dataclass(frozen=True)
class Contradiction:
    """Two variants (1-based) of one entry that give opposite answers."""

    first: int
    second: int
    topic: str
    said: str
    unsaid: str


def contradiction(variants: Sequence[str]) -> Contradiction | None:
    """The first pair of variants that answer one question both ways, if any."""
    for topic, yes, no in _OPPOSITES:
        saying_yes: dict[int, str] = {}
        saying_no: dict[int, str] = {}
        for number, text in enumerate(variants, start=1):
            denial = next((word for word in no if word in text), None)
            if denial is not None:
                saying_no[number] = denial
                continue
            affirmation = next((word for word in yes if word in text), None)
            if affirmation is not None:
                saying_yes[number] = affirmation
        if saying_yes and saying_no:
            first, second = min(saying_yes), min(saying_no)
            return Contradiction(first, second, topic, saying_yes[first], saying_no[second])
    return None
