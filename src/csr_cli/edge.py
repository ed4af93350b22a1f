"""What the CLI edge says when something goes wrong: one line, precise, safe to print.

The core raises errors that name the field; this module adds what only the edge can see (the
raw arguments, the environment) and makes every message one line that cannot split or recolour
the terminal and does not echo a 100k-character argument back.
"""

from __future__ import annotations

import errno
import os
import re
import sys
from collections.abc import Iterable
from typing import NoReturn

from csr_cli import streams
from csr_cli.errors import CsrError, UsageError

UNEXPECTED_EXIT = 70  # EX_SOFTWARE: csr itself failed

PATH_ERRNOS = frozenset(
    {
        errno.ENAMETOOLONG,
        errno.ENOENT,
        errno.ENOTDIR,
        errno.EISDIR,
        errno.EACCES,
        errno.EPERM,
        errno.ELOOP,
        errno.EROFS,
        errno.ENOSPC,
        errno.EDQUOT,
        errno.EEXIST,
        errno.EINVAL,
    }
)
# Options whose value is a file name, which may be any bytes (not just UTF-8).
PATH_OPTIONS = ("-o", "--output", "--team", "--rules", "--policy", "--sheet")
AMOUNT_COMMANDS = ("refund", "compensate")
NEGATIVE_NUMBER = re.compile(r"-[0-9.¥￥]")
# Characters that would break the one-line error or act on the terminal: control characters,
# line separators and the bidirectional overrides.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_LONG_RUN = re.compile(r"\S{201,}")
ECHO_LIMIT = 60


def check_arguments(argv: list[str]) -> None:
    """Refuse an argument that is not UTF-8 text (Python hands such bytes on as surrogates)."""
    for number, arg in enumerate(argv, 1):
        bad = next((n for n, char in enumerate(arg) if "\ud800" <= char <= "\udfff"), None)
        if bad is None:
            continue
        previous = argv[number - 2] if number > 1 else ""
        if previous in PATH_OPTIONS or arg.startswith(tuple(f"{o}=" for o in PATH_OPTIONS)):
            continue  # a file name may be any bytes
        if os.path.lexists(arg):
            continue
        code = ord(arg[bad])
        byte = f"the byte 0x{code - 0xDC00:02X}" if 0xDC80 <= code <= 0xDCFF else "a lone surrogate"
        option = f" ({previous})" if previous.startswith("-") else ""
        if _is_utf8(arg) and sys.getfilesystemencoding().lower() not in ("utf-8", "utf8"):
            raise UsageError(
                f"argument {number}{option} is UTF-8 text, but csr runs in the C/POSIX locale, "
                "which reads it as bytes; run it with LANG=C.UTF-8 (or PYTHONUTF8=1)"
            )
        raise UsageError(
            f"argument {number}{option} is not UTF-8 text (character {bad + 1} is {byte}); type it as "
            "UTF-8 (check the terminal's or the script's encoding, e.g. LANG=zh_CN.UTF-8) and retry"
        )


def _is_utf8(arg: str) -> bool:
    try:
        os.fsencode(arg).decode("utf-8")
    except (UnicodeError, ValueError):
        return False
    return True


def negative_number_message(option: str, argv: list[str], commands: Iterable[str]) -> str:
    """What to say for a "no such option" that is a negative number (`csr refund -190`), or ""."""
    if not NEGATIVE_NUMBER.match(option):
        return ""
    token = next((arg for arg in argv if arg.startswith(option)), option)
    command = next((arg for arg in argv if arg in set(commands)), "")
    if command in AMOUNT_COMMANDS:
        return (
            f"'{token}': the amount must not be negative; give it without the minus sign, "
            f"e.g. csr {command} {token[1:]}"
        )
    return (
        f"'{token}' is a negative number, which `csr {command}` does not take; to pass a "
        f"text that starts with '-', put -- before it (csr {command} -- {token})"
    )


def one_line(message: str, argv: list[str]) -> str:
    """The message as one safe line: long arguments it echoes are cut, control characters shown
    as escapes (so an id cannot split the line or recolour the terminal)."""
    for arg in sorted(set(argv), key=len, reverse=True):
        if len(arg) > ECHO_LIMIT * 2 and arg in message:
            message = message.replace(arg, f"{arg[:ECHO_LIMIT]}…({len(arg)} characters)")
    message = _LONG_RUN.sub(
        lambda m: f"{m.group()[:ECHO_LIMIT]}…({len(m.group())} characters)", message
    )
    return _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode(), message)


def fail(message: str, code: int, argv: list[str]) -> NoReturn:
    """Print one `error: …` line and exit with `code`."""
    sys.stderr.write(f"error: {one_line(message, argv)}\n")
    sys.stderr.flush()
    sys.exit(code)


def fail_for(exc: Exception, argv: list[str]) -> NoReturn:
    """The one line and exit code for an exception that reached the edge, on either path
    (Typer or the fast path): csr's own errors, refused output and paths, bytes that are not
    text, and, as the safety net, a bug (exit 70 with the hint to re-run with CSR_DEBUG=1)."""
    if isinstance(exc, CsrError):
        if os.environ.get("CSR_DEBUG") == "1":
            raise exc
        fail(str(exc), exc.exit_code, argv)
    if isinstance(exc, OSError):
        if streams.stdout_failed(exc):
            output_failed(exc)
        if exc.filename is not None and exc.errno in PATH_ERRNOS:
            # A file the user named (or csr's own folder) that the system refuses: say which.
            fail(f"{exc.filename}: {exc.strerror}; check the path and its permissions", 2, argv)
    if isinstance(exc, UnicodeEncodeError):
        # Bytes that are not UTF-8 reach Python as lone surrogates, which the commands that
        # take free text refuse themselves, naming the field; anywhere else they end here.
        try:
            check_arguments(argv)
        except UsageError as usage:
            fail(str(usage), usage.exit_code, argv)
    if isinstance(exc, ValueError) and "null byte" in str(exc):
        number = next((n for n, arg in enumerate(argv, 1) if "\x00" in arg), None)
        if number is not None:
            fail(
                f"argument {number} contains a NUL byte, which no file name or text may hold; "
                "remove it",
                2,
                argv,
            )
    unexpected(exc, argv)


def unexpected(exc: BaseException, argv: list[str]) -> NoReturn:
    if os.environ.get("CSR_DEBUG") == "1":
        raise exc
    fail(
        f"unexpected {type(exc).__name__}: {exc}; this is a bug in csr, not your input's fault: "
        "re-run with CSR_DEBUG=1 to see the traceback and report it",
        UNEXPECTED_EXIT,
        argv,
    )


def output_failed(exc: OSError) -> NoReturn:
    streams.silence_stdout()
    if exc.errno == errno.EPIPE:
        sys.exit(streams.PIPE_CLOSED_EXIT)  # the reader left (`| head`): nothing to report
    fail(streams.describe_output_error(exc), 2, [])


def exit_flushed(code: int) -> NoReturn:
    """Exit with `code` once stdout is flushed; output that could not be written is an error."""
    failed = streams.flush_stdout()
    if failed is not None:
        output_failed(failed)
    sys.exit(code)
