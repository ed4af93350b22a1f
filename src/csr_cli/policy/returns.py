"""May the buyer still return this without a reason? The window, exclusions and intactness."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, NamedTuple

from csr_cli.dates import fmt_chat_date
from csr_cli.errors import UsageError
from csr_cli.money import ZERO
from csr_cli.policy.model import (
    LAW,
    LEGAL_EXCLUSIONS,
    LEGAL_WINDOW_DAYS,
    SHOP_RULE,
    Category,
    Condition,
    ReturnPolicy,
    Rule,
)
from csr_cli.policy.result import Working, calculation_json, not_a_case

ART_25 = "消费者权益保护法 art. 25"
MEASURES = "2017 measures on seven-day no-reason returns"

CATEGORY_TEXT: dict[Category, tuple[str, str]] = {
    Category.custom: ("custom-made goods", "定制商品"),
    Category.perishable: ("fresh, live or perishable goods", "鲜活易腐类商品"),
    Category.digital_opened: ("digital goods downloaded or unsealed", "已下载或拆封的数字商品"),
    Category.periodical: ("delivered newspapers and periodicals", "已交付的报纸、期刊"),
    Category.confirmed_nonreturnable: (
        "goods the buyer confirmed as non-returnable at purchase",
        "下单时已确认不支持无理由退货的商品",
    ),
}
CONDITION_TEXT: dict[Condition, tuple[str, str]] = {
    Condition.worn: ("worn so that resale suffers", "已经穿着使用过"),
    Condition.washed: ("washed", "已经洗涤过"),
    Condition.tags_removed: ("tags cut off", "吊牌已经剪掉"),
    Condition.seal_broken: ("seal of food or cosmetics broken", "封口已经拆开"),
    Condition.activated: ("electronics activated", "已经激活使用"),
    Condition.long_wear: ("damaged by long wear", "长期使用造成了磨损"),
}


class ReturnResult(NamedTuple):
    working: Working
    allowed: bool
    signed: date
    on: date
    last_day: date

    @property
    def headline(self) -> str:
        verdict = "yes" if self.allowed else "no"
        return f"allowed: {verdict} (last day for a no-reason return {self.last_day})"

    def case_fields(self) -> dict[str, Any]:
        """An allowed return waits for the parcel; its refund is recorded when it is known."""
        if not self.allowed:
            not_a_case(self.working)
        return {"kind": "refund", "reason": "return allowed", "amount": ZERO}

    def to_json(self) -> dict[str, object]:
        return calculation_json(self)

    def facts(self) -> dict[str, object]:
        return {
            "allowed": self.allowed,
            "last_day": self.last_day.isoformat(),
            "signed": self.signed.isoformat(),
            "on": self.on.isoformat(),
        }


class _Finding(NamedTuple):
    """One rule that refuses the return, with the reply that explains it."""

    rule: Rule
    reply_id: str
    values: dict[str, str]


def last_day(signed: date, window_days: int) -> date:
    """The window starts the day after signing, whatever the hour of signing."""
    try:
        return signed + timedelta(days=window_days)
    except OverflowError:
        raise UsageError(
            f"signed {signed}: its {window_days}-day return window would end after "
            f"{date.max}, the last date csr can count to; check the date",
            fields=("signed",),
        ) from None


def check_return(
    *,
    signed: date,
    on: date,
    category: Category,
    conditions: tuple[Condition, ...],
    quality: bool,
    gift_missing: bool,
    policy: ReturnPolicy,
) -> ReturnResult:
    if on < signed:
        raise UsageError(
            f"on {on} is before signed {signed}: a return is asked after signing; check the dates",
            fields=("on", "signed"),
        )
    last = last_day(signed, policy.window_days)
    reasons = [_window_reason(signed=signed, on=on, last=last, days=policy.window_days)]
    reasons += _condition_reasons(conditions, policy)
    warnings = []
    if gift_missing:
        reasons.append(
            "free gift missing: it does not block the return; the gift comes back or its "
            f"declared value is deducted ({MEASURES})"
        )
    if category.value in generous_categories(policy):
        reasons.append(
            f"{category.value}: the law would allow excluding {CATEGORY_TEXT[category][0]}, "
            "but this shop's policy accepts them"
        )
    if (
        category is Category.confirmed_nonreturnable
        and category.value in policy.excluded_categories
    ):
        warnings.append("check the order shows the buyer confirmed this at purchase")
    findings = _findings(on=on, last=last, category=category, conditions=conditions, policy=policy)
    if quality:
        findings = [f for f in findings if f.reply_id == "return-refused-long-wear"]
        reasons.append(
            "quality problem claimed, but damage from long wear is not one"
            if findings
            else "quality problem: returnable regardless of the window; the shop pays shipping"
        )
    allowed = not findings
    if allowed:
        decided = _allowed(quality=quality, last=last, policy=policy)
    else:
        decided = findings[0]
        reasons += [f"also: {f.rule.text}" for f in findings[1:]]
    return ReturnResult(
        allowed=allowed,
        signed=signed,
        on=on,
        last_day=last,
        working=Working(
            rule=decided.rule,
            steps=tuple(reasons),
            warnings=tuple(warnings),
            reply_id=decided.reply_id,
            reply_values=decided.values,
            steps_key="reasons",
        ),
    )


def _window_rule(days: int) -> Rule:
    if days == LEGAL_WINDOW_DAYS:
        return Rule(
            f"No-reason return within {days} days, counted from the day after signing "
            f"({ART_25}; {MEASURES})",
            LAW,
        )
    return Rule(
        f"No-reason return within {days} days from the day after signing (the shop's "
        f"window, longer than the legal {LEGAL_WINDOW_DAYS})",
        SHOP_RULE,
    )


def _window_reason(*, signed: date, on: date, last: date, days: int) -> str:
    span = f"signed {signed}: the {days} days run {signed + timedelta(days=1)} to {last}"
    if on > last:
        late = (on - last).days
        return f"{span}; {on} is {late} day{'s' if late > 1 else ''} past the last day"
    left = (last - on).days
    if not left:
        return f"{span}; {on} is the last day"
    return f"{span}; {on} is within it, {left} more day{'s' if left > 1 else ''} after it"


def _condition_reasons(conditions: tuple[Condition, ...], policy: ReturnPolicy) -> list[str]:
    reasons = []
    for condition in dict.fromkeys(conditions):
        if condition in CONDITION_TEXT and condition.value in policy.not_intact_conditions:
            reasons.append(f"{condition.value}: {CONDITION_TEXT[condition][0]}, not intact")
        else:
            reasons.append(f"{condition.value}: the goods count as intact")
    return reasons


def _findings(
    *,
    on: date,
    last: date,
    category: Category,
    conditions: tuple[Condition, ...],
    policy: ReturnPolicy,
) -> list[_Finding]:
    """Every rule that refuses the return, the deciding one first."""
    findings = []
    if (
        Condition.long_wear in conditions
        and Condition.long_wear.value in policy.not_intact_conditions
    ):
        findings.append(
            _Finding(
                Rule(
                    "Damage from long wear: no return, and it is not a quality problem", SHOP_RULE
                ),
                "return-refused-long-wear",
                {},
            )
        )
    if category.value in policy.excluded_categories:
        english, chinese = CATEGORY_TEXT[category]
        findings.append(
            _Finding(
                Rule(f"No no-reason return for {english} ({ART_25})", LAW),
                "return-refused-category",
                {"category": chinese},
            )
        )
    for condition in dict.fromkeys(conditions):
        if condition is Condition.long_wear or condition.value not in policy.not_intact_conditions:
            continue
        english, chinese = CONDITION_TEXT[condition]
        findings.append(
            _Finding(
                Rule(f"Goods must be intact for a no-reason return: {english} ({MEASURES})", LAW),
                "return-refused-condition",
                {"condition": chinese},
            )
        )
    if on > last:
        findings.append(
            _Finding(
                _window_rule(policy.window_days),
                "return-refused-window",
                {"last_day": fmt_chat_date(last), "days": str(policy.window_days)},
            )
        )
    return findings


def _allowed(*, quality: bool, last: date, policy: ReturnPolicy) -> _Finding:
    if quality:
        return _Finding(
            Rule(
                "Quality problem (defect, wrong item, damage on arrival): returnable regardless "
                "of the no-reason window; the shop pays shipping (消费者权益保护法 art. 24)",
                LAW,
            ),
            "return-allowed-quality",
            {},
        )
    return _Finding(
        _window_rule(policy.window_days),
        "return-allowed",
        {"last_day": fmt_chat_date(last), "days": str(policy.window_days)},
    )


def generous_categories(policy: ReturnPolicy) -> frozenset[str]:
    """Categories the law would let the shop exclude but its policy accepts."""
    return LEGAL_EXCLUSIONS - policy.excluded_categories
