"""The finance export: the payouts sheet finance asks for, the returns/exchanges sheet, totals.

Finance receives exactly 店铺、帐号、原因、金额、时间 for payouts (compensation and partial
refunds); returns and exchanges get the handbook's fuller fields. CSV is UTF-8 with a BOM so
Excel and WPS read the Chinese; every text cell is escaped against formula injection.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import tzinfo
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

from csr_cli.cases.model import Case, CaseKind, CaseState
from csr_cli.fileio import escape_cell
from csr_cli.money import ZERO, fmt

PAYOUT_COLUMNS = ("店铺", "帐号", "原因", "金额", "时间")
RETURN_COLUMNS = (
    "类型",
    "店铺",
    "帐号",
    "订单",
    "款式",
    "需要换的款式",
    "原因",
    "退给客户的金额",
    "邮费金额",
    "是否需要补邮费",
    "是否充值",
    "是否录入",
    "状态",
    "处理人",
    "处理时间",
)
TOTAL_COLUMNS = ("汇总", "名称", "打款笔数", "打款金额", "退款笔数", "退款金额")
XLSX_CREATOR = "csr cases export"  # how csr recognises a workbook it wrote itself
# Not paid (yet): a supervisor has not approved it, or it was called off.
NOT_PAYABLE = frozenset({CaseState.pending_approval, CaseState.rejected, CaseState.cancelled})


class Sheet(str, Enum):
    payouts = "payouts"
    returns = "returns"
    totals = "totals"


SHEET_TITLES = {Sheet.payouts: "打款", Sheet.returns: "退换货", Sheet.totals: "汇总"}
SHEET_COLUMNS = {
    Sheet.payouts: PAYOUT_COLUMNS,
    Sheet.returns: RETURN_COLUMNS,
    Sheet.totals: TOTAL_COLUMNS,
}


@dataclass(frozen=True)
class Total:
    group: str  # 店铺, 处理人 or 合计
    name: str
    payouts: int
    payout_amount: Decimal
    refunds: int
    refund_amount: Decimal

    def row(self) -> tuple[str, ...]:
        return (
            self.group,
            self.name,
            str(self.payouts),
            fmt(self.payout_amount),
            str(self.refunds),
            fmt(self.refund_amount),
        )


@dataclass(frozen=True)
class FinanceExport:
    payouts: tuple[tuple[str, ...], ...]
    returns: tuple[tuple[str, ...], ...]
    totals: tuple[Total, ...]
    pending_approval: int  # payouts left out until a supervisor approves them

    def rows(self, sheet: Sheet) -> list[tuple[str, ...]]:
        if sheet is Sheet.totals:
            return [total.row() for total in self.totals]
        return list(self.payouts if sheet is Sheet.payouts else self.returns)

    def to_json(self) -> dict[str, Any]:
        def records(sheet: Sheet) -> list[dict[str, str]]:
            return [dict(zip(SHEET_COLUMNS[sheet], row, strict=True)) for row in self.rows(sheet)]

        return {
            "payouts": records(Sheet.payouts),
            "returns": records(Sheet.returns),
            "totals": records(Sheet.totals),
            "pending_approval": self.pending_approval,
        }


def build_export(cases: Iterable[Case], tz: tzinfo) -> FinanceExport:
    """The sheets for `cases` (already filtered by date and shop), times in the shop's zone."""
    # In time order, as finance reads a ledger (ids follow recording, not the event's time).
    chosen = sorted(
        (case for case in cases if case.state is not CaseState.cancelled),
        key=lambda case: (case.created_at, case.id),
    )
    payouts = [c for c in chosen if c.kind.is_payout and c.state not in NOT_PAYABLE]
    returns = [c for c in chosen if not c.kind.is_payout]
    pending = sum(1 for c in chosen if c.kind.is_payout and c.state is CaseState.pending_approval)
    return FinanceExport(
        payouts=tuple(_payout_row(case, tz) for case in payouts),
        returns=tuple(_return_row(case, tz) for case in returns),
        totals=_totals(payouts, [c for c in returns if c.kind is CaseKind.refund]),
        pending_approval=pending,
    )


def _when(case: Case, tz: tzinfo) -> str:
    return case.created_at.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def _payout_row(case: Case, tz: tzinfo) -> tuple[str, ...]:
    return (case.shop, case.buyer, case.reason, fmt(case.amount), _when(case, tz))


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("是" if value else "否")


def _return_row(case: Case, tz: tzinfo) -> tuple[str, ...]:
    return (
        case.kind.label,
        case.shop,
        case.buyer,
        case.order or "",
        case.item or "",
        case.wanted_item or "",
        case.reason,
        fmt(case.amount),
        "" if case.postage is None else fmt(case.postage),
        _yes_no(case.postage_due),
        _yes_no(case.recharged),
        _yes_no(case.entered),
        case.state.value,
        case.handler,
        _when(case, tz),
    )


def _totals(payouts: Sequence[Case], refunds: Sequence[Case]) -> tuple[Total, ...]:
    totals: list[Total] = []
    for group, key in (("店铺", "shop"), ("处理人", "handler")):
        names = sorted({getattr(case, key) for case in [*payouts, *refunds]})
        for name in names:
            mine = [c for c in payouts if getattr(c, key) == name]
            theirs = [c for c in refunds if getattr(c, key) == name]
            totals.append(_total(group, name, mine, theirs))
    totals.append(_total("合计", "", payouts, refunds))
    return tuple(totals)


def _total(group: str, name: str, payouts: Sequence[Case], refunds: Sequence[Case]) -> Total:
    return Total(
        group,
        name,
        len(payouts),
        sum((c.amount for c in payouts), ZERO),
        len(refunds),
        sum((c.amount for c in refunds), ZERO),
    )


def to_csv(export: FinanceExport, sheet: Sheet) -> bytes:
    """One sheet as CSV, UTF-8 with a BOM (Excel and WPS otherwise guess GBK)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(SHEET_COLUMNS[sheet])
    writer.writerows([[escape_cell(cell) for cell in row] for row in export.rows(sheet)])
    return out.getvalue().encode("utf-8-sig")


MONEY_COLUMNS = frozenset({"金额", "退给客户的金额", "邮费金额", "打款金额", "退款金额"})
COUNT_COLUMNS = frozenset({"打款笔数", "退款笔数"})


def to_xlsx(export: FinanceExport) -> bytes:
    """All three sheets in one workbook; amounts are numbers shown with two decimals, so
    finance can sum them, and every text cell is escaped as in the CSV."""
    from openpyxl import Workbook

    book = Workbook()
    book.properties.creator = XLSX_CREATOR
    book.remove(book.active)
    for sheet in Sheet:
        page = book.create_sheet(SHEET_TITLES[sheet])
        columns = SHEET_COLUMNS[sheet]
        page.append(list(columns))
        for row in export.rows(sheet):
            page.append(
                [_xlsx_cell(column, cell) for column, cell in zip(columns, row, strict=True)]
            )
        for column_cells in page.iter_cols(min_row=2):
            if column_cells and columns[column_cells[0].column - 1] in MONEY_COLUMNS:
                for cell in column_cells:
                    cell.number_format = "0.00"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _xlsx_cell(column: str, value: str) -> object:
    if value and column in MONEY_COLUMNS:
        return Decimal(value)
    if value and column in COUNT_COLUMNS:
        return int(value)
    return escape_cell(value)


def written_by_csr(path: Path) -> bool:
    """Whether `path` is an export csr wrote, so writing over it loses nothing of anyone's."""
    if path.suffix.lower() == ".xlsx":
        try:
            from openpyxl import load_workbook

            return bool(load_workbook(path, read_only=True).properties.creator == XLSX_CREATOR)
        except Exception:  # not a workbook at all: certainly not ours
            return False
    try:
        with path.open("rb") as handle:
            first = handle.readline().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    headers = {"\ufeff" + ",".join(columns) for columns in SHEET_COLUMNS.values()}
    return first.rstrip("\r\n") in headers
