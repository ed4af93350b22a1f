"""Data files read in one place: strict YAML parsing, a JSON cache, and laying a shop's file over
the bundled defaults.

Every data file (phrasebook layers, the policy, the KPI scheme, the city table, the tone rules,
the search lexicon) is YAML that people edit, so its errors name the file and line; the
callers' validation then names the entry and field. Parsing costs ~20 ms of `import yaml`, so a
file's parsed or validated form is cached as JSON in the cache dir while the file is unchanged.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

from csr_cli import __version__, paths
from csr_cli.errors import CsrError
from csr_cli.fileio import atomic_write_text

T = TypeVar("T")

# A document may reuse a node through an alias; more than this many node visits per distinct
# node (and more than EXPANSION_FLOOR in all) is an alias bomb ("billion laughs"), refused
# before anything walks the data.
EXPANSION_FACTOR = 10
EXPANSION_FLOOR = 100_000


def read_yaml(path: Path, *, what: str, error: type[CsrError]) -> Any:
    """The parsed YAML file at `path` (UTF-8, a BOM allowed); `what` names it in errors."""
    if path.is_dir():
        raise error(f"{path}: is a folder, not the {what} file; name the file itself")
    if path.exists() and not path.is_file():  # reading a FIFO or a device would wait forever
        raise error(f"{path}: not a regular file (a FIFO or device); name the {what} file")
    try:
        text = path.read_text(encoding="utf-8-sig")  # Notepad adds a BOM
    except OSError as exc:
        raise error(
            f"{path}: cannot read the {what}: {exc.strerror or exc}; check the path"
        ) from None
    except UnicodeDecodeError as exc:
        raise error(
            f"{path}: the {what} is not UTF-8 text (byte {exc.start + 1}); save it as UTF-8"
        ) from None
    return parse_yaml(text, str(path), what=what, error=error)


def parse_yaml(text: str, source: str, *, what: str, error: type[CsrError]) -> Any:
    """The YAML document in `text`; errors name `source` and the line."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if "&" in text:  # anchors are rare in hand-written files; only they can expand
            _refuse_alias_bombs(node, source, what, error)
        return loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f":{mark.line + 1}" if mark else ""
        problem = exc.problem or exc.context or "not YAML"
        raise error(
            f"{source}{where}: YAML syntax error in the {what}: {problem}; fix the file"
        ) from None
    except yaml.YAMLError as exc:
        raise error(f"{source}: YAML error in the {what}: {_one_line(exc)}; fix the file") from None
    except RecursionError:
        raise error(f"{source}: the {what} is nested too deeply; fix the file") from None
    except ValueError as exc:  # a value YAML can't build: a 5000-digit number, month 13…
        raise error(f"{source}: {_one_line(exc).split(':')[0]}; fix the file") from None
    finally:
        loader.dispose()


def _refuse_alias_bombs(root: Any, source: str, what: str, error: type[CsrError]) -> None:
    seen: set[int] = set()
    visits = 0
    stack = [root]
    while stack:
        node = stack.pop()
        visits += 1
        seen.add(id(node))
        if visits > max(EXPANSION_FLOOR, EXPANSION_FACTOR * len(seen)):
            raise error(
                f"{source}: the {what} repeats its aliases (&/*) too often to be a real file "
                "(a YAML alias bomb?); write the values out"
            )
        value = node.value
        if isinstance(value, list):
            for item in value:
                stack.extend(item if isinstance(item, tuple) else (item,))


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


def cached_json(
    kind: str,
    files: Sequence[Path],
    build: Callable[[], T],
    *,
    encode: Callable[[T], Any] = lambda value: value,
    decode: Callable[[Any], T] = lambda data: data,
    version: str = "",
) -> T:
    """`build()`, or its JSON copy from the cache while none of `files` changed.

    `encode` and `decode` turn the value into JSON data and back; `version` changes with the
    code that builds it. A cache that can't be read or written only costs speed.
    """
    stamp: list[object] = [__version__, version]
    for path in files:
        try:
            stat = path.stat()
        except OSError:  # build() reports the missing or unreadable file
            return build()
        stamp.append([str(path.resolve()), stat.st_mtime_ns, stat.st_size])
    cache = paths.cache_file(kind, files, ".json")
    with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
        cached = json.loads(cache.read_text(encoding="utf-8"))
        if cached["stamp"] == stamp:
            return decode(cached["data"])
    value = build()
    # A value JSON can't hold just goes uncached; validation reports it.
    with contextlib.suppress(OSError, TypeError, ValueError):
        payload = json.dumps(
            {"stamp": stamp, "data": encode(value)}, ensure_ascii=False, default=_iso_date
        )
        atomic_write_text(cache, payload)
    return value


def _iso_date(value: object) -> str:
    """YAML reads 2027-02-05 as a date; the cache keeps it as that text, which readers accept."""
    from datetime import date  # only when a cache is written: not on every start-up

    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")


def overlay(base: Mapping[str, Any], shop: Mapping[str, Any]) -> dict[str, Any]:
    """`base` with the `shop` file's values; nested mappings merge key by key, anything else
    replaces."""
    merged = dict(base)
    for key, value in shop.items():
        if isinstance(value, Mapping) and isinstance(base.get(key), Mapping):
            merged[key] = overlay(base[key], value)
        else:
            merged[key] = value
    return merged
