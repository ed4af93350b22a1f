"""`csr lint`: check a draft reply before it is sent. Exit 0 clean, 1 problems, 2 bad input."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from csr_cli.commands._common import (
    JsonOpt,
    NoCopyOpt,
    console,
    deliver,
    note,
    print_json,
    read_stdin_text,
    use_rich,
)
from csr_cli.config import load_config
from csr_cli.errors import UsageError

if TYPE_CHECKING:
    from csr_cli.lint.checker import LintReport, Problem

PROBLEMS_EXIT = 1

TextArg = Annotated[
    str | None,
    typer.Argument(
        help="The draft reply; omit it (or give -) to read it from stdin.", show_default=False
    ),
]
FixOpt = Annotated[
    bool,
    typer.Option("--fix", help="Print and copy the text with the safe replacements applied."),
]
OpeningOpt = Annotated[
    bool,
    typer.Option(
        "--opening",
        help="The draft opens the conversation: it must address the buyer with 亲 or 您 "
        "(greetings and refusals always must).",
    ),
]
RulesOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--rules",
        metavar="FILE",
        help="More tone rules, shaped like policies/tone.yaml (repeatable). "
        "A tone.yaml in the config folder is always read.",
    ),
]


def lint(
    text: TextArg = None,
    fix: FixOpt = False,
    opening: OpeningOpt = False,
    rules: RulesOpt = None,
    no_copy: NoCopyOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Check a draft reply for blunt wording, slang, blame, refusals without apology or reason,
    promises, review manipulation and customers' personal data; exit 1 when it finds any."""
    # Imported here: the checker's regexes are compiled only when something is checked.
    from csr_cli.lint.checker import lint_report, shop_data
    from csr_cli.lint.rules import load_rules

    report = lint_report(
        read_draft(text),
        load_rules(rules or []),
        # the shop's own return phone and address (csr config) may appear in a reply
        allow=shop_data(load_config().values()),
        fix=fix,
        opening=opening,
    )

    def render() -> None:
        if as_json:
            print_json(report.to_json())
        elif report.fixed is not None:
            typer.echo(report.fixed)
        else:
            _render_problems(report)

    if report.fixed is not None:
        deliver(report.fixed, no_copy=no_copy, render=render)
    else:
        render()
    if not as_json:
        _summarise(report)
    if not report.clean:
        raise typer.Exit(PROBLEMS_EXIT)


def read_draft(text: str | None) -> str:
    """The argument, or stdin when it is omitted or `-`; a trailing newline is not part of it."""
    if text is None or text == "-":
        if text is None and sys.stdin.isatty():
            raise UsageError(
                "give the draft reply as an argument or on stdin, e.g. csr lint '亲，…'"
            )
        text = read_stdin_text("draft").rstrip("\n")
    # Python hands over argument bytes that are not UTF-8 as these stand-ins (surrogateescape).
    undecoded = re.search("[\udc80-\udcff]", text)
    if undecoded:
        raise UsageError(
            f"the draft is not UTF-8 text (character {undecoded.start() + 1} is the byte "
            f"0x{ord(undecoded.group()) - 0xDC00:02X}); give it as UTF-8 (or convert with "
            "iconv -f GBK -t UTF-8) and retry"
        )
    control = re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", text)
    if control:
        what = (
            "NUL bytes" if "\x00" in text else f"the control character U+{ord(control.group()):04X}"
        )
        raise UsageError(
            f"the draft contains {what} (first at character {control.start() + 1}), so it is "
            "not a chat reply (a binary or mis-encoded file?); give the text as UTF-8 and retry"
        )
    if not text.strip():
        raise UsageError("nothing to check: the draft reply is empty")
    return text


def _render_problems(report: LintReport) -> None:
    if not use_rich():
        for problem in report.problems:
            typer.echo(problem.describe())
        return
    from rich.text import Text

    out = console()
    if report.problems:
        marked = Text(report.text)
        for problem in report.problems:
            marked.stylize(f"underline {_colour(problem)}", problem.start, problem.end)
        out.print(marked)
    for problem in report.problems:
        line = Text()
        line.append(f"{problem.line}:{problem.column} ", style="dim")
        line.append(problem.code, style=f"bold {_colour(problem)}")
        line.append(f" “{problem.text}”: " if problem.text else ": ")
        line.append(problem.message)
        if problem.suggestion:
            line.append(f" → {problem.suggestion}", style="green")
        out.print(line)


def _colour(problem: Problem) -> str:
    from csr_cli.lint.personal import PERSONAL_CODES

    return "red" if problem.code in PERSONAL_CODES else "yellow"


def _summarise(report: LintReport) -> None:
    fixable = sum(problem.fix is not None for problem in report.problems)
    if report.remaining is None:
        clean = "✓ no problems"
        note(
            clean if report.clean else f"✗ {_count(report.problems)} ({fixable} fixable with --fix)"
        )
    elif report.clean:
        note(f"✓ fixed {fixable}; no problems left")
    else:
        note(f"✗ fixed {fixable}; {_count(report.remaining)} left to fix by hand:")
        for problem in report.remaining:
            note(f"  {problem.describe()}")


def _count(problems: list[Problem]) -> str:
    return f"{len(problems)} problem" + ("" if len(problems) == 1 else "s")
