"""Running the policy calculators through the real CLI in the policy tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner, Result

from csr_cli.cli import app
from csr_cli.policy.model import Policy, default_policy_file, load_policy

runner = CliRunner()


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return runner.invoke(app, list(args), env=env)


def calc(*args: str, code: int = 0, env: dict[str, str] | None = None) -> dict[str, Any]:
    """The JSON result of a calculator run that must exit with `code`."""
    result = run(*args, "--json", "--no-copy", env=env)
    assert result.exit_code == code, result.output + result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def fails(*args: str) -> str:
    """The single stderr line of a usage error (exit 2)."""
    result = run(*args, "--no-copy")
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("error: ")
    return result.stderr.strip()


def write_policy(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def default_policy() -> Policy:
    """The bundled defaults alone, whatever CSR_POLICY or the config dir say."""
    return load_policy(default_policy_file())
