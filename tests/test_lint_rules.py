"""Tone rules files: a shop's own rules extend the bundled ones; bad files are named precisely."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import write_phrasebook

from csr_cli import paths
from csr_cli.errors import PolicyError
from csr_cli.lint import rules as tone
from csr_cli.lint.checker import lint_text
from csr_cli.lint.rules import load_rules, parse_files, tone_file


def test_the_bundled_rules_load_and_keep_the_standard_rewrites() -> None:
    rules = {rule.text: rule.suggestion for rule in load_rules().banned}
    assert rules["不能便宜"] == "无法再低了"
    assert rules["不行"] == "无法帮到您"
    assert rules["到不了"] == "无法到达"
    assert rules["不好意思"] == "非常抱歉"


def blunt(text: str) -> list[tuple[str, str | None]]:
    return [
        (problem.text, problem.suggestion)
        for problem in lint_text(text)
        if problem.code in ("blunt-phrase", "bare-reply")
    ]


def test_lint_reports_blunt_phrases_and_bare_replies() -> None:
    assert blunt("不好意思，到不了") == [("不好意思", "非常抱歉"), ("到不了", "无法到达")]
    assert [phrase for phrase, _ in blunt("嗯。")] == ["嗯。"]
    assert blunt("亲，不客气，不用担心") == []


def test_the_users_tone_file_extends_the_rules() -> None:
    write_phrasebook(
        paths.config_dir() / "tone.yaml",
        "banned:\n  - {phrase: 没货, replacement: 暂时缺货}\n"
        "  - {phrase: 但是, replacement: 不过呢}\n"
        "promises:\n  - {phrase: 包退包换, suggestion: 按退换规则说明}\n"
        "allow: [不知道]\n"
        "polite:\n  min_chars: 4\n  greetings: [哈罗]\n",
    )
    problems = lint_text("没货了，但是包退包换，不知道")
    assert [(p.code, p.text, p.suggestion) for p in problems] == [
        ("blunt-phrase", "没货", "暂时缺货"),
        ("blunt-phrase", "但是", "不过呢"),  # the shop's rewrite replaces the bundled one
        ("promise", "包退包换", "按退换规则说明"),
    ]
    # the shop's own greeting opens a conversation, which must address the buyer
    assert [p.code for p in lint_text("哈罗，在的，请问要哪个颜色")] == ["no-polite-address"]
    assert lint_text("哈罗亲，在的，请问要哪个颜色") == []


def test_rules_option_files_come_last(tmp_path: Path) -> None:
    extra = write_phrasebook(
        tmp_path / "shop.yaml",
        "review_manipulation:\n  - pattern: 晒图.{0,4}返\n    suggestion: 不和评价挂钩\n",
    )
    rules = load_rules([extra])
    assert rules.review_manipulation[-1].text == "晒图.{0,4}返"
    assert [p.code for p in lint_text("亲，晒图就返5元", rules)] == ["review-manipulation"]


def test_the_merged_rules_are_cached_and_rebuilt_when_a_file_changes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    user = write_phrasebook(paths.config_dir() / "tone.yaml", "bare: [好]\n")
    load_rules()
    monkeypatch.setattr(tone, "_loaded", {})

    def no_yaml(path: Path) -> None:
        raise AssertionError(f"parsed {path} although the cache is fresh")

    with monkeypatch.context() as patched:
        patched.setattr(tone, "_parse_file", no_yaml)
        assert load_rules().bare[-1] == "好"
    user.write_text("bare: [好, 行]\n", encoding="utf-8")
    assert load_rules().bare[-2:] == ("好", "行")


BAD_FILES = [
    (
        "other: 1\n",
        "unknown key 'other'; allowed keys: banned, slang, blame, promises, review_manipulation, refusal, polite, first_person, fold, bare, endings, allow",
    ),
    ("banned: {phrase: x}\n", "'banned' must be a list of rules"),
    (
        "banned:\n  - 不行\n",
        "banned #1: each rule must be a mapping, e.g. {phrase: …, suggestion: …}",
    ),
    (
        "banned:\n  - {phrase: 不行}\n",
        "banned #1 ('不行'), field 'replacement': must be a non-empty text",
    ),
    (
        "banned:\n  - {phrase: 不行, replacement: 无法, severity: high}\n",
        "banned #1 ('不行'), field 'severity': unknown field; allowed: except, fix, pattern, phrase, replacement",
    ),
    (
        "banned:\n  - {phrase: 不行, replacement: 无法, fix: maybe}\n",
        "banned #1 ('不行'), field 'fix': must be true or false",
    ),
    (
        "slang:\n  - {pattern: '呵(', replacement: 不用}\n",
        "slang #1 ('呵('), field 'pattern': not a valid regular expression: missing ), "
        "unterminated subpattern at position 1",
    ),
    (
        "blame:\n  - {phrase: 不关我事, suggestion: x}\n",
        "blame #1 ('不关我事'), field 'suggestion': unknown field; allowed: except, fix, pattern, phrase, replacement",
    ),
    (
        "fold:\n  traditional: [講]\n",
        "fold, field 'traditional': '講' is not pairs of a traditional and its simplified "
        "character, e.g. [講讲]",
    ),
    (
        "fold:\n  ignore: '-'\n",
        "fold, field 'ignore': must be a list of one character each, e.g. ['·', '-']",
    ),
    (
        "promises:\n  - {phrase: 一定, pattern: 一定, suggestion: x}\n",
        "promises #1 ('一定'), field 'phrase': each rule needs either a phrase or a pattern",
    ),
    (
        "promises:\n  - {pattern: '保证(', suggestion: x}\n",
        "promises #1 ('保证('), field 'pattern': not a valid regular expression: missing ), unterminated subpattern at position 2",
    ),
    (
        "promises:\n  - {phrase: 一定, suggestion: x, except: 不一定}\n",
        "promises #1 ('一定'), field 'except': must be a list of phrases, e.g. [不错, 不客气]",
    ),
    (
        "polite:\n  min_chars: -1\n",
        "polite, field 'min_chars': must be a whole number of at least 1",
    ),
    (
        "polite:\n  words: [您]\n  tone: warm\n",
        "polite, field 'tone': unknown field; allowed: words, except, min_chars, greetings, "
        "opening_tags",
    ),
    ("allow: 400-800\n", "'allow': must be a list of phrases, e.g. [不错, 不客气]"),
    (
        "- just a list\n",
        "the tone rules must be a mapping with keys banned, slang, blame, promises, review_manipulation, refusal, polite, first_person, fold, bare, endings, allow",
    ),
]


@pytest.mark.parametrize(("text", "problem"), BAD_FILES)
def test_a_bad_rules_file_names_file_rule_and_field(
    tmp_path: Path, text: str, problem: str
) -> None:
    path = write_phrasebook(tmp_path / "tone.yaml", text)
    with pytest.raises(PolicyError) as caught:
        parse_files([tone_file(), path])
    assert str(caught.value) == f"{path}: {problem}"


def test_a_yaml_syntax_error_is_a_policy_error(tmp_path: Path) -> None:
    path = write_phrasebook(tmp_path / "tone.yaml", "banned: [\n")
    with pytest.raises(PolicyError) as caught:
        parse_files([path])
    assert str(caught.value).startswith(f"{path}:2: YAML syntax error in the tone rules:")
    assert str(caught.value).endswith("; fix the file")


def test_a_missing_rules_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(PolicyError) as caught:
        load_rules([tmp_path / "nope.yaml"])
    assert (
        str(caught.value) == f"{tmp_path / 'nope.yaml'}: no such rules file; check the --rules path"
    )
