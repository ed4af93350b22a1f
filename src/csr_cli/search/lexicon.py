"""Search vocabulary data, read when the index is built and stored in it.

Word classes (couriers, places, sizes, colours…) and rewrites (slang, abbreviations, English
words buyers type → the phrasebook's words) come from lexicon/lexicon.yaml; traditional →
simplified characters from lexicon/traditional.txt.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import NamedTuple

from csr_cli import paths
from csr_cli.datafile import read_yaml
from csr_cli.errors import PhrasebookError
from csr_cli.search.terms import is_han, normalize, runs, substrings

Classes = dict[str, str]  # member phrase -> class name
Lexicon = Classes


class Vocabulary(NamedTuple):
    classes: Classes
    rewrites: dict[str, str]  # what buyers type -> the phrasebook's words


def load_vocabulary(path: Path | None = None) -> Vocabulary:
    path = paths.lexicon_file() if path is None else path
    data = read_yaml(path, what="search lexicon", error=PhrasebookError)
    if not isinstance(data, dict) or set(data) - {"classes", "rewrites"}:
        raise PhrasebookError(f"{path}: the lexicon has two keys, 'classes' and 'rewrites'")
    classes = data.get("classes")
    if not isinstance(classes, dict):
        raise PhrasebookError(f"{path}: 'classes' must map a class name to a list of words")
    lexicon: Classes = {}
    for name, members in classes.items():
        if not isinstance(members, list) or not all(isinstance(m, str) for m in members):
            raise PhrasebookError(f"{path}: class '{name}' must be a list of words")
        lexicon.update((normalize(member), str(name)) for member in members)
    rewrites = data.get("rewrites") or {}
    if not isinstance(rewrites, dict) or not all(
        isinstance(key, str) and isinstance(value, str) and key.strip() and value.strip()
        for key, value in rewrites.items()
    ):
        raise PhrasebookError(f"{path}: 'rewrites' must map a phrase to a non-empty text")
    return Vocabulary(lexicon, {normalize(k): normalize(v) for k, v in rewrites.items()})


def load_lexicon(path: Path | None = None) -> Lexicon:
    return load_vocabulary(path).classes


def load_traditional(path: Path | None = None) -> dict[str, str]:
    """Traditional character -> simplified character."""
    path = paths.traditional_file() if path is None else path
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PhrasebookError(
            f"{path}: cannot read the traditional-character table: {exc}"
        ) from None
    table: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("#"):
            continue
        for pair in line.split():
            if len(pair) != 2:
                raise PhrasebookError(f"{path}:{number}: '{pair}' is not a pair of characters")
            table[pair[0]] = pair[1]
    return table


def candidate_phrases(text: str) -> set[str]:
    """The pieces of `text` that may be lexicon members: Chinese substrings, whole Latin words."""
    latin = {run for run in runs(text) if not is_han(run)}
    return (
        set(substrings(text)) | latin | {char for run in runs(text) if is_han(run) for char in run}
    )


def classes_in(texts: Iterable[str], lexicon: Mapping[str, str]) -> list[str]:
    """One `c:` term per lexicon member mentioned in each text."""
    return [
        f"c:{lexicon[phrase]}"
        for text in texts
        for phrase in candidate_phrases(text)
        if phrase in lexicon
    ]
