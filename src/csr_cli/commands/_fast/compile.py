"""The fast path's table, read off the commands Typer builds (`cli.load_command`).

The options keep one source, the Typer signatures: this module only describes what Typer made
of them — each hot command's parameters (names, flags, types, defaults, choices, whether they
repeat, the label its errors use) and every command's help texts.
It imports Typer and every command, so it runs once per install or code change.
"""

from __future__ import annotations

import enum
import importlib
import typing
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from csr_cli.cli import COMMANDS, field_label, load_command
from csr_cli.commands._fast.table import HOT_COMMANDS, table_key

if TYPE_CHECKING:
    from typer import _click as click


def compile_table() -> dict[str, Any]:
    """Every command's help texts (for `csr --help`) and the hot commands' parameters. A command
    with anything the fast path does not mirror exactly (an envvar, a callback, a type it does
    not know) is left out, so Typer always runs it."""
    listing: dict[str, Any] = {}
    commands: dict[str, Any] = {}
    for name in COMMANDS:
        command = load_command(name)
        listing[name] = {
            key: _plain_value(getattr(command, key, None))
            for key in ("help", "short_help", "hidden", "deprecated", "rich_help_panel")
        }
        if name in HOT_COMMANDS:
            spec = _fast_spec(name, command)
            if spec is not None:
                commands[name] = spec
    return {"key": table_key(), "help": listing, "commands": commands}


def _plain_value(value: Any) -> Any:
    """A help attribute as JSON holds it (typer keeps some defaults in a placeholder)."""
    from typer.models import DefaultPlaceholder

    return value.value if isinstance(value, DefaultPlaceholder) else value


def _fast_spec(name: str, command: click.Command) -> dict[str, Any] | None:
    from typer.utils import get_params_from_function

    target = COMMANDS[name]
    module_name, _, attribute = target.partition(":")
    function = getattr(importlib.import_module(module_name), attribute)
    if isinstance(function, typer.Typer) or command.context_settings or _odd_parsing(command):
        return None
    annotations = {key: meta.annotation for key, meta in get_params_from_function(function).items()}
    params = [_fast_param(param, annotations.get(param.name or "")) for param in command.params]
    if any(param is None for param in params):
        return None
    return {"target": target, "params": params}


def _odd_parsing(command: click.Command) -> bool:
    return (
        not command.allow_interspersed_args
        or command.ignore_unknown_options
        or command.allow_extra_args
    )


def _fast_param(param: click.Parameter, annotation: Any) -> dict[str, Any] | None:
    """One parameter for the fast path, or None if it cannot be mirrored exactly."""
    if (
        param.name is None
        or param.envvar
        or param.callback is not None
        or not param.expose_value
        or param.is_eager
        or getattr(param, "secondary_opts", None)
        or getattr(param, "count", False)
        or getattr(param, "prompt", None)
        or param.param_type_name not in ("option", "argument")
    ):
        return None
    kind = _fast_type(param, annotation)
    if kind is None:
        return None
    described: dict[str, Any] = {
        "name": param.name,
        "kind": param.param_type_name,
        "opts": list(param.opts),
        "multiple": param.multiple,
        "nargs": param.nargs,
        "required": param.required,
        "label": field_label(param),
        **kind,
    }
    default = param.default
    if isinstance(default, enum.Enum):
        default = default.value
    if default is not None and not isinstance(default, (bool, int, str)):
        return None
    described["default"] = default
    return described


def _fast_type(param: click.Parameter, annotation: Any) -> dict[str, Any] | None:
    from typer._click import types as click_types
    from typer._types import TyperChoice
    from typer.models import TyperPath

    click_type = param.type
    base = _base_annotation(annotation)
    if param.nargs not in (1, -1) or (param.nargs == -1 and param.param_type_name == "option"):
        return None
    if getattr(param, "is_flag", False):
        ok = base is bool and getattr(param, "is_bool_flag", False) and param.default is False
        return {"type": "flag"} if ok else None
    if isinstance(click_type, TyperPath):
        plain = (
            not click_type.exists
            and click_type.file_okay
            and click_type.dir_okay
            and click_type.readable
            and not click_type.writable
            and not click_type.resolve_path
            and not click_type.allow_dash
            and click_type.type is None
        )
        return {"type": "path"} if plain and base is Path else None
    if isinstance(click_type, TyperChoice):
        if not click_type.case_sensitive or not (
            isinstance(base, type) and issubclass(base, enum.Enum)
        ):
            return None
        choices = [
            str(choice.value) if isinstance(choice, enum.Enum) else str(choice)
            for choice in click_type.choices
        ]
        if choices != [str(member.value) for member in base]:
            return None
        return {
            "type": "choice",
            "choices": choices,
            "enum": f"{base.__module__}:{base.__qualname__}",
        }
    if isinstance(click_type, click_types.IntRange):
        if click_type.min_open or click_type.max_open or click_type.clamp or base is not int:
            return None
        return {"type": "int", "min": click_type.min, "max": click_type.max}
    if click_type is click_types.INT and base is int:
        return {"type": "int", "min": None, "max": None}
    if click_type is click_types.STRING and base is str:
        return {"type": "str"}
    return None


def _base_annotation(annotation: Any) -> Any:
    """`Role | None` → Role, `list[str] | None` → str: the type each value converts to."""
    while True:
        args = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        origin = typing.get_origin(annotation)
        if origin in (list, tuple, typing.Union) or (
            origin is not None and getattr(origin, "__name__", "") == "UnionType"
        ):
            if len(args) != 1:
                return None
            annotation = args[0]
            continue
        return annotation
