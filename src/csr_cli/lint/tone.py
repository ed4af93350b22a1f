"""The house-tone checks: bare replies, banned wording, slang, blame, refusals, the polite
address, 我 against 您, promises and review manipulation.

Every word list and pattern comes from the rules (policies/tone.yaml and a shop's own files);
this module only knows how each kind of rule is applied. Rules match the draft's folded text
(csr_cli.lint.draft), so spaced-out, decorated and traditional forms are caught too.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache

from csr_cli.lint.draft import Draft, Folding, Problem
from csr_cli.lint.rules import ADVISING_SECTIONS, REPLACING_SECTIONS, PhraseRule, ToneRules

MESSAGES = {
    "blunt-phrase": "blunt wording the house tone avoids",
    "slang": "internet slang or a curse the house tone avoids",
    "blame-shifting": "shifts the blame onto the buyer or someone else; apologise and say what "
    "the shop will do",
    "promise": "a promise the shop cannot be sure to keep",
    "review-manipulation": "ties a reward to the buyer's review, which platform rules forbid",
}
_BARE_MAX_CHARS = 12  # a longer text is never a bare reply; skips the per-character scan


@dataclass(frozen=True)
class _Section:
    code: str
    literal: re.Pattern[str] | None  # every plain phrase of the section, longest first
    by_phrase: dict[str, PhraseRule]  # folded phrase -> its rule
    patterns: tuple[tuple[re.Pattern[str], PhraseRule], ...]
    exceptions: dict[PhraseRule, tuple[str, ...]]  # folded, like the text they are looked for in


@dataclass(frozen=True)
class Compiled:
    rules: ToneRules
    folding: Folding
    sections: tuple[_Section, ...]
    bare_whole: re.Pattern[str] | None
    bare_word: re.Pattern[str] | None
    refusal: re.Pattern[str] | None
    refusal_except: tuple[str, ...]
    polite: re.Pattern[str] | None
    polite_except: tuple[str, ...]
    greeting: re.Pattern[str] | None


@cache
def compile_rules(rules: ToneRules) -> Compiled:
    folding = _folding(rules)
    plain = folding.plain
    sections = tuple(
        _section(code, getattr(rules, name), folding)
        for name, code in (*REPLACING_SECTIONS.items(), *ADVISING_SECTIONS.items())
    )
    greetings = _alternation(plain(word) for word in rules.polite_greetings)
    return Compiled(
        rules=rules,
        folding=folding,
        sections=sections,
        bare_whole=_repeated((*rules.bare, *rules.endings)),
        bare_word=_alternation(rules.bare),
        refusal=_alternation(plain(word) for word in rules.refusal_words),
        refusal_except=tuple(plain(word) for word in rules.refusal_except),
        polite=_alternation(rules.polite_words),
        polite_except=tuple(plain(word) for word in rules.polite_except),
        greeting=None
        if greetings is None
        else re.compile(rf"[\W_]*(?:{greetings.pattern})(?![A-Za-z])", re.IGNORECASE),
    )


def tone_problems(draft: Draft, compiled: Compiled, *, opening: bool) -> Iterator[Problem]:
    yield from _bare(draft, compiled)
    for section in compiled.sections:
        yield from _phrases(draft, section)
    refusal = next(_matches(compiled.refusal, draft.folded, compiled.refusal_except), None)
    if refusal is not None:
        yield from _refusal(draft, compiled.rules, refusal)
    yield from _polite(draft, compiled, opening=opening, refusing=refusal is not None)
    yield from _first_person(draft, compiled.rules)


def _folding(rules: ToneRules) -> Folding:
    ignore = "".join(rules.fold_ignore)
    table = {ord(pair[0]): pair[1] for pair in rules.fold_traditional}
    return Folding(
        ignore=re.compile(f"[{re.escape(ignore)}]") if ignore else None, table=table or None
    )


def _section(code: str, rules: Sequence[PhraseRule], folding: Folding) -> _Section:
    literal = [rule for rule in rules if not rule.regex]
    return _Section(
        code=code,
        literal=_alternation(folding.plain(rule.text) for rule in literal),
        # a shop's rule for the same phrase replaces the bundled one
        by_phrase={folding.plain(rule.text): rule for rule in literal},
        patterns=tuple((re.compile(rule.text), rule) for rule in rules if rule.regex),
        exceptions={
            rule: tuple(folding.plain(phrase) for phrase in rule.exceptions) for rule in rules
        },
    )


def _alternation(words: Iterable[str]) -> re.Pattern[str] | None:
    """One regex for many phrases; the longest wins where several start at the same place."""
    ordered = sorted(set(words), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, ordered))) if ordered else None


def _repeated(words: Iterable[str]) -> re.Pattern[str] | None:
    alternation = _alternation(words)
    return None if alternation is None else re.compile(f"(?:{alternation.pattern})+")


def _matches(
    pattern: re.Pattern[str] | None, text: str, exceptions: Sequence[str]
) -> Iterator[re.Match[str]]:
    """Matches of `pattern` not inside one of the `exceptions` (不知道 inside 不知道您)."""
    if pattern is None:
        return
    since = 0
    for match in pattern.finditer(text):
        if match.group() and not _excused(text, match.start(), exceptions, since):
            yield match
        since = match.end()


def _excused(text: str, start: int, exceptions: Sequence[str], since: int) -> bool:
    """Whether one of `exceptions` occurs over the match's first character (不能保证 excuses
    保证明天到, 不知道您 excuses 不知道), starting after the previous match (`since`): in
    不行不行 the second 不行 is no 行不行."""
    for phrase in exceptions:
        for at in range(max(since, start - len(phrase) + 1), start + 1):
            if text.startswith(phrase, at):
                return True
    return False


def _bare(draft: Draft, compiled: Compiled) -> Iterator[Problem]:
    """The whole reply is 哦, 嗯嗯, 知道了, 知道了哦…: bare words and sentence endings only."""
    if len(draft.text.strip()) > _BARE_MAX_CHARS or compiled.bare_whole is None:
        return
    core = "".join(char for char in draft.folded if unicodedata.category(char)[0] in "LN")
    if (
        core
        and compiled.bare_whole.fullmatch(core)
        and compiled.bare_word is not None
        and compiled.bare_word.search(core)
    ):
        start = len(draft.text) - len(draft.text.lstrip())
        yield draft.problem(
            "bare-reply",
            start,
            len(draft.text.rstrip()),
            "a bare one-word reply is too curt; answer in a full sentence",
            "好的亲，我明白了",
        )


def _phrases(draft: Draft, section: _Section) -> Iterator[Problem]:
    """The section's plain phrases (the longest where several start together), then its
    patterns; each match not excused by its rule's exceptions."""
    message = MESSAGES[section.code]
    found: list[tuple[re.Match[str], PhraseRule]] = []
    if section.literal is not None:
        since = 0
        for match in section.literal.finditer(draft.folded):
            rule = section.by_phrase[match.group()]
            if not _excused(draft.folded, match.start(), section.exceptions[rule], since):
                found.append((match, rule))
            since = match.end()
    for pattern, rule in section.patterns:
        found += [
            (match, rule) for match in _matches(pattern, draft.folded, section.exceptions[rule])
        ]
    for match, rule in found:
        yield draft.found(
            section.code,
            match.start(),
            match.end(),
            message,
            rule.suggestion,
            rule.suggestion if rule.fix else None,
        )


def _refusal(draft: Draft, rules: ToneRules, first: re.Match[str]) -> Iterator[Problem]:
    if not any(word in draft.folded for word in rules.apology_words):
        yield draft.found(
            "refusal-no-apology",
            first.start(),
            first.end(),
            "a refusal without an apology; open with 非常抱歉",
            "非常抱歉，…",
        )
    if not any(word in draft.folded for word in rules.reason_words):
        yield draft.found(
            "refusal-no-reason",
            first.start(),
            first.end(),
            "a refusal without a reason; say why with 因为…",
            "因为…",
        )


def _polite(
    draft: Draft, compiled: Compiled, *, opening: bool, refusing: bool
) -> Iterator[Problem]:
    """亲 or 您 where the house tone wants it: opening a conversation and declining. An
    ordinary sentence in the middle of a chat needs neither."""
    rules = compiled.rules
    if draft.han <= rules.polite_min_chars:
        return
    if next(_matches(compiled.polite, draft.folded, compiled.polite_except), None):
        return
    if opening:
        what = "the opening of a conversation"
    elif compiled.greeting is not None and compiled.greeting.match(draft.folded):
        what = "a greeting"
    elif refusing:
        what = "a refusal"
    else:
        return
    start = len(draft.text) - len(draft.text.lstrip())
    yield draft.problem(
        "no-polite-address",
        start,
        start,
        f"{what} without 您 or 亲; address the buyer",
        "亲，",
        "亲，",
    )


def _first_person(draft: Draft, rules: ToneRules) -> Iterator[Problem]:
    if draft.han < rules.first_person_min_chars:
        return
    mine = [match.start() for match in re.finditer("我(?!们)", draft.text)]
    yours = draft.text.count("您") + draft.text.count("咱们")
    if len(mine) >= rules.first_person_min_count and len(mine) > yours:
        yield draft.problem(
            "first-person",
            mine[0],
            mine[0] + 1,
            f"我 {len(mine)} times against 您/咱们 {yours} times; "
            "speak to the buyer (您) and for the shop (咱们)",
            "把“我”换成“咱们”，或以“您”开头",
        )
