"""A command line against the table, as click's parser and Typer's conversions would take it."""

from __future__ import annotations

import os
from typing import Any

Param = dict[str, Any]


class Unplain(Exception):
    """The command line is not one the fast path handles; Typer takes it."""


def parse(spec: dict[str, Any], args: list[str]) -> dict[str, Any]:
    """The raw values (strings, lists of strings, True for flags) of a plain command line, as
    click's parser would give them; raises Unplain for anything click would refuse or treat
    specially."""
    params: list[Param] = spec["params"]
    raw, positionals = _options(params, list(args))
    _arguments(params, positionals, raw)
    for param in params:
        if param["required"] and raw.get(param["name"]) in (None, []):
            raise Unplain
    return raw


def _options(params: list[Param], rest: list[str]) -> tuple[dict[str, Any], list[str]]:
    """The options' raw values, and the positional arguments in order (click intersperses)."""
    by_flag = {
        flag: param for param in params if param["kind"] == "option" for flag in param["opts"]
    }
    raw: dict[str, Any] = {}
    positionals: list[str] = []
    while rest:
        arg = rest.pop(0)
        if arg == "--":
            raise Unplain
        if arg[:1] != "-" or len(arg) == 1:
            positionals.append(arg)
            continue
        flag, explicit = _split(arg)
        param = by_flag.get(flag)
        if param is None:
            raise Unplain
        if param["type"] == "flag":
            if explicit is not None:
                raise Unplain
            raw[param["name"]] = True
            continue
        if explicit is None:
            if not rest:
                raise Unplain
            explicit = rest.pop(0)  # click takes the next word whatever it looks like
        if param["multiple"]:
            raw.setdefault(param["name"], []).append(explicit)
        else:
            raw[param["name"]] = explicit  # the last one wins, as in click
    return raw, positionals


def _split(arg: str) -> tuple[str, str | None]:
    """`--name=value` or `-xVALUE` as (flag, value); (flag, None) when no value is attached."""
    if arg.startswith("--"):
        flag, eq, value = arg.partition("=")
        return flag, (value if eq else None)
    if len(arg) == 2:
        return arg, None
    if arg[2] == "=":  # click would take "=2" as the value of -v=2; leave that to it
        raise Unplain
    return arg[:2], arg[2:]


def _arguments(params: list[Param], positionals: list[str], raw: dict[str, Any]) -> None:
    """Hand the positional words to the arguments, as click does for nargs 1 and -1."""
    arguments = [param for param in params if param["kind"] == "argument"]
    for param in arguments:
        if param["nargs"] == -1:
            if len(arguments) != 1:
                raise Unplain
            raw[param["name"]], positionals = positionals, []
        elif positionals:
            raw[param["name"]] = positionals.pop(0)
    if positionals:
        raise Unplain


def convert(spec: dict[str, Any], raw: dict[str, Any]) -> dict[str, Any]:
    """The keyword arguments Typer would pass: typed values, lists and defaults; enum values
    stay `Member`s until `resolve`, so nothing is imported before the line is known plain."""
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
            return target(value.enum)(value.value)
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
            raise Unplain from None
        low, high = param.get("min"), param.get("max")
        if (low is not None and number < low) or (high is not None and number > high):
            raise Unplain
        return number
    if kind == "choice":
        if text not in param["choices"]:
            raise Unplain
        return _member(param, text)
    if kind == "path":
        try:
            os.stat(text)
        except OSError:
            pass
        else:
            if not os.access(text, os.R_OK):
                raise Unplain
        from pathlib import Path

        return Path(text)
    raise Unplain


def _member(param: Param, value: Any) -> Any:
    if value is None or not param.get("enum"):
        return value
    return _Member(param["enum"], value)


def target(reference: str) -> Any:
    from importlib import import_module

    module, _, attribute = reference.partition(":")
    return getattr(import_module(module), attribute)
