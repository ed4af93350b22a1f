"""Every command has help text and is documented in the README."""

from __future__ import annotations

import typer
from conftest import REPO

from csr_cli.cli import app

README = (REPO / "README.md").read_text(encoding="utf-8")


def command_paths(group: typer.Typer, prefix: str = "csr") -> list[tuple[str, str | None]]:
    found: list[tuple[str, str | None]] = []
    for info in group.registered_commands:
        name = info.name or (info.callback.__name__ if info.callback else "")
        found.append((f"{prefix} {name}", info.callback.__doc__ if info.callback else None))
    for sub in group.registered_groups:
        assert sub.typer_instance is not None
        found.extend(command_paths(sub.typer_instance, f"{prefix} {sub.name}"))
    return found


def test_every_command_has_help_and_is_in_the_readme() -> None:
    commands = command_paths(app)
    assert len(commands) >= 6
    for path, doc in commands:
        assert doc and doc.strip(), f"{path} has no help text"
        leaf = path.split()[-1]
        assert f"csr {leaf}" in README or f"| {leaf}" in README or f" {leaf} " in README, path


def test_readme_states_the_ci_test_command() -> None:
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    command = next(line for line in ci.splitlines() if "pytest" in line and "pip install" in line)
    assert command in README
