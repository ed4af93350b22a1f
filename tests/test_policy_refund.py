"""`csr refund`: every worked example in policy_rules.md, the working, the rule and the reply."""

from __future__ import annotations

from decimal import Decimal

import pytest
from conftest import RecordingClipboard
from hypothesis import given
from hypothesis import strategies as st
from policy_helpers import calc, default_policy, fails, run, write_policy

from csr_cli import paths
from csr_cli.policy.refund import NO_REASON, PartialReturn, RefundReason, refund_due

POLICY = default_policy()


@pytest.mark.parametrize(
    ("args", "refund", "reply_id"),
    [
        # 190 paid incl. 10 shipping, no reason -> 180.00
        (["190", "--shipping", "10"], "180.00", "refund-explain-no-reason"),
        (["190", "--shipping", "10", "--reason", "size"], "180.00", "refund-explain-no-reason"),
        # quality problem, 190 paid, return shipping 12 prepaid -> 202.00
        (
            ["190", "--reason", "quality", "--return-shipping", "12"],
            "202.00",
            "refund-explain-quality",
        ),
        (
            ["190", "--shipping", "10", "--reason", "wrong-item", "--return-shipping", "12"],
            "202.00",
            "refund-explain-quality",
        ),
        (["190", "--reason", "defect"], "190.00", "refund-explain-quality-prepay"),
        # not shipped, 190 paid -> 190.00
        (["190", "--reason", "not-shipped"], "190.00", "refund-explain-not-shipped"),
        (
            ["190", "--shipping", "10", "--reason", "not-shipped"],
            "190.00",
            "refund-explain-not-shipped",
        ),
        (["190", "--reason", "transit-damage"], "190.00", "refund-explain-transit-damage"),
        (["190", "--reason", "refused-delivery"], "190.00", "refund-explain-transit-damage"),
        # free-shipping item, no-reason return: S is 0 -> PAID
        (["190", "--shipping", "0"], "190.00", "refund-explain-full"),
        (["190"], "190.00", "refund-explain-full"),
    ],
)
def test_worked_examples(args: list[str], refund: str, reply_id: str) -> None:
    data = calc("refund", *args)
    assert data["refund"] == refund
    assert data["reply"]["id"] == reply_id


def test_json_keys_and_amounts_as_two_decimal_strings() -> None:
    data = calc("refund", "190", "--shipping", "10")
    assert data == {
        "refund": "180.00",
        "paid": "190.00",
        "shipping": "10.00",
        "return_shipping": "0.00",
        "reason": "no-reason",
        "rule": "No-reason return (colour, size, changed mind): the buyer bears the outbound "
        "shipping already spent and the return shipping; the refund is due within 7 days of "
        "the shop receiving the return",
        "source": "shop rule",
        "steps": ["190.00 paid − 10.00 outbound shipping = 180.00"],
        "warnings": [],
        "reply": data["reply"],
    }
    assert data["reply"]["text"] == (
        "亲，给您算一下：您实付190元，其中10元是发货时已经产生的运费，这次是非质量原因退货，"
        "所以可退180元，退回的运费也需要您承担，还请理解。"
    )


def test_terminal_output_shows_working_rule_and_reply_and_copies_it(
    clip: RecordingClipboard,
) -> None:
    result = run("refund", "190", "--shipping", "10")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "refund: 180.00 (no-reason)"
    assert lines[1] == "  190.00 paid − 10.00 outbound shipping = 180.00"
    assert lines[2].startswith("rule [shop rule]: No-reason return")
    assert lines[3] == "reply (refund-explain-no-reason, variant 1 of 3):"
    assert "180元" in lines[4] and "10元" in lines[4] and "190元" in lines[4]
    assert clip.copies == [lines[4]]
    assert result.stderr == "✓ copied to the clipboard\n"


def test_quality_refund_cites_the_law_and_the_courier_rules() -> None:
    data = calc("refund", "190", "--reason", "quality", "--return-shipping", "12")
    assert data["steps"] == ["190.00 paid + 12.00 return shipping (reimbursed) = 202.00"]
    assert data["source"] == "law"
    assert "到付" in data["rule"] and "平邮" in data["rule"]
    assert "202元" in data["reply"]["text"] and "12元" in data["reply"]["text"]


def test_missing_shipping_or_postage_is_warned_about() -> None:
    result = run("refund", "190", "--no-copy")
    assert "warning: no --shipping given: treated as a free-shipping order" in result.stderr
    prepay = calc("refund", "190", "--reason", "quality")
    assert prepay["warnings"][0].startswith("no --return-shipping given")


def test_in_transit_is_declined_with_a_reason() -> None:
    data = calc("refund", "190", "--shipping", "10", "--reason", "in-transit")
    assert data["refund"] is None
    assert data["reply"]["id"] == "refund-declined-in-transit"
    text = data["reply"]["text"]
    assert "抱歉" in text and "因为" in text
    assert run("refund", "190", "--reason", "in-transit", "--no-copy").stdout.startswith(
        "refund: declined for now\n"
    )


def test_partial_return_loses_the_spend_threshold_discount() -> None:
    # A 120 + B 80, 30 off over 200, paid 170; return B -> 50.00
    data = calc(
        "refund", "170", "--items", "120,80", "--returning", "80",
        "--discount", "30", "--discount-threshold", "200",
    )  # fmt: skip
    assert data["refund"] == "50.00"
    assert data["steps"] == [
        "order: 120.00 + 80.00 = 200.00, ≥ 200.00 → 30.00 off → 170.00 paid",
        "kept: 120.00, < 200.00 → the 30.00 discount no longer applies → kept items cost 120.00",
        "refund: 170.00 paid − 120.00 kept = 50.00",
    ]
    assert data["reply"]["id"] == "refund-explain-partial"
    assert "50元" in data["reply"]["text"]


def test_partial_return_below_free_shipping_deducts_the_shipping() -> None:
    # A 60 + B 50, free over 99, shipping 10; return B -> 40.00
    data = calc(
        "refund", "110", "--items", "60,50", "--returning", "50",
        "--shipping", "10", "--free-shipping-threshold", "99",
    )  # fmt: skip
    assert data["refund"] == "40.00"
    assert data["steps"] == [
        "order: 60.00 + 50.00 = 110.00, ≥ 99.00 → shipping 10.00 waived → 110.00 paid",
        "kept: 60.00, < 99.00 → shipping 10.00 is due → kept items cost 70.00",
        "refund: 110.00 paid − 70.00 kept = 40.00",
    ]


def test_partial_return_uses_the_policy_free_shipping_threshold_by_default() -> None:
    # 98 is the default threshold: 60 + 50 ships free, 60 alone does not.
    data = calc("refund", "110", "--items", "60,50", "--returning", "50", "--shipping", "10")
    assert data["refund"] == "40.00"


def test_partial_return_keeping_enough_keeps_the_discount() -> None:
    data = calc(
        "refund", "270", "--items", "200,100", "--returning", "100",
        "--discount", "30", "--discount-threshold", "200",
    )  # fmt: skip
    assert data["refund"] == "100.00"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["10", "--shipping", "20"], "error: --shipping (20.00) is more than PAID (10.00)"),
        (["190", "--return-shipping", "12"], "error: --return-shipping applies only to quality"),
        (["170", "--items", "120,80"], "error: a partial return needs --items"),
        (["170", "--discount", "30"], "error: a partial return needs --items"),
        (
            ["175", "--items", "120,80", "--returning", "80", "--discount", "30",
             "--discount-threshold", "200"],
            "error: PAID 175.00 does not match the order",
        ),
        (["200", "--items", "120,80", "--returning", "70"], "error: --returning 70.00 is not one"),
        (
            ["200", "--items", "120,80", "--returning", "80", "--discount", "30"],
            "error: --discount and --discount-threshold go together",
        ),
        (
            ["200", "--items", "120,80", "--returning", "80", "--reason", "quality"],
            "error: --items/--returning work out partial no-reason returns",
        ),
        (["190", "--shipping", "10", "--set", "refund=200"], "error: --set refund=… would contradict"),
    ],
)  # fmt: skip
def test_refund_usage_errors(args: list[str], message: str) -> None:
    assert fails("refund", *args).startswith(message)


def test_a_generous_shop_refunds_outbound_shipping() -> None:
    write_policy(paths.personal_policy(), "refund:\n  deduct_outbound_shipping: false\n")
    data = calc("refund", "190", "--shipping", "10")
    assert data["refund"] == "190.00"
    assert data["reply"]["id"] == "refund-explain-full"


amounts = st.integers(min_value=0, max_value=10**8).map(lambda fen: Decimal(fen) / 100)


@given(paid=amounts.filter(bool), shipping=amounts, reason=st.sampled_from(sorted(NO_REASON)))
def test_a_no_reason_refund_is_never_negative_nor_more_than_paid(
    paid: Decimal, shipping: Decimal, reason: RefundReason
) -> None:
    result = refund_due(
        paid=paid, shipping=min(shipping, paid), reason=reason, return_shipping=None, policy=POLICY
    )
    assert result.refund is not None
    assert Decimal(0) <= result.refund <= paid


@given(
    items=st.lists(st.integers(min_value=1, max_value=50_000), min_size=1, max_size=6),
    returned=st.lists(st.booleans(), min_size=6, max_size=6),
    discount=st.one_of(st.none(), st.integers(min_value=1, max_value=5_000)),
    shipping=st.integers(min_value=0, max_value=3_000),
    free_over=st.one_of(st.none(), st.integers(min_value=1, max_value=100_000)),
)
def test_a_partial_no_reason_refund_stays_between_zero_and_paid(
    items: list[int],
    returned: list[bool],
    discount: int | None,
    shipping: int,
    free_over: int | None,
) -> None:
    prices = tuple(Decimal(fen) / 100 for fen in items)
    returning = (
        tuple(price for price, back in zip(prices, returned[: len(prices)], strict=True) if back)
        or prices[:1]
    )
    total = sum(prices, Decimal(0))
    cut = Decimal(discount) / 100 if discount is not None else None
    threshold = cut * 3 if cut is not None else None  # 满(3×D)减D
    won = cut if cut is not None and threshold is not None and total >= threshold else None
    free = Decimal(free_over) / 100 if free_over is not None else None
    fee = Decimal(shipping) / 100
    charged = fee if free is None or total < free else Decimal(0)
    order = PartialReturn(
        items=prices,
        returning=returning,
        discount=won,
        discount_threshold=threshold if won is not None else None,
        free_shipping_threshold=free,
    )
    paid = total - (won or 0) + charged
    result = refund_due(
        paid=paid,
        shipping=fee,
        reason=RefundReason.no_reason,
        return_shipping=None,
        policy=POLICY,
        partial=order,
    )
    assert result.refund is not None
    assert Decimal(0) <= result.refund <= paid


def test_rich_output_on_a_terminal_has_the_same_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    from csr_cli.commands import _calculator

    monkeypatch.setattr(_calculator, "use_rich", lambda: True)
    result = run("refund", "190", "--no-copy")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[:2] == [
        "refund: 190.00 (no-reason)",
        "  190.00 paid, nothing deducted (free-shipping order) = 190.00",
    ]
    assert lines[-1].startswith("亲，您这单可以全额退款190元")
    assert "warning: no --shipping given" in result.stderr


def test_nothing_paid_is_nothing_to_refund() -> None:
    assert fails("refund", "0") == (
        "error: PAID is 0.00: the buyer paid nothing, so there is nothing to refund; check the amount"
    )
