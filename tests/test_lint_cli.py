"""`csr lint` through the real CLI, and the warning `csr reply`/`search --copy` give for own phrases."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import RecordingClipboard, run_csr, write_phrasebook
from typer.testing import CliRunner

from csr_cli import paths
from csr_cli.cli import app
from csr_cli.commands import lint as lint_cmd

runner = CliRunner()


def test_a_clean_reply_exits_0_and_prints_nothing_on_stdout() -> None:
    result = runner.invoke(
        app, ["lint", "亲，非常抱歉，这个价格已经无法再低了，因为咱们对每位顾客都是同一个价格"]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr == "✓ no problems\n"


def test_problems_exit_1_one_line_each() -> None:
    result = runner.invoke(app, ["lint", "不好意思，这个不能便宜了"])
    assert result.exit_code == 1
    assert result.stdout == (
        "1:1 no-polite-address: a refusal without 您 or 亲; address the buyer → 亲，\n"
        "1:1 blunt-phrase “不好意思”: blunt wording the house tone avoids → 非常抱歉\n"
        "1:8 refusal-no-reason “不能”: a refusal without a reason; say why with 因为… → 因为…\n"
        "1:8 blunt-phrase “不能便宜了”: blunt wording the house tone avoids → 无法再低了\n"
    )
    assert result.stderr == "✗ 4 problems (3 fixable with --fix)\n"


def test_reads_stdin_when_no_text_or_a_dash_is_given() -> None:
    for args in (["lint"], ["lint", "-"]):
        result = runner.invoke(app, args, input="亲，您的电话13800138000\n")
        assert result.exit_code == 1
        assert result.stdout.startswith("1:7 phone “13800138000”")


def test_bad_input_exits_2_with_one_line() -> None:
    empty = runner.invoke(app, ["lint", "  "])
    assert empty.exit_code == 2
    assert empty.stderr == "error: nothing to check: the draft reply is empty\n"
    binary = runner.invoke(app, ["lint"], input=b"\xff\xfe\x00")
    assert binary.exit_code == 2
    assert binary.stderr == (
        "error: stdin is not UTF-8 text (byte 1, 0xFF: invalid start byte); save the draft as "
        "UTF-8 (or convert with iconv -f GBK -t UTF-8) and retry\n"
    )
    missing = runner.invoke(app, ["lint", "--rules", "nope.yaml", "亲"])
    assert missing.exit_code == 2
    assert missing.stderr == "error: nope.yaml: no such rules file; check the --rules path\n"


NOT_UTF8 = "save the draft as UTF-8 (or convert with iconv -f GBK -t UTF-8) and retry\n"


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ("不好意思，这个不行\n".encode("gbk"), "byte 1, 0xB2: invalid start byte"),
        (b"\xe4\xb8\x8d\xff\xe8\xa1\x8c", "byte 4, 0xFF: invalid start byte"),
        (b"\xe4\xb8", "byte 1, 0xE4: unexpected end of data"),
    ],
)
@pytest.mark.parametrize("json_flag", [[], ["--json"]])
def test_stdin_that_is_not_utf8_is_refused_not_passed_as_clean(
    data: bytes, problem: str, json_flag: list[str]
) -> None:
    result = runner.invoke(app, ["lint", *json_flag], input=data)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == f"error: stdin is not UTF-8 text ({problem}); {NOT_UTF8}"


def test_a_gbk_draft_piped_into_the_console_script_is_refused() -> None:
    # The real stdin decodes with surrogateescape on a UTF-8 locale; CliRunner's does not.
    gbk = run_csr("lint", input_bytes="不好意思，这个不行\n".encode("gbk"))
    assert (gbk.returncode, gbk.stdout) == (2, "")
    assert gbk.stderr == (
        f"error: stdin is not UTF-8 text (byte 1, 0xB2: invalid start byte); {NOT_UTF8}"
    )
    utf8 = run_csr("lint", input_bytes="\ufeff不好意思\r\n".encode())
    assert utf8.returncode == 1
    assert (
        utf8.stdout
        == "1:1 blunt-phrase “不好意思”: blunt wording the house tone avoids → 非常抱歉\n"
    )


def test_a_gbk_draft_given_as_an_argument_is_refused() -> None:
    # What Python makes of argument bytes that are not UTF-8; subprocess turns it back into them.
    argument = "不好意思，这个不行".encode("gbk").decode("utf-8", "surrogateescape")
    result = run_csr("lint", argument)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        "error: the draft is not UTF-8 text (character 1 is the byte 0xB2); give it as UTF-8 "
        "(or convert with iconv -f GBK -t UTF-8) and retry\n"
    )


def test_json_lists_the_problems_with_positions() -> None:
    result = runner.invoke(app, ["lint", "--json", "亲，改好评就返您5元"])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["clean"] is False
    assert data["fixed"] is None and data["remaining"] is None
    assert data["problems"] == [
        {
            "code": "review-manipulation",
            "message": "ties a reward to the buyer's review, which platform rules forbid",
            "start": 2,
            "end": 5,
            "line": 1,
            "column": 3,
            "text": "改好评",
            "suggestion": "不要求改评价：先解决问题，补偿和评价无关，评价是买家的权利",
            "fix": None,
        }
    ]
    assert result.stderr == ""


def test_fix_prints_and_copies_the_fixed_text(clip: RecordingClipboard) -> None:
    result = runner.invoke(
        app, ["lint", "--fix", "亲，快递到不了，但是可以发EMS，因为偏远，非常抱歉"]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == "亲，快递无法到达，不过可以发EMS，因为偏远，非常抱歉\n"
    assert clip.copies == ["亲，快递无法到达，不过可以发EMS，因为偏远，非常抱歉"]
    assert result.stderr == "✓ copied to the clipboard\n✓ fixed 2; no problems left\n"


def test_fix_says_what_is_left_and_exits_1(clip: RecordingClipboard) -> None:
    result = runner.invoke(app, ["lint", "--fix", "--no-copy", "你好，这个不行"])
    assert result.exit_code == 1
    assert result.stdout == "您好，这个无法帮到您\n"
    assert clip.copies == []
    assert result.stderr == (
        "✗ fixed 2; 2 problems left to fix by hand:\n"
        "  1:6 refusal-no-apology “无法”: a refusal without an apology; open with 非常抱歉 → 非常抱歉，…\n"
        "  1:6 refusal-no-reason “无法”: a refusal without a reason; say why with 因为… → 因为…\n"
    )


def test_fix_with_json(clip: RecordingClipboard) -> None:
    result = runner.invoke(app, ["lint", "--fix", "--json", "亲，您的电话13800138000"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["fixed"] == "亲，您的电话138****8000"
    assert data["remaining"] == []
    assert data["clean"] is True
    assert [p["code"] for p in data["problems"]] == ["phone"]
    assert clip.copies == ["亲，您的电话138****8000"]


def test_the_shops_own_contact_data_from_config_is_not_flagged() -> None:
    text = "亲，退货寄到浙江省杭州市余杭区文一西路1号，电话13800138000"
    assert runner.invoke(app, ["lint", text]).exit_code == 1
    runner.invoke(app, ["config", "set", "return_phone", "13800138000"])
    runner.invoke(app, ["config", "set", "return_address", "浙江省杭州市余杭区文一西路1号"])
    assert runner.invoke(app, ["lint", text]).exit_code == 0


def test_rules_option_adds_a_shops_rules(tmp_path: Path) -> None:
    rules = write_phrasebook(
        tmp_path / "shop.yaml", "banned:\n  - {phrase: 没货, replacement: 暂时缺货}\n"
    )
    result = runner.invoke(app, ["lint", "--rules", str(rules), "亲，没货了"])
    assert result.exit_code == 1
    assert (
        result.stdout == "1:3 blunt-phrase “没货”: blunt wording the house tone avoids → 暂时缺货\n"
    )


def test_a_broken_user_tone_file_is_a_usage_error() -> None:
    path = write_phrasebook(paths.config_dir() / "tone.yaml", "banned: nope\n")
    result = runner.invoke(app, ["lint", "亲"])
    assert result.exit_code == 2
    assert result.stderr == f"error: {path}: 'banned' must be a list of rules\n"


PERSONAL = """\
entries:
  - id: my-sorry
    title: My sorry
    keywords: [抱歉]
    variants:
      - 不好意思，这个不行，您换一个吧
  - id: my-thanks
    title: My thanks
    variants:
      - 亲，感谢您的支持，欢迎下次再来
"""


def test_reply_warns_about_an_own_phrase_and_still_copies(clip: RecordingClipboard) -> None:
    write_phrasebook(paths.personal_phrasebook(), PERSONAL)
    result = runner.invoke(app, ["reply", "my-sorry"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "不好意思，这个不行，您换一个吧\n"
    assert clip.copies == ["不好意思，这个不行，您换一个吧"]
    assert result.stderr == (
        "! 'my-sorry' (personal phrase) breaks the house tone; check it before sending:\n"
        "  1:1 blunt-phrase “不好意思”: blunt wording the house tone avoids → 非常抱歉\n"
        "  1:8 blunt-phrase “不行”: blunt wording the house tone avoids → 无法帮到您\n"
        "  1:8 refusal-no-reason “不行”: a refusal without a reason; say why with 因为… → 因为…\n"
        "✓ copied to the clipboard\n"
    )


def test_search_copy_warns_through_the_same_function(clip: RecordingClipboard) -> None:
    write_phrasebook(paths.personal_phrasebook(), PERSONAL)
    result = runner.invoke(app, ["search", "my-sorry", "--copy", "-n", "1"])
    assert result.exit_code == 0, result.output
    assert clip.copies == ["不好意思，这个不行，您换一个吧"]
    assert "! 'my-sorry' (personal phrase) breaks the house tone" in result.stderr


def test_a_calculator_warns_about_its_overridden_reply(clip: RecordingClipboard) -> None:
    write_phrasebook(
        paths.personal_phrasebook(),
        "entries:\n  - id: refund-explain-no-reason\n    title: Mine\n"
        "    placeholders: {refund: null}\n    variants:\n      - 不好意思，只能退{refund}元\n",
    )
    result = runner.invoke(app, ["refund", "190", "--shipping", "10"])
    assert result.exit_code == 0, result.output
    assert clip.copies == ["不好意思，只能退180元"]
    assert result.stderr.startswith(
        "! 'refund-explain-no-reason' (personal phrase) breaks the house tone; "
        "check it before sending:\n"
        "  1:1 blunt-phrase “不好意思”: blunt wording the house tone avoids → 非常抱歉\n"
    )


def test_no_warning_for_clean_or_bundled_phrases(clip: RecordingClipboard) -> None:
    write_phrasebook(paths.personal_phrasebook(), PERSONAL)
    for entry_id in ("my-thanks", "bargain"):
        result = runner.invoke(app, ["reply", entry_id])
        assert result.exit_code == 0, result.output
        assert result.stderr == "✓ copied to the clipboard\n"


def test_a_broken_tone_file_never_stops_a_reply(clip: RecordingClipboard) -> None:
    write_phrasebook(paths.personal_phrasebook(), PERSONAL)
    path = write_phrasebook(paths.config_dir() / "tone.yaml", "banned: nope\n")
    result = runner.invoke(app, ["reply", "my-sorry"])
    assert result.exit_code == 0
    assert clip.copies == ["不好意思，这个不行，您换一个吧"]
    assert result.stderr == (
        f"! lint skipped: {path}: 'banned' must be a list of rules\n✓ copied to the clipboard\n"
    )


def test_the_console_script_exit_codes_and_stdin() -> None:
    clean = run_csr("lint", "亲，好的，马上为您查询", env={"CSR_NO_COPY": "1"})
    assert (clean.returncode, clean.stdout) == (0, "")
    piped = run_csr("lint", input_text="嗯\n", env={"CSR_NO_COPY": "1"})
    assert piped.returncode == 1
    assert piped.stdout.startswith("1:1 bare-reply “嗯”")
    bad = run_csr("lint", "--bogus")
    assert bad.returncode == 2
    assert bad.stderr.startswith("error: ")


def test_on_a_terminal_the_draft_is_shown_above_the_problems(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(lint_cmd, "use_rich", lambda: True)
    result = runner.invoke(app, ["lint", "亲，这款很好看，但是偏小一码"])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "亲，这款很好看，但是偏小一码",
        "1:9 blunt-phrase “但是”: blunt wording the house tone avoids → 不过",
    ]


@pytest.mark.parametrize(
    ("draft", "line"),
    [
        ("知道了", "1:1 bare-reply “知道了”"),
        ("亲，这个不讲价的哦", "1:5 blunt-phrase “不讲价”"),
        ("这个不是我们的质量问题哦", "1:3 blame-shifting “不是我们的质量问题”"),
        ("亲，呵呵", "1:3 slang “呵呵”"),
        ("亲，保证不起球", "1:3 promise “保证不起球”"),
        ("親，這個不 講 價", "1:5 blunt-phrase “不 講 價”"),
    ],
)
def test_forbidden_forms_through_the_cli(draft: str, line: str) -> None:
    result = runner.invoke(app, ["lint", draft])
    assert result.exit_code == 1
    assert any(text.startswith(line + ":") for text in result.stdout.splitlines()), result.stdout


def test_an_ordinary_sentence_needs_no_polite_address_but_an_opening_does() -> None:
    text = "已经发货了，单号在订单里可以看到，请留意查收"
    plain = runner.invoke(app, ["lint", text])
    assert plain.exit_code == 0, plain.output
    assert plain.stderr == "✓ no problems\n"
    opening = runner.invoke(app, ["lint", "--opening", text])
    assert opening.exit_code == 1
    assert opening.stdout == (
        "1:1 no-polite-address: the opening of a conversation without 您 or 亲; "
        "address the buyer → 亲，\n"
    )
    fixed = runner.invoke(app, ["lint", "--opening", "--fix", "--no-copy", text])
    assert fixed.exit_code == 0, fixed.output
    assert fixed.stdout == f"亲，{text}\n"


def test_a_slang_fix_through_the_cli(clip: RecordingClipboard) -> None:
    result = runner.invoke(app, ["lint", "--fix", "亲亲亲，神马情况呀"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "亲，什么情况呀\n"
    assert clip.copies == ["亲，什么情况呀"]


CONTEXT = """\
entries:
  - id: my-hello
    title: My hello
    tags: [greeting]
    variants:
      - 欢迎来到小店，有什么可以帮到的
  - id: my-shipped
    title: Shipped
    tags: [shipping]
    variants:
      - 已经发货了，单号在订单里可以看到，请留意查收
"""


def test_reply_lints_an_own_phrase_in_its_entrys_context(clip: RecordingClipboard) -> None:
    write_phrasebook(paths.personal_phrasebook(), CONTEXT)
    hello = runner.invoke(app, ["reply", "my-hello"])
    assert hello.exit_code == 0, hello.output
    assert hello.stderr == (
        "! 'my-hello' (personal phrase) breaks the house tone; check it before sending:\n"
        "  1:1 no-polite-address: the opening of a conversation without 您 or 亲; "
        "address the buyer → 亲，\n"
        "✓ copied to the clipboard\n"
    )
    shipped = runner.invoke(app, ["reply", "my-shipped"])
    assert shipped.exit_code == 0, shipped.output
    assert shipped.stderr == "✓ copied to the clipboard\n"


def test_check_lints_phrases_in_their_entrys_context() -> None:
    path = write_phrasebook(paths.personal_phrasebook(), CONTEXT)
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{path}:6: entry 'my-hello', field 'variants[1]': no-polite-address: the opening of a "
        "conversation without 您 or 亲; address the buyer; write “亲，”"
    ]
