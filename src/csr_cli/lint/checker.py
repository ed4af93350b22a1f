"""Checking a draft reply: house tone, promises, review manipulation and leaked personal data.

The core of `csr lint` and of the warning `csr reply` gives for team and personal phrases. Pure
functions over text; the word lists and patterns come from csr_cli.lint.rules (policies/tone.yaml),
the tone checks live in csr_cli.lint.tone and the personal-data checks in csr_cli.lint.personal.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from csr_cli.lint.draft import Draft, Problem
from csr_cli.lint.personal import PERSONAL_CODES, personal_problems
from csr_cli.lint.rules import ToneRules, load_rules
from csr_cli.lint.tone import compile_rules, tone_problems

__all__ = ["LintReport", "Problem", "apply_fixes", "fix_text", "lint_report", "lint_text"]


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
    text: str,
    rules: ToneRules | None = None,
    *,
    allow: Iterable[str] = (),
    opening: bool = False,
) -> list[Problem]:
    """Every problem in `text`, in order; `allow` lists text that may appear (the shop's own
    data); `opening`: the text starts a conversation, so it must address the buyer (亲/您)."""
    rules = load_rules() if rules is None else rules
    compiled = compile_rules(rules)
    draft = Draft(text, compiled.folding)
    found = [*tone_problems(draft, compiled, opening=opening), *personal_problems(draft)]
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


def fix_text(
    text: str,
    rules: ToneRules | None = None,
    *,
    allow: Iterable[str] = (),
    opening: bool = False,
) -> str:
    return apply_fixes(text, lint_text(text, rules, allow=allow, opening=opening))


def lint_report(
    text: str,
    rules: ToneRules | None = None,
    *,
    allow: Sequence[str] = (),
    fix: bool = False,
    opening: bool = False,
) -> LintReport:
    problems = lint_text(text, rules, allow=allow, opening=opening)
    if not fix:
        return LintReport(text, problems)
    fixed = apply_fixes(text, problems)
    return LintReport(text, problems, fixed, lint_text(fixed, rules, allow=allow, opening=opening))


def shop_data(values: Iterable[str]) -> list[str]:
    """Config values that are personal data themselves (the shop's return phone and address):
    a reply may contain them."""
    return [value for value in values if any(True for _ in personal_problems(Draft(value)))]


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
