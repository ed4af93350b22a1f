"""A stand-in for the `typer` module on the fast path.

The command modules import typer for their `Annotated[..., typer.Option(...)]` metadata, which
only matters when Typer builds the command. On the fast path `typer` is this stand-in: the
metadata is inert, `echo`, `Exit` and `Abort` behave as click's, and any other attribute (e.g.
`prompt` on a terminal) loads the real Typer and delegates to it.
"""

from __future__ import annotations

import sys
import types
from typing import Any


class Exit(Exception):
    def __init__(self, code: int = 0) -> None:
        super().__init__(code)
        self.exit_code = code


class Abort(RuntimeError):
    pass


class _Metadata:
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.args = args
        self.kwargs = kwargs


_ANSI = r"\033\[[;?0-9]*[a-zA-Z]"


def echo(
    message: Any = None, file: Any = None, nl: bool = True, err: bool = False, color: Any = None
) -> None:
    """click.echo for text: ANSI codes are stripped unless the stream is a terminal."""
    if isinstance(message, (bytes, bytearray)):
        _real_typer().echo(message, file=file, nl=nl, err=err, color=color)
        return
    if file is None:
        file = sys.stderr if err else sys.stdout
    out = "" if message is None else str(message)
    if nl:
        out += "\n"
    if not out:
        file.flush()
        return
    if "\033" in out and (color is False or (color is None and not _isatty(file))):
        import re

        out = re.sub(_ANSI, "", out)
    file.write(out)
    file.flush()


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except Exception:
        return False


_STAND_IN = types.ModuleType("typer", "csr's stand-in for typer on the fast path")


def install() -> None:
    """Make `import typer` give the stand-in, unless the real Typer is already loaded."""
    if "typer" in sys.modules:
        return
    for name, value in {
        "Option": _Metadata,
        "Argument": _Metadata,
        "echo": echo,
        "Exit": Exit,
        "Abort": Abort,
        "__getattr__": lambda name: getattr(_real_typer(), name),
    }.items():
        setattr(_STAND_IN, name, value)
    sys.modules["typer"] = _STAND_IN


def _real_typer() -> Any:
    if sys.modules.get("typer") is _STAND_IN:
        del sys.modules["typer"]
    import typer

    return typer


class Pacified:
    """click's PacifyFlushWrapper: after a broken pipe, the final flush must not complain."""

    def __init__(self, wrapped: Any) -> None:
        self.wrapped = wrapped

    def flush(self) -> None:
        import errno

        try:
            self.wrapped.flush()
        except OSError as exc:
            if exc.errno != errno.EPIPE:
                raise

    def __getattr__(self, name: str) -> Any:
        return getattr(self.wrapped, name)
