"""The policy file: bundled defaults, a shop's override, strict validation, the legal floor."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from policy_helpers import calc, default_policy, fails, run, write_policy

from csr_cli import paths
from csr_cli.policy import model
from csr_cli.policy.model import default_policy_file, load_policy


def test_the_defaults_are_the_numbers_in_policy_rules() -> None:
    policy = default_policy()
    assert policy.warnings == ()
    assert policy.refund.deduct_outbound_shipping is True
    assert policy.refund.due_within_days == 7
    compensation = policy.compensation
    assert compensation.goodwill_rate == Decimal("0.10")
    assert compensation.keep_damaged_rate == Decimal("0.50")
    assert (compensation.gift_price_below, compensation.gift_small, compensation.gift_large) == (
        Decimal(100),
        Decimal(5),
        Decimal(10),
    )
    returns = policy.returns
    assert returns.window_days == 7
    assert returns.excluded_categories == {
        "custom",
        "perishable",
        "digital-opened",
        "periodical",
        "confirmed-nonreturnable",
    }
    assert returns.not_intact_conditions == {
        "worn",
        "washed",
        "tags-removed",
        "seal-broken",
        "activated",
        "long-wear",
    }
    shipping = policy.shipping
    assert (shipping.fee, shipping.ems_fee, shipping.free_threshold) == (10, 20, 98)
    assert shipping.ems_days == "2-5"
    [zone] = shipping.zones
    assert (zone.name, zone.regions, zone.fee) == ("江浙沪", ("江苏", "浙江", "上海"), 5)
    assert shipping.remote_regions == ("新疆", "西藏", "青海", "内蒙古", "宁夏", "甘肃")
    assert shipping.free_to_remote is False  # the handbook: remote regions top up EMS
    assert policy.compensation.first_offer_rate == Decimal("0.5")
    assert (policy.shop.name, policy.shop.dispatch_days, policy.holidays) == (None, 2, ())


def test_the_default_file_says_the_remote_list_is_only_a_default() -> None:
    text = default_policy_file().read_text(encoding="utf-8")
    comment = text[text.index("# Regions the general courier") : text.index("remote_regions:")]
    assert "This list is a default" in comment


SHOP = "shipping:\n  free_threshold: {}\n"


def threshold(*args: str, env: dict[str, str] | None = None) -> str:
    data = calc("shipping", "--to", "广东", "--amount", "150", *args, env=env)
    return "free" if data["free"] else "not free"


def test_policy_option_env_and_config_dir_override_in_that_order(tmp_path: Path) -> None:
    assert threshold() == "free"
    write_policy(paths.personal_policy(), SHOP.format(160))
    assert threshold() == "not free"
    env_file = write_policy(tmp_path / "env.yaml", SHOP.format(100))
    assert threshold(env={"CSR_POLICY": str(env_file)}) == "free"
    option_file = write_policy(tmp_path / "option.yaml", SHOP.format(200))
    assert threshold("--policy", str(option_file), env={"CSR_POLICY": str(env_file)}) == "not free"


def test_a_shop_file_overrides_only_what_it_names(tmp_path: Path) -> None:
    shop = write_policy(tmp_path / "shop.yaml", "compensation:\n  goodwill_rate: 0.2\n")
    assert calc("compensate", "250", "--policy", str(shop))["cap"] == "50.00"
    assert calc("compensate", "250", "--reason", "keep-damaged", "--policy", str(shop))["cap"] == (
        "125.00"
    )


STRICT = """\
returns:
  window_days: 5
  excluded_categories: [general, custom]
  not_intact_conditions: [tried, worn]
refund:
  due_within_days: 10
"""


def test_a_stricter_shop_file_is_refused_with_a_warning_and_the_law_applies(
    tmp_path: Path,
) -> None:
    shop = write_policy(tmp_path / "strict.yaml", STRICT)
    result = run(
        "return-check", "--signed", "2026-11-01", "--on", "2026-11-08",
        "--condition", "tried", "--policy", str(shop), "--no-copy",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning: ")]
    assert warnings == [
        f"warning: {shop}: refund.due_within_days: 10 days is later than the law allows (the "
        "refund is due within 7 days of receiving the return, 消费者权益保护法 art. 25); using 7",
        f"warning: {shop}: returns.window_days: 5 days is shorter than the legal 7-day "
        "no-reason return (消费者权益保护法 art. 25); using 7",
        f"warning: {shop}: returns.excluded_categories: 'general' goods may not be excluded "
        "from no-reason returns (the law allows only custom, perishable, digital-opened, "
        "periodical and confirmed-nonreturnable goods); ignoring it",
        f"warning: {shop}: returns.not_intact_conditions: 'tried' goods are intact (trying on "
        "or inspecting is normal, 2017 measures on no-reason returns); ignoring it",
    ]
    assert result.stdout.startswith("allowed: yes (last day for a no-reason return 2026-11-08)")
    # The shop's own stricter-than-default but legal choice (custom excluded) still applies.
    calc(
        "return-check", "--signed", "2026-11-01", "--on", "2026-11-02",
        "--category", "custom", "--policy", str(shop), code=1,
    )  # fmt: skip
    data = calc("refund", "190", "--shipping", "10", "--policy", str(shop))
    assert "within 7 days" in data["rule"]
    assert len(data["warnings"]) == 4


def test_a_more_generous_shop_file_is_honoured(tmp_path: Path) -> None:
    shop = write_policy(
        tmp_path / "generous.yaml",
        "returns:\n  window_days: 15\n  excluded_categories: [perishable]\n",
    )
    data = calc(
        "return-check", "--signed", "2026-11-01", "--on", "2026-11-16",
        "--category", "custom", "--policy", str(shop),
    )  # fmt: skip
    assert (data["allowed"], data["last_day"], data["source"]) == (True, "2026-11-16", "shop rule")
    assert data["warnings"] == []
    assert "custom: the law would allow excluding custom-made goods" in data["reasons"][-1]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("returns:\n  windw_days: 5\n", "unknown key 'returns.windw_days'; allowed here: "),
        ("shiping: {}\n", "unknown key 'shiping'; allowed here: shop, holidays, refund, compensation"),
        ("shipping:\n  zones:\n    - name: x\n      fees: 5\n", "unknown key 'shipping.zones[1].fees'"),
        ("shipping:\n  fee: -3\n", "shipping.fee must not be negative (got '-3')"),
        ("shipping:\n  fee: 1.234\n", "shipping.fee has more than two decimals"),
        ("shipping:\n  days: soon\n", "shipping.days: must be days like 3 or 2-4, at most 365 (got 'soon')"),
        ("shipping:\n  remote_regions: [火星]\n", "shipping.remote_regions: unknown region '火星'"),
        ("shipping:\n  free_to_remote: maybe\n", "shipping.free_to_remote: must be true or false"),
        ("compensation:\n  goodwill_rate: 2\n", "compensation.goodwill_rate: must be a fraction"),
        ("returns:\n  window_days: seven\n", "returns.window_days: must be a whole number"),
        ("shipping:\n  days: 2-400\n", "shipping.days: must be days like 3 or 2-4, at most 365 (got '2-400')"),
        ("shipping:\n  ems:\n    days: 1000\n", "shipping.ems.days: must be days like 3 or 2-4, at most 365 (got 1000)"),
        ("shipping:\n  days: \"3\\n\"\n", "shipping.days: must be days like 3 or 2-4, at most 365 (got '3\\n')"),
        ("shipping:\n  fee: 2026-13-01\n", ": month must be in 1..12; fix the file"),
        (f"shipping:\n  fee: {'9' * 5000}\n", ": Exceeds the limit (4300 digits) for integer string conversion; fix the file"),
        ("returns:\n  excluded_categories: [toys]\n", "returns.excluded_categories: unknown 'toys'"),
        ("- 1\n", "a policy file must be a mapping"),
        ("refund: [\n", ":2: YAML syntax error"),
        ("shipping:\n  zones:\n    - name: x\n", "shipping.zones: each zone needs exactly name"),
    ],
)  # fmt: skip
def test_a_malformed_shop_file_is_one_error_naming_file_and_key(
    tmp_path: Path, text: str, message: str
) -> None:
    shop = write_policy(tmp_path / "shop.yaml", text)
    error = fails("shipping", "--to", "浙江", "--policy", str(shop))
    assert error.startswith(f"error: {shop}")
    assert message in error


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("returns:\n  window_days: 100000000\n", "returns.window_days: must be a whole number of days from 0 to 365 (got 100000000)"),
        ("returns:\n  window_days: 366\n", "returns.window_days: must be a whole number of days from 0 to 365 (got 366)"),
        ("refund:\n  due_within_days: 100000000\n", "refund.due_within_days: must be a whole number of days from 1 to 365 (got 100000000)"),
        ("refund:\n  due_within_days: 0\n", "refund.due_within_days: must be a whole number of days from 1 to 365 (got 0)"),
    ],
)  # fmt: skip
def test_a_day_count_beyond_a_year_is_refused_when_the_policy_loads(
    tmp_path: Path, text: str, message: str
) -> None:
    shop = write_policy(tmp_path / "shop.yaml", text)
    assert fails("return-check", "--signed", "2026-11-01", "--policy", str(shop)) == (
        f"error: {shop}: {message}"
    )


def test_a_year_long_window_is_the_longest_a_shop_may_set(tmp_path: Path) -> None:
    shop = write_policy(tmp_path / "shop.yaml", "returns:\n  window_days: 365\n")
    data = calc(
        "return-check", "--signed", "2026-11-01", "--on", "2027-11-01", "--policy", str(shop)
    )
    assert (data["allowed"], data["last_day"], data["source"]) == (True, "2027-11-01", "shop rule")


def test_missing_policy_files_are_errors(tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    assert fails("refund", "190", "--policy", str(missing)) == (
        f"error: --policy: '{missing}' does not exist; pass the path of a policy YAML"
    )
    result = run("refund", "190", env={"CSR_POLICY": str(missing)})
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: CSR_POLICY names '{missing}', which does not exist; fix or unset it\n"
    )


def test_an_empty_shop_file_means_the_defaults(tmp_path: Path) -> None:
    shop = write_policy(tmp_path / "empty.yaml", "# nothing yet\n")
    assert calc("compensate", "250", "--policy", str(shop))["cap"] == "25.00"


def test_parsed_files_are_cached_until_they_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shop = write_policy(tmp_path / "shop.yaml", SHOP.format(100))
    assert load_policy(shop).shipping.free_threshold == 100

    def no_yaml(path: Path) -> None:
        raise AssertionError(f"{path} parsed again")

    with monkeypatch.context() as patched:
        patched.setattr(model, "_parse", no_yaml)
        assert load_policy(shop).shipping.free_threshold == 100
    write_policy(shop, SHOP.format(1000))
    assert load_policy(shop).shipping.free_threshold == 1000
