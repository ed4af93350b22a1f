"""One answer from several replies (`csr reply ID1 ID2 …`) and replies sent as several
messages (a variant that lists its messages)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import RecordingClipboard, write_phrasebook
from typer.testing import CliRunner

import csr_cli
from csr_cli import paths
from csr_cli.cli import app
from csr_cli.compose import compose, message_limit
from csr_cli.errors import UsageError
from csr_cli.phrasebook.cache import open_phrasebook
from csr_cli.phrasebook.schema import Entry
from csr_cli.replies import Reply

runner = CliRunner()

STEPS = """\
entries:
  - id: size-steps
    title: Size advice in three messages
    tags: [size]
    variants:
      - - 亲，选码前麻烦告诉客服您的身高和体重哦～
        - 咱们这款是标准码，平时穿M的亲拍M就可以。
        - 如果喜欢宽松一点，可以拍大一码😊
      - 亲，把身高体重发给客服，帮您推荐尺码～
"""
SHOP = ["--set", "shop=小美家", "--set", "agent=小美"]


@pytest.fixture
def steps() -> Path:
    return write_phrasebook(paths.personal_phrasebook(), STEPS)


def reply(entry_id: str, text: str, tags: tuple[str, ...] = ()) -> tuple[Entry, Reply]:
    entry = Entry(entry_id, entry_id, (text,), tags=tags)
    return entry, Reply(entry_id, entry_id, 1, 1, text, messages=(text,))


def test_order_one_greeting_apology_before_answers_closing_last() -> None:
    composed = compose(
        [
            reply("bye", "亲，感谢光临～", ("closing",)),
            reply("answer", "亲，今天就能发货。"),
            reply("hello", "亲，您好！", ("greeting",)),
            reply("sorry", "亲，非常抱歉发错了。", ("apology",)),
            reply("hello-again", "您好，欢迎回来！", ("greeting",)),
            reply("check", "亲，客服核实后回复您。", ("verify",)),
        ],
        limit=500,
    )
    assert [r.id for r in composed.replies] == ["hello", "sorry", "answer", "check", "bye"]
    assert composed.messages == (
        "亲，您好！\n非常抱歉发错了。\n今天就能发货。\n客服核实后回复您。\n感谢光临～",
    )


def test_parts_are_packed_within_the_limit_and_long_ones_cut_after_sentences() -> None:
    parts = [reply("a", "亲，" + "一" * 20 + "。"), reply("b", "二" * 15 + "。" + "三" * 15 + "。")]
    assert compose(parts, limit=40).messages == (
        "亲，" + "一" * 20 + "。",
        "二" * 15 + "。" + "三" * 15 + "。",
    )
    assert compose(parts, limit=60).messages == (
        "亲，" + "一" * 20 + "。\n" + "二" * 15 + "。" + "三" * 15 + "。",
    )
    assert compose(parts, limit=24).messages == (
        "亲，" + "一" * 20 + "。",
        "二" * 15 + "。",
        "三" * 15 + "。",
    )
    assert len(compose(parts, limit=500, separate=True).messages) == 2


def test_message_limit_comes_from_the_option_then_the_config() -> None:
    assert message_limit({}) == 500
    assert message_limit({"message_limit": "300"}) == 300
    assert message_limit({"message_limit": "300"}, 120) == 120
    with pytest.raises(UsageError):
        message_limit({"message_limit": "lots"})


def test_reply_with_several_ids_composes_one_answer(clip: RecordingClipboard) -> None:
    result = runner.invoke(app, ["reply", "closing", "wrong-item", "greet", *SHOP])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 3
    assert "小美家" in lines[0] and lines[0].startswith(("亲", "您好"))
    assert "抱歉" in lines[1] and not lines[1].startswith("亲")
    assert "感谢" in lines[2] or "谢谢" in lines[2]
    assert clip.copies == [result.stdout.rstrip("\n")]


def test_a_long_answer_is_several_messages_piped_only_the_first_copied(
    clip: RecordingClipboard,
) -> None:
    result = runner.invoke(
        app, ["reply", "wrong-item", "verify-later", "--max-chars", "60", "--set", "time=明天"]
    )
    assert result.exit_code == 0, result.output
    messages = result.stdout.rstrip("\n").split("\n\n")
    assert len(messages) >= 2 and all(len(m) <= 60 for m in messages)
    assert clip.copies == [messages[0]]
    assert f"copied message 1 of {len(messages)}" in result.stderr


def test_composed_json(clip: RecordingClipboard) -> None:
    result = runner.invoke(app, ["reply", "greet", "courier", "--json", "--each", *SHOP])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["ids"] == ["greet", "courier"]
    assert len(data["messages"]) == 2 and data["limit"] == 500
    assert [r["id"] for r in data["replies"]] == ["greet", "courier"]


def test_variant_picks_one_reply_only() -> None:
    result = runner.invoke(app, ["reply", "greet", "courier", "-v", "1", *SHOP])
    assert result.exit_code == 2
    assert "give one id" in result.stderr


def test_a_variant_of_several_messages(steps: Path, clip: RecordingClipboard) -> None:
    entry = open_phrasebook().get("size-steps")
    assert entry is not None and len(entry.variants) == 2
    shown = runner.invoke(app, ["show", "size-steps"]).stdout.splitlines()
    assert shown[1].startswith("1. [1/3] 亲，选码前") and shown[3].startswith("   [3/3] 如果")
    joined = runner.invoke(app, ["reply", "size-steps", "-v", "1"])
    assert joined.stdout.splitlines() == [
        "亲，选码前麻烦告诉客服您的身高和体重哦～",
        "咱们这款是标准码，平时穿M的亲拍M就可以。",
        "如果喜欢宽松一点，可以拍大一码😊",
    ]
    assert clip.copies == [joined.stdout.rstrip("\n")]
    each = runner.invoke(app, ["reply", "size-steps", "-v", "1", "--each", "--json"])
    assert json.loads(each.stdout)["messages"] == joined.stdout.splitlines()
    single = json.loads(runner.invoke(app, ["reply", "size-steps", "-v", "1", "--json"]).stdout)
    assert single["messages"] == [joined.stdout.rstrip("\n")]  # they fit in one chat message
    assert single["replies"][0]["messages"] == joined.stdout.splitlines()


@pytest.mark.parametrize(
    ("variant", "problem"),
    [
        ("[[a, b, c, d, e, f]]", "1 to 5"),
        ("[[]]", "1 to 5"),
        ("[[ok, '']]", "empty"),
        ("[[ok, {x: 1}]]", "must be a text"),
    ],
)
def test_a_bad_list_of_messages_is_named(variant: str, problem: str) -> None:
    write_phrasebook(
        paths.personal_phrasebook(), f"entries:\n  - id: bad\n    variants: {variant}\n"
    )
    result = runner.invoke(app, ["show", "bad"])
    assert result.exit_code == 2
    assert "entry 'bad', field 'variants" in result.stderr and problem in result.stderr


def test_search_shows_the_messages_of_a_variant(steps: Path) -> None:
    data = json.loads(runner.invoke(app, ["search", "size-steps", "--json"]).stdout)
    assert data[0]["text"].split("\n")[0] == "亲，选码前麻烦告诉客服您的身高和体重哦～"


def test_compose_from_python() -> None:
    composed = csr_cli.compose_reply(
        ["closing", "ship-time", "greet"],
        values={"shop": "小美家", "agent": "小美", "ship_by": "16:00"},
        remember=False,
    )
    assert isinstance(composed, csr_cli.Composed)
    assert [r.id for r in composed.replies] == ["greet", "ship-time", "closing"]
    assert len(composed.messages) == 1 and "2天" in composed.messages[0]


def test_add_and_import_keep_a_variant_of_several_messages(steps: Path, tmp_path: Path) -> None:
    added = runner.invoke(app, ["add", "size-steps", "--text", "亲，第三种说法～"])
    assert added.exit_code == 0, added.output
    incoming = write_phrasebook(
        tmp_path / "more.yaml",
        "entries:\n  - id: size-steps\n    variants:\n      - [第一条, 第二条]\n",
    )
    merged = runner.invoke(app, ["import", str(incoming)])
    assert merged.exit_code == 0, merged.output
    entry = open_phrasebook().get("size-steps")
    assert entry is not None
    assert [len(v.split("\x1e")) for v in entry.variants] == [3, 1, 1, 2]
    assert "\x1e" not in paths.personal_phrasebook().read_text(encoding="utf-8")
