"""Every bundled reply states only the shop's facts: rendered with a shop profile that changes
courier, fees, threshold, ship-by time and holidays, each variant of each entry says the shop's
values and nothing else; rendered with the default profile, each passes `csr lint`."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from csr_cli.dates import fmt_chat_date
from csr_cli.lint.checker import lint_text
from csr_cli.phrasebook.placeholders import PRODUCT_PLACEHOLDERS, PROFILE_PLACEHOLDERS, names_in
from csr_cli.phrasebook.schema import Entry, layer_files, load_all
from csr_cli.policy.model import load_policy
from csr_cli.policy.profile import profile_values
from csr_cli.replies import draft_reply

SHOP = """\
shop:
  name: 小满家
  service_hours: "8:30-22:30"
  ship_by: "17:00"
  dispatch_days: 3
holidays:
  - name: 春节
    closed_from: 2027-02-05
    closed_to: 2027-02-12
    last_dispatch: 2027-02-04
    resume_day: 2027-02-13
refund:
  due_within_days: 5
returns:
  window_days: 15
shipping:
  courier: 韵达快递
  fee: 12
  days: 3-6
  zones:
    - name: 珠三角
      regions: [广东]
      fee: 6
      days: "1-3"
  ems:
    fee: 25
    days: 4-8
  free_threshold: 128
  remote_regions: [西藏, 新疆]
"""
COURIERS = re.compile(r"顺丰|中通|圆通|申通|韵达|极兔|百世|邮政|京东|德邦")
TODAY = date(2027, 1, 20)


def bundled() -> list[Entry]:
    return [entry for entry in load_all(layer_files()) if entry.layer == "bundled"]


VARIANTS = [
    pytest.param(entry, number, id=f"{entry.id}-{number}")
    for entry in bundled()
    for number in range(1, len(entry.variants) + 1)
]


def agent_values(entry: Entry, number: int) -> dict[str, str]:
    """A value without digits or couriers for everything the agent or a calculator gives, so
    any fact left in the reply came from the profile."""
    names = names_in(entry.variants[number - 1])
    return {
        name: f"〔{name}〕"
        for name in names
        if name not in PROFILE_PLACEHOLDERS and name not in PRODUCT_PLACEHOLDERS
    }


@pytest.fixture
def shop_policy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    path = tmp_path / "shop.yaml"
    path.write_text(SHOP, encoding="utf-8")
    monkeypatch.setattr("csr_cli.dates.today", lambda: TODAY)
    return load_policy(path)


@pytest.mark.parametrize(("entry", "number"), VARIANTS)
def test_every_variant_states_the_shops_own_facts(entry: Entry, number: int, shop_policy) -> None:  # type: ignore[no-untyped-def]
    values = {**agent_values(entry, number), "material": "〔material〕", "care": "〔care〕"}
    values.update({"product": "〔product〕", "sizes": "〔sizes〕", "size_chart": "〔size_chart〕"})
    product_given = {k: v for k, v in values.items() if k in names_in(entry.variants[number - 1])}
    reply = draft_reply(
        entry, variant=number, given=product_given, policy=shop_policy, remember=False, config={}
    )
    allowed = profile_values(shop_policy, today=TODAY)
    stated = {number for value in allowed.values() for number in re.findall(r"[0-9]+", value)}
    assert set(re.findall(r"[0-9]+", reply.text)) <= stated, reply.text
    assert set(COURIERS.findall(reply.text)) <= {"韵达"}, reply.text
    for name in names_in(entry.variants[number - 1]):
        if name in allowed:
            assert allowed[name] in reply.text


def test_the_shop_profile_renders_its_holiday_and_rates(shop_policy) -> None:  # type: ignore[no-untyped-def]
    values = profile_values(shop_policy, today=TODAY)
    assert values["shipping_rates"] == "珠三角6元，其他地区12元"
    assert values["delivery_times"] == "珠三角1-3天，其他地区3-6天"
    assert values["closed_from"] == fmt_chat_date(date(2027, 2, 5)) == "2027年2月5日"
    assert (values["threshold"], values["ems_fee"], values["ship_by"]) == ("128", "25", "17:00")
    assert (values["return_days"], values["refund_days"], values["remote_regions"]) == (
        "15",
        "5",
        "西藏、新疆",
    )


@pytest.mark.parametrize(("entry", "number"), VARIANTS)
def test_every_variant_rendered_with_the_default_profile_passes_lint(
    entry: Entry, number: int
) -> None:
    values = {**agent_values(entry, number)}
    values.update(
        {
            name: f"〔{name}〕"
            for name in PRODUCT_PLACEHOLDERS & set(names_in(entry.variants[number - 1]))
        }
    )
    profile = profile_values(load_policy(), today=TODAY)
    missing = {
        name: f"〔{name}〕"
        for name in names_in(entry.variants[number - 1])
        if name in PROFILE_PLACEHOLDERS and name not in profile
    }
    reply = draft_reply(
        entry, variant=number, given={**values, **missing}, remember=False, config={}
    )
    assert [(p.code, p.text) for p in lint_text(reply.text)] == []
