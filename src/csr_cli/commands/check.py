"""`csr check` and `csr doctor`: is the phrasebook sound, and is csr set up right."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from csr_cli.commands._common import JsonOpt, note, print_json

if TYPE_CHECKING:
    from csr_cli.doctor import Diagnosis


def check(
    files: Annotated[
        list[Path] | None,
        typer.Argument(help="Files to check (default: every layer csr reads).", show_default=False),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Check phrasebooks: schema, duplicate ids and aliases, unknown placeholders, house tone."""
    from csr_cli.phrasebook.checks import check as run_check

    report = run_check(files or [])
    if as_json:
        print_json(report.to_json())
    else:
        for problem in report.problems:
            typer.echo(str(problem))
        overrides = f", {report.overrides} override(s) of a lower layer" if report.overrides else ""
        found = f"{len(report.problems)} problem(s)" if report.problems else "no problems"
        mark = "✗" if report.problems else "✓"
        note(f"{mark} {len(report.files)} file(s), {report.entries} entries{overrides}: {found}")
    if report.problems:
        raise typer.Exit(1)


def doctor(
    test_copy: Annotated[
        bool,
        typer.Option("--test-copy", help="Really copy a test line to check the clipboard."),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Show versions, phrasebook layers, where files live, and whether copying works."""
    from csr_cli.doctor import diagnose

    result = diagnose(terminal=sys.stderr.isatty(), test_copy=test_copy)
    if as_json:
        print_json(result.to_json())
    else:
        typer.echo("\n".join(_doctor_lines(result)))
    if result.problems:
        raise typer.Exit(1)


def _doctor_lines(result: Diagnosis) -> list[str]:
    packages = ", ".join(f"{name} {version}" for name, version in result.packages.items())
    lines = [
        f"csr {result.version} (Python {result.python}, {result.platform})",
        f"  {packages}",
        "phrasebook:",
    ]
    for info in result.layers:
        shown = _count(info.entries) if info.entries is not None else info.problem or "none yet"
        lines.append(f"  {info.layer:<9} {shown:<12} {info.path}")
    merged = _count(result.merged_entries) if result.merged_entries is not None else "?"
    lines.append(f"  {'in use':<9} {merged:<12} (a later layer replaces an earlier id)")
    config_note = "" if result.config_exists else " (not created yet)"
    writable = "" if result.config_dir_writable else " — NOT WRITABLE"
    lines += [
        f"config:    {result.config}{config_note}{writable}",
        f"state:     {result.state}",
        f"cache:     {result.cache}",
        f"cases:     {result.case_log}",
    ]
    clip = result.clipboard
    lines.append(
        f"clipboard: backend {clip.backend}; OSC 52 fallback {'available' if clip.osc52 else 'unavailable (stderr is not a terminal)'}"
    )
    if clip.disabled:
        lines.append("           copying is turned off (CSR_NO_COPY)")
    status = "works" if clip.works else "FAILED" if clip.tested else "not tested"
    lines.append(f"           {status}: {clip.note}")
    lines += [f"problem: {problem}" for problem in result.problems]
    return lines


def _count(entries: int) -> str:
    return f"{entries} {'entry' if entries == 1 else 'entries'}"
