"""`csr` never hands out a bundled reply that breaks its own lint rules: every variant of every
bundled entry, drafted as `csr reply` drafts it (the default policy, the entry's defaults, a
shop's typical values for the rest), passes `csr lint` with the entry's own context."""

from __future__ import annotations

import pytest

from csr_cli.lint.checker import lint_text, shop_data
from csr_cli.lint.rules import load_rules
from csr_cli.phrasebook.schema import Entry, layer_files, load_all
from csr_cli.policy.model import default_policy_file, load_policy
from csr_cli.replies import Needed, draft_reply

# What a shop would fill in for placeholders that have no default (a calculator computes the
# amounts). The return address and phone are the shop's own, allowed as `csr reply` allows them.
SAMPLES = {
    "shop": "小美家",
    "agent": "小美",
    "colleague": "小雪",
    "amount": "20",
    "price": "129",
    "refund": "180",
    "shipping": "10",
    "threshold": "98",
    "courier": "圆通",
    "days": "3",
    "time": "今天下午5点前",
    "size": "M码",
    "gift": "发圈",
    "discount": "10",
    "return_address": "浙江省杭州市余杭区文一西路1号",
    "return_receiver": "王女士",
    "return_phone": "13800138000",
    "item": "这款卫衣",
    "material": "棉95%、氨纶5%",
    "ems_fee": "20",
    "paid": "190",
    "return_shipping": "12",
    "kept": "99",
    "last_day": "12月8日",
    "category": "定制商品",
    "condition": "已经洗过",
    "region": "新疆",
}
SHOP_DATA = shop_data(SAMPLES.values())
DEFAULT_POLICY = load_policy(default_policy_file())  # the bundled defaults, nothing of the user's

BUNDLED = load_all([f for f in layer_files() if f.layer == "bundled"])
VARIANTS = [
    pytest.param(entry, number, id=f"{entry.id}-v{number}")
    for entry in BUNDLED
    for number in range(1, len(entry.variants) + 1)
]


def sample(needed: Needed) -> str:
    return needed.default if needed.default is not None else SAMPLES.get(needed.name, "样品")


@pytest.mark.parametrize(("entry", "number"), VARIANTS)
def test_every_bundled_variant_drafted_passes_lint(entry: Entry, number: int) -> None:
    reply = draft_reply(
        entry, variant=number, policy=DEFAULT_POLICY, config={}, ask=sample, remember=False
    )
    rules = load_rules()
    problems = lint_text(
        reply.text, rules, allow=SHOP_DATA, opening=rules.opens_conversation(entry.tags)
    )
    assert [problem.describe() for problem in problems] == [], reply.text


def test_greeting_entries_are_linted_as_openings() -> None:
    rules = load_rules()
    openings = {entry.id for entry in BUNDLED if rules.opens_conversation(entry.tags)}
    assert {"greet", "greet-return", "aftersale-greet", "busy", "away"} <= openings
    assert "shipping-fee" not in openings
