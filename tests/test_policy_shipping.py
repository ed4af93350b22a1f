"""`csr shipping`: regions by any name, zones, EMS for remote regions, free shipping."""

from __future__ import annotations

import pytest
from policy_helpers import calc, fails, run, write_policy

from csr_cli import paths
from csr_cli.errors import UsageError
from csr_cli.policy.regions import REGIONS, find_region


@pytest.mark.parametrize(
    ("text", "region"),
    [
        ("浙江", "浙江"),
        ("浙江省", "浙江"),
        ("Zhejiang", "浙江"),
        ("zhejiang", "浙江"),
        ("ZHEJIANG", "浙江"),
        ("上海市", "上海"),
        ("Shanghai", "上海"),
        ("新疆维吾尔自治区", "新疆"),
        ("新疆维吾尔族自治区", "新疆"),
        ("Xinjiang", "新疆"),
        ("Inner Mongolia", "内蒙古"),
        ("内蒙古自治区", "内蒙古"),
        ("广西壮族自治区", "广西"),
        ("Shaanxi", "陕西"),
        ("Shanxi", "山西"),
        ("Tibet", "西藏"),
        ("Hong Kong", "香港"),
    ],
)
def test_regions_by_chinese_pinyin_or_english_name(text: str, region: str) -> None:
    assert find_region(text) == region


def test_every_region_is_found_by_its_own_names() -> None:
    for short, others in REGIONS.items():
        assert {find_region(name) for name in (short, *others)} == {short}


def test_an_unknown_region_suggests_and_lists_the_names() -> None:
    with pytest.raises(UsageError) as caught:
        find_region("Zhejang")
    message = str(caught.value)
    assert message.startswith("unknown region 'Zhejang'; did you mean 浙江? ")
    assert message.endswith(", ".join(REGIONS))


@pytest.mark.parametrize(
    ("args", "fee", "courier", "days"),
    [
        (["--to", "浙江省"], "5.00", "快递", "1-2"),
        (["--to", "Jiangsu"], "5.00", "快递", "1-2"),
        (["--to", "上海市"], "5.00", "快递", "1-2"),
        (["--to", "江浙沪"], "5.00", "快递", "1-2"),
        (["--to", "广东"], "10.00", "快递", "2-4"),
        (["--to", "Beijing", "--courier", "ems"], "20.00", "EMS", "2-5"),
        (["--to", "新疆"], "20.00", "EMS", "2-5"),
        (["--to", "Tibet"], "20.00", "EMS", "2-5"),
    ],
)
def test_default_rates(args: list[str], fee: str, courier: str, days: str) -> None:
    data = calc("shipping", *args)
    assert (data["fee"], data["courier"], data["days"], data["free"]) == (fee, courier, days, None)


def test_free_from_98_inclusive() -> None:
    free = calc("shipping", "--to", "广东", "--amount", "98")
    assert (free["fee"], free["free"], free["reply"]["id"]) == ("0.00", True, "shipping-free")
    short = calc("shipping", "--to", "广东", "--amount", "97.99")
    assert (short["fee"], short["free"], short["short_of_free"]) == ("10.00", False, "0.01")
    assert short["reply"]["id"] == "shipping-almost-free"
    assert "0.01元" in short["reply"]["text"]


def test_json_keys() -> None:
    data = calc("shipping", "--to", "Zhejiang", "--amount", "50")
    assert set(data) >= {"fee", "free", "courier", "days", "reply"}
    assert data["steps"] == [
        "浙江 is in 江浙沪 → 快递 5.00, 1-2 days",
        "50.00 < 98.00: add 48.00 more for free shipping",
    ]
    assert data["source"] == "shop rule"


def test_remote_regions_go_by_ems_even_when_asked_for_the_courier() -> None:
    result = run("shipping", "--to", "西藏", "--courier", "standard", "--no-copy")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "shipping to 西藏: 20.00 by EMS, 2-5 days"
    assert "warning: 快递 can't reach 西藏: the parcel goes by EMS" in result.stderr
    data = calc("shipping", "--to", "青海")
    assert data["remote"] is True
    assert data["reply"]["id"] == "shipping-remote-ems"
    text = data["reply"]["text"]
    assert "青海" in text and "20元" in text


def test_remote_regions_top_up_ems_by_default_and_ship_free_when_the_shop_says_so() -> None:
    """The handbook: free shipping covers only where the courier reaches; remote goes by EMS
    and the buyer pays the EMS fee (a free-shipping order tops up the whole EMS fee)."""
    data = calc("shipping", "--to", "新疆", "--amount", "120")
    assert (data["fee"], data["free"]) == ("20.00", False)
    assert data["reply"]["id"] == "shipping-remote-ems"
    write_policy(paths.personal_policy(), "shipping:\n  free_to_remote: true\n")
    assert calc("shipping", "--to", "新疆", "--amount", "120")["fee"] == "0.00"


def test_ems_by_choice_on_a_free_order_pays_the_difference() -> None:
    data = calc("shipping", "--to", "上海", "--amount", "100", "--courier", "ems")
    assert (data["fee"], data["free"], data["courier"]) == ("15.00", True, "EMS")
    assert data["steps"][-1].endswith("the buyer pays the difference 20.00 − 5.00 = 15.00")
    assert data["reply"]["id"] == "shipping-ems-difference"


def test_a_shop_courier_and_threshold_from_its_policy() -> None:
    write_policy(paths.personal_policy(), "shipping:\n  courier: 中通快递\n  free_threshold: 128\n")
    data = calc("shipping", "--to", "广东", "--amount", "100")
    assert (data["courier"], data["free"], data["short_of_free"]) == ("中通快递", False, "28.00")
    assert "满128元包邮" in data["reply"]["text"] and "28元" in data["reply"]["text"]


def test_no_free_shipping_at_all() -> None:
    write_policy(paths.personal_policy(), "shipping:\n  free_threshold: null\n")
    data = calc("shipping", "--to", "广东", "--amount", "500")
    assert (data["fee"], data["free"]) == ("10.00", False)
    assert data["reply"]["id"] == "shipping-quote"


def test_unknown_and_unserved_regions_are_errors() -> None:
    assert fails("shipping", "--to", "Atlantis") == (
        "error: unknown region 'Atlantis'; use a province (浙江, 浙江省, Zhejiang), a "
        "city (杭州, 苏州市, 义乌, 喀什, Shenzhen) or a zone (江浙沪); for a district or county, "
        "use its city"
    )
    assert fails("shipping", "--to", "香港") == (
        "error: the shop's policy has no rate for 香港 (cross-border); quote it by hand or add "
        "it to shipping in your policy file"
    )


@pytest.mark.parametrize(
    ("to", "region", "city", "fee", "courier"),
    [
        ("杭州", "浙江", "杭州", "5.00", "快递"),
        ("杭州市", "浙江", "杭州", "5.00", "快递"),
        ("苏州市", "江苏", "苏州", "5.00", "快递"),
        ("昆山", "江苏", "昆山", "5.00", "快递"),
        ("义乌市", "浙江", "义乌", "5.00", "快递"),
        ("成都", "四川", "成都", "10.00", "快递"),
        ("Shenzhen", "广东", "深圳", "10.00", "快递"),
        ("chengdu", "四川", "成都", "10.00", "快递"),
        ("Xi'an", "陕西", "西安", "10.00", "快递"),
        ("Hangzhou City", "浙江", "杭州", "5.00", "快递"),
        ("朝阳市", "辽宁", "朝阳", "10.00", "快递"),
        ("喀什", "新疆", "喀什", "20.00", "EMS"),
        ("喀什地区", "新疆", "喀什", "20.00", "EMS"),
        ("Kashgar", "新疆", "喀什", "20.00", "EMS"),
        ("伊犁", "新疆", "伊犁", "20.00", "EMS"),
        ("伊犁州", "新疆", "伊犁", "20.00", "EMS"),
        ("伊犁哈萨克自治州", "新疆", "伊犁", "20.00", "EMS"),
        ("阿里", "西藏", "阿里", "20.00", "EMS"),
        ("阿拉善盟", "内蒙古", "阿拉善", "20.00", "EMS"),
        ("海南州", "青海", "海南藏族自治州", "20.00", "EMS"),
    ],
)
def test_a_city_answers_as_its_province(
    to: str, region: str, city: str, fee: str, courier: str
) -> None:
    data = calc("shipping", "--to", to)
    assert (data["region"], data["city"], data["fee"], data["courier"]) == (
        region,
        city,
        fee,
        courier,
    )
    assert data["steps"][0].startswith(f"{city} is in {region}")


def test_the_working_and_the_reply_name_the_city() -> None:
    result = run("shipping", "--to", "杭州", "--amount", "50", "--no-copy")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[:3] == [
        "shipping to 杭州 (浙江): 5.00 by 快递, 1-2 days",
        "  杭州 is in 浙江, in 江浙沪 → 快递 5.00, 1-2 days",
        "  50.00 < 98.00: add 48.00 more for free shipping",
    ]
    assert lines[-1] == "亲，发往杭州的运费是5元，咱们店满98元包邮，您再凑48元就能免运费啦～"
    assert calc("shipping", "--to", "成都")["steps"][0] == "成都 is in 四川 → 快递 10.00, 2-4 days"
    ems = calc("shipping", "--to", "义乌", "--courier", "ems")["steps"][0]
    assert ems == "义乌 is in 浙江 → EMS by choice → 20.00, 2-5 days"


def test_a_remote_city_goes_by_ems() -> None:
    data = calc("shipping", "--to", "喀什", "--courier", "standard")
    assert data["steps"][0] == (
        "喀什 is in 新疆, a remote region the courier can't reach → EMS 20.00, 2-5 days"
    )
    assert data["warnings"] == ["快递 can't reach 新疆: the parcel goes by EMS"]
    assert (data["remote"], data["reply"]["id"]) == (True, "shipping-remote-ems")
    assert "喀什" in data["reply"]["text"]


@pytest.mark.parametrize(
    ("to", "region", "first_step"),
    [
        ("上海", "上海", "上海 is in 江浙沪 → 快递 5.00, 1-2 days"),
        ("上海市", "上海", "上海 is in 江浙沪 → 快递 5.00, 1-2 days"),
        ("Beijing", "北京", "北京 → 快递 10.00, 2-4 days"),
        ("海南", "海南", "海南 → 快递 10.00, 2-4 days"),
        ("吉林市", "吉林", "吉林 → 快递 10.00, 2-4 days"),
        ("江浙沪", "江浙沪", "江浙沪 → 快递 5.00, 1-2 days"),
    ],
)
def test_regions_and_zones_answer_as_before_with_no_city(
    to: str, region: str, first_step: str
) -> None:
    data = calc("shipping", "--to", to)
    assert (data["region"], data["city"], data["steps"][0]) == (region, None, first_step)


def test_an_ambiguous_name_asks_which_place() -> None:
    assert fails("shipping", "--to", "朝阳") == (
        "error: '朝阳' could be 朝阳市 (辽宁) or 北京朝阳区 (北京); write one of those, or the "
        "province"
    )
    assert fails("shipping", "--to", "Suzhou") == (
        "error: 'Suzhou' could be 苏州 (江苏) or 宿州 (安徽); write one of those, or the province"
    )
    assert calc("shipping", "--to", "北京朝阳区")["region"] == "北京"
    assert calc("shipping", "--to", "宿州")["fee"] == "10.00"
    assert calc("shipping", "--to", "苏州")["fee"] == "5.00"


def test_an_unknown_city_suggests_one_that_sounds_alike() -> None:
    assert fails("shipping", "--to", "杭洲").startswith(
        "error: unknown region '杭洲'; did you mean 杭州 (浙江)? use a province"
    )
    assert fails("shipping", "--to", "Yichun").startswith(
        "error: unknown region 'Yichun'; did you mean 宜春 (江西) or 伊春 (黑龙江)? "
    )
    assert fails("shipping", "--to", "余杭区").endswith("for a district or county, use its city")


def test_a_city_the_shop_does_not_serve() -> None:
    assert fails("shipping", "--to", "台北") == (
        "error: the shop's policy has no rate for 台北 in 台湾 (cross-border); quote it by hand or "
        "add it to shipping in your policy file"
    )


def test_a_city_follows_the_shops_own_remote_regions() -> None:
    write_policy(paths.personal_policy(), "shipping:\n  remote_regions: [四川]\n")
    data = calc("shipping", "--to", "成都")
    assert (data["courier"], data["remote"]) == ("EMS", True)
    assert calc("shipping", "--to", "喀什")["courier"] == "快递"


def test_several_orders_to_one_address_ship_once_and_reach_the_threshold_together() -> None:
    data = calc("shipping", "--to", "浙江", "--amount", "40", "--amount", "70")
    assert (data["fee"], data["free"]) == ("0.00", True)
    assert data["steps"][0] == "2 orders to one address ship once: 40.00 + 70.00 = 110.00"
    assert data["reply"]["id"] == "shipping-combined-free"
    assert "110元" in data["reply"]["text"] and "98元" in data["reply"]["text"]


def test_combined_orders_below_the_threshold_pay_one_fee() -> None:
    data = calc("shipping", "--to", "广东", "--amount", "40", "--amount", "30")
    assert (data["fee"], data["free"], data["short_of_free"]) == ("10.00", False, "28.00")
    assert data["reply"]["id"] == "shipping-combined"
    text = data["reply"]["text"]
    assert "10元" in text and "70元" in text


def test_combined_orders_without_free_shipping_quote_the_fee() -> None:
    write_policy(paths.personal_policy(), "shipping:\n  free_threshold: null\n")
    data = calc("shipping", "--to", "广东", "--amount", "40", "--amount", "30")
    assert (data["fee"], data["reply"]["id"]) == ("10.00", "shipping-quote")
