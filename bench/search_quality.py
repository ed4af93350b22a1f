"""Search quality in-process: top-1 and top-3 hit rates on buyer-message sets.

Usage: python bench/search_quality.py [CASES.yaml ...] [--misses]
Defaults to every tests/data/search_*.yaml set.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

from csr_cli.phrasebook.cache import open_phrasebook
from csr_cli.search.ranking import search

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SETS = [
    *sorted((REPO / "tests/data").glob("search_*.yaml")),
]


def score(cases_path: Path, show_misses: bool) -> tuple[int, int, int]:
    cases = yaml.safe_load(cases_path.read_text(encoding="utf-8"))
    book = open_phrasebook()
    top1 = top3 = 0
    for case in cases:
        ids = [hit.entry.id for hit in search(book, case["message"], limit=3)]
        expected = set(case["expected"])
        top1 += bool(ids and ids[0] in expected)
        hit = bool(expected & set(ids))
        top3 += hit
        if show_misses and not (ids and ids[0] in expected):
            print(
                f"  {'MISS' if not hit else 'top3'}: {case['message']!r} {case['expected']} -> {ids}"
            )
    return top1, top3, len(cases)


def main(argv: list[str]) -> int:
    show_misses = "--misses" in argv
    paths = [Path(arg) for arg in argv if not arg.startswith("--")] or DEFAULT_SETS
    for path in paths:
        top1, top3, total = score(path, show_misses)
        print(
            f"{path.name}: top1 {top1}/{total} ({top1 / total:.0%}) top3 {top3}/{total} ({top3 / total:.0%})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
