"""`csr check` rejects phrases that state the shop profile's facts themselves, and entries whose
variants give opposite answers."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

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
    ],
)
def test_placeholders_and_ordinary_words_are_not_facts(text: str) -> None:
    assert literal_facts(text, regions=REGIONS) == []


def test_opposite_answers_across_variants_are_found() -> None:
    clash = contradiction(["亲，这款有货，拍下就发", "您好，M码已经售罄了", "亲，现货充足"])
    assert clash is not None
    assert (clash.first, clash.second, clash.said, clash.unsaid) == (1, 2, "有货", "售罄")
    assert contradiction(["亲，这款有货", "您好，现货充足，放心拍"]) is None
    assert contradiction(["亲，没有现货了", "非常抱歉，这个颜色售罄了"]) is None
    paused = contradiction(["节日期间暂停发货", "节日期间正常发货"])
    assert paused is not None and paused.topic == "dispatch as usual / paused"
