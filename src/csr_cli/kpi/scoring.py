"""The after-sale KPI review: parse one agent's month, score it, and work out bonus and pay.

Pure functions over dataclasses; the numbers come from a `KpiPolicy` (see kpi/scheme.py and
policies/kpi.yaml). Points are whole numbers, money is Decimal yuan.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal, InvalidOperation
from enum import Enum
from typing import Any, TypeVar

from csr_cli.errors import UsageError

T = TypeVar("T")


class Grade(str, Enum):
    excellent = "优"
    good = "良"
    fair = "中"
    poor = "差"


class Level(str, Enum):
    agent = "agent"
    senior = "senior"
    lead = "lead"


GRADE_HELP = "优/良/中/差, A/B/C/D or excellent/good/fair/poor"

_GRADE_WORDS = {
    Grade.excellent: ("优", "优秀", "a", "excellent"),
    Grade.good: ("良", "良好", "b", "good"),
    Grade.fair: ("中", "中等", "c", "fair"),
    Grade.poor: ("差", "较差", "d", "poor"),
}
GRADES = {word: grade for grade, words in _GRADE_WORDS.items() for word in words}
LEVELS = {
    **{level.value: level for level in Level},
    **{"售后客服": Level.agent, "客服": Level.agent, "资深客服": Level.senior},
    **{"高级客服": Level.senior, "客服组长": Level.lead, "组长": Level.lead},
}
GRADED_ITEMS = ("quality", "disputes", "teamwork", "execution")
ITEM_LABELS = {
    "quality": "服务质量",
    "refund_rate": "退款率",
    "disputes": "纠纷处理",
    "teamwork": "团队协作",
    "execution": "执行力",
    "attendance": "考勤",
}
REQUIRED = ("quality", "refund_rate", "disputes", "teamwork", "execution")
ATTENDANCE = ("late", "leave", "absent")
# The scheme deducts per occasion (请假一次扣5分): a 3-day leave is one occasion, and no
# month holds more occasions of one kind than it has days.
MAX_OCCASIONS = 31
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class RefundTier:
    up_to: Decimal  # a fraction: 0.05 is 5%
    points: int


@dataclass(frozen=True)
class PointRange:
    min: int
    max: int


@dataclass(frozen=True)
class KpiPolicy:
    grades: Mapping[str, Mapping[Grade, int]]  # graded item -> grade -> points
    refund_tiers: tuple[RefundTier, ...]
    refund_above: int
    attendance: int
    per_late: int
    per_leave: int
    per_absence: int
    per_low_review: int
    complaint: PointRange
    per_praise: int
    outstanding: PointRange
    pass_ratio: Decimal
    full_bonus: Decimal
    base_pay: Mapping[Level, Decimal]

    def item_max(self, key: str) -> int:
        if key == "refund_rate":
            return max([self.refund_above, *(tier.points for tier in self.refund_tiers)])
        if key == "attendance":
            return self.attendance
        return max(self.grades[key].values())

    @property
    def total(self) -> int:
        """The perfect score: every item at its best, no additions (130 by default)."""
        return sum(self.item_max(key) for key in ITEM_LABELS)

    @property
    def pass_score(self) -> int:
        """The lowest passing score: 70% of 130 is 91, so 90 fails."""
        exact = self.total * self.pass_ratio
        return int(exact.to_integral_value(rounding=ROUND_CEILING))


@dataclass(frozen=True)
class KpiInput:
    quality: Grade
    refund_rate: Decimal  # a fraction: 0.042 is 4.2%
    disputes: Grade
    teamwork: Grade
    execution: Grade
    late: int = 0
    leave: int = 0
    absent: int = 0
    low_reviews: int = 0
    complaints: tuple[int, ...] = ()
    praise: int = 0
    outstanding: int = 0
    level: Level = Level.agent

    def __post_init__(self) -> None:
        for key in ATTENDANCE:
            check_occasions(getattr(self, key), key)


@dataclass(frozen=True)
class Item:
    key: str
    label: str
    given: str
    points: int
    max: int


@dataclass(frozen=True)
class Adjustment:
    key: str
    label: str
    detail: str
    points: int  # never negative: deductions are subtracted, additions added


@dataclass(frozen=True)
class KpiResult:
    items: tuple[Item, ...]
    deductions: tuple[Adjustment, ...]
    additions: tuple[Adjustment, ...]
    score: int
    total: int
    pass_score: int
    passed: bool
    level: Level
    bonus: Decimal
    base: Decimal
    pay: Decimal

    def to_json(self) -> dict[str, Any]:
        return {
            "items": [vars(item) for item in self.items],
            "deductions": [vars(entry) for entry in self.deductions],
            "additions": [vars(entry) for entry in self.additions],
            "score": self.score,
            "total": self.total,
            "pass_score": self.pass_score,
            "passed": self.passed,
            "level": self.level.value,
            "bonus": f"{self.bonus:.2f}",
            "base": f"{self.base:.2f}",
            "pay": f"{self.pay:.2f}",
        }


# --- parsing: every parser takes the text a supervisor typed and raises UsageError ---


def parse_grade(text: str) -> Grade:
    grade = GRADES.get(text.strip().lower())
    if grade is None:
        raise UsageError(f"'{text}' is not a grade; use {GRADE_HELP}")
    return grade


def parse_level(text: str) -> Level:
    level = LEVELS.get(text.strip().lower())
    if level is None:
        raise UsageError(f"'{text}' is not a level; use agent, senior or lead")
    return level


def parse_rate(text: str) -> Decimal:
    """`4.2%` or `0.042` as the fraction 0.042; a bare number of 1 or more is refused."""
    raw = text.strip().replace("％", "%")
    percent = raw.endswith("%")
    try:
        value = Decimal(raw.removesuffix("%").strip())
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite():
        raise UsageError(f"'{text}' is not a rate; write 4.2% or 0.042")
    # A bare 1 is a fraction (100%) only in theory: whoever types 1, like 4.2, means a percent.
    if not percent and 1 <= value <= HUNDRED:
        raise UsageError(
            f"'{text}' without % is ambiguous (did you mean {value}%?); write 4.2% or 0.042"
        )
    rate = value / HUNDRED if percent else value
    if rate < 0 or rate > 1:
        raise UsageError(f"'{text}' is not between 0 and 100%; write 4.2% or 0.042")
    return rate


# The most a month can hold: a day can be late, on leave or absent only once, and a review
# counts no more reviews or praise than an agent can plausibly collect in a month.
# More reviews, complaints or praise than one agent gets in a month is a typo, not a month.
MAX_COUNT = 1000


def parse_count(text: str, limit: int = MAX_COUNT) -> int:
    raw = text.strip()
    if not re.fullmatch(r"\d+", raw):
        raise UsageError(f"'{text}' is not a count; use a whole number, 0 or more")
    if len(raw) > 6 or int(raw) > limit:
        raise UsageError(
            f"'{raw[:12]}{'…' if len(raw) > 12 else ''}' is more than a month can hold (at most {limit}); "
            "check the number (a review covers one month)"
        )
    return int(raw)


def check_occasions(count: int, field: str) -> int:
    """A month's occasions of late arrival, leave or absence: 0 to MAX_OCCASIONS."""
    if not 0 <= count <= MAX_OCCASIONS:
        raise UsageError(f"{field}: {_too_many(str(count))}", fields=(field,))
    return count


def parse_occasions(text: str) -> int:
    """Occasions in one month (迟到/请假/旷工 each count once, however many days they last)."""
    count = parse_count(text)
    if count > MAX_OCCASIONS:
        raise UsageError(_too_many(f"'{text.strip()}'"))
    return count


def _too_many(count: str) -> str:
    return (
        f"{count} occasions is more than a month can hold (at most {MAX_OCCASIONS}); count each "
        "occasion once however many days it lasted (a 3-day leave is 1 occasion)"
    )


def parse_points(text: str, allowed: PointRange, *, zero_is_none: bool = False) -> int:
    raw = text.strip()
    if re.fullmatch(r"\d+", raw):
        value = int(raw)
        if allowed.min <= value <= allowed.max or (zero_is_none and value == 0):
            return value
    raise UsageError(f"'{text}' is not {allowed.min}-{allowed.max} points")


def parse_complaints(text: str, allowed: PointRange) -> tuple[int, ...]:
    """One or more complaints' points, separated by ; 、 , or spaces; `0` alone means none."""
    parts = [part for part in re.split(r"[;；、,，\s]+", text.strip()) if part]
    if parts == ["0"]:
        return ()
    if len(parts) > MAX_COUNT:
        raise UsageError(f"{len(parts)} complaints is more than one month can hold; check the list")
    return tuple(parse_points(part, allowed) for part in parts)


def parse_input(
    raw: Mapping[str, str | None],
    *,
    policy: KpiPolicy,
    labels: Callable[[str], str] = str,
) -> KpiInput:
    """Build a KpiInput from text fields keyed like KpiInput; `labels` names a field in errors.

    The four grades and the refund rate are required; counts default to 0, the level to
    agent. A missing or blank field counts as omitted.
    """
    given = {key: value for key, value in raw.items() if value is not None and value.strip()}
    missing = [labels(key) for key in REQUIRED if key not in given]
    if missing:
        raise UsageError(
            f"missing {', '.join(missing)}: every review needs the four grades "
            f"({GRADE_HELP}) and the refund rate"
        )

    def value(key: str, parse: Callable[[str], T]) -> T:
        try:
            return parse(given[key])
        except UsageError as exc:
            raise UsageError(f"{labels(key)}: {exc}") from None

    def optional(key: str, parse: Callable[[str], T], default: T) -> T:
        return value(key, parse) if key in given else default

    return KpiInput(
        quality=value("quality", parse_grade),
        refund_rate=value("refund_rate", parse_rate),
        disputes=value("disputes", parse_grade),
        teamwork=value("teamwork", parse_grade),
        execution=value("execution", parse_grade),
        late=optional("late", parse_occasions, 0),
        leave=optional("leave", parse_occasions, 0),
        absent=optional("absent", parse_occasions, 0),
        low_reviews=optional("low_reviews", parse_count, 0),
        complaints=optional("complaints", lambda t: parse_complaints(t, policy.complaint), ()),
        praise=optional("praise", parse_count, 0),
        outstanding=optional(
            "outstanding", lambda t: parse_points(t, policy.outstanding, zero_is_none=True), 0
        ),
        level=optional("level", parse_level, Level.agent),
    )


# --- scoring ---


def refund_points(rate: Decimal, policy: KpiPolicy) -> int:
    for tier in policy.refund_tiers:
        if rate <= tier.up_to:
            return tier.points
    return policy.refund_above


def attendance_points(review: KpiInput, policy: KpiPolicy) -> int:
    lost = (
        review.late * policy.per_late
        + review.leave * policy.per_leave
        + review.absent * policy.per_absence
    )
    return max(0, policy.attendance - lost)


def format_rate(rate: Decimal) -> str:
    percent = (rate * HUNDRED).normalize()
    return f"{percent:f}%"


def score_items(review: KpiInput, policy: KpiPolicy) -> tuple[Item, ...]:
    def item(key: str, given: str, points: int) -> Item:
        return Item(key, ITEM_LABELS[key], given, points, policy.item_max(key))

    def graded(key: str) -> Item:
        grade: Grade = getattr(review, key)
        return item(key, grade.value, policy.grades[key][grade])

    # occasions, not days: the scheme deducts per occasion (请假一次扣5分)
    attendance = f"late {review.late}, leave {review.leave}, absent {review.absent}"
    return (
        graded("quality"),
        item(
            "refund_rate",
            format_rate(review.refund_rate),
            refund_points(review.refund_rate, policy),
        ),
        graded("disputes"),
        graded("teamwork"),
        graded("execution"),
        item("attendance", attendance, attendance_points(review, policy)),
    )


def _per_unit(key: str, label: str, count: int, each: int) -> list[Adjustment]:
    return [Adjustment(key, label, f"{count} × {each}", count * each)] if count * each else []


def deductions(review: KpiInput, policy: KpiPolicy) -> tuple[Adjustment, ...]:
    """Low-quality reviews, then each verified complaint with its own points."""
    return (
        *_per_unit("low_reviews", "差评", review.low_reviews, policy.per_low_review),
        *(
            Adjustment("complaint", "投诉", f"complaint #{number}", points)
            for number, points in enumerate(review.complaints, start=1)
        ),
    )


def additions(review: KpiInput, policy: KpiPolicy) -> tuple[Adjustment, ...]:
    outstanding = [Adjustment("outstanding", "突出表现", "award", review.outstanding)]
    return (
        *_per_unit("praise", "表扬", review.praise, policy.per_praise),
        *(outstanding if review.outstanding else []),
    )


def scaled_bonus(full: Decimal, score: int, total: int) -> Decimal:
    """full × score ÷ total, rounded half-up to the fen, in exact integer fen arithmetic."""
    fen, remainder = divmod(int(full * HUNDRED) * score, total)
    if 2 * remainder >= total:
        fen += 1
    return Decimal(fen) / HUNDRED


def compute(review: KpiInput, policy: KpiPolicy) -> KpiResult:
    """Score the review. The score may pass the perfect total; the bonus stops at the full bonus."""
    items = score_items(review, policy)
    minus = deductions(review, policy)
    plus = additions(review, policy)
    score = (
        sum(item.points for item in items)
        - sum(entry.points for entry in minus)
        + sum(entry.points for entry in plus)
    )
    total = policy.total
    passed = score >= policy.pass_score
    bonus = scaled_bonus(policy.full_bonus, min(score, total), total) if passed else Decimal(0)
    base = policy.base_pay[review.level]
    return KpiResult(
        items=items,
        deductions=minus,
        additions=plus,
        score=score,
        total=total,
        pass_score=policy.pass_score,
        passed=passed,
        level=review.level,
        bonus=bonus.quantize(Decimal("0.01")),
        base=base.quantize(Decimal("0.01")),
        pay=(base + bonus).quantize(Decimal("0.01")),
    )
