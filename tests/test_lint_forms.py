"""What the house rules forbid, in all their ordinary forms (endings, spaces and filler marks,
traditional characters), with the fix where one is safe; and what must stay clean."""

from __future__ import annotations

import pytest

from csr_cli.lint.checker import fix_text, lint_text
from csr_cli.lint.rules import load_rules

TONE_CODES = {"bare-reply", "blunt-phrase", "slang", "blame-shifting", "promise"}

# (draft, code, the text the problem points at, its fix or None)
FORBIDDEN: list[tuple[str, str, str, str | None]] = [
    # a bare acknowledgement as the whole reply
    ("知道", "bare-reply", "知道", None),
    ("知道了", "bare-reply", "知道了", None),
    ("知道了哦！", "bare-reply", "知道了哦！", None),
    ("知道啦～", "bare-reply", "知道啦～", None),
    ("嗯嗯。", "bare-reply", "嗯嗯。", None),
    ("哦，知道了", "bare-reply", "哦，知道了", None),
    ("晓得了", "bare-reply", "晓得了", None),
    ("行吧", "bare-reply", "行吧", None),
    ("好吧。", "bare-reply", "好吧。", None),
    ("随便", "bare-reply", "随便", None),
    # blunt refusals of a bargain, in every ordinary form
    ("这个不讲价的哦", "blunt-phrase", "不讲价", None),
    ("不讲价", "blunt-phrase", "不讲价", None),
    ("不还价", "blunt-phrase", "不还价", None),
    ("我们不还价", "blunt-phrase", "我们不还价", None),
    ("亲，小店不议价呢", "blunt-phrase", "不议价", None),
    ("亲，概不还价哈", "blunt-phrase", "概不还价", None),
    ("亲，谢绝砍价", "blunt-phrase", "谢绝砍价", None),
    ("亲，这个讲不了价啊", "blunt-phrase", "讲不了价", None),
    ("亲，不 讲 价 的", "blunt-phrase", "不 讲 价", None),
    ("亲，不-讲-价", "blunt-phrase", "不-讲-价", None),
    ("亲，不“讲价”", "blunt-phrase", "不“讲价", None),
    ("親，這個不講價的哦", "blunt-phrase", "不講價", None),
    ("親，我們不還價", "blunt-phrase", "我們不還價", None),
    # the other bans of the house tone
    ("亲，这个我不知道", "blunt-phrase", "我不知道", None),
    ("亲，我不大清楚哦", "blunt-phrase", "我不大清楚", None),
    ("亲，我 不 太 清 楚", "blunt-phrase", "我 不 太 清 楚", None),
    ("亲，我找不到人问", "blunt-phrase", "我找不到人问", None),
    ("亲，这边没人可以问", "blunt-phrase", "没人可以问", None),
    ("亲，您自己选吧", "blunt-phrase", "自己选吧", None),
    ("亲，您自己挑吧", "blunt-phrase", "自己挑吧", None),
    ("亲，我也不懂", "blunt-phrase", "我也不懂", None),
    ("亲，我不太懂这个", "blunt-phrase", "我不太懂", None),
    ("亲，我不会做", "blunt-phrase", "我不会做", None),
    ("亲，买不起就别买", "blunt-phrase", "买不起就别买", None),
    ("亲，嫌贵的话不要买", "blunt-phrase", "嫌贵的话不要买", None),
    ("亲，这个我不会弄", "blunt-phrase", "我不会弄", None),
    ("亲，这个我不會做", "blunt-phrase", "我不會做", None),
    # blame-shifting
    ("这个不是我们的质量问题哦", "blame-shifting", "不是我们的质量问题", None),
    ("亲，这不是我们的问题", "blame-shifting", "不是我们的问题", None),
    ("亲，这个不是质量问题哦", "blame-shifting", "这个不是质量问题", None),
    ("亲，这个跟我们没关系", "blame-shifting", "跟我们没关系", None),
    ("亲，这和我们没有关系啊", "blame-shifting", "和我们没有关系", None),
    ("亲，与本店无关", "blame-shifting", "与本店无关", None),
    ("亲，这关我啥事", "blame-shifting", "关我啥事", None),
    ("亲，这是您自己的问题", "blame-shifting", "您自己的问题", None),
    ("亲，这是您自己洗坏的", "blame-shifting", "您自己洗坏", None),
    ("亲，肯定是您拍错了", "blame-shifting", "是您拍错", None),
    ("亲，这是快递的问题", "blame-shifting", "是快递的问题", None),
    ("亲，您去找快递吧", "blame-shifting", "找快递吧", None),
    ("亲，這不是我們的質量問題", "blame-shifting", "不是我們的質量問題", None),
    # slang and curses
    ("呵呵", "slang", "呵呵", None),
    ("亲，呵呵呵，那您再看看", "slang", "呵呵呵", None),
    ("亲，呵 呵", "slang", "呵 呵", None),
    ("亲，无语", "slang", "无语", None),
    ("亲，我也是醉了", "slang", "醉了", None),
    ("亲，666", "slang", "666", None),
    ("亲，这款卖得6666啊", "slang", "6666", None),
    ("卧槽，亲这么快就到了", "slang", "卧槽", None),
    ("我去，亲您这么快就下单了", "slang", "我去", None),
    ("晕，亲您再看看", "slang", "晕", None),
    ("我晕，亲您再看看", "slang", "我晕", None),
    ("亲，我服了", "slang", "我服了", None),
    ("亲，这款yyds", "slang", "yyds", None),
    ("亲，这款 YYDS", "slang", "YYDS", None),
    ("亲，这款牛B", "slang", "牛B", None),
    ("亲，这款绝绝子", "slang", "绝绝子", None),
    ("宝子，亲看看这款", "slang", "宝子", None),
    ("亲，感谢支持，么么哒", "slang", "么么哒", None),
    ("亲，滚！", "slang", "滚", None),
    ("亲亲亲，在的", "slang", "亲亲亲", "亲"),
    ("亲，神马问题", "slang", "神马", "什么"),
    ("亲，肿么了", "slang", "肿么", "怎么"),
    ("亲，有木有收到", "slang", "有木有", "有没有"),
    ("亲，我们木有货了", "slang", "木有", None),
    ("亲，灰常好看", "slang", "灰常", "非常"),
    # absolute promises
    ("亲，保证不起球", "promise", "保证不起球", None),
    ("亲，保证不会掉色的哦", "promise", "保证不会掉色", None),
    ("亲，绝对不掉色", "promise", "绝对不掉色", None),
    ("亲，绝对正品", "promise", "绝对", None),
    ("亲，百分百正品", "promise", "百分百", None),
    ("亲，百分之百满意", "promise", "百分之百", None),
    ("亲，100%能到", "promise", "100%", None),
    ("亲，肯定不会", "promise", "肯定不会", None),
    ("亲，肯定不起球", "promise", "肯定不起球", None),
    ("亲，一定到", "promise", "一定到", None),
    ("亲，明天一定能到的", "promise", "一定能到", None),
    ("亲，保证明天到", "promise", "保证明天到", None),
    ("亲，保 证 明 天 到", "promise", "保 证 明 天 到", None),
    ("亲，包不起球", "promise", "包不起球", None),
    ("亲，我给您打包票", "promise", "打包票", None),
    ("亲，保證明天到", "promise", "保證明天到", None),
]


@pytest.mark.parametrize(("draft", "code", "text", "fix"), FORBIDDEN, ids=[f[0] for f in FORBIDDEN])
def test_each_forbidden_form_is_caught(draft: str, code: str, text: str, fix: str | None) -> None:
    found = [(p.code, p.text, p.fix) for p in lint_text(draft) if p.code in TONE_CODES]
    assert found == [(code, text, fix)]
    problem = next(p for p in lint_text(draft) if p.code == code)
    assert problem.suggestion
    assert draft[problem.start : problem.end] == problem.text


# Ordinary sentences, and words that merely share a character with a forbidden one.
CLEAN = [
    "已经发货了，单号在订单里可以看到，请留意查收",
    "这款卖得很好，很多老顾客回购",
    "稍等，马上为您查询",
    "好的",
    "收到",
    "明白了，马上为您处理",
    "头晕的话可以先休息一下",
    "这款是晕染工艺，每件花色略有不同",
    "晕车的话建议选宽松款",
    "我去仓库帮您看看还有没有",
    "这款面霜很呵护肌肤",
    "亲，这是童鞋，宝贝很好穿",
    "这个宝贝今天有货",
    "酱紫色很显白",
    "价格是666元",
    "总共666，您确认一下",
    "得到您的肯定我们很开心",
    "浅灰常规款还有M码",
    "实木有点重，建议两个人搬",
    "这款是100%纯棉的",
    "江浙沪一般2-4天到",
    "预计明天到，以快递实际派送为准",
    "有一定色差，以实物为准",
    "不一定，要看您的尺码",
    "这不是质量问题吗？我帮您核实一下",
    "色差是屏幕显示造成的，咱们帮您看看怎么处理",
    "如果是您选错了尺码，咱们帮您换一件",
    "咱们会找快递公司索赔，您放心",
    "现在的价格已经是活动价了",
    "一切以实物为准",
    "切换到M码就可以了",
    "吸汗透气，夏天穿很舒服",
    "洗后可能会有轻微缩水，建议冷水手洗",
    "我们保证金已经缴纳，正品有保障",
    "非常抱歉亲，因为快递时效不在咱们掌控之内，不能保证明天到",
    "NB码适合新生儿",
    "绝对值不用太在意",
    "请您收到后检查一下",
    "我靠近窗口拍给您看",
    "讲价格之前先看看品质",
    "这款是迷你款",
    "麻烦您拍一下吊牌",
    "滚筒洗衣机可以洗，选轻柔模式",
    "这款适合制造业工厂穿",
]


@pytest.mark.parametrize("draft", CLEAN)
def test_ordinary_text_is_not_flagged(draft: str) -> None:
    assert [p.describe() for p in lint_text(draft)] == []


SAFE_FIXES = [
    ("亲亲亲，神马情况呀", "亲，什么情况呀"),
    ("亲，有木有收到", "亲，有没有收到"),
    ("亲，灰常好看", "亲，非常好看"),
    ("欢迎光临小美家，有什么可以帮到的", "亲，欢迎光临小美家，有什么可以帮到的"),
    # advice only: the agent rewrites these
    ("这个不是我们的质量问题哦", "这个不是我们的质量问题哦"),
    ("亲，保证不起球", "亲，保证不起球"),
    ("亲，呵呵", "亲，呵呵"),
]


@pytest.mark.parametrize(("draft", "fixed"), SAFE_FIXES)
def test_fix_applies_only_safe_replacements(draft: str, fixed: str) -> None:
    assert fix_text(draft) == fixed


# The polite address (亲/您) is wanted in openings and refusals, not in every sentence.
POLITE_SCOPE: list[tuple[str, bool, bool]] = [
    # (draft, opening, flagged)
    ("已经发货了，单号在订单里可以看到，请留意查收", False, False),
    ("已经发货了，单号在订单里可以看到，请留意查收", True, True),
    ("这款有M码和L码两个尺码", False, False),
    ("欢迎光临小美家，有什么可以帮到的", False, True),
    ("在的，请问有什么可以帮到", False, True),
    ("在的亲，请问有什么可以帮到", False, False),
    ("Hi，请问有什么可以帮到", False, True),
    ("His size is M", False, False),
    ("非常抱歉，因为是定制款，无法退换", False, True),
    ("亲，非常抱歉，因为是定制款，无法退换", False, False),
    ("非常抱歉，因为是定制款，您的订单无法退换", False, False),
    ("能不能麻烦拍张照片", False, False),
    ("你好，在的", False, False),  # 你 addresses the buyer; the 你 → 您 rule fixes it
]


@pytest.mark.parametrize(("draft", "opening", "flagged"), POLITE_SCOPE)
def test_polite_address_only_where_it_belongs(draft: str, opening: bool, flagged: bool) -> None:
    codes = [p.code for p in lint_text(draft, opening=opening)]
    assert ("no-polite-address" in codes) is flagged


def test_the_address_problem_says_why_it_is_wanted() -> None:
    messages = {
        text: next(p.message for p in lint_text(text, opening=opening))
        for text, opening in [
            ("这款有M码和L码两个尺码", True),
            ("欢迎光临小美家", False),
            ("非常抱歉，因为是定制款，无法退换", False),
        ]
    }
    assert list(messages.values()) == [
        "the opening of a conversation without 您 or 亲; address the buyer",
        "a greeting without 您 or 亲; address the buyer",
        "a refusal without 您 or 亲; address the buyer",
    ]


@pytest.mark.parametrize(
    ("tags", "opening"),
    [(("greeting", "welcome"), True), (("busy", "auto-reply"), True), (("shipping",), False)],
)
def test_entry_tags_say_whether_a_phrase_opens_a_conversation(
    tags: tuple[str, ...], opening: bool
) -> None:
    assert load_rules().opens_conversation(tags) is opening


def test_the_python_api_takes_the_opening_context() -> None:
    import csr_cli

    text = "已经发货了，单号在订单里可以看到，请留意查收"
    assert csr_cli.lint_reply(text) == []
    assert [p.code for p in csr_cli.lint_reply(text, opening=True)] == ["no-polite-address"]
