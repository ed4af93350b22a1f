"""`csr return-check`: the 7-day window, exclusions, intactness, quality, and exit codes."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from conftest import run_csr
from hypothesis import given
from hypothesis import strategies as st
from policy_helpers import calc, default_policy, fails, run

from csr_cli import dates
from csr_cli.policy.model import Category, Condition
from csr_cli.policy.returns import check_return

POLICY = default_policy().returns


def check(*args: str, code: int) -> dict[str, Any]:
    return calc("return-check", *args, code=code)


def test_worked_example_allowed_on_the_8th_refused_on_the_9th() -> None:
    allowed = check("--signed", "2026-11-01 23:59", "--on", "2026-11-08", code=0)
    assert allowed["allowed"] is True
    assert allowed["last_day"] == "2026-11-08"
    assert allowed["reply"]["id"] == "return-allowed"
    assert "2026年11月8日" in allowed["reply"]["text"]
    refused = check("--signed", "2026-11-01 00:01", "--on", "2026-11-09", code=1)
    assert refused["allowed"] is False
    assert refused["last_day"] == "2026-11-08"
    assert refused["rule"] == (
        "No-reason return within 7 days, counted from the day after signing "
        "(消费者权益保护法 art. 25; 2017 measures on seven-day no-reason returns)"
    )
    assert refused["source"] == "law"
    assert refused["reasons"] == [
        "signed 2026-11-01: the 7 days run 2026-11-02 to 2026-11-08; "
        "2026-11-09 is 1 day past the last day"
    ]
    assert refused["reply"]["id"] == "return-refused-window"


def test_the_terminal_output_names_the_rule_and_the_last_day() -> None:
    result = run("return-check", "--signed", "2026-11-01", "--on", "2026-11-09", "--no-copy")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == "allowed: no (last day for a no-reason return 2026-11-08)"
    assert lines[2].startswith("rule [law]: No-reason return within 7 days")
    assert "抱歉" in lines[4] and "因为" in lines[4] and "2026年11月8日" in lines[4]


def test_on_defaults_to_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dates, "today", lambda: date(2026, 11, 9))
    assert check("--signed", "2026-11-01", code=1)["on"] == "2026-11-09"
    monkeypatch.setattr(dates, "today", lambda: date(2026, 11, 2))
    assert check("--signed", "2026-11-01", code=0)["allowed"] is True


def test_exit_codes_work_in_shell_conditions() -> None:
    yes = run_csr("return-check", "--signed", "2026-11-01", "--on", "2026-11-08", "--no-copy")
    no = run_csr("return-check", "--signed", "2026-11-01", "--on", "2026-11-09", "--no-copy")
    bad = run_csr("return-check", "--signed", "someday", "--no-copy")
    assert (yes.returncode, no.returncode, bad.returncode) == (0, 1, 2)
    assert bad.stderr.count("\n") == 1


@pytest.mark.parametrize(
    ("category", "chinese"),
    [
        ("custom", "定制商品"),
        ("perishable", "鲜活易腐类商品"),
        ("digital-opened", "已下载或拆封的数字商品"),
        ("periodical", "已交付的报纸、期刊"),
        ("confirmed-nonreturnable", "下单时已确认不支持无理由退货的商品"),
    ],
)
def test_legal_exclusions_refuse_even_inside_the_window(category: str, chinese: str) -> None:
    data = check("--signed", "2026-11-01", "--on", "2026-11-02", "--category", category, code=1)
    assert data["rule"].startswith("No no-reason return for")
    assert data["source"] == "law"
    assert data["reply"]["id"] == "return-refused-category"
    assert chinese in data["reply"]["text"]


def test_confirmed_nonreturnable_reminds_to_check_the_confirmation() -> None:
    data = check(
        "--signed", "2026-11-01", "--on", "2026-11-02",
        "--category", "confirmed-nonreturnable", code=1,
    )  # fmt: skip
    assert data["warnings"] == ["check the order shows the buyer confirmed this at purchase"]


@pytest.mark.parametrize("condition", ["new", "tried"])
def test_trying_on_keeps_goods_intact(condition: str) -> None:
    data = check("--signed", "2026-11-01", "--on", "2026-11-05", "--condition", condition, code=0)
    assert f"{condition}: the goods count as intact" in data["reasons"]


@pytest.mark.parametrize(
    ("condition", "chinese"),
    [
        ("worn", "已经穿着使用过"),
        ("washed", "已经洗涤过"),
        ("tags-removed", "吊牌已经剪掉"),
        ("seal-broken", "封口已经拆开"),
        ("activated", "已经激活使用"),
    ],
)
def test_goods_not_intact_are_refused(condition: str, chinese: str) -> None:
    data = check("--signed", "2026-11-01", "--on", "2026-11-05", "--condition", condition, code=1)
    assert data["rule"].startswith("Goods must be intact")
    assert data["reply"]["id"] == "return-refused-condition"
    assert chinese in data["reply"]["text"]


def test_every_refusing_rule_is_listed_the_deciding_one_first() -> None:
    data = check(
        "--signed", "2026-11-01", "--on", "2026-11-20", "--category", "custom",
        "--condition", "washed", code=1,
    )  # fmt: skip
    assert data["rule"] == "No no-reason return for custom-made goods (消费者权益保护法 art. 25)"
    reasons = data["reasons"]
    assert reasons[-2].startswith("also: Goods must be intact")
    assert reasons[-1].startswith("also: No-reason return within 7 days")


def test_a_quality_problem_is_returnable_regardless_of_window_category_and_condition() -> None:
    data = check(
        "--signed", "2026-11-01", "--on", "2027-01-15", "--category", "custom",
        "--condition", "worn", "--quality", code=0,
    )  # fmt: skip
    assert data["last_day"] == "2026-11-08"
    assert data["source"] == "law"
    assert "regardless" in data["rule"]
    assert data["reply"]["id"] == "return-allowed-quality"


def test_damage_from_long_wear_is_not_a_quality_problem() -> None:
    data = check(
        "--signed",
        "2026-11-01",
        "--on",
        "2026-11-03",
        "--condition",
        "long-wear",
        "--quality",
        code=1,
    )
    assert data["reply"]["id"] == "return-refused-long-wear"


def test_a_missing_gift_does_not_block_the_return() -> None:
    data = check("--signed", "2026-11-01", "--on", "2026-11-03", "--gift-missing", code=0)
    assert any("gift" in reason for reason in data["reasons"])


def test_asking_before_signing_is_a_usage_error() -> None:
    assert fails("return-check", "--signed", "2026-11-05", "--on", "2026-11-01") == (
        "error: --on 2026-11-01 is before --signed 2026-11-05: a return is asked after "
        "signing; check the dates"
    )


@pytest.mark.parametrize(
    ("signed", "on"), [("9999-12-31", "9999-12-31"), ("9999-12-25", "9999-12-31")]
)
def test_a_window_past_the_last_date_csr_can_count_is_a_usage_error(signed: str, on: str) -> None:
    assert fails("return-check", "--signed", signed, "--on", on) == (
        f"error: --signed {signed}: its 7-day return window would end after 9999-12-31, the "
        "last date csr can count to; check the date"
    )


def test_the_latest_window_that_fits_the_calendar_still_works() -> None:
    data = check("--signed", "9999-12-24", "--on", "9999-12-31", code=0)
    assert data["last_day"] == "9999-12-31"


@pytest.mark.parametrize(
    ("signed", "last"),
    [
        ("2026-01-31", "2026-02-07"),  # month end
        ("2026-12-28", "2027-01-04"),  # year end
        ("2028-02-25", "2028-03-03"),  # leap year: 29 February counts
        ("2027-02-25", "2027-03-04"),  # common year
        ("2028-02-29", "2028-03-07"),  # signed on a leap day
    ],
)
def test_calendar_ends(signed: str, last: str) -> None:
    assert check("--signed", signed, "--on", last, code=0)["last_day"] == last
    day_after = (date.fromisoformat(last) + timedelta(days=1)).isoformat()
    assert check("--signed", signed, "--on", day_after, code=1)["allowed"] is False


def _check(
    signed: date,
    on: date,
    *,
    category: Category = Category.general,
    conditions: tuple[Condition, ...] = (),
    quality: bool = False,
) -> bool:
    result = check_return(
        signed=signed,
        on=on,
        category=category,
        conditions=conditions,
        quality=quality,
        gift_missing=False,
        policy=POLICY,
    )
    return result.allowed


signed_dates = st.dates(min_value=date(1999, 1, 1), max_value=date(2101, 12, 31))


@given(signed=signed_dates)
def test_the_window_is_exactly_seven_calendar_days_after_signing(signed: date) -> None:
    last = signed + timedelta(days=7)
    assert _check(signed, signed)
    assert _check(signed, last)
    assert not _check(signed, last + timedelta(days=1))
    result = check_return(
        signed=signed,
        on=signed,
        category=Category.general,
        conditions=(),
        quality=False,
        gift_missing=False,
        policy=POLICY,
    )
    assert result.last_day == last
    assert (result.last_day - signed).days == 7


@given(
    signed=signed_dates,
    first=st.integers(min_value=0, max_value=60),
    later=st.integers(min_value=0, max_value=400),
    category=st.sampled_from(list(Category)),
    conditions=st.lists(st.sampled_from(list(Condition)), max_size=3).map(tuple),
    quality=st.booleans(),
)
def test_a_later_day_never_turns_a_refusal_into_an_allowance(
    signed: date,
    first: int,
    later: int,
    category: Category,
    conditions: tuple[Condition, ...],
    quality: bool,
) -> None:
    on = signed + timedelta(days=first)
    if not _check(signed, on, category=category, conditions=conditions, quality=quality):
        later_on = on + timedelta(days=later)
        assert not _check(
            signed, later_on, category=category, conditions=conditions, quality=quality
        )
