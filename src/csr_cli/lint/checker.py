"""Checking a draft reply: house tone, promises, review manipulation and leaked personal data.

The core of `csr lint` and of the warning `csr reply` gives for team and personal phrases. Pure
functions over text; the word lists and patterns come from csr_cli.lint.rules (policies/tone.yaml).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from functools import cache

from csr_cli.lint.rules import PhraseRule, ToneRules, load_rules

PERSONAL_CODES = ("phone", "id-card", "bank-card", "email", "address")
PATTERN_MESSAGES = {
    "promise": "a promise the shop cannot be sure to keep",
    "review-manipulation": "ties a reward to the buyer's review, which platform rules forbid",
}
NEVER_SEND = "never send a customer's personal data"

# Full-width digits count as digits; translating them one for one keeps every offset.
_FULLWIDTH = str.maketrans("０１２３４５６７８９Ｘｘ＠．＋", "0123456789Xx@.+")
_BEFORE = r"(?<![0-9A-Za-z*+])"  # not inside a longer number, a masked number or a code
_AFTER = r"(?![0-9A-Za-z*])"
_PHONE = re.compile(_BEFORE + r"(?:\+?86[ -]?)?1[3-9][0-9](?:[ -]?[0-9]{4}){2}" + _AFTER)
_ID_CARD = re.compile(_BEFORE + r"[1-9][0-9]{16}[0-9Xx]" + _AFTER)
_BANK_CARD = re.compile(_BEFORE + r"[0-9]{4}(?:[ -]?[0-9]{4}){3}(?:[ -]?[0-9]{1,3})?" + _AFTER)
_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
)
_UNITS = "号楼|号|弄|栋|幢|单元|室"
_ADDRESS = (
    r"[\u4e00-\u9fff]{2,4}?(?:省|市|区|县)"  # the first administrative unit
    r"[\u4e00-\u9fffA-Za-z0-9-]{0,30}?"  # more units, the road or the housing estate
    rf"[0-9]+(?:{_UNITS})(?:[0-9A-Za-z-]*(?:{_UNITS}|楼|层))*"  # house, building, unit, room
)
_BARE_MAX_CHARS = 12  # a longer text is never a bare reply; skips the per-character scan
_STREET_LEVEL = re.compile(r"[路街巷弄栋幢室]|大道|胡同|单元|号楼")
_ADDRESS_LEAD_IN = "地址是为在到往至寄发送的"
# A long number right after 单号/订单 is an order or tracking number, not a card.
_ORDER_CONTEXT = re.compile(r"(?:单号|订单|编号|快递号|运单)[号码]?(?:是|为|：|:|\s)*$")
_ID_REGIONS = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 "
    "61 62 63 64 65 71 81 82 83".split()
)
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


@dataclass(frozen=True)
class Problem:
    code: str
    message: str
    start: int  # character offsets into the text; `end` is exclusive
    end: int
    line: int  # 1-based
    column: int  # 1-based, in characters
    text: str
    suggestion: str | None = None
    fix: str | None = None  # a safe drop-in replacement for text[start:end]

    def to_json(self) -> dict[str, object]:
        return asdict(self)

    def describe(self) -> str:
        found = f" “{self.text}”" if self.text else ""
        hint = f" → {self.suggestion}" if self.suggestion else ""
        return f"{self.line}:{self.column} {self.code}{found}: {self.message}{hint}"


@dataclass(frozen=True)
class LintReport:
    """What `csr lint` found; with --fix also the fixed text and what is left in it."""

    text: str
    problems: list[Problem]
    fixed: str | None = None
    remaining: list[Problem] | None = None

    @property
    def clean(self) -> bool:
        return not (self.problems if self.remaining is None else self.remaining)

    def to_json(self) -> dict[str, object]:
        return {
            "text": self.text,
            "clean": self.clean,
            "problems": [problem.to_json() for problem in self.problems],
            "fixed": self.fixed,
            "remaining": None
            if self.remaining is None
            else [problem.to_json() for problem in self.remaining],
        }


def lint_text(
    text: str, rules: ToneRules | None = None, *, allow: Iterable[str] = ()
) -> list[Problem]:
    """Every problem in `text`, in order; `allow` lists text that may appear (the shop's own data)."""
    rules = load_rules() if rules is None else rules
    compiled = _compile(rules)
    draft = _Draft(text)
    found = [
        *_bare(draft, rules),
        *_blunt(draft, compiled),
        *_refusal(draft, compiled),
        *_polite(draft, compiled),
        *_first_person(draft, rules),
        *_patterns(draft, compiled),
        *_personal(draft),
    ]
    allowed = (*rules.allow, *allow)
    kept = [problem for problem in found if not _allowed(problem, allowed)]
    return _without_overlaps(sorted(kept, key=lambda p: (p.start, p.end, p.code)))


def apply_fixes(text: str, problems: Sequence[Problem]) -> str:
    """`text` with every safe fix applied; of two overlapping fixes the first wins."""
    parts: list[str] = []
    position = 0
    for problem in sorted(problems, key=lambda p: (p.start, p.end)):
        if problem.fix is None or problem.start < position:
            continue
        parts += [text[position : problem.start], problem.fix]
        position = problem.end
    return "".join([*parts, text[position:]])


def fix_text(text: str, rules: ToneRules | None = None, *, allow: Iterable[str] = ()) -> str:
    return apply_fixes(text, lint_text(text, rules, allow=allow))


def lint_report(
    text: str, rules: ToneRules | None = None, *, allow: Sequence[str] = (), fix: bool = False
) -> LintReport:
    problems = lint_text(text, rules, allow=allow)
    if not fix:
        return LintReport(text, problems)
    fixed = apply_fixes(text, problems)
    return LintReport(text, problems, fixed, lint_text(fixed, rules, allow=allow))


def shop_data(values: Iterable[str]) -> list[str]:
    """Config values that are personal data themselves (the shop's return phone and address):
    a reply may contain them."""
    return [value for value in values if any(True for _ in _personal(_Draft(value)))]


def valid_id_card(number: str) -> bool:
    """An 18-character PRC resident ID: region, a real birth date, and the GB 11643 check digit."""
    if not re.fullmatch(r"[1-9][0-9]{16}[0-9Xx]", number) or number[:2] not in _ID_REGIONS:
        return False
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    if not date(1900, 1, 1) <= born <= date.today():
        return False
    remainder = (
        sum(int(digit) * weight for digit, weight in zip(number[:17], _ID_WEIGHTS, strict=True))
        % 11
    )
    return "10X98765432"[remainder] == number[17].upper()


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


class _Draft:
    """The text being checked, with a digit-normalised copy and line starts for positions."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.normalised = text.translate(_FULLWIDTH)
        self._line_starts = [0, *(match.end() for match in re.finditer("\n", text))]
        self.han = sum(1 for char in text if "\u4e00" <= char <= "\u9fff")

    def problem(
        self,
        code: str,
        start: int,
        end: int,
        message: str,
        suggestion: str | None = None,
        fix: str | None = None,
    ) -> Problem:
        line = bisect_right(self._line_starts, start)
        column = start - self._line_starts[line - 1] + 1
        text = self.text[start:end]
        return Problem(code, message, start, end, line, column, text, suggestion, fix)


@dataclass(frozen=True)
class _Compiled:
    rules: ToneRules
    banned: re.Pattern[str] | None
    banned_rules: dict[str, PhraseRule]
    patterns: tuple[tuple[str, re.Pattern[str], PhraseRule], ...]
    refusal: re.Pattern[str] | None
    polite: re.Pattern[str] | None


@cache
def _compile(rules: ToneRules) -> _Compiled:
    patterns = tuple(
        (code, re.compile(rule.text if rule.regex else re.escape(rule.text)), rule)
        for code, section in (
            ("promise", rules.promises),
            ("review-manipulation", rules.review_manipulation),
        )
        for rule in section
    )
    return _Compiled(
        rules=rules,
        banned=_alternation(rule.text for rule in rules.banned),
        # a shop's rule for the same phrase replaces the bundled one
        banned_rules={rule.text: rule for rule in rules.banned},
        patterns=patterns,
        refusal=_alternation(rules.refusal_words),
        polite=_alternation(rules.polite_words),
    )


def _alternation(words: Iterable[str]) -> re.Pattern[str] | None:
    """One regex for many phrases; the longest wins where several start at the same place."""
    ordered = sorted(set(words), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, ordered))) if ordered else None


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


def _bare(draft: _Draft, rules: ToneRules) -> Iterator[Problem]:
    if len(draft.text.strip()) > _BARE_MAX_CHARS:
        return
    core = "".join(char for char in draft.text if unicodedata.category(char)[0] in "LN")
    if core and (core in rules.bare or (len(set(core)) == 1 and core[0] in rules.bare)):
        start = len(draft.text) - len(draft.text.lstrip())
        yield draft.problem(
            "bare-reply",
            start,
            len(draft.text.rstrip()),
            "a bare one-word reply is too curt; answer in a full sentence",
            "好的亲，我明白了",
        )


def _blunt(draft: _Draft, compiled: _Compiled) -> Iterator[Problem]:
    if compiled.banned is None:
        return
    since = 0
    for match in compiled.banned.finditer(draft.text):
        rule = compiled.banned_rules[match.group()]
        excused = _excused(draft.text, match.start(), rule.exceptions, since)
        since = match.end()
        if excused:
            continue
        yield draft.problem(
            "blunt-phrase",
            match.start(),
            match.end(),
            "blunt wording the house tone avoids",
            rule.suggestion,
            rule.suggestion if rule.fix else None,
        )


def _refusal(draft: _Draft, compiled: _Compiled) -> Iterator[Problem]:
    rules = compiled.rules
    first = next(_matches(compiled.refusal, draft.text, rules.refusal_except), None)
    if first is None:
        return
    if not any(word in draft.text for word in rules.apology_words):
        yield draft.problem(
            "refusal-no-apology",
            first.start(),
            first.end(),
            "a refusal without an apology; open with 非常抱歉",
            "非常抱歉，…",
        )
    if not any(word in draft.text for word in rules.reason_words):
        yield draft.problem(
            "refusal-no-reason",
            first.start(),
            first.end(),
            "a refusal without a reason; say why with 因为…",
            "因为…",
        )


def _polite(draft: _Draft, compiled: _Compiled) -> Iterator[Problem]:
    rules = compiled.rules
    if draft.han <= rules.polite_min_chars:
        return
    if next(_matches(compiled.polite, draft.text, rules.polite_except), None):
        return
    start = len(draft.text) - len(draft.text.lstrip())
    yield draft.problem(
        "no-polite-address",
        start,
        start,
        f"no 您 or 亲 in a reply of {draft.han} characters; address the buyer",
        "亲，",
        "亲，",
    )


def _first_person(draft: _Draft, rules: ToneRules) -> Iterator[Problem]:
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
        )


def _patterns(draft: _Draft, compiled: _Compiled) -> Iterator[Problem]:
    for code, pattern, rule in compiled.patterns:
        for match in _matches(pattern, draft.text, rule.exceptions):
            yield draft.problem(
                code, match.start(), match.end(), PATTERN_MESSAGES[code], rule.suggestion
            )


def _personal(draft: _Draft) -> Iterator[Problem]:
    yield from _numbers(draft)
    for match in _EMAIL.finditer(draft.normalised):
        local, _, domain = match.group().partition("@")
        masked = f"{local[0]}***@{domain}"
        yield draft.problem(
            "email", match.start(), match.end(), f"an e-mail address; {NEVER_SEND}", masked, masked
        )
    yield from _addresses(draft)


def _numbers(draft: _Draft) -> Iterator[Problem]:
    text = draft.normalised
    ids: set[int] = set()
    for match in _PHONE.finditer(text):
        if not _order_number(text, match.start()):
            digits = re.sub(r"[^0-9]", "", match.group())[-11:]
            masked = f"{digits[:3]}****{digits[-4:]}"
            message = f"a mobile phone number; {NEVER_SEND}"
            yield draft.problem("phone", match.start(), match.end(), message, masked, masked)
    for match in _ID_CARD.finditer(text):
        if valid_id_card(match.group()) and not _order_number(text, match.start()):
            ids.add(match.start())
            masked = match.group()[:3] + "*" * 11 + match.group()[-4:]
            message = f"an ID-card number (its check digit is valid); {NEVER_SEND}"
            yield draft.problem("id-card", match.start(), match.end(), message, masked, masked)
    for match in _BANK_CARD.finditer(text):
        digits = re.sub(r"[^0-9]", "", match.group())
        if match.start() in ids or not luhn_valid(digits) or _order_number(text, match.start()):
            continue
        masked = "*" * (len(digits) - 4) + digits[-4:]
        message = f"a bank card number (it passes the Luhn check); {NEVER_SEND}"
        yield draft.problem("bank-card", match.start(), match.end(), message, masked, masked)


def _order_number(text: str, start: int) -> bool:
    return _ORDER_CONTEXT.search(text[max(0, start - 10) : start]) is not None


@cache
def _address_pattern() -> re.Pattern[str]:
    # Compiling the CJK ranges costs milliseconds; most replies never get this far.
    return re.compile(_ADDRESS)


def _addresses(draft: _Draft) -> Iterator[Problem]:
    if not any(unit in draft.text for unit in "省市区县"):
        return
    for match in _address_pattern().finditer(draft.normalised):
        found = match.group()
        first_unit = re.search("[省市区县]", found)
        if first_unit is None or not _STREET_LEVEL.search(found, first_unit.end()):
            continue
        start = match.start()
        # the lazy match may begin with the words before the place name (寄到, 地址是)
        while found[0] in _ADDRESS_LEAD_IN and first_unit.start() - (start - match.start()) > 2:
            start += 1
            found = found[1:]
        yield draft.problem(
            "address",
            start,
            match.end(),
            f"a detailed street address; {NEVER_SEND}",
            "请买家在订单里核对收货地址，回复里不写完整地址",
        )


def _allowed(problem: Problem, allowed: Sequence[str]) -> bool:
    if not problem.text:
        return False
    personal = problem.code in PERSONAL_CODES
    return any(problem.text in text or (personal and text in problem.text) for text in allowed)


def _without_overlaps(problems: list[Problem]) -> list[Problem]:
    """One problem per place and kind: 改好评就返 matches two review patterns, report it once."""
    kept: list[Problem] = []
    last_end: dict[str, int] = {}
    for problem in problems:
        if problem.start < last_end.get(problem.code, -1):
            continue
        kept.append(problem)
        last_end[problem.code] = max(problem.end, problem.start + 1)
    return kept
