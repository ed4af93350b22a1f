"""Changing the personal and team phrasebook files: add, edit, remove and merge entries safely.

Every change runs as one transaction: lock the file, read and validate it, change the entries,
re-parse the new text and check it holds exactly the intended entries, then write it atomically
with the previous file kept as `<name>.bak`. Any failure leaves the file as it was.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Container, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from csr_cli import paths
from csr_cli.errors import CsrError, NotFound, PhrasebookError, UsageError
from csr_cli.fileio import atomic_write_bytes, locked, remove_stale_temps
from csr_cli.phrasebook import yamltext
from csr_cli.phrasebook.fields import LABEL_LISTS, LIST_FIELDS, MESSAGE_LISTS, SCALAR_FIELDS
from csr_cli.phrasebook.placeholders import KNOWN_PLACEHOLDERS, names_in_all
from csr_cli.phrasebook.schema import (
    ID_RE,
    Entry,
    LayerFile,
    entry_to_raw,
    file_messages,
    layer_files,
    load_all,
    load_file,
    messages_of,
    parse_entry,
    parse_text,
)

R = TypeVar("R")
BULK_ENTRIES = 2000  # new entries from which a write is checked as a bulk append
NEW_FILE_HEADER = (
    "# Your own csr replies; they override bundled and team entries with the same id.\n"
)
# What a phrasebook file cannot hold: YAML allows no control characters but tab and line breaks,
# reads U+0085, U+2028 and U+2029 as line breaks, and cannot write a lone surrogate, which is how
# Python passes on bytes that are not UTF-8 (in arguments and typed answers).
_UNSTORABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class Target:
    """A phrasebook file csr may write: the personal file or a team file."""

    path: Path
    layer: str

    def is_read(self) -> bool:
        """Whether csr reads this file as a layer (a new team file may not be listed yet)."""
        if self.layer == "personal":
            return True
        wanted = self.path.resolve()
        return any(path.resolve() == wanted for path in paths.team_phrasebook_paths())


def target_file(team: Path | None) -> Target:
    if team is None:
        from csr_cli.phrasebook.cache import refuse_folder_at_personal_path

        refuse_folder_at_personal_path()
        return Target(paths.personal_phrasebook(), "personal")
    team = team.expanduser()
    if team.is_dir():
        raise UsageError(
            f"--team expects a file, but {team} is a folder; e.g. {team / 'team.yaml'}"
        )
    from csr_cli.fileio import check_output

    # A team file linked into place (a shared folder) is written where the link points, so the
    # link survives; a missing folder or a special file is refused, as for every `-o FILE`.
    team = check_output(team, force=team.is_symlink(), option="--team", force_hint="")
    bundled = paths.bundled_phrasebook_dir().resolve()
    if bundled in team.resolve().parents:
        raise UsageError(f"{team} is a bundled phrasebook file and is read-only")
    return Target(team, "team")


def writable_targets() -> list[Target]:
    """The files `edit`/`rm` search, in the order an id is resolved: personal, then team."""
    teams = [Target(path, "team") for path in reversed(paths.team_phrasebook_paths())]
    return [target_file(None), *teams]


# --- one file in memory ----------------------------------------------------------------------


@dataclass
class _Slot:
    entry: Entry | None  # None once removed
    origin: int | None  # position in the file; None for a new entry
    block: str | None = None  # new YAML text for the entry, when the agent wrote it (csr edit)


class Document:
    """A phrasebook file's entries, changed in memory and rendered keeping its comments."""

    def __init__(self, target: Target, data: bytes) -> None:
        self.target = target
        self._bom = data.startswith(b"\xef\xbb\xbf")
        try:
            decoded = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise PhrasebookError(
                f"{target.path}: not UTF-8 text ({exc}); save it as UTF-8"
            ) from None
        self._crlf = "\r\n" in decoded
        self.text = decoded.replace("\r\n", "\n")
        try:
            self.entries = parse_text(self.text, str(target.path), target.layer)
        except PhrasebookError as exc:
            raise PhrasebookError(f"{exc}; fix it (see `csr check`) before changing it") from None
        self._slots = [_Slot(entry, origin) for origin, entry in enumerate(self.entries)]
        # Lookups by id, alias and text, so an import of many rows stays linear. Built on first
        # use; an index may hold stale positions, which every lookup checks against the slot.
        self._index: dict[str, dict[str, list[int]]] | None = None

    def ids(self) -> set[str]:
        return {slot.entry.id for slot in self._slots if slot.entry is not None}

    def find(self, entry_id: str) -> int | None:
        return self._lookup("id", [entry_id], lambda entry: {entry.id})

    def find_alias(self, aliases: Iterable[str]) -> int | None:
        """The first entry with any of these aliases (compared case-insensitively)."""
        return self._lookup(
            "alias", [a.lower() for a in aliases], lambda e: {a.lower() for a in e.aliases}
        )

    def find_text(self, texts: Iterable[str]) -> int | None:
        """The first entry that already holds any of these variant texts."""
        return self._lookup("text", list(texts), lambda entry: set(entry.variants))

    def find_by(self, match: Callable[[Entry], bool]) -> int | None:
        return next((n for n, entry in self._live() if match(entry)), None)

    def _lookup(
        self, kind: str, keys: list[str], keys_of: Callable[[Entry], set[str]]
    ) -> int | None:
        index = self._indexes()[kind]
        found = [
            n
            for key in keys
            for n in index.get(key, ())
            if (entry := self._slots[n].entry) is not None and key in keys_of(entry)
        ]
        return min(found, default=None)

    def _indexes(self) -> dict[str, dict[str, list[int]]]:
        if self._index is None:
            self._index = {"id": {}, "alias": {}, "text": {}}
            for n, entry in self._live():
                self._note(n, entry)
        return self._index

    def _note(self, n: int, entry: Entry) -> None:
        if self._index is None:
            return
        keys = {
            "id": [entry.id],
            "alias": [alias.lower() for alias in entry.aliases],
            "text": list(entry.variants),
        }
        for kind, values in keys.items():
            for value in values:
                self._index[kind].setdefault(value, []).append(n)

    def get(self, index: int) -> Entry:
        entry = self._slots[index].entry
        assert entry is not None
        return entry

    def put(self, index: int, entry: Entry, block: str | None = None) -> None:
        self._slots[index].entry = self._own(entry)
        self._slots[index].block = block
        self._note(index, self._slots[index].entry or entry)

    def add(self, entry: Entry) -> int:
        self._slots.append(_Slot(self._own(entry), None))
        self._note(len(self._slots) - 1, entry)
        return len(self._slots) - 1

    def remove(self, index: int) -> None:
        self._slots[index].entry = None

    def clear(self) -> None:
        for slot in self._slots:
            slot.entry = None

    def block(self, index: int) -> str:
        """The entry's YAML as it stands in the file (a mapping), for the editor."""
        origin = self._slots[index].origin
        lay = yamltext.layout(self.text)
        if origin is None or lay is None:
            return yamltext.render_mapping(entry_to_raw(self.get(index)))
        return yamltext.entry_block(lay, origin)

    def expected(self) -> list[Entry]:
        return [slot.entry for slot in self._slots if slot.entry is not None]

    def bulk_appended(self) -> list[tuple[Entry, str]] | None:
        """When the only change is many new entries that render plainly (a big import), each
        with its block; else None."""
        new = [slot for slot in self._slots if slot.origin is None]
        if len(new) < BULK_ENTRIES:
            return None
        for slot in self._slots:
            if slot.origin is not None and (
                slot.entry is None
                or slot.block is not None
                or slot.entry != self.entries[slot.origin]
            ):
                return None
        pairs: list[tuple[Entry, str]] = []
        for slot in new:
            block = yamltext.render_plain(entry_to_raw(slot.entry)) if slot.entry else None
            if slot.entry is None or block is None:
                return None
            pairs.append((slot.entry, block))
        return pairs

    def render_sample(self) -> tuple[str, list[Entry]]:
        """The file as it would be with only the first and last new entries, and its entries:
        checks the joints of a bulk append without parsing every new entry as YAML."""
        saved = self._slots
        new = [n for n, slot in enumerate(saved) if slot.origin is None]
        keep = {new[0], new[-1]}
        self._slots = [slot for n, slot in enumerate(saved) if slot.origin is not None or n in keep]
        try:
            return self.render(), self.expected()
        finally:
            self._slots = saved

    def changed(self) -> bool:
        return any(
            slot.origin is None or slot.block is not None or slot.entry != self.entries[slot.origin]
            for slot in self._slots
        )

    def render(self) -> str:
        if not self.changed():
            return self.text
        lay = yamltext.layout(self.text) if self.entries else None
        if lay is None:
            return self._render_fresh()
        replaced: dict[int, str] = {}
        removed: list[int] = []
        appended: list[str] = []
        for slot in self._slots:
            if slot.origin is None:
                if slot.entry is not None:
                    appended.append(yamltext.render_mapping(entry_to_raw(slot.entry)))
            elif slot.entry is None:
                removed.append(slot.origin)
            elif slot.block is not None:
                replaced[slot.origin] = slot.block
            elif slot.entry != self.entries[slot.origin]:
                original = yamltext.entry_block(lay, slot.origin)
                replaced[slot.origin] = _grow(original, self.entries[slot.origin], slot.entry)
        return yamltext.splice(lay, replaced=replaced, removed=removed, appended=appended)

    def encode(self, text: str) -> bytes:
        """The text as bytes in the file's own style (BOM, line endings)."""
        if self._crlf:
            text = text.replace("\n", "\r\n")
        return ("\ufeff" if self._bom else "").encode() + text.encode("utf-8")

    def _render_fresh(self) -> str:
        if self.entries:
            # Entries in a layout csr cannot edit in place: rewriting is safe only without comments.
            yamltext.check_shape(self.text, str(self.target.path))
        blocks = [
            slot.block or yamltext.render_mapping(entry_to_raw(slot.entry))
            for slot in self._slots
            if slot.entry is not None
        ]
        text = self.text if self.text.strip() else NEW_FILE_HEADER
        return yamltext.fresh_document(text, blocks)

    def _live(self) -> Iterable[tuple[int, Entry]]:
        return ((n, slot.entry) for n, slot in enumerate(self._slots) if slot.entry is not None)

    def _own(self, entry: Entry) -> Entry:
        return entry._replace(source=str(self.target.path), layer=self.target.layer)


def _grow(block: str, before: Entry, after: Entry) -> str:
    """The entry's block with what `after` adds to `before`, keeping its comments and order."""

    def change(mapping: Any) -> None:
        for key in SCALAR_FIELDS:
            if getattr(after, key) != getattr(before, key):
                yamltext.set_in_order(mapping, key, getattr(after, key))
        for key in LIST_FIELDS:
            old = set(getattr(before, key))
            new = [x for x in getattr(after, key) if x not in old]
            yamltext.append_items(mapping, key, file_messages(new) if key in MESSAGE_LISTS else new)
        new_names = {k: v for k, v in after.placeholders.items() if k not in before.placeholders}
        yamltext.set_missing(mapping, "placeholders", new_names)

    return yamltext.edit_mapping(block, change)


def transaction(target: Target, change: Callable[[Document], R], *, dry_run: bool = False) -> R:
    """Lock, read, change, verify, and (unless `dry_run`) write one phrasebook file."""
    with locked(target.path):
        remove_stale_temps(target.path)
        try:
            data = target.path.read_bytes() if target.path.exists() else b""
        except OSError as exc:
            raise PhrasebookError(f"{target.path}: cannot read it: {exc}") from None
        document = Document(target, data)
        result = change(document)
        text = document.render()
        if text == document.text:
            return result
        if not _holds_intended(document, text):
            raise CsrError(
                f"{target.path}: the rewritten file would not hold the intended entries, "
                "so nothing was written; please report this with the file attached"
            )
        if not dry_run:
            try:
                atomic_write_bytes(target.path, document.encode(text), backup=True)
            except OSError as exc:
                raise CsrError(
                    f"{target.path}: cannot write it ({exc}); the file is unchanged"
                ) from None
    return result


def _holds_intended(document: Document, text: str) -> bool:
    """Whether `text` parses back to exactly the entries the change intended.

    The whole text is parsed, except for a bulk import of plain entries, where YAML parsing
    (~0.15 ms an entry) would dominate: there the file with the first and last new entries is
    parsed in full, and every new entry is read back from its block with the exact inverse of
    the writer, whose plain scalars are decided by PyYAML's own resolver."""
    target = document.target

    def parse(candidate: str) -> list[Entry] | None:
        try:
            return parse_text(candidate, str(target.path), target.layer)
        except PhrasebookError:  # csr's own rendering failed; the file on disk is fine
            return None

    bulk = document.bulk_appended()
    if bulk is None:
        return parse(text) == document.expected()
    sample, sample_entries = document.render_sample()
    if parse(sample) != sample_entries:
        return False
    for entry, block in bulk:
        raw = yamltext.read_plain(block)
        if raw is None or raw != entry_to_raw(entry):
            return False
    return True


# --- csr add -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AddRequest:
    entry_id: str
    texts: tuple[str, ...]
    title: str = ""
    title_zh: str = ""
    role: str = ""
    tags: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    requires: tuple[str, ...] = ()


@dataclass(frozen=True)
class AddResult:
    action: str  # "added" (a new entry), "extended" (new variants), "copied" (an override)
    id: str
    file: str
    layer: str
    variants: int
    added_variants: int
    copied_from: str = ""
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return {
            "action": self.action,
            "id": self.id,
            "file": self.file,
            "layer": self.layer,
            "variants": self.variants,
            "added_variants": self.added_variants,
            "copied_from": self.copied_from,
            "notes": self.notes,
        }


def normalise_text(text: str) -> str:
    """A reply text as the phrasebook stores it: \\n line breaks, no blank lines around it."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip("\n")


def add(request: AddRequest, target: Target, lower: list[Entry]) -> AddResult:
    """Add an entry, or new variants to an entry, in `target`.

    `lower` are the entries of the layers below the target: adding to an id that only exists
    there copies that entry first, so the override keeps its variants.
    """
    if request.entry_id and not ID_RE.match(request.entry_id):
        raise UsageError(
            f"'{request.entry_id}' is not a valid id: use lowercase letters, digits and dashes, "
            "e.g. my-greeting"
        )
    texts = tuple(dict.fromkeys(normalise_text(text) for text in request.texts))
    if not texts or any(not text.strip() for text in texts):
        raise UsageError("the reply text is empty; pass --text or pipe the text in")
    check_storable(_request_texts(request, texts))
    return transaction(target, lambda document: _add_to(document, request, texts, lower))


def _request_texts(request: AddRequest, texts: tuple[str, ...]) -> Iterator[tuple[str, str]]:
    for number, text in enumerate(texts, 1):
        yield ("the reply text" if len(texts) == 1 else f"reply text {number}"), text
    yield "the title", request.title
    yield "the Chinese title", request.title_zh
    for label, items in (("an alias", request.aliases), ("a keyword", request.keywords)):
        yield from ((label, item) for item in items)
    yield from (("a tag", tag) for tag in request.tags)


def entry_texts(entry: Entry) -> Iterator[tuple[str, str]]:
    """Every text of an entry, labelled with its field."""
    for key in SCALAR_FIELDS:
        yield f"field '{key}'", getattr(entry, key)
    for key in LIST_FIELDS:
        for item in getattr(entry, key):
            # The messages of a variant sent as several are written as a list, one by one.
            yield from ((f"field '{key}'", text) for text in messages_of(item))
    for name, default in entry.placeholders.items():
        yield f"field 'placeholders.{name}'", default or ""


def check_storable(labelled: Iterable[tuple[str, str]]) -> None:
    """Refuse the first (label, text) a phrasebook file cannot hold, naming it by its label."""
    for label, text in labelled:
        found = _UNSTORABLE.search(text)
        if found is None:
            continue
        code, where = ord(found.group()), f"character {found.start() + 1}"
        if 0xDC80 <= code <= 0xDCFF:  # surrogateescape's stand-in for the byte code - 0xDC00
            raise UsageError(
                f"{label} is not UTF-8 text ({where} is the byte 0x{code - 0xDC00:02X}); "
                "give it as UTF-8 (or convert it with iconv -f GBK -t UTF-8) and retry"
            )
        raise UsageError(
            f"{label} has the control or invalid character U+{code:04X} at {where}, which a "
            "phrasebook cannot hold; remove it and retry"
        )


def _add_to(
    document: Document, request: AddRequest, texts: tuple[str, ...], lower: list[Entry]
) -> AddResult:
    target = document.target
    entry_id = request.entry_id or fresh_id(
        "", document.ids() | {entry.id for entry in lower}, numbered="phrase"
    )
    base = next((entry for entry in reversed(lower) if entry.id == entry_id), None)
    index = document.find(entry_id)
    if index is not None:
        before, action, copied_from = document.get(index), "extended", ""
    elif base is not None:
        before, action, copied_from = base, "copied", base.layer
    else:
        before, action, copied_from = Entry(id=entry_id, title=entry_id, variants=()), "added", ""
    after = _with_request(before, request, texts, str(target.path), target.layer)
    if index is None:
        document.add(after)
    else:
        document.put(index, after)
    return AddResult(
        action,
        after.id,
        str(target.path),
        target.layer,
        variants=len(after.variants),
        added_variants=len(after.variants) - len(before.variants),
        copied_from=copied_from,
        notes=_notes(before, after, request, texts) + _clashes(after, lower),
    )


def _with_request(
    before: Entry, request: AddRequest, texts: tuple[str, ...], source: str, layer: str
) -> Entry:
    raw = entry_to_raw(before)
    for key in SCALAR_FIELDS:
        if getattr(request, key):
            raw[key] = getattr(request, key)
    for key in LABEL_LISTS:
        raw[key] = list(dict.fromkeys([*raw.get(key, []), *getattr(request, key)]))
    raw["variants"] = file_messages(dict.fromkeys([*before.variants, *texts]))
    declared = raw.get("placeholders", {})
    raw["placeholders"] = {
        **declared,
        **{name: None for name in names_in_all(texts) if name not in declared},
    }
    return parse_entry(raw, 0, "", source, layer)


def _notes(before: Entry, after: Entry, request: AddRequest, texts: tuple[str, ...]) -> list[str]:
    notes = []
    repeated = [text for text in texts if text in before.variants]
    if repeated:
        notes.append(f"{len(repeated)} text(s) already in '{after.id}' were not added again")
    declared = [name for name in after.placeholders if name not in before.placeholders]
    if declared:
        notes.append(f"declared placeholder(s) {', '.join(declared)} (no default)")
    unknown = [name for name in declared if name not in KNOWN_PLACEHOLDERS]
    if unknown:
        notes.append(
            f"{', '.join(unknown)} is not a standard placeholder; "
            f"set it with `csr config set {unknown[0]} …` or check the spelling"
        )
    return notes


def _clashes(after: Entry, others: list[Entry]) -> list[str]:
    """Keys of `after` (its id and aliases) that other entries also answer to."""
    keys = {after.id, *(alias.lower() for alias in after.aliases)}
    notes = []
    for other in others:
        if other.id == after.id:
            continue
        shared = sorted(keys & {other.id, *(alias.lower() for alias in other.aliases)})
        if shared:
            notes.append(
                f"'{shared[0]}' also leads to the {other.layer} '{other.id}'; "
                "`csr check` shows which one wins"
            )
    return notes


def fresh_id(
    hint: str,
    taken: Container[str],
    *,
    numbered: str = "imported",
    counters: dict[str, int] | None = None,
) -> str:
    """An unused id: a slug of `hint` (e.g. a shortcut code), else `<numbered>-<n>`.

    `counters` remembers the last number given per base, so many calls (an import of thousands
    of rows without a code) do not each count up from 1 again."""
    slug = re.sub(r"[^a-z0-9]+", "-", hint.lower()).strip("-")
    if slug and slug not in taken:
        return slug
    base = slug or numbered
    number = (counters or {}).get(base, 1 if slug else 0) + 1
    while f"{base}-{number}" in taken:
        number += 1
    if counters is not None:
        counters[base] = number
    return f"{base}-{number}"


# --- csr edit and csr rm ---------------------------------------------------------------------


def locate(key: str, team: Path | None) -> tuple[Target, Entry]:
    """The writable file and entry for an id or alias, or an error that says what to do instead."""
    from csr_cli.phrasebook.cache import open_phrasebook
    from csr_cli.replies import find_entry

    book = open_phrasebook()
    shown = book.get(key)
    try:
        return find_writable(shown.id if shown else key, team)
    except NotFound:
        if shown is None:
            find_entry(book, key)  # raises, with suggestions
        if shown is not None and shown.layer == "bundled" and team is None:
            raise UsageError(read_only_hint(shown)) from None
        raise


def find_writable(entry_id: str, team: Path | None) -> tuple[Target, Entry]:
    """The personal or team file that holds `entry_id` (the file `csr` reads it from first)."""
    for target in [target_file(team)] if team else writable_targets():
        if not target.path.is_file():
            continue
        for entry in load_file(LayerFile(target.path, target.layer)):
            if entry.id == entry_id:
                return target, entry
    where = str(team) if team else "your personal or team phrasebook"
    raise NotFound(f"no entry '{entry_id}' in {where}")


def read_only_hint(entry: Entry) -> str:
    return (
        f"'{entry.id}' comes from the {entry.layer} phrasebook, which csr does not change; "
        f"`csr add {entry.id} --text …` copies it into your personal phrasebook with one more "
        f"variant (then `csr edit {entry.id}` edits your copy)"
    )


def parse_block(block: str, source: str, layer: str) -> Entry:
    """Validate an entry mapping the agent wrote in the editor; errors name `source` and line."""
    import yaml

    try:
        raw = yaml.safe_load(block)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{source}:{mark.line + 1}" if mark else source
        raise PhrasebookError(f"{where}: YAML syntax error: {exc.problem}") from None
    except yaml.YAMLError as exc:
        raise PhrasebookError(f"{source}: YAML error: {exc}") from None
    return parse_entry(raw, 0, "", source, layer)


def current_block(target: Target, entry_id: str) -> str:
    """The entry's text in the file, as the editor shows it."""

    def change(document: Document) -> str:
        index = document.find(entry_id)
        if index is None:
            raise NotFound(f"no entry '{entry_id}' in {target.path}")
        return document.block(index)

    return transaction(target, change, dry_run=True)


def save_block(target: Target, entry_id: str, *, original: str, edited: str, source: str) -> Entry:
    """Replace the entry with the edited text, unless the file changed since `original` was read."""

    def change(document: Document) -> Entry:
        index = document.find(entry_id)
        if index is None or document.block(index) != original:
            raise CsrError(
                f"'{entry_id}' in {target.path} changed while you were editing it; "
                "nothing was saved"
            )
        entry = parse_block(edited, source, target.layer)
        if entry.id != entry_id and document.find(entry.id) is not None:
            raise PhrasebookError(
                f"{source}: entry '{entry.id}', field 'id': {target.path} already has an "
                "entry with this id"
            )
        document.put(index, entry, block=edited if edited.endswith("\n") else edited + "\n")
        return document.get(index)

    return transaction(target, change)


def remove(target: Target, entry_id: str) -> Entry:
    def change(document: Document) -> Entry:
        index = document.find(entry_id)
        if index is None:
            raise NotFound(f"no entry '{entry_id}' in {target.path}")
        entry = document.get(index)
        document.remove(index)
        return entry

    return transaction(target, change)


def entries_below(target: Target) -> list[Entry]:
    """The entries of every layer csr reads before `target` (what an override would hide)."""
    files = layer_files()
    wanted = target.path.resolve()
    position = next((n for n, f in enumerate(files) if f.path.resolve() == wanted), None)
    if position is None:
        position = len(files) if target.layer == "personal" else _bundled_count(files)
    # Parsed directly: a cache keyed by this partial file list would be built just for this.
    return load_all(files[:position])


def _bundled_count(files: list[LayerFile]) -> int:
    return sum(1 for f in files if f.layer == "bundled")
