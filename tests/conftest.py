"""Every test runs with its own config, state and cache dirs and a recording clipboard."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from typer.testing import CliRunner

from csr_cli import clipboard
from csr_cli.phrasebook.cache import open_phrasebook

REPO = Path(__file__).resolve().parents[1]


@dataclass
class RecordingClipboard:
    copies: list[str] = field(default_factory=list)

    def copy(self, text: str, terminal: object) -> clipboard.CopyResult:
        self.copies.append(text)
        return clipboard.CopyResult(True, "test", "copied to the clipboard")


@pytest.fixture(scope="session")
def bundled_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The compiled cache of the bundled phrasebook, built once per test session.

    Building it (with the search index) takes about a second; the cache is keyed by the files'
    paths and stats, so a copy is exactly what each test would have built itself.
    """
    folder = tmp_path_factory.mktemp("bundled-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CSR_CACHE_DIR", str(folder))
        patch.setenv("CSR_CONFIG_DIR", str(folder / "no-config"))
        patch.delenv("CSR_PHRASEBOOK_PATH", raising=False)
        open_phrasebook()
    return folder


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bundled_cache: Path) -> Path:
    # Whatever CSR_* the developer's shell sets (a policy, a team database, debug) stays out:
    # a developer's team database must never receive test cases; tests that want one set it.
    for name in [name for name in os.environ if name.startswith("CSR_")]:
        monkeypatch.delenv(name)
    for name in ("config", "state", "cache", "data"):
        monkeypatch.setenv(f"CSR_{name.upper()}_DIR", str(tmp_path / name))
    for name in ("NO_COLOR", "TMUX"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COLUMNS", "100")
    shutil.copytree(bundled_cache, tmp_path / "cache")
    return tmp_path


@pytest.fixture(autouse=True)
def clip(monkeypatch: pytest.MonkeyPatch) -> RecordingClipboard:
    recorder = RecordingClipboard()
    monkeypatch.setattr(clipboard, "copy", recorder.copy)
    return recorder


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def csr_executable() -> list[str]:
    """The installed console script beside this interpreter, else `python -m csr_cli`."""
    script = Path(sys.executable).with_name("csr")
    return [str(script)] if script.exists() else [sys.executable, "-m", "csr_cli"]


def run_csr(
    *args: str,
    env: dict[str, str] | None = None,
    input_text: str | None = None,
    input_bytes: bytes | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run the console script; `input_bytes` is piped in as it is, e.g. a GBK draft."""
    full_env = {**os.environ, **(env or {})}
    if input_bytes is not None:
        done = subprocess.run(
            [*csr_executable(), *args],
            capture_output=True,
            env=full_env,
            input=input_bytes,
            timeout=60,
        )
        return subprocess.CompletedProcess(
            done.args, done.returncode, done.stdout.decode(), done.stderr.decode()
        )
    return subprocess.run(
        [*csr_executable(), *args],
        capture_output=True,
        text=True,
        env=full_env,
        input=input_text,
        stdin=None if input_text is not None else subprocess.DEVNULL,
        timeout=60,
    )


def have(*programs: str) -> bool:
    return all(shutil.which(program) for program in programs)


def search_explained(message: str) -> list[dict[str, object]]:
    """The top three hits of `csr search MESSAGE --json --explain`, through the real CLI."""
    from csr_cli.cli import app

    result = CliRunner().invoke(app, ["search", message, "--json", "--explain", "-n", "3"])
    assert result.exit_code == 0, result.output
    hits: list[dict[str, object]] = json.loads(result.stdout)
    return hits


def write_phrasebook(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The hostile suite's tally: how many inputs it tried and what it found."""
    tally = sys.modules.get("helpers")
    if tally is None or not hasattr(tally, "TALLY") or not tally.TALLY.inputs:
        return
    found = tally.TALLY
    terminalreporter.write_line(
        f"hostile inputs tried: {found.inputs} ({found.subprocesses} as subprocesses); "
        f"tracebacks: {found.tracebacks}; hangs: {found.hangs}"
    )
