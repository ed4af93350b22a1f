"""Search quality in-process: top-1 and top-3 hit rates on buyer-message sets.

Usage: python bench/search_quality.py [CASES.yaml ...] [--misses] [--by-style]
Defaults to every tests/data/search_*.yaml set. `--by-style` also scores each style of message
apart (a case's style is the first word of its `note`: typo, pinyin, rambling, indirect, …).
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

import yaml

from csr_cli.phrasebook.cache import open_phrasebook
from csr_cli.search.ranking import search

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SETS = [
    *sorted((REPO / "tests/data").glob("search_*.yaml")),
]


def score(cases_path: Path, show_misses: bool) -> dict[str, list[int]]:
    """[top-1 hits, top-3 hits, cases] for the whole set ("all") and for each style."""
    cases = yaml.safe_load(cases_path.read_text(encoding="utf-8"))
    book = open_phrasebook()
    tally: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for case in cases:
        ids = [hit.entry.id for hit in search(book, case["message"], limit=3)]
        expected = set(case["expected"])
        first = bool(ids and ids[0] in expected)
        hit = bool(expected & set(ids))
        style = (str(case.get("note") or "-").split() or ["-"])[0]
        for key in ("all", style):
            tally[key][0] += first
            tally[key][1] += hit
            tally[key][2] += 1
        if show_misses and not first:
            print(
                f"  {'MISS' if not hit else 'top3'}: {case['message']!r} {case['expected']} -> {ids}"
            )
    return tally


def _line(name: str, top1: int, top3: int, total: int) -> str:
    return (
        f"{name}: top1 {top1}/{total} ({top1 / total:.0%}) top3 {top3}/{total} ({top3 / total:.0%})"
    )


def main(argv: list[str]) -> int:
    show_misses = "--misses" in argv
    by_style = "--by-style" in argv
    paths = [Path(arg) for arg in argv if not arg.startswith("--")] or DEFAULT_SETS
    for path in paths:
        tally = score(path, show_misses)
        print(_line(path.name, *tally.pop("all")))
        if by_style:
            for style, counts in sorted(tally.items()):
                print("  " + _line(style, *counts))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
