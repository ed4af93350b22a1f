"""Team sheets for `csr kpi --sheet`: read a CSV or xlsx sheet, score every agent, rank them.

Row 1 names the columns, in Chinese or English (HEADERS); every later row is one agent. Row
numbers are the spreadsheet's own, so a bad row is easy to find. A bad row is reported and
skipped; a sheet without the needed columns is refused whole.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from csr_cli.errors import UsageError
from csr_cli.fileio import escape_cell
from csr_cli.kpi.scoring import REQUIRED, KpiPolicy, KpiResult, compute, parse_input

# Header (as written, lower-cased, spaces and hyphens as _) -> field. Keep in step with --help.
HEADERS = {
    **dict.fromkeys(("姓名", "name"), "name"),
    **dict.fromkeys(("服务质量", "quality"), "quality"),
    **dict.fromkeys(("退款率", "refund_rate"), "refund_rate"),
    **dict.fromkeys(("纠纷处理", "disputes"), "disputes"),
    **dict.fromkeys(("团队协作", "teamwork"), "teamwork"),
    **dict.fromkeys(("执行力", "execution"), "execution"),
    **dict.fromkeys(("迟到", "迟到次数", "late"), "late"),
    **dict.fromkeys(("请假", "请假次数", "leave"), "leave"),
    **dict.fromkeys(("旷工", "旷工次数", "absent"), "absent"),
    **dict.fromkeys(("差评", "low_reviews"), "low_reviews"),
    **dict.fromkeys(("投诉扣分", "投诉", "complaints", "complaint"), "complaints"),
    **dict.fromkeys(("表扬", "praise"), "praise"),
    **dict.fromkeys(("突出表现", "outstanding"), "outstanding"),
    **dict.fromkeys(("级别", "level"), "level"),
}
# Attendance counts occasions (请假一次扣5分); a column of days would be read as occasions.
DAY_COLUMNS = {
    **dict.fromkeys(("迟到天数", "late_days"), "迟到/late"),
    **dict.fromkeys(("请假天数", "leave_days"), "请假/leave"),
    **dict.fromkeys(("旷工天数", "absent_days", "absence_days"), "旷工/absent"),
}
RESULT_COLUMNS = (
    *("rank", "name", "level", "quality", "refund_rate", "disputes", "teamwork", "execution"),
    *("attendance", "deductions", "additions", "score", "total", "result", "bonus", "base", "pay"),
)


@dataclass(frozen=True)
class Sheet:
    columns: dict[str, str]  # field -> the header as the sheet writes it
    rows: tuple[tuple[int, dict[str, str]], ...]  # (spreadsheet row number, field -> cell text)
    ignored: tuple[str, ...]  # headers that name no field


@dataclass(frozen=True)
class AgentResult:
    rank: int
    row: int
    name: str
    result: KpiResult

    def to_json(self) -> dict[str, Any]:
        return {"rank": self.rank, "row": self.row, "name": self.name, **self.result.to_json()}


@dataclass(frozen=True)
class BadRow:
    row: int
    name: str
    problem: str

    def __str__(self) -> str:
        who = f" ({self.name})" if self.name else ""
        return f"row {self.row}{who}: {self.problem}"


@dataclass(frozen=True)
class TeamResult:
    agents: tuple[AgentResult, ...]  # best score first
    bad_rows: tuple[BadRow, ...]

    @property
    def passed(self) -> int:
        return sum(agent.result.passed for agent in self.agents)

    def total_of(self, amount: Callable[[KpiResult], Decimal]) -> Decimal:
        return sum((amount(agent.result) for agent in self.agents), Decimal("0.00"))

    def to_json(self) -> dict[str, Any]:
        return {
            "agents": [agent.to_json() for agent in self.agents],
            "bad_rows": [vars(bad) for bad in self.bad_rows],
            "totals": {
                "agents": len(self.agents),
                "passed": self.passed,
                "bonus": f"{self.total_of(lambda result: result.bonus):.2f}",
                "base": f"{self.total_of(lambda result: result.base):.2f}",
                "pay": f"{self.total_of(lambda result: result.pay):.2f}",
            },
        }


def read_sheet(path: Path) -> Sheet:
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise UsageError(f"{path}: use a .csv or .xlsx sheet (save an .xls file as .xlsx)")
    if not path.is_file():
        raise UsageError(f"{path}: no such file")
    cells = _csv_cells(path) if suffix == ".csv" else _xlsx_cells(path)
    if not cells:
        raise UsageError(f"{path}: the sheet is empty; row 1 must name the columns")
    columns, ignored = _columns(path, cells[0])
    rows = tuple(
        (number, {key: _cell(row, index) for index, key in columns.items()})
        for number, row in enumerate(cells[1:], start=2)
        if any(cell.strip() for cell in row)
    )
    named = {key: cells[0][index].strip() for index, key in columns.items()}
    return Sheet(columns=named, rows=rows, ignored=ignored)


def _cell(row: list[str], index: int) -> str:
    return row[index] if index < len(row) else ""


def _columns(path: Path, header: list[str]) -> tuple[dict[int, str], tuple[str, ...]]:
    """Column index -> field, and the headers that name no field."""
    columns: dict[int, str] = {}
    ignored = []
    for index, text in enumerate(header):
        normal = "_".join(text.strip().lower().replace("-", " ").split())
        key = HEADERS.get(normal)
        if normal in DAY_COLUMNS:
            raise UsageError(
                f"{path}: column {text.strip()} counts days, but the scheme deducts per occasion "
                f"(a 3-day leave is 1); name it {DAY_COLUMNS[normal]} and give occasions"
            )
        if key is None:
            if normal:
                ignored.append(text.strip())
        elif key in columns.values():
            raise UsageError(f"{path}: two columns mean {key}; keep one")
        else:
            columns[index] = key
    missing = [key for key in ("name", *REQUIRED) if key not in columns.values()]
    if missing:
        wanted = ", ".join(f"{_chinese(key)}/{key}" for key in missing)
        raise UsageError(f"{path}: missing column(s) {wanted}; row 1 must name them")
    return columns, tuple(ignored)


def _chinese(key: str) -> str:
    return next(header for header, field in HEADERS.items() if field == key)


def _csv_cells(path: Path) -> list[list[str]]:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel on a Chinese Windows saves CSV in the ANSI code page (GBK), not UTF-8.
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            raise UsageError(f"{path}: not UTF-8 or GBK text; save it as CSV UTF-8") from None
    return [row for row in csv.reader(io.StringIO(text, newline=""))]


def _xlsx_cells(path: Path) -> list[list[str]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # a damaged file surfaces as zip, XML or key errors alike
        raise UsageError(
            f"{path}: cannot read the workbook ({exc}); save it again as .xlsx"
        ) from None
    try:
        return [[_xlsx_text(cell) for cell in row] for row in book.worksheets[0].iter_rows()]
    finally:
        book.close()


def _xlsx_text(cell: Any) -> str:
    value = cell.value
    if value is None:
        return ""
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return str(value)
    # 12 significant digits drop float noise (5% stored as 0.05000000000000001), which would
    # otherwise push a rate over a tier boundary the supervisor typed exactly.
    text = f"{value:.12g}" if isinstance(value, float) else str(value)
    if "%" in getattr(cell, "number_format", ""):
        # A percentage cell holds the fraction (1% is 0.01): read it as the percent it shows,
        # so 100% is not taken for a bare, ambiguous 1.
        return f"{(Decimal(text) * 100).normalize():f}%"
    return text


def score_sheet(sheet: Sheet, policy: KpiPolicy) -> TeamResult:
    scored: list[tuple[int, str, KpiResult]] = []
    bad: list[BadRow] = []
    for number, fields in sheet.rows:
        name = fields.get("name", "").strip()
        try:
            if not name:
                raise UsageError(f"{sheet.columns['name']} is empty")
            review = parse_input(fields, policy=policy, labels=lambda key: sheet.columns[key])
            scored.append((number, name, compute(review, policy)))
        except UsageError as exc:
            bad.append(BadRow(number, name, str(exc)))
    return TeamResult(agents=_ranked(scored), bad_rows=tuple(bad))


def _ranked(scored: list[tuple[int, str, KpiResult]]) -> tuple[AgentResult, ...]:
    """Best score first; equal scores share a rank (1, 2, 2, 4) and keep the sheet's order."""
    ordered = sorted(scored, key=lambda entry: -entry[2].score)
    # The rank is one more than the number of better scores: the first position of that score
    # (counted once per score, so a sheet of thousands of agents stays linear).
    first: dict[int, int] = {}
    for position, (_, _, result) in enumerate(ordered, start=1):
        first.setdefault(result.score, position)
    return tuple(
        AgentResult(first[result.score], row, name, result) for row, name, result in ordered
    )


def results_csv(team: TeamResult) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(RESULT_COLUMNS)
    for agent in team.agents:
        result = agent.result
        writer.writerow(
            [
                agent.rank,
                # The only cell the sheet's author wrote; the rest are numbers and csr's words.
                escape_cell(agent.name),
                result.level.value,
                *(item.points for item in result.items),
                sum(entry.points for entry in result.deductions),
                sum(entry.points for entry in result.additions),
                result.score,
                result.total,
                "pass" if result.passed else "fail",
                f"{result.bonus:.2f}",
                f"{result.base:.2f}",
                f"{result.pay:.2f}",
            ]
        )
    return out.getvalue()
