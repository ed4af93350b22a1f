"""`csr cases export`: the finance sheets for a date range — payouts, returns/exchanges, totals."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from csr_cli.cases import CaseFilter, shop_timezone
from csr_cli.cases.export import FinanceExport, Sheet, build_export, to_csv, to_xlsx, written_by_csr
from csr_cli.cases.model import day_span
from csr_cli.commands._caselog import case_log
from csr_cli.commands._common import JsonOpt, note, print_json
from csr_cli.dates import parse_date
from csr_cli.errors import CsrError, UsageError
from csr_cli.fileio import atomic_write_bytes
from csr_cli.money import fmt


class Format(str, Enum):
    csv = "csv"
    xlsx = "xlsx"


def export(
    first: Annotated[
        str, typer.Option("--from", metavar="DATE", help="First day, e.g. 2026-12-01.")
    ],
    last: Annotated[str, typer.Option("--to", metavar="DATE", help="Last day (included).")],
    shop: Annotated[str | None, typer.Option("--shop", help="Only this shop.")] = None,
    fmt_: Annotated[
        Format | None,
        typer.Option("--format", help="csv (default; one sheet) or xlsx (all three sheets)."),
    ] = None,
    sheet: Annotated[
        Sheet, typer.Option("--sheet", help="Which sheet a CSV holds: payouts, returns or totals.")
    ] = Sheet.payouts,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file (default: stdout).")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Export payouts (店铺, 帐号, 原因, 金额, 时间), returns/exchanges and totals for finance."""
    chosen = fmt_ or (Format.xlsx if output and output.suffix.lower() == ".xlsx" else Format.csv)
    if chosen is Format.xlsx and output is None and not as_json:
        raise UsageError("--format xlsx needs -o FILE.xlsx (a workbook cannot go to a terminal)")
    if output is not None:
        _check_output(output)
    tz = shop_timezone()
    start, end = parse_date(first, "--from"), parse_date(last, "--to")
    since, until = day_span(start, end, tz)
    with case_log() as log:
        found = log.find(CaseFilter(shop=shop, since=since, until=until))
    result = build_export(found, tz)
    if as_json:
        print_json({"from": str(start), "to": str(end), "shop": shop, **result.to_json()})
    data = to_xlsx(result) if chosen is Format.xlsx else to_csv(result, sheet)
    if output is not None:
        _write(output, data)
    elif not as_json:
        stdout = typer.get_binary_stream("stdout")
        stdout.write(data)
        stdout.flush()
    _summary(result, output)


def _check_output(output: Path) -> None:
    """Refuse before touching the database: a missing folder, or a file csr did not write."""
    if not output.parent.is_dir():
        raise UsageError(f"-o {output}: no folder {output.parent}; create it first or fix the path")
    if output.exists() and not written_by_csr(output):
        raise UsageError(
            f"-o {output} exists and was not written by `csr cases export`; "
            "choose another name or move the file away (csr never overwrites it)"
        )


def _write(output: Path, data: bytes) -> None:
    try:
        atomic_write_bytes(output, data)
    except OSError as exc:
        raise CsrError(f"cannot write {output}: {exc.strerror or exc}") from None


def _summary(result: FinanceExport, output: Path | None) -> None:
    total = result.totals[-1]
    where = f" to {output}" if output else ""
    note(
        f"✓ {total.payouts} payout(s) {fmt(total.payout_amount)}, {len(result.returns)} "
        f"return/exchange case(s), refunds {fmt(total.refund_amount)}{where}"
    )
    if result.pending_approval:
        note(f"note: {result.pending_approval} payout(s) wait for approval and are not included")
