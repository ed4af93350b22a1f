"""Word classes for search (couriers, places, sizes, colours…), loaded when the index is built."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from csr_cli import paths
from csr_cli.datafile import read_yaml
from csr_cli.errors import PhrasebookError
from csr_cli.search.terms import is_han, normalize, runs, substrings

Lexicon = dict[str, str]  # member phrase -> class name


def load_lexicon(path: Path | None = None) -> Lexicon:
    path = paths.lexicon_file() if path is None else path
    data = read_yaml(path, what="search lexicon", error=PhrasebookError)
    classes = data.get("classes") if isinstance(data, dict) else None
    if not isinstance(classes, dict):
        raise PhrasebookError(f"{path}: 'classes' must map a class name to a list of words")
    lexicon: Lexicon = {}
    for name, members in classes.items():
        if not isinstance(members, list) or not all(isinstance(m, str) for m in members):
            raise PhrasebookError(f"{path}: class '{name}' must be a list of words")
        lexicon.update((normalize(member), str(name)) for member in members)
    return lexicon


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
