"""`csr check`: every problem in the phrasebook layers, each with its file, line, entry and field.

Checked: the schema (every entry of every file, not just the first bad one), ids defined twice
in one layer, aliases that reach a different entry than their own, placeholders csr does not
know and that have no default, and the house tone (csr_cli.lint.checker). An id defined again in a
later layer is an override, the documented way to replace a bundled reply, so it is counted,
not reported.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from csr_cli import paths
from csr_cli.errors import ConfigError, EntryError, PhrasebookError
from csr_cli.phrasebook.facts import contradiction, literal_facts
from csr_cli.phrasebook.placeholders import (
    KNOWN_PLACEHOLDERS,
    PRODUCT_PLACEHOLDERS,
    PROFILE_PLACEHOLDERS,
    stray_brace,
)
from csr_cli.phrasebook.schema import LAYERS, Entry, LayerFile, load_document, parse_entry


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    entry: str  # the entry's id, or #n when it has none
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        if not self.entry:
            return f"{where}: {self.message}"
        return f"{where}: entry '{self.entry}', field '{self.field}': {self.message}"

    def to_json(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "entry": self.entry,
            "field": self.field,
            "message": self.message,
        }


@dataclass
class CheckReport:
    files: list[str] = field(default_factory=list)
    entries: int = 0
    overrides: int = 0
    problems: list[Problem] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return {
            "files": self.files,
            "entries": self.entries,
            "overrides": self.overrides,
            "problems": [problem.to_json() for problem in self.problems],
        }


@dataclass(frozen=True)
class _Found:
    """A valid entry and the lines of its parts ("" for the entry, "variants[2]", "aliases"…)."""

    entry: Entry
    lines: dict[str, int]

    def problem(self, part: str, message: str) -> Problem:
        """A problem with this entry's `part` ("variants[2]", "aliases"…), at its line."""
        return Problem(self.entry.source, self.line(part), self.entry.id, part, message)

    def line(self, part: str = "") -> int | None:
        return self.lines.get(part, self.lines.get(part.split("[")[0], self.lines.get("")))


def layers_to_check(files: list[Path]) -> tuple[list[LayerFile], list[Problem]]:
    """The given files (as one layer), or every layer csr reads; missing files are problems."""
    problems: list[Problem] = []
    if files:
        chosen = [LayerFile(path, "checked") for path in files]
    else:
        bundled = sorted(paths.bundled_phrasebook_dir().glob("*.yaml"))
        chosen = [LayerFile(path, "bundled") for path in bundled]
        chosen += [LayerFile(path, "team") for path in paths.team_phrasebook_paths()]
        personal = paths.personal_phrasebook()
        if personal.exists():
            chosen.append(LayerFile(personal, "personal"))
    present = []
    for layer_file in chosen:
        if layer_file.path.is_file():
            present.append(layer_file)
        elif layer_file.path.is_dir():
            problems.append(
                Problem(str(layer_file.path), None, "", "", "a folder, not a phrasebook file")
            )
        else:
            hint = f"; fix {paths.PHRASEBOOK_PATH_ENV}" if layer_file.layer == "team" else ""
            problems.append(Problem(str(layer_file.path), None, "", "", f"file not found{hint}"))
    return present, problems


def check(files: list[Path]) -> CheckReport:
    layer_files, problems = layers_to_check(files)
    report = CheckReport(files=[str(f.path) for f in layer_files], problems=problems)
    found: list[_Found] = []
    for layer_file in layer_files:
        found.extend(_check_file(layer_file, report.problems))
    report.entries = len(found)
    report.problems.extend(_duplicate_ids(found))
    effective, report.overrides = _effective(found)
    report.problems.extend(_alias_clashes(effective))
    report.problems.extend(_unknown_placeholders(found))
    report.problems.extend(_profile_defaults(found))
    report.problems.extend(_literal_facts(found, _profile_regions(report.problems)))
    report.problems.extend(_contradictions(found))
    report.problems.extend(_broken_braces(found))
    report.problems.extend(_tone(found))
    return report


def _check_file(layer_file: LayerFile, problems: list[Problem]) -> list[_Found]:
    source = str(layer_file.path)
    try:
        text = layer_file.path.read_text(encoding="utf-8-sig")
        raw_entries = load_document(text, source)
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(Problem(source, None, "", "", f"cannot read it: {exc}"))
        return []
    except PhrasebookError as exc:
        problems.append(_file_problem(source, str(exc)))
        return []
    lines = _part_lines(text)
    found = []
    for index, raw in enumerate(raw_entries):
        try:
            entry = parse_entry(raw, index, text, source, layer_file.layer)
        except EntryError as exc:
            entry_name = exc.entry.strip("'")
            problems.append(Problem(source, exc.line, entry_name, exc.field, exc.problem))
            continue
        found.append(_Found(entry, lines[index] if index < len(lines) else {}))
    return found


def _file_problem(source: str, message: str) -> Problem:
    match = re.match(rf"^{re.escape(source)}(?::(\d+))?: (.*)$", message, re.DOTALL)
    if match is None:
        return Problem(source, None, "", "", message)
    return Problem(source, int(match[1]) if match[1] else None, "", "", match[2])


def _part_lines(text: str) -> list[dict[str, int]]:
    """For each entry, the 1-based line of the entry and of each of its fields and variants."""
    import yaml

    try:
        root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        return []
    items: list[Any] = []
    if isinstance(root, yaml.MappingNode):
        for key, value in root.value:
            if key.value == "entries" and isinstance(value, yaml.SequenceNode):
                items = value.value
    result = []
    for item in items:
        lines = {"": item.start_mark.line + 1}
        if isinstance(item, yaml.MappingNode):
            for key, value in item.value:
                lines[str(key.value)] = key.start_mark.line + 1
                if key.value == "variants" and isinstance(value, yaml.SequenceNode):
                    for number, variant in enumerate(value.value, start=1):
                        lines[f"variants[{number}]"] = variant.start_mark.line + 1
        result.append(lines)
    return result


def _duplicate_ids(found: list[_Found]) -> Iterator[Problem]:
    """An id twice in one layer: which one csr uses depends on the order of the files."""
    first: dict[tuple[str, str], _Found] = {}
    for item in found:
        key = (item.entry.layer, item.entry.id)
        if key in first:
            other = first[key]
            yield item.problem(
                "id",
                f"also defined in {other.entry.source}:{other.line('id')} ({item.entry.layer} "
                "layer); rename one of them or remove the duplicate",
            )
        else:
            first[key] = item


def _effective(found: list[_Found]) -> tuple[list[_Found], int]:
    """The entries csr uses (a later layer's id replaces an earlier one's) and the overrides."""
    merged: dict[str, _Found] = {}
    overrides = 0
    for item in found:
        previous = merged.get(item.entry.id)
        if previous is not None and previous.entry.layer != item.entry.layer:
            overrides += 1
        merged[item.entry.id] = item
    return list(merged.values()), overrides


def _alias_clashes(effective: list[_Found]) -> Iterator[Problem]:
    ids = {item.entry.id: item for item in effective}
    owner: dict[str, _Found] = {}
    order = sorted(effective, key=lambda item: _rank(item.entry.layer))
    for item in order:
        entry = item.entry
        for alias in entry.aliases:
            key = alias.lower()
            if key in ids and ids[key].entry.id != entry.id:
                yield Problem(
                    entry.source,
                    item.line("aliases"),
                    entry.id,
                    "aliases",
                    f"'{alias}' is the id of another entry ({ids[key].entry.source}), so it "
                    "never reaches this one; choose another alias",
                )
            elif key in owner and owner[key].entry.id != entry.id:
                other = owner[key]
                yield Problem(
                    entry.source,
                    item.line("aliases"),
                    entry.id,
                    "aliases",
                    f"'{alias}' is also an alias of '{other.entry.id}' ({other.entry.layer}, "
                    f"{other.entry.source}:{other.line('aliases')}); `csr reply {alias}` gives "
                    f"'{entry.id}'. Choose another alias for one of them",
                )
            owner[key] = item


def _rank(layer: str) -> int:
    return LAYERS.index(layer) if layer in LAYERS else len(LAYERS)


def _unknown_placeholders(found: list[_Found]) -> Iterator[Problem]:
    configured = _config_keys()
    for item in found:
        for name, default in item.entry.placeholders.items():
            if name in KNOWN_PLACEHOLDERS or default is not None or name in configured:
                continue
            yield item.problem(
                "placeholders",
                f"{{{name}}} is not a standard placeholder and has no default; fix the spelling, "
                f"give it a default ({name}: …), or `csr config set {name} …`",
            )


def _profile_defaults(found: list[_Found]) -> Iterator[Problem]:
    """A default for a fact the shop profile states would be quoted where the profile is
    silent, and would be last season's fact the day the shop changes it."""
    for item in found:
        for name, default in item.entry.placeholders.items():
            if default is not None and name in PROFILE_PLACEHOLDERS | PRODUCT_PLACEHOLDERS:
                yield Problem(
                    item.entry.source,
                    item.line("placeholders"),
                    item.entry.id,
                    f"placeholders.{name}",
                    f"{{{name}}} is a shop fact the profile or the catalogue fills; declare it "
                    f"as '{name}: null' instead of the default '{default}'",
                )


def _profile_regions(problems: list[Problem]) -> list[str]:
    """The zone and region names the shop profile prices, which a reply must not name."""
    from csr_cli.errors import CsrError
    from csr_cli.policy.model import load_policy

    try:
        shipping = load_policy().shipping
    except CsrError as exc:
        problems.append(Problem("", None, "", "", f"cannot read the shop profile: {exc}"))
        return []
    zones = [name for zone in shipping.zones for name in (zone.name, *zone.regions)]
    return [*zones, *shipping.remote_regions]


def _literal_facts(found: list[_Found], regions: list[str]) -> Iterator[Problem]:
    for item in found:
        for number, text in enumerate(item.entry.variants, start=1):
            part = f"variants[{number}]"
            for literal in literal_facts(text, regions=regions):
                yield item.problem(
                    part,
                    f"“{literal.text}” {literal.message}",
                )


def _contradictions(found: list[_Found]) -> Iterator[Problem]:
    for item in found:
        clash = contradiction(item.entry.variants)
        if clash is None:
            continue
        part = f"variants[{clash.second}]"
        yield item.problem(
            part,
            f"says “{clash.unsaid}” where variant {clash.first} says “{clash.said}” "
            f"({clash.topic}): rotation would send either; split them into separate entries",
        )


def _broken_braces(found: list[_Found]) -> Iterator[Problem]:
    for item in found:
        for number, text in enumerate(item.entry.variants, start=1):
            position = stray_brace(text)
            if position is None:
                continue
            part = f"variants[{number}]"
            yield item.problem(
                part,
                f"stray '{text[position]}' at character {position + 1}: a placeholder is "
                "{name} with letters, digits or _ (e.g. {shop}); fix the braces, or remove "
                "them, since the buyer would see them as they are",
            )


def _config_keys() -> set[str]:
    from csr_cli.config import load_config

    try:
        return set(load_config())
    except ConfigError:
        return set()


def _tone(found: list[_Found]) -> Iterator[Problem]:
    from csr_cli.lint.checker import lint_text
    from csr_cli.lint.rules import load_rules

    rules = load_rules()
    for item in found:
        for number, text in enumerate(item.entry.variants, start=1):
            part = f"variants[{number}]"
            opening = rules.opens_conversation(item.entry.tags)
            for problem in lint_text(text, rules, opening=opening):
                hint = f"; write “{problem.suggestion}”" if problem.suggestion else ""
                quoted = f" “{problem.text}”" if problem.text else ""
                yield item.problem(
                    part,
                    f"{problem.code}{quoted}: {problem.message}{hint}",
                )
