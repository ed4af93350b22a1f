"""Merging imported replies into a phrasebook file without duplicating any, with a report.

Matching: an imported entry with an id matches the target entry with that id. One without an
id (a quick-phrase row) matches the entry that has its shortcut code as an alias, else one that
already holds any of its texts. A match gains only the texts, tags, aliases, keywords and
placeholders it lacks; anything else becomes a new entry, with an id derived from its shortcut
code (`yj`), or `imported-<n>` when there is no usable code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from csr_cli.phrasebook.editing import (
    Document,
    Target,
    check_storable,
    entry_texts,
    fresh_id,
    transaction,
)
from csr_cli.phrasebook.fields import LIST_FIELDS
from csr_cli.phrasebook.formats import Incoming, Sheet
from csr_cli.phrasebook.schema import Entry


@dataclass(frozen=True)
class Outcome:
    where: str
    id: str
    detail: str
    position: int  # where the row or entry is in the imported file

    def to_json(self) -> dict[str, str]:
        return {"where": self.where, "id": self.id, "detail": self.detail}


@dataclass
class ImportReport:
    file: str
    format: str
    encoding: str
    target: str
    layer: str
    dry_run: bool
    replaced: bool
    added: list[Outcome] = field(default_factory=list)
    merged: list[Outcome] = field(default_factory=list)
    skipped: list[Outcome] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def in_file_order(self) -> list[tuple[str, Outcome]]:
        """Every outcome with its kind ("added", "merged", "skipped"), in the file's order."""
        kinds = (("added", self.added), ("merged", self.merged), ("skipped", self.skipped))
        outcomes = [(kind, outcome) for kind, outcomes in kinds for outcome in outcomes]
        return sorted(outcomes, key=lambda pair: pair[1].position)

    def to_json(self) -> dict[str, object]:
        return {
            "file": self.file,
            "format": self.format,
            "encoding": self.encoding,
            "target": self.target,
            "layer": self.layer,
            "dry_run": self.dry_run,
            "replaced": self.replaced,
            "added": [o.to_json() for o in self.added],
            "merged": [o.to_json() for o in self.merged],
            "skipped": [o.to_json() for o in self.skipped],
            "warnings": self.warnings,
        }


def import_sheet(
    sheet: Sheet, target: Target, others: list[Entry], *, replace_all: bool, dry_run: bool
) -> ImportReport:
    """Merge (or with `replace_all`, replace) the target's entries with the sheet's.

    `others` are the entries csr reads from other files, so derived ids never take an id
    that exists elsewhere and alias clashes with them are reported.
    """
    report = ImportReport(
        sheet.source,
        sheet.format,
        sheet.encoding,
        str(target.path),
        target.layer,
        dry_run,
        replace_all,
        warnings=list(sheet.warnings),
    )
    for incoming in sheet.incoming:
        check_storable(
            (f"{incoming.where}: {label}", text) for label, text in entry_texts(incoming.entry)
        )
    report.skipped = [Outcome(s.where, "", s.reason, s.position) for s in sheet.skipped]
    own = target.path.resolve()
    other = _Others([entry for entry in others if Path(entry.source).resolve() != own])

    def change(document: Document) -> ImportReport:
        if replace_all:
            document.clear()
        for incoming in sheet.incoming:
            _merge_one(document, incoming, other, report)
        report.skipped.sort(key=lambda outcome: outcome.position)
        return report

    return transaction(target, change, dry_run=dry_run)


class _Others:
    """The entries of the other layers, indexed once for the whole import."""

    def __init__(self, entries: list[Entry]) -> None:
        self.by_id = {entry.id: entry for entry in entries}
        self.alias_owner = {alias.lower(): entry for entry in entries for alias in entry.aliases}
        self.counters: dict[str, int] = {}


class _Taken:
    """Ids in use in the target file or another layer, answered without building a set."""

    def __init__(self, document: Document, other: _Others) -> None:
        self.document = document
        self.other = other

    def __contains__(self, entry_id: object) -> bool:
        return isinstance(entry_id, str) and (
            entry_id in self.other.by_id or self.document.find(entry_id) is not None
        )


def _merge_one(
    document: Document, incoming: Incoming, other: _Others, report: ImportReport
) -> None:
    index = _match(document, incoming)
    if index is None:
        entry = incoming.entry
        if incoming.derived_id:
            hint = entry.aliases[0] if entry.aliases else ""
            taken = _Taken(document, other)
            entry = entry._replace(id=fresh_id(hint, taken, counters=other.counters))
        document.add(entry)
        detail = _added_detail(entry, other)
        report.added.append(Outcome(incoming.where, entry.id, detail, incoming.position))
        report.warnings.extend(_alias_clashes(entry, other))
        return
    before = document.get(index)
    after = _union(before, incoming.entry)
    if after == before:
        skip = Outcome(incoming.where, before.id, f"already in '{before.id}'", incoming.position)
        report.skipped.append(skip)
        return
    document.put(index, after)
    added = len(after.variants) - len(before.variants)
    detail = f"+{added} variant(s)"
    report.merged.append(Outcome(incoming.where, before.id, detail, incoming.position))


def _match(document: Document, incoming: Incoming) -> int | None:
    entry = incoming.entry
    if not incoming.derived_id:
        return document.find(entry.id)
    if entry.aliases:
        found = document.find_alias(entry.aliases)
        if found is not None:
            return found
    return document.find_text(entry.variants)


def _union(before: Entry, incoming: Entry) -> Entry:
    lists: dict[str, Any] = {
        key: tuple(dict.fromkeys([*getattr(before, key), *getattr(incoming, key)]))
        for key in LIST_FIELDS
    }
    return before._replace(
        **lists,
        placeholders={**incoming.placeholders, **before.placeholders}
        if set(incoming.placeholders) - set(before.placeholders)
        else before.placeholders,
    )


def _added_detail(entry: Entry, other: _Others) -> str:
    detail = f"{len(entry.variants)} variant(s)"
    hidden = other.by_id.get(entry.id)
    if hidden is not None:
        detail += f"; overrides the {hidden.layer} entry"
    return detail


def _alias_clashes(entry: Entry, other: _Others) -> list[str]:
    owners = other.alias_owner
    return [
        f"alias '{alias}' of '{entry.id}' is also an alias of {owners[alias.lower()].layer} "
        f"'{owners[alias.lower()].id}'; `csr check` reports such clashes"
        for alias in entry.aliases
        if alias.lower() in owners and owners[alias.lower()].id != entry.id
    ]
