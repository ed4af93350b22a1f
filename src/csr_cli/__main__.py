"""The `csr` console script and `python -m csr_cli`: the fast path when it applies (plain runs
of the hot commands, see commands/_fast/), else the Typer app."""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Callable

from csr_cli import streams
from csr_cli.commands._fast import helptext, table
from csr_cli.commands._fast.run import run


def main() -> None:
    args = sys.argv[1:]
    streams.attach_missing()
    # A run of csr is short and allocates few cycles; collecting them during the imports only
    # costs start-up time. The Typer path turns collection back on.
    gc.disable()
    if run(args):
        return
    gc.enable()
    from csr_cli import cli

    if table.needs_table(args):
        # Once per install or code change: this run imports every command for the table.
        try:
            from csr_cli.commands._fast.compile import compile_table

            table.save_table(compile_table())
        except Exception:  # the table only saves time; Typer still runs the command below
            if os.environ.get("CSR_DEBUG") == "1":
                raise
    # Keep Typer's help for the fast path, unless there is no stdout to print it to.
    if args in helptext.HELP_ARGS and not table.disabled() and streams.stdout_usable():
        _help_for_next_time(args, cli.main)
    else:
        cli.main()


def _help_for_next_time(args: list[str], typer_main: Callable[[], None]) -> None:
    """Run Typer's help, and keep what it printed for the fast path."""
    recorder = helptext.Recorder(sys.stdout)
    sys.stdout = recorder
    try:
        typer_main()
    except SystemExit as exit_:
        text = recorder.text()
        if exit_.code in (0, None) and sys.stdout is recorder and text is not None:
            helptext.save_help(args, text)
        raise
    finally:
        if sys.stdout is recorder:
            sys.stdout = recorder.wrapped


if __name__ == "__main__":
    main()
