"""The phrasebook: entry schema, strict loading of YAML layer files, and merging of layers."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple

from csr_cli import paths
from csr_cli.datafile import parse_yaml
from csr_cli.errors import EntryError, PhrasebookError
from csr_cli.phrasebook.fields import (
    BY_NAME,
    ENTRY_KEYS,
    LABEL_LISTS,
    LIST_FIELDS,
    MAX_MESSAGES,
    MESSAGE_BREAK,
    MESSAGE_LISTS,
    OPTIONAL_KEYS,
    REQUIRED_KEYS,
    SCALAR_FIELDS,
)
from csr_cli.phrasebook.placeholders import PROFILE_CONDITIONS, names_in_all

ROLES = ("presale", "insale", "aftersale", "general")
LAYERS = ("bundled", "team", "personal")
ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ALIAS_RE = re.compile(r"^\S{1,16}$")
PLACEHOLDER_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class Entry(NamedTuple):
    id: str
    title: str
    variants: tuple[str, ...]
    title_zh: str = ""
    role: str = "general"
    tags: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    # name -> default value (None: no default, the agent must supply it)
    placeholders: Mapping[str, str | None] = MappingProxyType({})
    requires: tuple[str, ...] = ()  # PROFILE_CONDITIONS the wording takes for granted
    source: str = ""
    layer: str = "bundled"

    def to_dict(self) -> dict[str, Any]:
        """The entry as JSON holds it: a variant of several messages is a list of them."""
        data = self._asdict()
        data["placeholders"] = dict(self.placeholders)
        data.update((key, file_messages(data[key])) for key in MESSAGE_LISTS)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Entry:
        lists = {key: tuple(data[key]) for key in LIST_FIELDS}
        lists.update((key, tuple(map(join_messages, data[key]))) for key in MESSAGE_LISTS)
        return cls(**{**data, **lists})


def messages_of(variant: str) -> list[str]:
    """The chat messages of a variant, in the order they are sent (one for most variants)."""
    return variant.split(MESSAGE_BREAK)


def join_messages(item: str | list[str]) -> str:
    """A variant as a file holds it (a text, or a list of messages) as one string."""
    return item if isinstance(item, str) else MESSAGE_BREAK.join(item)


def file_messages(variants: Iterable[str]) -> list[str | list[str]]:
    """Variants as a file holds them: a variant of several messages becomes a list."""
    return [text if MESSAGE_BREAK not in text else messages_of(text) for text in variants]


def _plain(value: Any, key: str = "") -> Any:
    """A field as YAML and JSON hold it: tuples become lists, the placeholder map a dict."""
    if key in MESSAGE_LISTS:
        return file_messages(value)
    if isinstance(value, tuple):
        return list(value)
    return dict(value) if isinstance(value, Mapping) else value


def entry_to_raw(entry: Entry, *, compact: bool = True) -> dict[str, Any]:
    """The entry as a file holds it: schema keys in order; `compact` leaves out the defaults."""
    raw: dict[str, Any] = {key: _plain(getattr(entry, key), key) for key in ENTRY_KEYS}
    if not compact:
        return raw
    defaults = {key: _plain(BY_NAME[key].default) for key in OPTIONAL_KEYS}
    defaults["title"] = entry.id
    return {
        key: value
        for key, value in raw.items()
        if key in REQUIRED_KEYS or (value and value != defaults[key])
    }


class LayerFile(NamedTuple):
    path: Path
    layer: str


def layer_files() -> list[LayerFile]:
    """Every phrasebook file in override order: bundled, team (CSR_PHRASEBOOK_PATH), personal."""
    bundled_dir = paths.bundled_phrasebook_dir()
    files = [LayerFile(path, "bundled") for path in sorted(bundled_dir.glob("*.yaml"))]
    for team_path in paths.team_phrasebook_paths():
        if not team_path.is_file():
            raise PhrasebookError(
                f"{team_path}: team phrasebook not found; fix {paths.PHRASEBOOK_PATH_ENV}"
            )
        files.append(LayerFile(team_path, "team"))
    personal = paths.personal_phrasebook()
    if personal.is_file():
        files.append(LayerFile(personal, "personal"))
    return files


def _yaml_loader() -> Any:
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_text(text: str, source: str, layer: str) -> list[Entry]:
    """Parse and validate one phrasebook file's text; every failure names file, entry and field."""
    raw_entries = load_document(text, source)
    entries: list[Entry] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_entries):
        entry = parse_entry(raw, index, text, source, layer)
        if entry.id in seen:
            raise PhrasebookError(
                f"{source}: entry '{entry.id}', field 'id': duplicate id in this file"
            )
        seen.add(entry.id)
        entries.append(entry)
    return entries


def load_document(text: str, source: str) -> list[object]:
    """The raw entry list of a phrasebook file's text; syntax and shape errors name the line."""
    document = parse_yaml(text, source, what="phrasebook", error=PhrasebookError)
    if document is None:
        return []
    if not isinstance(document, dict) or set(document) - {"entries"}:
        raise PhrasebookError(f"{source}: the file must be a mapping with one key, 'entries'")
    raw_entries = document.get("entries") or []
    if not isinstance(raw_entries, list):
        raise PhrasebookError(f"{source}: 'entries' must be a list of entries")
    return raw_entries


def load_file(layer_file: LayerFile) -> list[Entry]:
    try:
        text = layer_file.path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise PhrasebookError(f"{layer_file.path}: cannot read phrasebook: {exc}") from None
    return parse_text(text, str(layer_file.path), layer_file.layer)


def merge_layers(entry_lists: Iterable[list[Entry]]) -> list[Entry]:
    """Later entries replace earlier ones with the same id, keeping the first one's position."""
    merged: dict[str, Entry] = {}
    for entries in entry_lists:
        for entry in entries:
            merged[entry.id] = entry
    return list(merged.values())


def load_all(files: list[LayerFile]) -> list[Entry]:
    return merge_layers(load_file(layer_file) for layer_file in files)


def _entry_line(text: str, index: int) -> int | None:
    """The 1-based line where entry number `index` starts (only computed on the error path)."""
    import yaml

    try:
        root = yaml.compose(text, Loader=_yaml_loader())
        for key, value in root.value if root is not None else []:
            if key.value == "entries":
                return int(value.value[index].start_mark.line) + 1
    except (yaml.YAMLError, AttributeError, IndexError, TypeError, ValueError):
        return None
    return None


class _EntryProblem(Exception):
    def __init__(self, field_name: str, problem: str) -> None:
        super().__init__(problem)
        self.field_name = field_name
        self.problem = problem


def parse_entry(raw: object, index: int, text: str, source: str, layer: str) -> Entry:
    """Validate entry number `index` (0-based) of a file; `text` is only used to find its line."""
    entry_name = f"#{index + 1}"
    try:
        if not isinstance(raw, dict):
            raise _EntryProblem("-", "each entry must be a mapping with at least id and variants")
        if isinstance(raw.get("id"), str):
            entry_name = f"'{raw['id']}'"
        return _build_entry(raw, source, layer)
    except _EntryProblem as problem:
        raise EntryError(
            where=source,
            line=_entry_line(text, index),
            entry=entry_name,
            field=problem.field_name,
            problem=problem.problem,
        ) from None


def _build_entry(raw: dict[str, Any], source: str, layer: str) -> Entry:
    unknown = sorted(set(raw) - set(REQUIRED_KEYS) - set(OPTIONAL_KEYS), key=str)
    if unknown:
        allowed = ", ".join(REQUIRED_KEYS + OPTIONAL_KEYS)
        raise _EntryProblem(str(unknown[0]), f"unknown field; allowed fields are {allowed}")
    for key in REQUIRED_KEYS:
        if key not in raw:
            raise _EntryProblem(key, "missing; every entry needs an id and variants")
    entry_id = raw["id"]
    if not isinstance(entry_id, str) or not ID_RE.match(entry_id):
        raise _EntryProblem("id", "must be lowercase kebab-case letters and digits, e.g. 'bargain'")
    variants = _variants(raw["variants"], "variants")
    placeholders = _placeholders(raw.get("placeholders"))
    used = names_in_all(variants)
    undeclared = [name for name in used if name not in placeholders]
    if undeclared:
        raise _EntryProblem(
            "placeholders",
            f"the variants use {{{undeclared[0]}}} but it is not declared; "
            f"add '{undeclared[0]}: null' (or a default) under placeholders",
        )
    role = raw.get("role", "general")
    if role not in ROLES:
        raise _EntryProblem("role", f"must be one of {', '.join(ROLES)}")
    labels = {name: _texts(raw.get(name), name) for name in LABEL_LISTS}
    unknown_rule = next(
        (rule for rule in labels["requires"] if rule not in PROFILE_CONDITIONS), None
    )
    if unknown_rule is not None:
        raise _EntryProblem(
            "requires", f"unknown shop rule '{unknown_rule}'; use: {', '.join(PROFILE_CONDITIONS)}"
        )
    bad_alias = next((alias for alias in labels["aliases"] if not ALIAS_RE.match(alias)), None)
    if bad_alias is not None:
        raise _EntryProblem("aliases", f"'{bad_alias}' must be 1-16 characters without spaces")
    fields: dict[str, Any] = {
        name: _text(raw.get(name, BY_NAME[name].default), name) for name in SCALAR_FIELDS
    }
    fields.update(labels, title=_text(raw.get("title", entry_id), "title"))
    return Entry(
        **fields,
        id=entry_id,
        placeholders=placeholders,
        variants=variants,
        source=source,
        layer=layer,
    )


def _text(value: object, field_name: str) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise _EntryProblem(field_name, "must be a text")
    return value


def _texts(value: object, field_name: str, *, allow_empty: bool = True) -> tuple[str, ...]:
    if value is None:
        value = []
    if not isinstance(value, list):
        raise _EntryProblem(field_name, "must be a list")
    texts = tuple(_text(item, field_name).strip("\n") for item in value)
    if any(not item.strip() for item in texts):
        raise _EntryProblem(field_name, "must not contain empty items")
    if not allow_empty and not texts:
        raise _EntryProblem(field_name, "must list at least one reply text")
    return texts


def _variants(value: object, field_name: str) -> tuple[str, ...]:
    """Reply texts; an item may be a list of 1 to MAX_MESSAGES texts sent one after another."""
    if not isinstance(value, list):
        raise _EntryProblem(field_name, "must be a list")
    variants = []
    for number, item in enumerate(value, start=1):
        if isinstance(item, list):
            if not 1 <= len(item) <= MAX_MESSAGES:
                raise _EntryProblem(
                    f"{field_name}[{number}]",
                    f"a variant sent as several messages lists 1 to {MAX_MESSAGES} of them",
                )
            messages = _texts(item, f"{field_name}[{number}]", allow_empty=False)
        else:
            messages = _texts([item], field_name)
        if any(MESSAGE_BREAK in text for text in messages):
            raise _EntryProblem(field_name, "must not contain the control character U+001E")
        variants.append(MESSAGE_BREAK.join(messages))
    if not variants:
        raise _EntryProblem(field_name, "must list at least one reply text")
    return tuple(variants)


def _placeholders(value: object) -> dict[str, str | None]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _EntryProblem("placeholders", "must map each placeholder name to a default or null")
    result: dict[str, str | None] = {}
    for name, default in value.items():
        if not isinstance(name, str) or not PLACEHOLDER_NAME_RE.match(name):
            raise _EntryProblem("placeholders", f"'{name}' is not a valid placeholder name")
        result[name] = None if default is None else _text(default, f"placeholders.{name}")
    return result
