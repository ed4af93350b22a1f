"""Money and date parsing for the calculators: what agents type, and what is refused."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from policy_helpers import calc, fails

from csr_cli.dates import parse_date
from csr_cli.errors import UsageError
from csr_cli.money import fmt, fmt_chat, parse_amount, parse_amounts, round_down, round_half_up


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("190", "190.00"),
        ("190.5", "190.50"),
        ("¥190", "190.00"),
        ("￥190.00", "190.00"),
        ("190元", "190.00"),
        (" ¥ 12.3 元 ", "12.30"),
        ("１９０", "190.00"),  # full-width digits from a Chinese IME
        ("0", "0.00"),
        ("9.99", "9.99"),
        ("+5", "5.00"),
    ],
)
def test_amounts_agents_type_are_accepted(text: str, expected: str) -> None:
    assert fmt(parse_amount(text, "PAID")) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "--offer needs an amount in yuan, e.g. 190, 190.5, ¥190 or 190元"),
        ("abc", "--offer is not an amount (got 'abc'); use e.g. 190, 190.5, ¥190 or 190元"),
        ("NaN", "--offer is not an amount (got 'NaN'); use e.g. 190, 190.5, ¥190 or 190元"),
        ("inf", "--offer is not an amount (got 'inf'); use e.g. 190, 190.5, ¥190 or 190元"),
        ("1e5", "--offer is not an amount (got '1e5'); use e.g. 190, 190.5, ¥190 or 190元"),
        ("¥", "--offer is not an amount (got '¥'); use e.g. 190, 190.5, ¥190 or 190元"),
        ("1.2.3", "--offer is not an amount (got '1.2.3'); use e.g. 190, 190.5, ¥190 or 190元"),
        ("-5", "--offer must not be negative (got '-5')"),
        (
            "1.234",
            "--offer has more than two decimals (got '1.234'); amounts are yuan and fen, e.g. 9.99",
        ),
    ],
)
def test_bad_amounts_are_usage_errors_naming_the_option(text: str, message: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_amount(text, "--offer")
    assert str(caught.value) == message
    assert caught.value.exit_code == 2


def test_amount_lists_take_ascii_and_chinese_commas() -> None:
    assert parse_amounts("120,80", "--items") == [Decimal("120.00"), Decimal("80.00")]
    assert parse_amounts("120，80、9.9", "--items") == [Decimal(120), Decimal(80), Decimal("9.9")]
    with pytest.raises(UsageError, match="--items needs a comma-separated list"):
        parse_amounts(" ", "--items")


def test_rounding_caps_down_and_everything_else_half_up() -> None:
    assert round_down(Decimal("9.999")) == Decimal("9.99")
    assert round_half_up(Decimal("9.995")) == Decimal("10.00")
    assert round_half_up(Decimal("0.005")) == Decimal("0.01")
    assert fmt_chat(Decimal("180.00")) == "180"
    assert fmt_chat(Decimal("9.9")) == "9.90"


@given(
    fen=st.integers(min_value=0, max_value=10**11),
    style=st.sampled_from(["{}", "¥{}", "￥{}", "{}元", " {} "]),
)
def test_every_two_decimal_amount_round_trips(fen: int, style: str) -> None:
    amount = Decimal(fen) / 100
    assert parse_amount(style.format(fmt(amount)), "PAID") == amount


@pytest.mark.parametrize(
    "text", ["2026-11-01", "2026/11/01", "2026.11.1", "2026年11月1日", "2026-11-01 23:59"]
)
def test_dates_in_the_usual_spellings(text: str) -> None:
    assert parse_date(text, "--signed") == date(2026, 11, 1)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("yesterday", "--signed is not a date (got 'yesterday'); use YYYY-MM-DD, e.g. 2026-11-01"),
        (
            "2026-13-01",
            "--signed is not a calendar date (got '2026-13-01': month must be in 1..12)",
        ),
        (
            "2027-02-29",
            "--signed is not a calendar date (got '2027-02-29': day is out of range for month)",
        ),
    ],
)
def test_bad_dates_are_usage_errors(text: str, message: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_date(text, "--signed")
    assert str(caught.value) == message


def test_leap_day_is_a_date() -> None:
    assert parse_date("2028-02-29", "--signed") == date(2028, 2, 29)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["refund", "abc"], "error: PAID is not an amount (got 'abc')"),
        (["refund", "190", "--shipping", "1.005"], "error: --shipping has more than two decimals"),
        (["refund", "190", "--shipping", "-5"], "error: --shipping must not be negative"),
        (["refund", "190", "--reason", "bored"], "error: Invalid value for '--reason'"),
        (["compensate", "NaN"], "error: PRICE is not an amount (got 'NaN')"),
        (["compensate", "250", "--offer", ""], "error: --offer needs an amount in yuan"),
        (["compensate", "250", "--reason", "rude"], "error: Invalid value for '--reason'"),
        (["return-check", "--signed", "11/01"], "error: --signed is not a date (got '11/01')"),
        (["return-check", "--signed", "2026-11-01", "--on", "2026-02-30"], "error: --on is not a"),
        (["return-check", "--signed", "2026-11-01", "--category", "toys"], "error: Invalid value"),
        (["return-check", "--signed", "2026-11-01", "--condition", "used"], "error: Invalid value"),
        (["return-check"], "error: Missing option '--signed'"),
        (["shipping", "--to", "火星"], "error: unknown region '火星'"),
        (["shipping", "--to", "浙江", "--amount", "¥"], "error: --amount is not an amount"),
        (["shipping", "--to", "浙江", "--courier", "sf"], "error: Invalid value for '--courier'"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args: list[str], message: str) -> None:
    assert fails(*args).startswith(message)


def test_symbols_and_units_work_through_the_cli() -> None:
    assert calc("refund", "￥190.00", "--shipping", "10元")["refund"] == "180.00"
    assert calc("compensate", "¥250")["cap"] == "25.00"


@pytest.mark.parametrize("text", ["1000000000000000000000000000000", "12345678901"])
def test_amounts_beyond_any_order_are_refused(text: str) -> None:
    with pytest.raises(UsageError, match=r"PAID is too large"):
        parse_amount(text, "PAID")
    assert parse_amount("9999999999.99", "PAID") == Decimal("9999999999.99")
