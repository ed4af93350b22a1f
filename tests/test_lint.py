"""The lint core: what each draft must raise, what must stay clean, positions, fixes, the checks."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from csr_cli.lint.checker import apply_fixes, fix_text, lint_report, lint_text, shop_data
from csr_cli.lint.personal import luhn_valid, valid_id_card

# (draft, [(code, the text it points at), …] in order)
DRAFTS: list[tuple[str, list[tuple[str, str]]]] = [
    (
        "不好意思，这个不能便宜了",
        [
            ("no-polite-address", ""),  # a refusal addresses the buyer
            ("blunt-phrase", "不好意思"),
            ("refusal-no-reason", "不能"),
            ("blunt-phrase", "不能便宜了"),
        ],
    ),
    ("嗯", [("bare-reply", "嗯")]),
    ("哦哦～", [("bare-reply", "哦哦～")]),
    (
        "亲，这个真不行，您再看看别的吧",
        [
            ("blunt-phrase", "不行"),
            ("refusal-no-apology", "不行"),
            ("refusal-no-reason", "不行"),
        ],
    ),
    (
        "亲，偏远地区快递到不了，只能发EMS哦",
        [
            ("blunt-phrase", "到不了"),
            ("refusal-no-apology", "到不了"),
            ("refusal-no-reason", "到不了"),
        ],
    ),
    ("这个我不知道，您自己选吧", [("blunt-phrase", "我不知道"), ("blunt-phrase", "自己选吧")]),
    (
        "亲，我们不还价的哦",
        [
            ("blunt-phrase", "我们不还价"),
            ("refusal-no-apology", "不还价"),
            ("refusal-no-reason", "不还价"),
        ],
    ),
    ("亲，这款很好看，但是偏小一码", [("blunt-phrase", "但是")]),
    ("你好，在的，有什么可以帮你", [("blunt-phrase", "你好"), ("blunt-phrase", "你")]),
    (
        "亲，这款衣服不支持退货",
        [("refusal-no-apology", "不支持"), ("refusal-no-reason", "不支持")],
    ),
    ("非常抱歉亲，这款不支持退货", [("refusal-no-reason", "不支持")]),
    ("亲，因为是定制款，不支持退货", [("refusal-no-apology", "不支持")]),
    (
        "亲，我这边帮我同事问了一下，我觉得这个问题我也处理不了，我再帮您看看别的办法吧",
        [("first-person", "我")],
    ),
    ("亲，您留的手机号是13800138000，我们已经登记", [("phone", "13800138000")]),
    (
        "收件人电话 138 0013 8000，备用 +86 139-0013-9000",
        [("phone", "138 0013 8000"), ("phone", "+86 139-0013-9000")],
    ),
    ("亲，您的手机１３９００１３９０００对吗", [("phone", "１３９００１３９０００")]),
    ("亲，您的身份证号11010519491231002X已经核对过了", [("id-card", "11010519491231002X")]),
    ("亲，登记的证件号是440301199001011234", [("id-card", "440301199001011234")]),
    ("亲，退款会退到您的卡6225880137000007上", [("bank-card", "6225880137000007")]),
    ("亲，卡号6222 0202 0000 1234 562", [("bank-card", "6222 0202 0000 1234 562")]),
    ("亲，您的邮箱 zhang.san@163.com 已经收到发票", [("email", "zhang.san@163.com")]),
    (
        "亲，包裹会寄到浙江省杭州市西湖区文三路478号华星大厦",
        [("address", "浙江省杭州市西湖区文三路478号")],
    ),
    (
        "亲，寄回地址：上海市徐汇区漕溪北路88弄5号602室，收件人王女士",
        [("address", "上海市徐汇区漕溪北路88弄5号602室")],
    ),
    ("亲，放在阳光小区3栋2单元门口了", [("address", "阳光小区3栋2单元")]),
    ("亲，保证明天到，您放心", [("promise", "保证明天到")]),
    ("亲，这款一定不会褪色的，肯定没问题", [("promise", "一定"), ("promise", "肯定没问题")]),
    ("亲，百分百正品，绝对放心", [("promise", "百分百"), ("promise", "绝对放心")]),
    ("亲，今天下单明天就能到哦", [("promise", "明天就能到")]),
    ("亲，改好评就返您5元红包", [("review-manipulation", "改好评")]),
    ("亲，您把差评删了，咱们给您补偿20元", [("review-manipulation", "差评删")]),
    ("亲，删差评给您补偿10元", [("review-manipulation", "删差评")]),
    ("好评返现5元，亲记得五星哦", [("review-manipulation", "好评返")]),
    ("亲，好评后联系客服领取返现", [("review-manipulation", "好评后联系客服领取返")]),
    ("亲，追评带图返3元现金", [("review-manipulation", "追评带图返")]),
    ("亲，给您返5元，麻烦给个好评哦", [("review-manipulation", "返5元，麻烦给个好评")]),
]

CLEAN = [
    "亲，这款面料不错，不客气哈",
    "不用担心亲，咱们会处理好的",
    "亲，不过这个颜色比较显白哦",
    "亲，这款不会褪色，放心穿",
    "亲，非常抱歉，这个价格已经无法再低了，因为咱们对每位顾客都是同一个价格",
    "非常抱歉，因为快递时效不在咱们掌控之内，不能保证明天到，亲",
    "亲，您的快递单号是SF1234567890123，可以在顺丰官网查询",
    "亲，圆通单号YT1234567890123，中通单号75123456789012",
    "亲，运单号 123456789012345，请查收",
    # a Luhn-valid number right after 订单号 is an order number
    "亲，您的订单号：6222020200001234562 已经发货",
    # check digit wrong: not an ID card (and it fails Luhn, so not a bank card either)
    "亲，批次号440301199001011235",
    "亲，您预留的手机号138****8000",
    "好的亲，马上为您查询",
    "亲，有一定色差，以实物为准",
    "亲，能不能麻烦您拍张照片",
    "亲，如果收到后不能正常使用，咱们负责退换",
    "亲，这款是迷你款，适合小个子",
    "亲，一般3天内能到，具体以快递为准",
    "亲，返现和评价内容无关，评价请按您的真实感受来写就好",
    "亲，照片有点看不清楚，麻烦您再拍一张",
    "亲，这款是100%纯棉的",
    "亲，价格是129元，满98元包邮，12月3号前发货",
    "亲，江浙沪地区次日达，其他地区2-4天",
    "亲，实在不行咱们给您换一件",
    "收到",
    "亲，您好\n请问有什么可以帮您？😊",
]


@pytest.mark.parametrize(("draft", "expected"), DRAFTS, ids=[d for d, _ in DRAFTS])
def test_draft_raises_exactly_these_problems(draft: str, expected: list[tuple[str, str]]) -> None:
    assert [(p.code, p.text) for p in lint_text(draft)] == expected


@pytest.mark.parametrize("draft", CLEAN)
def test_clean_reply_raises_nothing(draft: str) -> None:
    assert lint_text(draft) == []


def test_positions_are_character_offsets_with_line_and_column() -> None:
    text = "亲，您好\n不好意思，您的电话13800138000"
    problems = lint_text(text)
    assert [(p.code, p.start, p.end, p.line, p.column) for p in problems] == [
        ("blunt-phrase", 5, 9, 2, 1),
        ("phone", 14, 25, 2, 10),
    ]
    assert all(text[p.start : p.end] == p.text for p in problems)


def test_describe_is_one_readable_line() -> None:
    (problem,) = lint_text("亲，这款很好看，但是偏小一码")
    assert (
        problem.describe() == "1:9 blunt-phrase “但是”: blunt wording the house tone avoids → 不过"
    )


FIXES = [
    ("不好意思，这个不能便宜了", "亲，非常抱歉，这个无法再低了"),
    ("你好，这个不行", "您好，这个无法帮到您"),
    ("亲，快递到不了您那边，但是可以发EMS", "亲，快递无法到达您那边，不过可以发EMS"),
    ("您的电话13800138000，邮箱abc@qq.com", "您的电话138****8000，邮箱a***@qq.com"),
    ("亲，证件号11010519491231002X", "亲，证件号110***********002X"),
    ("亲，卡号6225880137000007", "亲，卡号************0007"),
    ("欢迎光临小美家，有什么可以帮到的", "亲，欢迎光临小美家，有什么可以帮到的"),
    # advice, not a drop-in replacement: left for the agent
    ("这个我不知道，您自己选吧", "这个我不知道，您自己选吧"),
    ("亲，保证明天到", "亲，保证明天到"),
]


@pytest.mark.parametrize(("draft", "fixed"), FIXES)
def test_fix_applies_only_the_safe_replacements(draft: str, fixed: str) -> None:
    assert fix_text(draft) == fixed


def test_report_with_fix_lists_what_is_left() -> None:
    report = lint_report("你好，这个不行", fix=True)
    assert report.fixed == "您好，这个无法帮到您"
    assert [(p.code, p.text) for p in report.remaining or []] == [
        ("refusal-no-apology", "无法"),
        ("refusal-no-reason", "无法"),
    ]
    assert not report.clean


def test_allow_lets_the_shops_own_data_through() -> None:
    text = "亲，退货请寄到浙江省杭州市余杭区文一西路1号，电话13800138000"
    assert {p.code for p in lint_text(text)} == {"address", "phone"}
    allowed = shop_data(["小美家", "3", "13800138000", "浙江省杭州市余杭区文一西路1号"])
    assert allowed == ["13800138000", "浙江省杭州市余杭区文一西路1号"]
    assert lint_text(text, allow=allowed) == []


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("11010519491231002X", True),
        ("11010519491231002x", True),
        ("440301199001011234", True),
        ("440301199001011235", False),  # check digit
        ("990301199001011234", False),  # no such region
        ("440301199002301234", False),  # 30 February
        ("440301210001011234", False),  # born in the future
        ("4403011990010112", False),  # too short
    ],
)
def test_id_card_checksum(number: str, valid: bool) -> None:
    assert valid_id_card(number) is valid


@pytest.mark.parametrize(
    ("digits", "valid"),
    [("6225880137000007", True), ("6225880137000008", False), ("79927398713", True)],
)
def test_luhn(digits: str, valid: bool) -> None:
    assert luhn_valid(digits) is valid


def test_overlapping_fixes_keep_the_first() -> None:
    (first, second) = lint_text("你好")[0], lint_text("你")[0]
    assert apply_fixes("你好", [first, second]) == "您好"


@settings(max_examples=500, deadline=None)
@given(
    st.text(
        alphabet="亲您我你不能行好意思但是因为抱歉无法讲價呵神马灰常知道了哦0123456789 -·“@.a\n，。",
        max_size=60,
    ),
    st.booleans(),
)
def test_positions_and_fixes_hold_for_any_text(text: str, opening: bool) -> None:
    for problem in lint_text(text, opening=opening):
        assert 0 <= problem.start <= problem.end <= len(text)
        assert text[problem.start : problem.end] == problem.text
        before = text[: problem.start]
        assert problem.line == before.count("\n") + 1
        assert problem.column == len(before) - (before.rfind("\n") + 1) + 1
    fixed = fix_text(text, opening=opening)
    assert [p for p in lint_text(fixed, opening=opening) if p.fix is not None] == []
