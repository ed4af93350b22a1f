"""Reading and writing replies in other formats: chat-client quick-phrase sheets, CSV, YAML, JSON.

The quick-phrase sheet (快捷短语) of Chinese shop chat clients is a CSV with the header
快捷编码,快捷短语,快捷短语分组 (shortcut code, phrase, group); inside a phrase a line break is
written `&#13;` and a comma `&#44;`. One row is one phrase, so an entry is written as one row
per variant and rows sharing a shortcut code are read back as the variants of one entry.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from csr_cli.errors import EntryError, PhrasebookError, UsageError
from csr_cli.fileio import escape_cell, unescape_cell
from csr_cli.phrasebook.fields import CSV_COLUMNS, LABEL_LISTS, MESSAGE_BREAK, SCALAR_FIELDS
from csr_cli.phrasebook.placeholders import PLACEHOLDER_RE, names_in_all
from csr_cli.phrasebook.schema import Entry, entry_to_raw, messages_of, parse_entry, parse_text

QIANNIU_HEADER = ("快捷编码", "快捷短语", "快捷短语分组")
UNGROUPED = "未分组"
LIST_SEPARATOR = "|"
QIANNIU_CODE_LIMIT = 4
PLACEHOLDER_ID = "imported"  # stands in for an id that the merge derives later
_ENTITY_RE = re.compile(r"&#(\d+);")


@dataclass(frozen=True)
class Incoming:
    """One entry read from a file, validated; `derived_id` when the file gave no id."""

    entry: Entry
    derived_id: bool
    where: str  # file:line of its first row, or file and entry id
    position: int  # line of its first row, or its index in the file: sorts a report in file order


@dataclass(frozen=True)
class Skip:
    where: str
    reason: str
    position: int


@dataclass
class Sheet:
    source: str
    format: str
    encoding: str
    incoming: list[Incoming] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


# --- cells -------------------------------------------------------------------------------------


def encode_phrase(text: str) -> str:
    """A phrase as a quick-phrase sheet writes it; `&#` itself is encoded so decoding is exact."""
    encoded = text.replace("&#", "&#38;#").replace("\n", "&#13;").replace(",", "&#44;")
    return encoded.replace(MESSAGE_BREAK, "&#30;")  # between the messages of one phrase


def decode_phrase(cell: str) -> str:
    text = _ENTITY_RE.sub(lambda match: _char(int(match.group(1))), cell)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _char(code: int) -> str:
    try:
        return chr(code)
    except (ValueError, OverflowError):
        return f"&#{code};"


# --- reading -----------------------------------------------------------------------------------


def decode(data: bytes, source: str) -> tuple[str, str]:
    """The text of a file in UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030/GBK."""
    for bom, encoding in (
        (b"\xef\xbb\xbf", "utf-8-sig"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    ):
        if data.startswith(bom):
            return _decode(data, encoding, source), encoding
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        _refuse_mixed(data, exc, source)
    # GB18030 is a superset of GBK and GB2312, the encodings Chinese Windows tools save.
    return _decode(data, "gb18030", source), "gb18030"


def _refuse_mixed(data: bytes, exc: UnicodeDecodeError, source: str) -> None:
    """A file whose first non-ASCII line is UTF-8 is a UTF-8 file with a mis-encoded row (a row
    pasted from a GBK sheet), not a GBK file: say which line, instead of reading it all as GBK
    and no longer recognising the header."""
    line_start = data.rfind(b"\n", 0, exc.start) + 1
    first = next((line for line in data[:line_start].split(b"\n") if not line.isascii()), None)
    if first is None:
        return
    try:
        first.decode("utf-8")
    except UnicodeDecodeError:
        return
    line = data[: exc.start].count(b"\n") + 1
    raise PhrasebookError(
        f"{source}:{line}: this line is not UTF-8 text while the lines before it are (byte "
        f"0x{data[exc.start]:02X}): the file mixes encodings; save the whole file as UTF-8 "
        "(or convert that line with iconv -f GBK -t UTF-8) and retry"
    )


def _decode(data: bytes, encoding: str, source: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise PhrasebookError(
            f"{source}:{line}: the file is neither UTF-8 nor GB18030/GBK text; "
            "save it as UTF-8 and retry"
        ) from None


def detect_format(path: Path, text: str) -> str:
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        return "yaml"
    if suffix == ".json":
        return "json"
    if suffix in (".xlsx", ".xls"):
        raise UsageError(f"{path}: save the sheet as CSV (UTF-8 or GBK) and import that file")
    header = next(csv.reader(io.StringIO(text)), [])
    cells = tuple(cell.strip() for cell in header)
    if cells == QIANNIU_HEADER:
        return "qianniu-csv"
    if "text" in cells:
        return "csv"
    raise UsageError(
        f"{path}: cannot tell the format; a quick-phrase sheet starts with the header "
        f"{','.join(QIANNIU_HEADER)} and a csv sheet has a 'text' column (or pass --format)"
    )


def read_sheet(path: Path, fmt: str | None = None) -> Sheet:
    """Read and validate a whole file; any malformed part raises an error naming its line."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None
    text, encoding = decode(data, str(path))
    fmt = fmt or detect_format(path, text)
    sheet = Sheet(str(path), fmt, encoding)
    if fmt == "yaml":
        entries = parse_text(text, str(path), "import")
        sheet.incoming = [
            Incoming(e, False, f"{path}: entry '{e.id}'", n) for n, e in enumerate(entries)
        ]
    elif fmt == "json":
        sheet.incoming = _read_json(text, str(path))
    else:
        rows = _csv_rows(text, str(path), qianniu=fmt == "qianniu-csv", sheet=sheet)
        sheet.incoming = _entries_from_rows(rows, sheet)
    return sheet


def _read_json(text: str, source: str) -> list[Incoming]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PhrasebookError(f"{source}:{exc.lineno}: JSON syntax error: {exc.msg}") from None
    except RecursionError:
        raise PhrasebookError(
            f"{source}: the JSON is nested too deeply to be a phrasebook; a phrasebook is a "
            'list of entries, or {"entries": [...]}'
        ) from None
    if isinstance(document, dict) and set(document) == {"entries"}:
        document = document["entries"]
    if not isinstance(document, list):
        raise PhrasebookError(f'{source}: expected a list of entries or {{"entries": [...]}}')
    incoming: list[Incoming] = []
    seen: set[str] = set()
    for index, raw in enumerate(document):
        if isinstance(raw, dict):
            # `csr list --json` adds where each entry came from; that is not part of an entry.
            raw = {k: v for k, v in raw.items() if k not in ("source", "layer")}
        entry = parse_entry(raw, index, text, source, "import")
        if entry.id in seen:
            raise PhrasebookError(f"{source}: entry '{entry.id}', field 'id': duplicate id")
        seen.add(entry.id)
        incoming.append(Incoming(entry, False, f"{source}: entry '{entry.id}'", index))
    return incoming


@dataclass(frozen=True)
class _Row:
    line: int
    cells: dict[str, str]

    def get(self, column: str) -> str:
        return self.cells.get(column, "")


def _csv_rows(text: str, source: str, *, qianniu: bool, sheet: Sheet) -> list[_Row]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[_Row] = []
    try:
        header = [cell.strip() for cell in next(reader, [])]
        columns = _check_header(header, source, qianniu=qianniu)
        start = reader.line_num + 1
        for cells in reader:
            line, start = start, reader.line_num + 1
            if not any(cell.strip() for cell in cells):
                sheet.skipped.append(Skip(f"{source}:{line}", "empty row", line))
                continue
            if len(cells) > len(columns):
                raise PhrasebookError(
                    f"{source}:{line}: {len(cells)} cells but the header has {len(columns)}; "
                    "a comma inside a cell needs the cell in double quotes"
                    + (" or written &#44;" if qianniu else "")
                )
            values = dict(zip(columns, (unescape_cell(cell) for cell in cells), strict=False))
            row = _qianniu_row(line, values, source, sheet) if qianniu else _Row(line, values)
            if row is not None:
                rows.append(row)
    except csv.Error as exc:
        raise PhrasebookError(f"{source}:{reader.line_num}: CSV error: {exc}") from None
    return rows


def _check_header(header: list[str], source: str, *, qianniu: bool) -> list[str]:
    if qianniu:
        if tuple(header) != QIANNIU_HEADER:
            raise PhrasebookError(
                f"{source}:1: a quick-phrase sheet starts with the header "
                f"{','.join(QIANNIU_HEADER)}, not {','.join(header) or '(nothing)'}"
            )
        return ["aliases", "text", "tags"]
    unknown = [column for column in header if column not in CSV_COLUMNS]
    if unknown or "text" not in header or len(set(header)) != len(header):
        raise PhrasebookError(
            f"{source}:1: the header must name a 'text' column and may use "
            f"{', '.join(CSV_COLUMNS)}, each once (found {','.join(header) or 'nothing'})"
        )
    return header


def _qianniu_row(line: int, values: dict[str, str], source: str, sheet: Sheet) -> _Row | None:
    code = values.get("aliases", "").strip()
    group = values.get("tags", "").strip()
    if code and not re.fullmatch(r"\S{1,16}", code):
        sheet.warnings.append(
            f"{source}:{line}: shortcut code '{code}' has spaces or is longer than 16 "
            "characters; the phrase is imported without it"
        )
        code = ""
    cells = {
        "aliases": code,
        "text": decode_phrase(values.get("text", "")),
        "tags": "" if group == UNGROUPED else group,
    }
    return _Row(line, cells)


def _entries_from_rows(rows: list[_Row], sheet: Sheet) -> list[Incoming]:
    groups: dict[tuple[str, str], list[_Row]] = {}
    for row in rows:
        if not row.get("text").strip("\n").strip():
            sheet.skipped.append(Skip(f"{sheet.source}:{row.line}", "empty phrase", row.line))
            continue
        groups.setdefault(_group_key(row), []).append(row)
    return [_group_entry(group, sheet) for group in groups.values()]


def _group_key(row: _Row) -> tuple[str, str]:
    """Rows with one id, or else one shortcut code, are the variants of one entry."""
    if row.get("id").strip():
        return ("id", row.get("id").strip())
    aliases = _split(row.get("aliases"))
    if aliases:
        return ("alias", aliases[0].lower())
    return ("row", str(row.line))


def _group_entry(rows: list[_Row], sheet: Sheet) -> Incoming:
    first = rows[0]
    source = f"{sheet.source}:{first.line}"
    raw: dict[str, Any] = {"id": first.get("id").strip() or PLACEHOLDER_ID}
    for key in SCALAR_FIELDS:
        value = next((row.get(key) for row in rows if row.get(key)), "")
        if value:
            raw[key] = value
    for key in LABEL_LISTS:
        raw[key] = list(dict.fromkeys(item for row in rows for item in _split(row.get(key))))
    variants: list[str] = []
    for row in rows:
        text = row.get("text").strip("\n")
        if text in variants:
            sheet.skipped.append(
                Skip(
                    f"{sheet.source}:{row.line}",
                    f"same text as row {first.line}'s entry",
                    row.line,
                )
            )
        else:
            variants.append(text)
    placeholders: dict[str, str | None] = {}
    for row in rows:
        placeholders.update(_placeholders(row.get("placeholders")))
    for name in names_in_all(variants):
        placeholders.setdefault(name, None)
    raw["placeholders"] = placeholders
    # A cell with U+001E holds a variant sent as several messages.
    raw["variants"] = [messages_of(text) if MESSAGE_BREAK in text else text for text in variants]
    try:
        entry = parse_entry(raw, 0, "", source, "import")
    except EntryError as exc:
        raise EntryError(
            where=source,
            line=None,
            entry=exc.entry if raw["id"] != PLACEHOLDER_ID else "(no id)",
            field=exc.field,
            problem=exc.problem,
        ) from None
    return Incoming(entry, raw["id"] == PLACEHOLDER_ID, source, first.line)


def _split(cell: str) -> list[str]:
    return [item.strip() for item in cell.split(LIST_SEPARATOR) if item.strip()]


def _placeholders(cell: str) -> dict[str, str | None]:
    """`shop|threshold=98`: a bare name has no default."""
    result: dict[str, str | None] = {}
    for item in cell.split(LIST_SEPARATOR):
        if not item.strip():
            continue
        name, equals, default = item.partition("=")
        result[name.strip()] = default if equals else None
    return result


# --- writing -----------------------------------------------------------------------------------


@dataclass
class Export:
    text: str
    rows: int
    warnings: list[str] = field(default_factory=list)


def export(entries: Iterable[Entry], fmt: str) -> Export:
    entries = list(entries)
    if fmt == "yaml":
        from csr_cli.phrasebook import yamltext

        blocks = [yamltext.render_mapping(entry_to_raw(entry)) for entry in entries]
        return Export(yamltext.fresh_document("", blocks), len(entries))
    if fmt == "json":
        data = {"entries": [entry_to_raw(entry, compact=False) for entry in entries]}
        return Export(json.dumps(data, ensure_ascii=False, indent=2) + "\n", len(entries))
    if fmt == "csv":
        return _export_csv(entries)
    return _export_qianniu(entries)


def _write_csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows([[escape_cell(cell) for cell in row] for row in rows])
    return out.getvalue()


def _export_csv(entries: list[Entry]) -> Export:
    rows = [list(CSV_COLUMNS)]
    for entry in entries:
        lists = {key: _join(entry, key, getattr(entry, key)) for key in LABEL_LISTS}
        shown = [
            name if default is None else f"{name}={default}"
            for name, default in entry.placeholders.items()
        ]
        placeholders = _join(entry, "placeholders", shown)
        for text in entry.variants:
            fields = {
                "id": entry.id,
                "text": text,
                **{key: getattr(entry, key) for key in SCALAR_FIELDS},
                "placeholders": placeholders,
                **lists,
            }
            rows.append([fields[column] for column in CSV_COLUMNS])
    return Export(_write_csv(rows), len(rows) - 1)


def _join(entry: Entry, key: str, items: Iterable[str]) -> str:
    items = list(items)
    if any(LIST_SEPARATOR in item for item in items):
        raise UsageError(
            f"entry '{entry.id}', field '{key}': an item contains '{LIST_SEPARATOR}', which "
            "csv export uses between items; export as yaml or json instead"
        )
    return LIST_SEPARATOR.join(items)


def _export_qianniu(entries: list[Entry]) -> Export:
    rows = [list(QIANNIU_HEADER)]
    warnings: list[str] = []
    several = 0
    for entry in entries:
        code = entry.aliases[0] if entry.aliases else ""
        several += len(entry.aliases) > 1
        if len(code) > QIANNIU_CODE_LIMIT:
            warnings.append(
                f"entry '{entry.id}': shortcut code '{code}' is longer than "
                f"{QIANNIU_CODE_LIMIT} characters; the chat client may cut or refuse it"
            )
        group = entry.tags[0] if entry.tags else ""
        for number, text in enumerate(entry.variants, start=1):
            phrase = encode_phrase(text)
            if escape_cell(phrase) != phrase:
                warnings.append(
                    f"entry '{entry.id}', variant {number}: starts with '{phrase[0]}', so it is "
                    "written with a leading ' to keep spreadsheets from running it as a formula"
                )
            rows.append([code, phrase, group])
    if several:
        warnings.append(
            f"{several} entries have more than one alias; only the first is written as the "
            "shortcut code"
        )
    with_placeholders = sum(
        bool(PLACEHOLDER_RE.search(text)) for e in entries for text in e.variants
    )
    if with_placeholders:
        warnings.append(
            f"{with_placeholders} phrases contain placeholders such as {{shop}}; the chat client "
            "sends them as they are, so fill them in the sheet before importing it there"
        )
    return Export(_write_csv(rows), len(rows) - 1, warnings)


def encode_export(entries: list[Entry], text: str, encoding: str) -> bytes:
    """The export as bytes; names the entry whose text the encoding cannot hold."""
    try:
        return text.encode(encoding)
    except UnicodeEncodeError as exc:
        bad = exc.object[exc.start]
        culprit = next(
            (
                entry.id
                for entry in entries
                if any(bad in t for t in (*entry.variants, entry.title, entry.title_zh))
            ),
            "?",
        )
        raise UsageError(
            f"entry '{culprit}' contains '{bad}', which {encoding} cannot hold; "
            "use --encoding gb18030 or utf-8-sig"
        ) from None
