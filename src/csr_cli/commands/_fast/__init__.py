"""The fast path of the `csr` entry point: plain runs of the hot commands without Typer.

Typer costs more to import than `csr reply` costs to run, so the entry point first tries a
dispatch table compiled from the Typer app's own click commands (`compile.py`): each hot
command's parameters with their flags, types, defaults and choices. A plain invocation — known
options, valid values, the right number of arguments — is parsed with it and the command
function itself is called, with the same error handling as `cli.CsrGroup`. Anything else (help,
completion, an unknown or malformed option, a value Typer would refuse, `--`, any other command,
a missing or stale table) goes to Typer unchanged, so the options keep one source and every
error message stays Typer's. CSR_NO_FASTPATH=1 always takes the Typer path.

The parts: `table` (where the table lives and when it is current), `compile` (reading it off
Typer's commands), `parse` (a command line against it), `run` (calling the command as Typer
would), `standin` (the `typer` module the command modules see meanwhile) and `helptext` (the
root help, printed again as Typer rendered it).
"""
