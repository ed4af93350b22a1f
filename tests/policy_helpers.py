"""Running the policy calculators through the real CLI in the policy tests."""

from __future__ import annotations

import atexit
import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

from typer.testing import CliRunner, Result

from csr_cli.cli import app
from csr_cli.policy.model import Policy, default_policy_file, load_policy

runner = CliRunner()


# Calculator tests share one compiled phrasebook: building it costs about a second per test.
# The cache is keyed by the phrasebook files and their mtimes, so sharing it is safe; its own
# behaviour is tested in test_phrasebook_loading.py.
SHARED_CACHE = tempfile.mkdtemp(prefix="csr-policy-tests-cache-")
atexit.register(shutil.rmtree, SHARED_CACHE, ignore_errors=True)


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return runner.invoke(app, list(args), env={"CSR_CACHE_DIR": SHARED_CACHE, **(env or {})})


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
