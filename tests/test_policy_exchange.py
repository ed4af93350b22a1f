"""`csr exchange`: 多退少补, and who pays postage (policy_rules.md, Exchange)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from policy_helpers import calc, default_policy, fails, write_policy

from csr_cli.policy.exchange import ExchangeReason, exchange_quote


@pytest.mark.parametrize(
    ("args", "buyer_pays", "refund", "reply_id"),
    [
        # the worked examples in policy_rules.md
        (["159", "179", "--shipping", "10"], "30.00", "0.00", "exchange-pay"),
        (["179", "159", "--shipping", "10"], "0.00", "10.00", "exchange-refund"),
        (["159", "179", "--reason", "quality"], "20.00", "0.00", "exchange-pay-quality"),
        # and the rest of the table
        (["179", "159", "--reason", "quality"], "0.00", "20.00", "exchange-refund-quality"),
        (["159", "159", "--reason", "quality"], "0.00", "0.00", "exchange-even"),
        (["169", "159", "--shipping", "10", "--reason", "colour"], "0.00", "0.00", "exchange-even"),
        (["179", "175", "--shipping", "10", "--reason", "changed-mind"], "6.00", "0.00", "exchange-pay"),
        (["159", "159"], "10.00", "0.00", "exchange-pay"),  # the profile's general fee
    ],
)  # fmt: skip
def test_exchanges(args: list[str], buyer_pays: str, refund: str, reply_id: str) -> None:
    data = calc("exchange", *args)
    assert (data["buyer_pays"], data["refund"]) == (buyer_pays, refund)
    assert data["reply"]["id"] == reply_id
    assert data["rule"].startswith("Exchange (多退少补)")
    amount = buyer_pays if buyer_pays != "0.00" else refund
    if amount != "0.00":
        assert f"{Decimal(amount).normalize():f}元" in data["reply"]["text"]


def test_the_working_and_the_default_postage_are_shown() -> None:
    data = calc("exchange", "159", "179")
    assert data["steps"] == [
        "price difference: 179.00 − 159.00 = 20.00",
        "20.00 + 10.00 postage for the new parcel = 30.00",
        "the buyer pays 30.00",
    ]
    assert any("profile's general fee 10.00" in warning for warning in data["warnings"])


def test_the_shops_fee_is_the_default_postage(tmp_path: Path) -> None:
    shop = write_policy(tmp_path / "shop.yaml", "shipping:\n  fee: 12\n")
    assert calc("exchange", "159", "179", "--policy", str(shop))["buyer_pays"] == "32.00"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["abc", "179"], "error: OLD_PRICE is not an amount"),
        (["159", "179", "--reason", "whim"], "error: Invalid value for '--reason'"),
        (["159", "179.999"], "error: NEW_PRICE has more than two decimals"),
    ],
)
def test_bad_input_is_one_clear_line(args: list[str], message: str) -> None:
    assert fails("exchange", *args).startswith(message)


money = st.decimals(min_value=0, max_value=100000, places=2)


@given(old=money, new=money, shipping=money, reason=st.sampled_from(list(ExchangeReason)))
def test_the_settlement_balances(
    old: Decimal, new: Decimal, shipping: Decimal, reason: ExchangeReason
) -> None:
    result = exchange_quote(
        old_price=old,
        new_price=new,
        shipping=shipping,
        reason=reason,
        policy=default_policy().shipping,
    )
    assert min(result.buyer_pays, result.refund) == 0
    postage = 0 if reason is ExchangeReason.quality else shipping
    assert result.buyer_pays - result.refund == new - old + postage
