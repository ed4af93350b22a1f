"""`csr compensate`: caps by reason, offers above the cap, and unconditional goodwill."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from policy_helpers import calc, default_policy, fails, run, write_policy

from csr_cli.phrasebook.schema import layer_files, load_all
from csr_cli.policy.compensate import CompensationReason, compensation_cap

POLICY = default_policy().compensation


@pytest.mark.parametrize(
    ("args", "cap"),
    [
        # the worked examples: 250 -> 25.00; 99.99 -> 9.99; 0.05 -> 0.00
        (["250"], "25.00"),
        (["99.99"], "9.99"),
        (["0.05"], "0.00"),
        (["99.99", "--reason", "missing-gift"], "5.00"),
        (["100", "--reason", "missing-gift"], "10.00"),
        (["99.99", "--reason", "keep-damaged"], "49.99"),
        (["88", "--reason", "minor-defect", "--shipping", "8"], "8.00"),
    ],
)
def test_caps(args: list[str], cap: str) -> None:
    assert calc("compensate", *args)["cap"] == cap


def test_rounding_down_is_shown_in_the_working() -> None:
    data = calc("compensate", "99.99")
    assert data["steps"] == [
        "99.99 × 10% = 9.999 → 9.99 (caps round down to the fen)",
        "first offer: 9.99 × 50% → 4.00 (the cap 9.99 is the most; start below it)",
    ]


@pytest.mark.parametrize(
    ("args", "cap", "first"),
    [
        (["250"], "25.00", "12.00"),
        (["88", "--reason", "minor-defect", "--shipping", "8"], "8.00", "4.00"),
        (["99.99", "--reason", "keep-damaged"], "49.99", "24.00"),
        (["15"], "1.50", "0.75"),
        (["99.99", "--reason", "missing-gift"], "5.00", "5.00"),  # a set amount, not a cap
    ],
)
def test_the_draft_offers_part_of_the_cap_first(args: list[str], cap: str, first: str) -> None:
    data = calc("compensate", *args)
    assert (data["cap"], data["first_offer"]) == (cap, first)
    amount = first.removesuffix(".00")
    assert f"{amount}元" in data["reply"]["text"]
    if first != cap:
        assert f"{cap.removesuffix('.00')}元" not in data["reply"]["text"]


def test_the_shops_first_offer_rate(tmp_path: Path) -> None:
    shop = write_policy(tmp_path / "shop.yaml", "compensation:\n  first_offer_rate: 0.8\n")
    data = calc("compensate", "250", "--policy", str(shop))
    assert (data["cap"], data["first_offer"]) == ("25.00", "20.00")


def test_an_explicit_offer_is_drafted_as_given() -> None:
    data = calc("compensate", "250", "--offer", "18")
    assert (data["offer"], data["within_cap"]) == ("18.00", True)
    assert "18元" in data["reply"]["text"]
    assert data["reason"] == "goodwill"
    assert data["source"] == "shop rule"


def test_an_offer_above_the_cap_needs_approval_and_is_never_lowered() -> None:
    data = calc("compensate", "250", "--offer", "30")
    assert (data["cap"], data["offer"], data["within_cap"]) == ("25.00", "30.00", False)
    assert data["steps"][-1] == "offer 30.00 > cap 25.00: needs a supervisor's approval"
    assert data["reply"]["id"] == "compensation-needs-approval"
    assert "30元" in data["reply"]["text"]
    result = run("compensate", "250", "--offer", "30", "--no-copy")
    assert result.stdout.splitlines()[0] == (
        "cap: 25.00 (goodwill); offer 30.00 needs a supervisor's approval"
    )
    assert "warning: 30.00 is above the 25.00 cap: ask a supervisor" in result.stderr


def test_an_offer_within_the_cap_is_the_amount_in_the_reply() -> None:
    data = calc("compensate", "250", "--offer", "20")
    assert data["within_cap"] is True
    assert data["reply"]["id"] == "compensation-offer"
    assert "20元" in data["reply"]["text"]
    assert calc("compensate", "250")["within_cap"] is None


def test_goodwill_is_unconditional_in_the_output_and_the_reply() -> None:
    data = calc("compensate", "250")
    assert data["unconditional"] is True
    assert any("unconditional" in warning for warning in data["warnings"])
    result = run("compensate", "250", "--no-copy")
    assert "warning: the payment is unconditional" in result.stderr
    assert "never conditional on the review" in result.stdout


def test_every_goodwill_variant_says_the_payment_is_unconditional() -> None:
    entry = next(e for e in load_all(layer_files()) if e.id == "compensation-offer")
    for text in entry.variants:
        assert re.search(r"没有任何附加条件|没有任何关系|都不受影响", text), text
        assert not re.search(r"修改评价|删除评价|改评|删评|追评|好评", text), text


def test_a_zero_cap_asks_a_supervisor_instead_of_offering_nothing() -> None:
    data = calc("compensate", "0.05")
    assert data["reply"]["id"] == "compensation-ask-supervisor"
    assert "0元" not in data["reply"]["text"]


def test_a_zero_cap_warns_that_any_payment_needs_a_supervisor() -> None:
    result = run("compensate", "100", "--reason", "minor-defect", "--shipping", "0", "--no-copy")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "cap: 0.00 (minor-defect)"
    assert result.stderr == (
        "warning: the cap is 0.00: any payment needs a supervisor's approval\n"
        "warning: record the payout: problem, amount, handler and time\n"
    )
    assert "reply (compensation-ask-supervisor, variant" in result.stdout


def test_an_offer_within_a_nonzero_cap_never_claims_it_needs_a_supervisor() -> None:
    data = calc("compensate", "100", "--offer", "0.01")
    assert (data["cap"], data["offer"], data["within_cap"]) == ("10.00", "0.01", True)
    assert data["reply"]["id"] == "compensation-offer"
    assert not any("supervisor" in warning for warning in data["warnings"])


@pytest.mark.parametrize("offer", ["0", "0.00", "¥0"])
def test_an_offer_of_nothing_is_a_usage_error(offer: str) -> None:
    assert fails("compensate", "100", "--offer", offer) == (
        "error: --offer 0.00 pays nothing; leave it out to see the cap"
    )


def test_a_minor_defect_shipping_fee_above_the_price_is_a_usage_error() -> None:
    assert fails("compensate", "100", "--reason", "minor-defect", "--shipping", "200") == (
        "error: --shipping (200.00) is more than PRICE (100.00): the cap would pay more than "
        "the item is worth; check both amounts, or offer a return instead"
    )
    data = calc("compensate", "100", "--reason", "minor-defect", "--shipping", "100")
    assert data["cap"] == "100.00"


def test_minor_defect_needs_the_shipping_fee_and_other_reasons_refuse_it() -> None:
    assert fails("compensate", "88", "--reason", "minor-defect").startswith(
        "error: --reason minor-defect needs --shipping"
    )
    assert fails("compensate", "88", "--shipping", "8").startswith(
        "error: --shipping applies only to --reason minor-defect"
    )


def test_damaged_item_asks_for_photos_first() -> None:
    data = calc("compensate", "300", "--reason", "keep-damaged")
    assert data["cap"] == "150.00"
    assert any("photos" in warning for warning in data["warnings"])


@given(
    fen=st.integers(min_value=0, max_value=10**10),
    reason=st.sampled_from([CompensationReason.goodwill, CompensationReason.keep_damaged]),
)
def test_a_cap_is_never_above_its_rate_and_within_a_fen_of_it(
    fen: int, reason: CompensationReason
) -> None:
    price = Decimal(fen) / 100
    rate = (
        POLICY.goodwill_rate if reason is CompensationReason.goodwill else POLICY.keep_damaged_rate
    )
    cap = compensation_cap(price=price, reason=reason, shipping=None, offer=None, policy=POLICY).cap
    assert cap <= price * rate
    assert price * rate - cap < Decimal("0.01")
    assert cap == cap.quantize(Decimal("0.01"))
