"""The KPI core (kpi.py) and its policy file (kpi_policy.py), called directly."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from csr_cli.errors import PolicyError, UsageError
from csr_cli.kpi.scheme import POLICY_ENV, bundled_file, load_policy
from csr_cli.kpi.scoring import (
    Grade,
    KpiInput,
    Level,
    compute,
    parse_complaints,
    parse_grade,
    parse_input,
    parse_level,
    parse_rate,
    refund_points,
    scaled_bonus,
)

POLICY = load_policy(bundled_file())  # the bundled scheme, whatever the user has set up
ALL_A = {"quality": "A", "refund_rate": "2%", "disputes": "A", "teamwork": "A", "execution": "A"}


@pytest.fixture(autouse=True)
def no_shop_policy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(POLICY_ENV, raising=False)


@pytest.mark.parametrize(
    ("text", "grade"),
    [
        ("优", Grade.excellent),
        ("A", Grade.excellent),
        ("a", Grade.excellent),
        (" Excellent ", Grade.excellent),
        ("良", Grade.good),
        ("B", Grade.good),
        ("good", Grade.good),
        ("中", Grade.fair),
        ("C", Grade.fair),
        ("FAIR", Grade.fair),
        ("差", Grade.poor),
        ("d", Grade.poor),
        ("poor", Grade.poor),
        ("优秀", Grade.excellent),
    ],
)
def test_grades_in_every_spelling(text: str, grade: Grade) -> None:
    assert parse_grade(text) is grade


@pytest.mark.parametrize("text", ["甲", "E", "", "very good", "1"])
def test_unknown_grades_are_refused(text: str) -> None:
    with pytest.raises(UsageError, match="is not a grade; use 优/良/中/差, A/B/C/D"):
        parse_grade(text)


@pytest.mark.parametrize(
    ("text", "rate"),
    [
        ("4.2%", Decimal("0.042")),
        ("0.042", Decimal("0.042")),
        ("5%", Decimal("0.05")),
        (" 4.2 % ", Decimal("0.042")),
        ("4.2％", Decimal("0.042")),
        ("0", Decimal(0)),
        ("100%", Decimal(1)),
        ("0.99", Decimal("0.99")),
    ],
)
def test_rates_as_percent_or_fraction(text: str, rate: Decimal) -> None:
    assert parse_rate(text) == rate


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("101%", "'101%' is not between 0 and 100%; write 4.2% or 0.042"),
        ("4.2", "'4.2' without % is ambiguous (did you mean 4.2%?); write 4.2% or 0.042"),
        ("1", "'1' without % is ambiguous (did you mean 1%?); write 4.2% or 0.042"),
        ("1.0", "'1.0' without % is ambiguous (did you mean 1.0%?); write 4.2% or 0.042"),
        ("100", "'100' without % is ambiguous (did you mean 100%?); write 4.2% or 0.042"),
        ("101", "'101' is not between 0 and 100%; write 4.2% or 0.042"),
        ("-1%", "'-1%' is not between 0 and 100%; write 4.2% or 0.042"),
        ("abc", "'abc' is not a rate; write 4.2% or 0.042"),
        ("nan", "'nan' is not a rate; write 4.2% or 0.042"),
        ("%", "'%' is not a rate; write 4.2% or 0.042"),
    ],
)
def test_bad_rates(text: str, message: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_rate(text)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("rate", "points"),
    [
        *[("0", 30), ("4.99%", 30), ("5%", 30), ("5.01%", 20), ("8%", 20), ("9%", 10)],
        *[("10%", 10), ("10.01%", 0), ("100%", 0)],
    ],
)
def test_refund_rate_tiers_include_their_upper_bound(rate: str, points: int) -> None:
    assert refund_points(parse_rate(rate), POLICY) == points


def test_levels_in_english_and_chinese() -> None:
    assert [parse_level(t) for t in ("agent", "Senior", "LEAD")] == list(Level)
    assert [parse_level(t) for t in ("售后客服", "资深客服", "客服组长")] == list(Level)
    with pytest.raises(UsageError, match="'boss' is not a level; use agent, senior or lead"):
        parse_level("boss")


def test_complaints_split_on_any_separator_and_stay_in_range() -> None:
    assert parse_complaints("10;5", POLICY.complaint) == (10, 5)
    assert parse_complaints("10、5；20, 6", POLICY.complaint) == (10, 5, 20, 6)
    assert parse_complaints("0", POLICY.complaint) == ()
    for bad in ("4", "21", "10;0", "1.5", "-5"):
        with pytest.raises(UsageError, match="is not 5-20 points"):
            parse_complaints(bad, POLICY.complaint)


def test_the_default_scheme_holds_every_number_of_the_issue() -> None:
    for item in ("quality", "disputes", "teamwork", "execution"):
        assert POLICY.grades[item] == {
            Grade.excellent: 20,
            Grade.good: 15,
            Grade.fair: 10,
            Grade.poor: 0,
        }
    assert [(t.up_to, t.points) for t in POLICY.refund_tiers] == [
        (Decimal("0.05"), 30),
        (Decimal("0.08"), 20),
        (Decimal("0.10"), 10),
    ]
    assert POLICY.refund_above == 0
    assert (POLICY.attendance, POLICY.per_late, POLICY.per_leave, POLICY.per_absence) == (
        20,
        5,
        5,
        10,
    )
    assert POLICY.per_low_review == 5
    assert (POLICY.complaint.min, POLICY.complaint.max) == (5, 20)
    assert POLICY.per_praise == 2
    assert (POLICY.outstanding.min, POLICY.outstanding.max) == (2, 5)
    assert (POLICY.total, POLICY.pass_score, POLICY.full_bonus) == (130, 91, Decimal(1000))
    assert POLICY.base_pay == {Level.agent: 2000, Level.senior: 2500, Level.lead: 3000}
    assert "DEFAULT set by the shop" in bundled_file().read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("full", "score", "total", "bonus"),
    [
        ("1000", 91, 130, "700.00"),
        ("1000", 100, 130, "769.23"),  # 769.2307… rounds down
        ("1000", 95, 130, "730.77"),  # 730.7692… rounds up
        ("1000", 130, 130, "1000.00"),
        ("0.01", 65, 130, "0.01"),  # exactly half a fen rounds up, not to even
        ("0.03", 1, 2, "0.02"),
    ],
)
def test_bonus_rounds_half_up_to_the_fen(full: str, score: int, total: int, bonus: str) -> None:
    assert scaled_bonus(Decimal(full), score, total) == Decimal(bonus)


def test_attendance_never_goes_below_zero() -> None:
    review = parse_input({**ALL_A, "late": "3", "leave": "1", "absent": "1"}, policy=POLICY)
    result = compute(review, POLICY)
    assert result.items[-1].points == 0
    assert result.score == 110


def test_attendance_counts_occasions_with_the_schemes_points() -> None:
    # one late (5) and one leave of any length (5): 20 - 10
    review = parse_input({**ALL_A, "late": "1", "leave": "1", "absent": "0"}, policy=POLICY)
    assert compute(review, POLICY).items[-1].points == 10
    assert parse_input({**ALL_A, "leave": "31"}, policy=POLICY).leave == 31


@pytest.mark.parametrize("key", ["late", "leave", "absent"])
def test_more_occasions_than_a_month_holds_is_refused(key: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_input({**ALL_A, key: "32"}, policy=POLICY, labels=lambda k: f"<{k}>")
    assert str(caught.value).startswith(
        f"<{key}>: '32' occasions is more than a month can hold (at most 31)"
    )
    with pytest.raises(UsageError) as direct:
        KpiInput(Grade.good, Decimal("0.01"), Grade.good, Grade.good, Grade.good, **{key: 40})
    assert direct.value.fields == (key,)
    assert str(direct.value).startswith(f"{key}: 40 occasions is more than a month can hold")


def test_additions_may_lift_the_score_above_130_but_not_the_bonus() -> None:
    review = parse_input({**ALL_A, "praise": "3", "outstanding": "5"}, policy=POLICY)
    result = compute(review, POLICY)
    assert (result.score, result.bonus, result.pay) == (141, Decimal("1000.00"), Decimal("3000.00"))


def test_missing_grades_are_named_with_the_callers_labels() -> None:
    with pytest.raises(UsageError) as caught:
        parse_input({"quality": "A", "teamwork": " "}, policy=POLICY, labels=lambda k: f"<{k}>")
    assert str(caught.value).startswith(
        "missing <refund_rate>, <disputes>, <teamwork>, <execution>: every review needs"
    )


# --- property tests ---

grades = st.sampled_from(list(Grade))
counts = st.integers(min_value=0, max_value=12)
reviews = st.builds(
    KpiInput,
    quality=grades,
    refund_rate=st.decimals(min_value=0, max_value=1, places=4),
    disputes=grades,
    teamwork=grades,
    execution=grades,
    late=counts,
    leave=counts,
    absent=counts,
    low_reviews=counts,
    complaints=st.lists(st.integers(5, 20), max_size=5).map(tuple),
    praise=counts,
    outstanding=st.sampled_from([0, 2, 3, 4, 5]),
    level=st.sampled_from(list(Level)),
)


@settings(max_examples=300, deadline=None)
@given(reviews)
def test_the_score_never_exceeds_the_sum_of_its_parts(review: KpiInput) -> None:
    result = compute(review, POLICY)
    items = sum(item.points for item in result.items)
    minus = sum(entry.points for entry in result.deductions)
    plus = sum(entry.points for entry in result.additions)
    assert all(0 <= item.points <= item.max for item in result.items)
    assert minus >= 0 and plus >= 0
    assert result.score == items - minus + plus
    assert result.score <= items + plus
    assert items <= result.total == 130


@settings(max_examples=300, deadline=None)
@given(reviews)
def test_no_bonus_whenever_the_review_fails(review: KpiInput) -> None:
    result = compute(review, POLICY)
    assert result.passed == (result.score >= 91)
    if not result.passed:
        assert result.bonus == 0
        assert result.pay == result.base
    assert Decimal(0) <= result.bonus <= Decimal(1000)
    assert result.pay == result.base + result.bonus
    assert result.bonus == result.bonus.quantize(Decimal("0.01"))


# --- the policy file ---


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_a_shop_file_overrides_only_what_it_names(tmp_path: Path) -> None:
    shop = write(
        tmp_path / "shop.yaml",
        "refund_rate:\n  tiers:\n    - {up_to: 3%, points: 30}\n    - {up_to: 6%, points: 15}\n"
        "base_pay:\n  lead: 3500.50\n",
    )
    policy = load_policy(shop)
    assert [(t.up_to, t.points) for t in policy.refund_tiers] == [
        (Decimal("0.03"), 30),
        (Decimal("0.06"), 15),
    ]
    assert policy.base_pay == {
        Level.agent: 2000,
        Level.senior: 2500,
        Level.lead: Decimal("3500.50"),
    }
    assert policy.grades == POLICY.grades


def test_shop_file_comes_from_option_then_env_then_config_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from csr_cli.kpi.scheme import user_file

    write(user_file(), "bonus: {full: 800}\n")
    assert load_policy().full_bonus == 800
    monkeypatch.setenv(POLICY_ENV, str(write(tmp_path / "env.yaml", "bonus: {full: 900}\n")))
    assert load_policy().full_bonus == 900
    assert load_policy(write(tmp_path / "opt.yaml", "bonus: {full: 1200}\n")).full_bonus == 1200


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            "quality: {优: 20, 良: 15, 中: 10, 差: 0, A: 5}\n",
            "quality: unknown key 'A'; use 优, 良, 中, 差",
        ),
        (
            "teamwork: {良: 25}\n",
            "teamwork: a better grade may not earn fewer points than a worse one",
        ),
        (
            "attendance: {per_late: -5}\n",
            "attendance.per_late: must be a whole number of points, 0 or more (got -5)",
        ),
        (
            "attendance: {per_late: 2.5}\n",
            "attendance.per_late: must be a whole number of points, 0 or more (got 2.5)",
        ),
        (
            "refund_rate: {tiers: [{up_to: 5, points: 30}]}\n",
            "refund_rate.tiers[1].up_to: '5' without % is ambiguous (did you mean 5%?); write 4.2% or 0.042",
        ),
        (
            "refund_rate: {tiers: [{up_to: 8%, points: 20}, {up_to: 5%, points: 30}]}\n",
            "refund_rate.tiers: list tiers by rising up_to, with points not rising",
        ),
        (
            "refund_rate: {tiers: []}\n",
            "refund_rate.tiers: must be a list of {up_to, points} tiers",
        ),
        ("refund_rate: {tiers: [{up_to: 5%}]}\n", "refund_rate.tiers[1]: 'points' is missing"),
        (
            "deductions: {complaint: {min: 20, max: 5}}\n",
            "deductions.complaint: needs 1 <= min <= max (got 20-5)",
        ),
        ("base_pay: {lead: 3000.001}\n", "base_pay.lead: has more than two decimals (3000.001)"),
        (
            "base_pay: {lead: lots}\n",
            "base_pay.lead: must be an amount in yuan such as 2000 (got 'lots')",
        ),
        ("bonus: {full: 1000, cap: 1}\n", "bonus: unknown key 'cap'; use full"),
        ("pass_ratio: 170%\n", "pass_ratio: '170%' is not between 0 and 100%; write 4.2% or 0.042"),
        ("bonuses: {}\n", "top level: unknown key 'bonuses'; use quality, disputes, teamwork"),
        ("- 1\n", "must be a mapping of sections such as refund_rate, base_pay"),
    ],
)
def test_a_bad_shop_file_names_the_file_and_field(tmp_path: Path, text: str, problem: str) -> None:
    shop = write(tmp_path / "shop.yaml", text)
    with pytest.raises(PolicyError) as caught:
        load_policy(shop)
    assert str(caught.value).startswith(f"{shop}: {problem}")


def test_an_unreadable_or_broken_policy_file(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="cannot read the KPI policy"):
        load_policy(tmp_path / "nope.yaml")
    broken = write(tmp_path / "broken.yaml", "quality: [\n")
    with pytest.raises(PolicyError, match=f"^{broken}:2: YAML syntax error in the KPI policy: "):
        load_policy(broken)


def test_an_empty_shop_file_changes_nothing(tmp_path: Path) -> None:
    assert load_policy(write(tmp_path / "empty.yaml", "")) == POLICY


def test_a_shop_file_saved_with_a_bom_still_loads(tmp_path: Path) -> None:
    shop = tmp_path / "shop.yaml"
    shop.write_text("\ufeffbonus: {full: 800}\n", encoding="utf-8")
    assert load_policy(shop).full_bonus == 800
