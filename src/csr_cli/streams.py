"""The standard streams as csr finds them: closed (`>&-`), full (`> /dev/full`) or a closed pipe.

A closed stdout becomes a stream that fails on the first write, so a command that has something
to print reports it instead of exiting 0 having delivered nothing, and a command that prints
nothing (`csr add`) still works. A closed stdin reads as empty, a closed stderr as /dev/null.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import sys
from typing import Any

# The errors a write to stdout can meet that mean the output did not arrive.
OUTPUT_ERRNOS = frozenset(
    {errno.ENOSPC, errno.EPIPE, errno.EIO, errno.EBADF, errno.EFBIG, errno.EDQUOT, errno.EINVAL}
)
PIPE_CLOSED_EXIT = 1  # the reader left (`| head`): quietly, with the exit code Typer uses for it


class _ClosedBinary(io.RawIOBase):
    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        raise OSError(errno.EBADF, "standard output is closed")


class ClosedOutput(io.TextIOBase):
    """Stands in for a closed stdout: every write fails as writing to a closed descriptor would."""

    def __init__(self) -> None:
        super().__init__()
        self.buffer = _ClosedBinary()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return "utf-8"

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def write(self, text: str) -> int:
        raise OSError(errno.EBADF, "standard output is closed")

    def fileno(self) -> int:
        raise OSError(errno.EBADF, "standard output is closed")


class _WatchedOutput(io.FileIO):
    """stdout's descriptor, remembering the error of a write that failed, so that error can be
    told apart from one writing some other file."""

    failure: OSError | None = None

    def write(self, data: Any) -> int:
        try:
            return super().write(data)
        except OSError as exc:
            _WatchedOutput.failure = exc
            raise


def attach_missing() -> None:
    """Give Python a usable object for every standard stream the shell closed, and watch stdout."""
    if sys.stdout is None:
        sys.stdout = ClosedOutput()
    else:
        with contextlib.suppress(OSError, ValueError, AttributeError):
            old = sys.stdout
            raw = _WatchedOutput(old.fileno(), "w", closefd=False)
            sys.stdout = io.TextIOWrapper(
                io.BufferedWriter(raw),
                encoding=output_encoding(old.encoding),
                errors="surrogateescape",  # bytes csr was given go back out as they came
                line_buffering=bool(getattr(old, "line_buffering", False)),
            )
    if sys.stderr is not None and output_encoding(sys.stderr.encoding) != sys.stderr.encoding:
        with contextlib.suppress(OSError, ValueError, AttributeError):
            sys.stderr.reconfigure(encoding="utf-8", errors="backslashreplace")  # type: ignore[union-attr]
    if sys.stdin is None:
        sys.stdin = open(os.devnull, encoding="utf-8")  # noqa: SIM115 - lives as long as csr
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115


def output_encoding(encoding: str | None) -> str:
    """The encoding csr writes in: the stream's own when it can hold every reply (UTF-8, or
    GB18030 on a Chinese Windows console), else UTF-8 — never an ASCII or Latin-1 locale's,
    which cannot hold Chinese at all."""
    import codecs

    try:
        name = codecs.lookup(encoding or "utf-8").name
    except LookupError:
        return "utf-8"
    if name in ("gbk", "gb2312", "gb18030", "cp936"):
        return "gb18030"
    return encoding if name.startswith("utf") and encoding else "utf-8"


def stdout_usable() -> bool:
    """Whether stdout is a stream at all (not closed by the shell with `>&-`)."""
    return not isinstance(sys.stdout, ClosedOutput)


def stdout_failed(exc: BaseException) -> bool:
    """Whether `exc` is stdout refusing output (rather than some other file csr was writing)."""
    if not isinstance(exc, OSError) or exc.errno not in OUTPUT_ERRNOS:
        return False
    if isinstance(sys.stdout, ClosedOutput):
        return True
    return _WatchedOutput.failure is not None and _WatchedOutput.failure.errno == exc.errno


def flush_stdout() -> OSError | None:
    """Flush stdout now, while an error can still be reported; the error, if any."""
    try:
        sys.stdout.flush()
    except OSError as exc:
        return exc
    except (ValueError, AttributeError):
        return None
    return None


def silence_stdout() -> None:
    """Point stdout at /dev/null so Python's own flush at exit cannot fail a second time."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        fd = sys.stdout.fileno()
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, fd)
        os.close(null)
    with contextlib.suppress(Exception):
        sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115


def describe_output_error(exc: OSError) -> str:
    reason = exc.strerror or str(exc)
    if exc.errno == errno.EBADF or isinstance(sys.stdout, ClosedOutput):
        return (
            "cannot print the result: standard output is closed; "
            "redirect it to a file or to /dev/null instead of closing it (>&-)"
        )
    return (
        f"cannot print the result: {reason}; nothing was delivered — "
        "free space on the disk that holds the output, or write somewhere else"
    )
