"""The `csr stats` report: the replies used most and the ones never used.

Apart from csr_cli.search.usage so that the dataclasses below, which cost a few milliseconds to
create, are only built when someone asks for the report.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from csr_cli.phrasebook.cache import Phrasebook
from csr_cli.search.usage import counting_disabled, use_counts


@dataclass(frozen=True)
class Usage:
    id: str
    title: str
    title_zh: str
    role: str
    uses: int


@dataclass(frozen=True)
class UsageReport:
    counting: bool  # False while CSR_NO_STATS is set
    total: int  # uses of replies that are still in the phrasebook
    top: list[Usage]  # most used first
    unused: list[Usage]  # never used, in phrasebook order

    def to_json(self) -> dict[str, object]:
        return asdict(self)


def usage_report(book: Phrasebook, *, limit: int) -> UsageReport:
    counts = use_counts()
    rows = [
        Usage(entry.id, entry.title, entry.title_zh, entry.role, counts.get(entry.id, 0))
        for entry in book.entries()
    ]
    used = sorted((row for row in rows if row.uses), key=lambda row: -row.uses)
    return UsageReport(
        counting=not counting_disabled(),
        total=sum(row.uses for row in used),
        top=used[:limit],
        unused=[row for row in rows if not row.uses],
    )
