"""Running a plain command line: parse it with the table, then call the command function with
the error handling of `cli.CsrGroup` and Typer's main loop."""

from __future__ import annotations

import os
import sys
from typing import Any

from csr_cli import __version__
from csr_cli.commands._fast import standin
from csr_cli.commands._fast.helptext import HELP_ARGS, cached_help, print_text
from csr_cli.commands._fast.parse import Unplain, convert, parse, resolve, target
from csr_cli.commands._fast.standin import Abort, Exit, echo
from csr_cli.commands._fast.table import HOT_COMMANDS, disabled, load_table


def run(args: list[str]) -> bool:
    """Run a plain hot command and exit; False (having done nothing) when Typer should run."""
    if disabled() or os.environ.get("CSR_DEBUG") == "1" or not args:
        return False
    if any(name.endswith("_COMPLETE") for name in os.environ):
        return False
    if not (_utf8(sys.stdout) and _utf8(sys.stderr)):
        return False  # click re-wraps such streams; leave that to it
    if args == ["--version"]:  # as the root's eager --version prints it
        print_text(f"csr {__version__}\n")
    if args in HELP_ARGS:
        text = cached_help(args)
        if text is None:
            return False
        print_text(text)
    if args[0] not in HOT_COMMANDS:
        return False
    table = load_table()
    if table is None:
        return False
    try:
        spec = table["commands"][args[0]]
        kwargs = convert(spec, parse(spec, args[1:]))
        labels = {param["name"]: param["label"] for param in spec["params"]}
        reference = str(spec["target"])
    except (Unplain, LookupError, TypeError, AttributeError):  # not plain, or not our table
        return False
    # From here on the line is the fast path's: only now are command modules imported.
    standin.install()
    sys.exit(_call(target(reference), resolve(kwargs), labels))


def _utf8(stream: Any) -> bool:
    encoding = getattr(stream, "encoding", None) or ""
    return encoding.lower().replace("_", "-") in ("utf-8", "utf8")


def _call(function: Any, kwargs: dict[str, Any], labels: dict[str, str]) -> int:
    """Call the command as Typer and `cli.CsrGroup.main` would, with the same edge
    (`csr_cli.edge`) for errors; the exit code once stdout is flushed."""
    from csr_cli import edge
    from csr_cli.errors import CsrError
    from csr_cli.state import deferred_writes

    argv = sys.argv[1:]
    try:
        try:
            with deferred_writes():
                result = function(**kwargs)
        except CsrError as exc:
            if exc.fields:
                exc.args = (exc.naming(labels),)
            raise
        except EOFError:
            echo(err=True)
            raise Abort() from None
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        kind = _click_kind(exc)
        if kind == "exit":
            edge.exit_flushed(int(getattr(exc, "exit_code", 0)))
        if kind == "abort":
            echo("", err=True)
            return 130
        edge.fail_for(exc, argv)
    edge.exit_flushed(result if isinstance(result, int) else 0)


def _click_kind(exc: BaseException) -> str | None:
    """'exit' or 'abort' for this module's stand-ins and the real click exceptions."""
    if isinstance(exc, Exit):
        return "exit"
    if isinstance(exc, Abort):
        return "abort"
    real = sys.modules.get("typer.exceptions")
    if real is not None:
        if isinstance(exc, real.Exit):
            return "exit"
        if isinstance(exc, real.Abort):
            return "abort"
    return None
