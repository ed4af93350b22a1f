"""The `csr` console script and `python -m csr_cli`: the fast path when it applies (plain runs
of the hot commands, see commands/_fastpath.py), else the Typer app."""

from __future__ import annotations

import os
import sys

from csr_cli.commands import _fastpath


def main() -> None:
    args = sys.argv[1:]
    if _fastpath.run(args):
        return
    from csr_cli import cli

    if _fastpath.needs_table(args):
        # Once per install or code change: this run imports every command for the table.
        try:
            _fastpath.save_table(cli.compile_table())
        except Exception:  # the table only saves time; Typer still runs the command below
            if os.environ.get("CSR_DEBUG") == "1":
                raise
    cli.main()


if __name__ == "__main__":
    main()
