"""`csr check` rejects phrases that state the shop profile's facts themselves, and entries whose
variants give opposite answers."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from csr_cli.cli import app
from csr_cli.phrasebook.facts import contradiction, literal_facts

runner = CliRunner()
REGIONS = ["江浙沪", "江苏", "浙江", "上海", "新疆", "西藏"]


@pytest.mark.parametrize(
    ("text", "literal", "hint"),
    [
        ("亲，江浙沪运费5元哦", "5", "{shipping_fee}"),
        ("满98元包邮", "98", "{threshold}"),
        ("一般2-4天到", "2-4", "{delivery_days}"),
        ("付款后48小时内发货", "48", "{ship_by}"),
        ("支持七天无理由退货", "七天", "{return_days}"),
        ("江浙沪次日达", "次日", "{delivery_times}"),
        ("默认发中通快递", "中通", "{courier}"),
        ("偏远地区如新疆需补运费", "新疆", "{remote_regions}"),
        ("这款是纯棉面料", "纯棉", "{material}"),
        ("做过抗起球处理", "抗起球", "{material}"),
    ],
)
def test_a_literal_fact_is_found_with_the_placeholder_to_use(
    text: str, literal: str, hint: str
) -> None:
    found = literal_facts(text, regions=REGIONS)
    assert literal in [item.text for item in found]
    assert any(hint in item.message for item in found if item.text == literal)


@pytest.mark.parametrize(
    "text",
    [
        "亲，满{threshold}元包邮，运费是{shipping_rates}",
        "默认发{courier}，一般{delivery_days}天送达",
        "支持{return_days}天无理由退货，改发EMS需补{ems_fee}元",
        "这款面料是{material}，洗涤请按{care}",
        "亲，客服帮您核实一下，{time}给您回复😊",
        "从签收后的下一天起算，{last_day}是最后一天",
        "非常抱歉无法承诺完全不起球，和穿着摩擦有关",
        "这个尺码断货了，客服帮您推荐几款相似的现货款式",
    ],
)
def test_placeholders_and_ordinary_words_are_not_facts(text: str) -> None:
    assert literal_facts(text, regions=REGIONS) == []


def test_opposite_answers_across_variants_are_found() -> None:
    clash = contradiction(["亲，这款有货，拍下就发", "您好，M码已经售罄了", "亲，现货充足"])
    assert contradiction(["亲，这个尺码断货了", "您好，可以换几款相似的现货款式"]) is None
    assert clash is not None
    assert (clash.first, clash.second, clash.said, clash.unsaid) == (1, 2, "有货", "售罄")
    assert contradiction(["亲，这款有货", "您好，现货充足，放心拍"]) is None
    assert contradiction(["亲，没有现货了", "非常抱歉，这个颜色售罄了"]) is None
    paused = contradiction(["节日期间暂停发货", "节日期间正常发货"])
    assert paused is not None and paused.topic == "dispatch as usual / paused"


TEAM = """\
entries:
  - id: our-shipping
    title: Our shipping
    keywords: [运费]
    placeholders:
      courier: 中通
    variants:
      - 亲，我们发{courier}，江浙沪运费5元，满99元包邮
      - 您好，运费按地区收取，下单时自动计算
  - id: stock
    title: Stock
    variants:
      - 亲，这款有货，拍下就发
      - 非常抱歉亲，这款已经售罄了，因为补货要等厂家
"""


def test_csr_check_names_file_entry_variant_and_placeholder(tmp_path: Path) -> None:
    team = tmp_path / "team.yaml"
    team.write_text(TEAM, encoding="utf-8")
    result = runner.invoke(app, ["check", str(team)])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert (
        f"{team}:8: entry 'our-shipping', field 'variants[1]': “5” states the number 5; write {{threshold}}, {{shipping_fee}}, {{ems_fee}}, {{shipping_rates}} or {{amount}}"
        in lines
    )
    assert any(
        "'our-shipping', field 'variants[1]': “江浙沪” names a region" in line for line in lines
    )
    assert any("“99” states the number 99" in line for line in lines)
    assert any(
        "'our-shipping', field 'placeholders.courier': {courier} is a shop fact" in line
        for line in lines
    )
    assert any(
        "entry 'stock', field 'variants[2]': says “售罄” where variant 1 says “有货”" in line
        for line in lines
    )
