"""What every hostile test checks, and the tally of the inputs tried.

The rule: one clear `error: …` line on stderr (or success), exit 0, 1 or 2 — never 70, the
safety net's code for a bug — no traceback, no hang (every subprocess has a timeout), and
nothing of the user's lost or replaced.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from typer.testing import CliRunner

from csr_cli.cli import app

TIMEOUT = 30  # seconds; a run that takes longer is a hang
runner = CliRunner()


@dataclass
class Tally:
    inputs: int = 0
    subprocesses: int = 0
    tracebacks: int = 0
    hangs: int = 0


TALLY = Tally()


@dataclass(frozen=True)
class Outcome:
    code: int
    stdout: str
    stderr: str


def csr_command() -> list[str]:
    script = Path(sys.executable).with_name("csr")
    return [str(script)] if script.exists() else [sys.executable, "-m", "csr_cli"]


def invoke(args: Sequence[str], *, input: str | bytes | None = None) -> Outcome:
    """Run csr in this process (fast): typer's CliRunner on the real app."""
    TALLY.inputs += 1
    result = runner.invoke(app, list(args), input=input)
    return Outcome(result.exit_code, result.stdout, result.stderr)


def run(
    args: Sequence[str | bytes],
    *,
    stdin: bytes | None = None,
    env: dict[str, str] | None = None,
    timeout: float = TIMEOUT,
    stdout: IO[bytes] | None = None,
    close_stdout: bool = False,
) -> Outcome:
    """Run the console script; args may be bytes (not UTF-8 on purpose). `stdout` sends the
    output to a file (e.g. /dev/full); `close_stdout` runs csr with fd 1 closed (`>&-`)."""
    TALLY.inputs += 1
    TALLY.subprocesses += 1
    try:
        done = subprocess.run(
            [*csr_command(), *args],
            input=stdin if stdin is not None else b"",
            stdout=stdout if stdout is not None else subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={**os.environ, **(env or {})},
            timeout=timeout,
            preexec_fn=(lambda: os.close(1)) if close_stdout else None,
        )
    except subprocess.TimeoutExpired:
        TALLY.hangs += 1
        raise AssertionError(f"csr {list(args)!r} hung for {timeout} s") from None
    out = (done.stdout or b"").decode("utf-8", "replace") if stdout is None else ""
    err = (done.stderr or b"").decode("utf-8", "replace")
    return Outcome(done.returncode, out, err)


def assert_clean(outcome: Outcome, *, codes: Sequence[int] = (0, 1, 2)) -> None:
    """No traceback, no safety-net exit, an allowed code; a failure is one `error:` line."""
    if "Traceback" in outcome.stderr or outcome.code == 70:
        TALLY.tracebacks += 1
    assert "Traceback" not in outcome.stderr, outcome.stderr[-2000:]
    assert outcome.code != 70, outcome.stderr
    assert outcome.code in codes, (outcome.code, outcome.stderr[-1000:])
    errors = [line for line in outcome.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) <= 1 or outcome.code == 1, outcome.stderr
    for line in errors:
        assert len(line) < 2000, line[:200]


def assert_error(outcome: Outcome, *fragments: str, code: int = 2) -> str:
    """A refusal: exit `code`, nothing on stdout, one `error:` line holding every fragment."""
    assert_clean(outcome, codes=(code,))
    assert outcome.stdout == "", outcome.stdout[:500]
    lines = outcome.stderr.splitlines()
    errors = [line for line in lines if line.startswith("error: ")]
    assert len(errors) == 1, outcome.stderr
    for fragment in fragments:
        assert fragment in errors[0], (fragment, errors[0])
    return errors[0]


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every regular file under `folder` with its bytes (locks and caches left out)."""
    files: dict[str, bytes] = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.name.endswith(".lock"):
            files[str(path.relative_to(folder))] = path.read_bytes()
    return files


def leftovers(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*.tmp"))


@contextlib.contextmanager
def mounted_tmpfs(folder: Path, size: str, *, read_only: bool = False) -> Iterator[bool]:
    """A tiny tmpfs at `folder` when this process may mount one (root on Linux); yields whether
    it did, so a test can fall back to simulating the fault."""
    folder.mkdir(parents=True, exist_ok=True)
    options = f"size={size}" + (",ro" if read_only else "")
    try:
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)],
            capture_output=True,
            timeout=10,
        )
        mounted = done.returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        mounted = False
    try:
        yield mounted
    finally:
        if mounted:
            subprocess.run(["umount", "-l", str(folder)], capture_output=True, timeout=10)


def kill_after(process: subprocess.Popen[bytes], seconds: float) -> None:
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=TIMEOUT)


HANG_SECONDS = 20


def hang_guard() -> Iterator[None]:
    """For an autouse fixture: fail (and count a hang) when an in-process csr run takes longer
    than HANG_SECONDS."""

    def hung(signum: int, frame: object) -> None:
        TALLY.hangs += 1
        raise TimeoutError(f"csr ran for more than {HANG_SECONDS} s")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(HANG_SECONDS)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
