"""The fast path of the `csr` entry point: plain runs of the hot commands without Typer.

Typer costs more to import than `csr reply` costs to run, so the entry point first tries a
dispatch table compiled from the Typer app's own click commands (`cli.compile_table`): each hot
command's parameters with their flags, types, defaults and choices. A plain invocation — known
options, valid values, the right number of arguments — is parsed with it and the command
function itself is called, with the same error handling as `cli.CsrGroup`. Anything else (help,
completion, an unknown or malformed option, a value Typer would refuse, `--`, any other command,
a missing or stale table) goes to Typer unchanged, so the options keep one source and every
error message stays Typer's. CSR_NO_FASTPATH=1 always takes the Typer path.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import types
import zlib
from typing import Any

from csr_cli import __version__

# The commands the table covers: the ones an agent runs all day.
HOT_COMMANDS = ("reply", "search", "refund", "compensate", "return-check", "shipping")
NO_FASTPATH_ENV = "CSR_NO_FASTPATH"
# Bump when the table's layout changes.
TABLE_FORMAT = 1

_COMMANDS_DIR = os.path.dirname(os.path.abspath(__file__))
_PACKAGE = os.path.dirname(_COMMANDS_DIR)

Param = dict[str, Any]


def disabled() -> bool:
    return os.environ.get(NO_FASTPATH_ENV, "").strip().lower() not in ("", "0", "false", "no")


def table_key() -> str:
    """What the table was compiled from: csr's version, this package and its command sources.

    Stat'ing a dozen files costs microseconds, hashing their text would cost milliseconds."""
    parts = [str(TABLE_FORMAT), __version__, _PACKAGE]
    sources = [os.path.join(_PACKAGE, "cli.py")]
    with os.scandir(_COMMANDS_DIR) as listing:
        sources += sorted(entry.path for entry in listing if entry.name.endswith(".py"))
    for source in sources:
        try:
            stat = os.stat(source)
        except OSError:
            continue
        parts.append(f"{os.path.basename(source)}:{stat.st_mtime_ns}:{stat.st_size}")
    return "|".join(parts)


def table_path(kind: str = "fastpath") -> str:
    """The table's file (or the help's, `fastpath-help`), one per installed csr."""
    from csr_cli import paths

    return str(paths.cache_dir() / f"{kind}-{zlib.crc32(_PACKAGE.encode()):08x}.json")


def load_table() -> dict[str, Any] | None:
    """The compiled table if it is current, else None."""
    try:
        with open(table_path(), encoding="utf-8") as handle:
            table = json.load(handle)
    except (OSError, ValueError):
        return None
    if not isinstance(table, dict) or table.get("key") != table_key():
        return None
    return table


def save_table(table: dict[str, Any]) -> None:
    """Write the table for the next runs; a private file renamed into place, so racing writers
    are safe. A cache that cannot be written only costs speed."""
    _write_json(table_path(), table)


def _write_json(target: str, data: object) -> None:
    tmp = f"{target}.{os.getpid()}.tmp"
    try:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(tmp, "w", encoding="utf-8") as handle:
            handle.write(json.dumps(data, ensure_ascii=False))
        os.replace(tmp, target)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


# --- the root help ------------------------------------------------------------------------
#
# `csr --help` is rendered by Typer with rich, which costs more than any command. What it prints
# depends only on the commands (the table's key), the terminal and the environment, so the
# Typer path keeps what it printed under exactly those, and the fast path prints it again.

HELP_ARGS = (["--help"], ["-h"])
_VOLATILE_ENV = frozenset({"PWD", "OLDPWD", "SHLVL", "_"})
_KEPT_RENDERS = 8


def help_key(args: list[str]) -> str:
    """Everything the rendered help depends on besides the commands themselves."""
    terminal = []
    for fd in (0, 1, 2):
        try:
            size: object = tuple(os.get_terminal_size(fd))
        except OSError:
            size = None
        terminal.append([os.isatty(fd), size])
    # csr's own settings (folders, switches) do not change the root help; anything else might.
    env = sorted(
        (k, v) for k, v in os.environ.items() if k not in _VOLATILE_ENV and not k.startswith("CSR_")
    )
    encoding = getattr(sys.stdout, "encoding", None)
    return json.dumps([args, terminal, encoding, env], ensure_ascii=False)


def _help_path() -> str:
    return table_path("fastpath-help")


def cached_help(args: list[str]) -> str | None:
    try:
        with open(_help_path(), encoding="utf-8") as handle:
            cache = json.load(handle)
    except (OSError, ValueError):
        return None
    if not isinstance(cache, dict) or cache.get("key") != table_key():
        return None
    text = cache.get("renders", {}).get(help_key(args))
    return text if isinstance(text, str) else None


def save_help(args: list[str], text: str) -> None:
    """Keep the help Typer just printed (the last few renders, one per terminal set-up)."""
    key = table_key()
    try:
        with open(_help_path(), encoding="utf-8") as handle:
            cache = json.load(handle)
        renders = cache["renders"] if cache.get("key") == key else {}
    except (OSError, ValueError, KeyError, AttributeError):
        renders = {}
    renders.pop(help_key(args), None)
    renders[help_key(args)] = text
    kept = dict(list(renders.items())[-_KEPT_RENDERS:])
    _write_json(_help_path(), {"key": key, "renders": kept})


class Recorder:
    """Stands in for sys.stdout while Typer prints the help, keeping a copy of the text."""

    def __init__(self, wrapped: Any) -> None:
        self.wrapped = wrapped
        self.parts: list[str] = []
        self.complete = True  # False once something may have written around the recorder

    def write(self, text: str) -> int:
        written = int(self.wrapped.write(text))  # click probes with b"", which must fail here
        self.parts.append(text)
        return written

    def text(self) -> str | None:
        """What was printed, or None if it may not all have gone through `write`."""
        if not self.complete or not all(isinstance(part, str) for part in self.parts):
            return None
        return "".join(self.parts)

    def __getattr__(self, name: str) -> Any:
        if name in ("buffer", "detach", "writelines", "reconfigure"):
            self.complete = False
        return getattr(self.wrapped, name)


def _print_help(text: str) -> int:
    """Print a text Typer would print, with its broken-pipe handling; the exit code."""
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except OSError as exc:
        import errno

        if exc.errno != errno.EPIPE:
            raise
        sys.stdout = _Pacified(sys.stdout)
        sys.stderr = _Pacified(sys.stderr)
        return 1
    return 0


def needs_table(args: list[str]) -> bool:
    """Whether this run should compile the table for the next ones: a hot command or the root
    help, with the table missing or stale."""
    wanted = args[:1] in ([name] for name in (*HOT_COMMANDS, "--help", "-h"))
    return wanted and not disabled() and load_table() is None


# --- parsing ------------------------------------------------------------------------------


class _Unplain(Exception):
    """The command line is not one the fast path handles; Typer takes it."""


def parse(spec: dict[str, Any], args: list[str]) -> dict[str, Any]:
    """The raw values (strings, lists of strings, True for flags) of a plain command line, as
    click's parser would give them; raises _Unplain for anything click would refuse or treat
    specially."""
    params: list[Param] = spec["params"]
    by_flag = {
        flag: param for param in params if param["kind"] == "option" for flag in param["opts"]
    }
    raw: dict[str, Any] = {}
    positionals: list[str] = []
    rest = list(args)
    while rest:
        arg = rest.pop(0)
        if arg == "--":
            raise _Unplain
        if arg[:1] != "-" or len(arg) == 1:
            positionals.append(arg)
            continue
        explicit: str | None = None
        if arg.startswith("--"):
            flag, eq, value = arg.partition("=")
            if eq:
                explicit = value
        else:
            flag = arg[:2]
            if len(arg) > 2:
                explicit = arg[2:]
                if explicit.startswith("="):
                    raise _Unplain
        param = by_flag.get(flag)
        if param is None:
            raise _Unplain
        if param["type"] == "flag":
            if explicit is not None:
                raise _Unplain
            raw[param["name"]] = True
            continue
        if explicit is None:
            if not rest:
                raise _Unplain
            explicit = rest.pop(0)
        if param["multiple"]:
            raw.setdefault(param["name"], []).append(explicit)
        else:
            raw[param["name"]] = explicit
    arguments = [param for param in params if param["kind"] == "argument"]
    for param in arguments:
        if param["nargs"] == -1:
            if len(arguments) != 1:
                raise _Unplain
            raw[param["name"]], positionals = positionals, []
        elif positionals:
            raw[param["name"]] = positionals.pop(0)
    if positionals:
        raise _Unplain
    for param in params:
        if param["required"] and raw.get(param["name"]) in (None, []):
            raise _Unplain
    return raw


def convert(spec: dict[str, Any], raw: dict[str, Any]) -> dict[str, Any]:
    """The keyword arguments Typer would pass: typed values, lists and defaults; enum values
    stay `_Member`s until `resolve`, so nothing is imported before the line is known plain."""
    values: dict[str, Any] = {}
    for param in spec["params"]:
        name = param["name"]
        if name not in raw:
            values[name] = _member(param, param["default"])
        elif param["multiple"] or param["nargs"] == -1:
            items = [_one(param, item) for item in raw[name]]
            values[name] = items or None
        else:
            values[name] = _one(param, raw[name])
    return values


def resolve(values: dict[str, Any]) -> dict[str, Any]:
    """`values` with each enum value made a member of its Enum (importing its module)."""

    def member(value: Any) -> Any:
        if isinstance(value, _Member):
            return _target(value.enum)(value.value)
        if isinstance(value, list):
            return [member(item) for item in value]
        return value

    return {name: member(value) for name, value in values.items()}


class _Member:
    def __init__(self, enum: str, value: str) -> None:
        self.enum = enum
        self.value = value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Member) and (other.enum, other.value) == (self.enum, self.value)

    def __repr__(self) -> str:
        return f"_Member({self.enum!r}, {self.value!r})"


def _one(param: Param, text: Any) -> Any:
    kind = param["type"]
    if kind in ("str", "flag"):
        return text
    if kind == "int":
        try:
            number = int(text)
        except ValueError:
            raise _Unplain from None
        low, high = param.get("min"), param.get("max")
        if (low is not None and number < low) or (high is not None and number > high):
            raise _Unplain
        return number
    if kind == "choice":
        if text not in param["choices"]:
            raise _Unplain
        return _member(param, text)
    if kind == "path":
        try:
            os.stat(text)
        except OSError:
            pass
        else:
            if not os.access(text, os.R_OK):
                raise _Unplain
        from pathlib import Path

        return Path(text)
    raise _Unplain


def _member(param: Param, value: Any) -> Any:
    if value is None or not param.get("enum"):
        return value
    return _Member(param["enum"], value)


def _target(reference: str) -> Any:
    from importlib import import_module

    module, _, attribute = reference.partition(":")
    return getattr(import_module(module), attribute)


# --- running ------------------------------------------------------------------------------


def run(args: list[str]) -> bool:
    """Run a plain hot command and exit; False (having done nothing) when Typer should run."""
    if disabled() or os.environ.get("CSR_DEBUG") == "1" or not args:
        return False
    if any(name.endswith("_COMPLETE") for name in os.environ):
        return False
    if not (_utf8(sys.stdout) and _utf8(sys.stderr)):
        return False  # click re-wraps such streams; leave that to it
    if args == ["--version"]:  # as the root's eager --version prints it
        sys.exit(_print_help(f"csr {__version__}\n"))
    if args in HELP_ARGS:
        text = cached_help(args)
        if text is None:
            return False
        sys.exit(_print_help(text))
    if args[0] not in HOT_COMMANDS:
        return False
    table = load_table()
    if table is None:
        return False
    try:
        spec = table["commands"][args[0]]
        kwargs = convert(spec, parse(spec, args[1:]))
        labels = {param["name"]: param["label"] for param in spec["params"]}
        target = str(spec["target"])
    except (_Unplain, LookupError, TypeError, AttributeError):  # not plain, or not our table
        return False
    # From here on the line is the fast path's: only now are command modules imported.
    _install_typer_stand_in()
    sys.exit(_call(_target(target), resolve(kwargs), labels))


def _utf8(stream: Any) -> bool:
    encoding = getattr(stream, "encoding", None) or ""
    return encoding.lower().replace("_", "-") in ("utf-8", "utf8")


def _call(function: Any, kwargs: dict[str, Any], labels: dict[str, str]) -> int:
    """Call the command as Typer and `cli.CsrGroup.main` would; the exit code."""
    from csr_cli.errors import CsrError
    from csr_cli.state import deferred_writes

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
        except OSError as exc:
            import errno

            if exc.errno != errno.EPIPE:
                raise
            sys.stdout = _Pacified(sys.stdout)
            sys.stderr = _Pacified(sys.stderr)
            return 1
    except CsrError as exc:
        echo(f"error: {exc}", err=True)
        return exc.exit_code
    except BaseException as exc:
        kind = _click_kind(exc)
        if kind == "exit":
            return int(getattr(exc, "exit_code", 0))
        if kind == "abort":
            echo("", err=True)
            return 130
        raise
    return result if isinstance(result, int) else 0


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


class _Pacified:
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


# --- the Typer stand-in -------------------------------------------------------------------
#
# The command modules import typer for their `Annotated[..., typer.Option(...)]` metadata, which
# only matters when Typer builds the command. On the fast path `typer` is this stand-in: the
# metadata is inert, `echo`, `Exit` and `Abort` behave as click's, and any other attribute
# (e.g. `prompt` on a terminal) loads the real Typer and delegates to it.


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


def _install_typer_stand_in() -> None:
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
