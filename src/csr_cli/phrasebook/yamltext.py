"""Editing a phrasebook file's YAML text one entry at a time, keeping everything else as it was.

A hand-kept file has comments, blank lines and its own layout. Round-tripping the whole
document (even with ruamel.yaml) moves comments around when entries are added or removed, so
the file is edited as text: each entry is a span of lines found with the YAML parser, and only
the spans that change are rewritten. Inside a changed entry ruamel.yaml keeps the comments and
key order. The caller re-parses the result and compares it with what it meant to write.
"""

from __future__ import annotations

import functools
import io
import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from csr_cli.errors import PhrasebookError
from csr_cli.phrasebook.fields import ENTRY_KEYS

# Blank and comment-only lines are not part of an entry's content.
_SKIPPABLE = re.compile(r"^\s*(#.*)?$")
_COMMENT_RE = re.compile(r"(^|\s)#")
FLOW_LISTS = ("tags", "aliases", "keywords")


@dataclass(frozen=True)
class Span:
    """Where one entry sits: 0-based line numbers, inclusive."""

    lead: int  # first comment line directly above the entry (or `start`)
    start: int  # the line with the entry's `- `
    end: int  # its last content line
    dash: int  # the column of its `-`
    key: int  # the column of its keys


@dataclass(frozen=True)
class Layout:
    lines: list[str]
    spans: list[Span]
    blank_between: bool  # whether entries are separated by a blank line


def layout(text: str) -> Layout | None:
    """The entry spans of a block-style `entries:` list; None for anything else."""
    import yaml

    lines = text.splitlines(keepends=True)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    root = yaml.compose(text, Loader=loader)
    items = _entry_nodes(root)
    if not items:
        return None
    starts: list[tuple[int, int, int]] = []  # (line, dash column, key column)
    for node in items:
        line, column = node.start_mark.line, node.start_mark.column
        prefix = lines[line][:column]
        if not isinstance(node, yaml.MappingNode) or prefix.strip() != "-":
            return None
        starts.append((line, prefix.index("-"), column))
    spans: list[Span] = []
    floor = root.start_mark.line if root is not None else 0
    for number, (start, dash, key_column) in enumerate(starts):
        following = starts[number + 1][0] if number + 1 < len(starts) else len(lines)
        end = _last_content_line(lines, start, following, key_column)
        lead = start
        while lead - 1 > floor and lines[lead - 1].strip().startswith("#"):
            lead -= 1
        spans.append(Span(lead=lead, start=start, end=end, dash=dash, key=key_column))
        floor = end
    gaps = [lines[a.end + 1 : b.lead] for a, b in itertools.pairwise(spans)]
    blank_between = not gaps or any(not line.strip() for gap in gaps for line in gap)
    return Layout(lines, spans, blank_between)


def _entry_nodes(root: Any) -> list[Any]:
    import yaml

    if not isinstance(root, yaml.MappingNode):
        return []
    for key, value in root.value:
        if key.value == "entries" and isinstance(value, yaml.SequenceNode):
            return [] if value.flow_style else list(value.value)
    return []


def _last_content_line(lines: list[str], start: int, following: int, key_column: int) -> int:
    """Comments indented less than the entry's keys belong to what follows, not to it.

    Lines indented like the keys or deeper are the entry's own (deeper ones may even be text
    inside a block scalar that happens to start with `#`).
    """
    end = following - 1
    while end > start:
        line = lines[end]
        indent = len(line) - len(line.lstrip(" "))
        if _SKIPPABLE.match(line) and (not line.strip() or indent < key_column):
            end -= 1
        else:
            break
    return end


def entry_block(lay: Layout, index: int) -> str:
    """Entry `index` as a stand-alone YAML mapping (its `- ` removed, de-indented)."""
    span = lay.spans[index]
    head = lay.lines[span.start][span.key :]
    body = [_dedent(line, span.key) for line in lay.lines[span.start + 1 : span.end + 1]]
    block = "".join([head, *body])
    return block if block.endswith("\n") else block + "\n"


def _dedent(line: str, column: int) -> str:
    spaces = len(line) - len(line.lstrip(" "))
    return line[min(spaces, column) :]


def as_item(block: str, dash: int) -> str:
    """A mapping's text turned into a list item whose `-` is at column `dash`.

    Comment lines before the first key go above the item, where they stay attached to it.
    """
    lines = block.splitlines(keepends=True) or ["{}\n"]
    if not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    first = next((n for n, line in enumerate(lines) if not _SKIPPABLE.match(line)), 0)
    above = [" " * dash + line.lstrip(" ") for line in lines[:first] if line.strip()]
    pad = " " * (dash + 2)
    item = " " * dash + "- " + lines[first]
    rest = [pad + line if line.strip() else line for line in lines[first + 1 :]]
    return "".join([*above, item, *rest])


def splice(
    lay: Layout,
    *,
    replaced: dict[int, str] | None = None,
    removed: Sequence[int] = (),
    appended: Sequence[str] = (),
) -> str:
    """The file with some entries replaced or removed and new ones appended.

    `replaced` and `appended` hold mapping blocks as `entry_block` gives them.
    """
    lines = list(lay.lines)
    replaced = replaced or {}
    last = lay.spans[-1]
    if appended:
        if not lines[last.end].endswith("\n"):
            lines[last.end] += "\n"
        gap = ["\n"] if lay.blank_between else []
        added = [part for block in appended for part in [*gap, as_item(block, last.dash)]]
        lines[last.end + 1 : last.end + 1] = added
    for index in sorted({*replaced, *removed}, reverse=True):
        span = lay.spans[index]
        if index in removed:
            stop = span.end + 1
            if stop < len(lines) and not lines[stop].strip():
                stop += 1  # the blank line that separated it from the next entry
            lines[span.lead : stop] = []
        else:
            lines[span.start : span.end + 1] = [as_item(replaced[index], span.dash)]
    return "".join(lines)


def fresh_document(text: str, blocks: Sequence[str]) -> str:
    """A file holding only `blocks`, keeping the comment lines of `text` (its header).

    Used when `text` has no block-style entry list to edit in place.
    """
    kept = [line for line in text.splitlines(keepends=True) if line.strip().startswith("#")]
    if kept and not kept[-1].endswith("\n"):
        kept[-1] += "\n"
    body = "\n".join(as_item(block, 2) for block in blocks)
    return "".join(kept) + "entries:\n" + body


def has_comments(text: str) -> bool:
    """Whether the text may hold a comment (errs on the side of yes)."""
    return any(_COMMENT_RE.search(line) for line in text.splitlines())


# --- rendering with ruamel.yaml ------------------------------------------------------------


def render_mapping(raw: dict[str, Any]) -> str:
    """A new entry's YAML: short lists in flow style, multi-line texts as `|` blocks."""
    # ruamel.yaml takes about 1.5 ms an entry, which an import of 100k rows cannot afford; the
    # plain entries most imports consist of are written directly, in exactly ruamel's layout.
    fast = render_plain(raw)
    if fast is not None:
        return fast
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    mapping = CommentedMap()
    for key, value in raw.items():
        if key in FLOW_LISTS:
            value = CommentedSeq(value)
            value.fa.set_flow_style()
        elif key == "variants":
            value = CommentedSeq(_literal(text) for text in value)
        elif key == "placeholders":
            value = CommentedMap(value)
            if not value:
                value.fa.set_flow_style()
        mapping[key] = value
    return _dump(mapping)


# A text ruamel.yaml writes plain in both block and flow context: no indicator first, none of
# the characters that end or start something inside, one printable line without edge spaces.
_PLAIN = re.compile(
    "[^\\s\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029\\ufeff\\ud800-\\udfff\\ufffe\\uffff\\-?:,\\[\\]{}#&*!|>'\"%@`~]"
    "(?:[^\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029\\ufeff\\ud800-\\udfff\\ufffe\\uffff:#,?\\[\\]{}'\"\\\\]*"
    "[^\\s\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029\\ufeff\\ud800-\\udfff\\ufffe\\uffff:#,?\\[\\]{}'\"\\\\])?"
)
_QUOTED_OK = re.compile("[A-Za-z0-9._+-]*")
_NUMBER_START = frozenset("0123456789+.")


_LITERAL_MARK = "\x00"  # stands for a line break inside a rendered `|-` block
_LITERAL_LINE = re.compile(
    "[^\\s\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029\\ufeff\\ud800-\\udfff\\ufffe\\uffff]"
    "(?:[^\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029\\ufeff\\ud800-\\udfff\\ufffe\\uffff]*"
    "[^\\s\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029\\ufeff\\ud800-\\udfff\\ufffe\\uffff])?"
)


def _literal_block(value: str) -> str | None:
    """A multi-line variant as ruamel.yaml writes it (`|-`, lines indented under the dash),
    for texts whose lines have no edge spaces or control characters; else None."""
    lines = value.split("\n")
    if not lines[0] or not all(line == "" or _LITERAL_LINE.fullmatch(line) for line in lines):
        return None
    if not lines[-1]:
        return None
    body = _LITERAL_MARK.join(f"    {line}" if line else "" for line in lines)
    return f"|-{_LITERAL_MARK}{body}"


def _scalar(value: str) -> str | None:
    """`value` written as ruamel.yaml would, for the simple cases; None for any other."""
    if _QUOTED_OK.fullmatch(value) and _plain_is_not_text(value):
        return f'"{value}"'  # e.g. 98, yes, 1.5: quoted so they stay text
    if value[:1] in _NUMBER_START and value.isascii():
        return None  # may be a YAML 1.2 number (98e98), which ruamel.yaml quotes its own way
    if _PLAIN.fullmatch(value) and not _plain_is_not_text(value):
        return value
    return None


def render_plain(raw: dict[str, Any]) -> str | None:
    """The entry written directly in ruamel.yaml's layout, or None when any value needs more
    than a plain or simply quoted scalar (then ruamel.yaml writes it)."""
    lines: list[str] = []
    for key, value in raw.items():
        if key in FLOW_LISTS or key == "variants":
            items = [
                (_literal_block(item) if key == "variants" and "\n" in item else _scalar(item))
                if isinstance(item, str)
                else None
                for item in value
            ]
            if None in items:
                return None
            if key == "variants":
                lines.append("variants:" if items else "variants: []")
                lines.extend(f"  - {item}".replace(_LITERAL_MARK, "\n") for item in items)
            else:
                lines.append(f"{key}: [{', '.join(str(item) for item in items)}]")
        elif key == "placeholders":
            if not value:
                lines.append("placeholders: {}")
                continue
            lines.append("placeholders:")
            for name, default in value.items():
                text = "null" if default is None else _scalar(default)
                if text is None or _scalar(name) != name:
                    return None
                lines.append(f"  {name}: {text}")
        else:
            text = _scalar(value) if isinstance(value, str) else None
            if text is None:
                return None
            lines.append(f"{key}: {text}")
    return "\n".join(lines) + "\n"


def _unscalar(text: str) -> str | None:
    if len(text) > 1 and text[0] == text[-1] == '"':
        inner = text[1:-1]
        return inner if _QUOTED_OK.fullmatch(inner) and _plain_is_not_text(inner) else None
    return text if _scalar(text) == text else None


def _read_variants(lines: list[str]) -> list[str | None]:
    """The variants of a block's `variants:` list (its lines without the two-space indent)."""
    values: list[str | None] = []
    n = 0
    while n < len(lines):
        line = lines[n]
        n += 1
        if line == "- |-":
            body: list[str] = []
            while n < len(lines) and (lines[n] == "" or lines[n].startswith("  ")):
                body.append(lines[n][2:])
                n += 1
            text = "\n".join(body)
            values.append(text if body and _literal_block(text) is not None else None)
        elif line.startswith("- "):
            values.append(_unscalar(line[2:]))
        else:
            values.append(None)
    return values


def read_plain(block: str) -> dict[str, Any] | None:
    """The mapping `render_plain` wrote as `block` (its exact inverse), or None for any text it
    could not have written."""
    raw: dict[str, Any] = {}
    lines = block.split("\n")
    if lines[-1] != "":
        return None
    lines.pop()
    n = 0
    while n < len(lines):
        key, sep, rest = lines[n].partition(":")
        n += 1
        if not sep or key in raw or key.startswith(" "):
            return None
        items: list[str] = []
        while n < len(lines) and (lines[n].startswith("  ") or lines[n] == ""):
            items.append(lines[n][2:])
            n += 1
        value: Any
        if key == "variants" and rest == "" and items:
            value = _read_variants(items)
        elif key == "placeholders" and rest == "" and items:
            value = {}
            for item in items:
                name, colon, default = item.partition(": ")
                if not colon or _scalar(name) != name or name in value:
                    return None
                value[name] = None if default == "null" else _unscalar(default)
                if default != "null" and value[name] is None:
                    return None
        elif items or not rest.startswith(" "):
            return None
        elif key == "placeholders" and rest == " {}":
            value = {}
        elif (
            (key in FLOW_LISTS or key == "variants")
            and rest.startswith(" [")
            and rest.endswith("]")
        ):
            inner = rest[2:-1]
            value = [_unscalar(item) for item in inner.split(", ")] if inner else []
        else:
            value = _unscalar(rest[1:])
        if value is None or (isinstance(value, list) and None in value):
            return None
        raw[key] = value
    return raw or None


def edit_mapping(block: str, change: Callable[[Any], None]) -> str:
    """Load a mapping block keeping comments and order, let `change` modify it, dump it again."""
    yaml = _ruamel()
    mapping = yaml.load(block)
    change(mapping)
    return _dump(mapping)


def append_items(mapping: Any, key: str, items: Sequence[Any]) -> None:
    """Add `items` to the list under `key` (created, in flow style for short lists, if missing)."""
    from ruamel.yaml.comments import CommentedSeq

    if not items:
        return
    current = mapping.get(key)
    if current is None:
        current = CommentedSeq()
        if key in FLOW_LISTS:
            current.fa.set_flow_style()
        set_in_order(mapping, key, current)
    for item in items:
        current.append(_literal(item) if key == "variants" else item)


def set_missing(mapping: Any, key: str, values: dict[str, str | None]) -> None:
    """Add the names in `values` that the mapping under `key` lacks (created if missing)."""
    from ruamel.yaml.comments import CommentedMap

    if not values:
        return
    current = mapping.get(key)
    if current is None:
        current = CommentedMap()
        set_in_order(mapping, key, current)
    elif not current:
        current.fa.set_block_style()
    for name, default in values.items():
        current.setdefault(name, default)


def set_in_order(mapping: Any, key: str, value: Any) -> None:
    """Set `key`, placing a new key where the schema order puts it among the existing keys."""
    if key in mapping:
        mapping[key] = value
        return
    rank = ENTRY_KEYS.index(key)
    keys = list(mapping)
    position = next(
        (n for n, k in enumerate(keys) if k in ENTRY_KEYS and ENTRY_KEYS.index(k) > rank),
        len(keys),
    )
    mapping.insert(position, key, value)


def _literal(text: Any) -> Any:
    """A reply text, as a block scalar when it has line breaks; a variant of several messages
    (a list) as a list of them."""
    from ruamel.yaml.comments import CommentedSeq
    from ruamel.yaml.scalarstring import LiteralScalarString

    if isinstance(text, list):
        return CommentedSeq(_literal(message) for message in text)
    return LiteralScalarString(text) if "\n" in text else text


def _dump(mapping: Any) -> str:
    out = io.StringIO()
    _ruamel().dump(mapping, out)
    return out.getvalue()


def _ruamel() -> Any:
    from ruamel.yaml import YAML
    from ruamel.yaml.representer import RoundTripRepresenter

    class Representer(RoundTripRepresenter):
        """Writes what PyYAML (YAML 1.1, which reads these files) reads back as the same value."""

        def represent_str(self, data: str) -> Any:
            if _plain_is_not_text(data):
                return self.represent_scalar("tag:yaml.org,2002:str", data, style='"')
            return super().represent_str(data)

        def represent_none(self, data: None) -> Any:
            return self.represent_scalar("tag:yaml.org,2002:null", "null")

    Representer.add_representer(str, Representer.represent_str)
    Representer.add_representer(type(None), Representer.represent_none)
    yaml = YAML()
    yaml.Representer = Representer
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096  # never fold long Chinese lines
    yaml.allow_unicode = True
    return yaml


def _plain_is_not_text(value: str) -> bool:
    """Whether PyYAML would read `value`, written plain, as something other than a string."""
    import yaml

    return _resolve()(yaml.ScalarNode, value, (True, False)) != "tag:yaml.org,2002:str"


@functools.lru_cache(maxsize=1)
def _resolve() -> Callable[..., str]:
    import yaml

    resolve: Callable[..., str] = yaml.resolver.Resolver().resolve
    return resolve


def check_shape(text: str, source: str) -> None:
    """Refuse a file whose layout cannot be edited in place and whose comments would be lost."""
    if has_comments(text):
        raise PhrasebookError(
            f"{source}: csr edits a file in place only when its entries are a block list "
            "('entries:' then '- id: …' lines); this one is laid out differently and has "
            "comments that rewriting would lose. Change it to that layout, or remove the "
            "comments, and retry"
        )
