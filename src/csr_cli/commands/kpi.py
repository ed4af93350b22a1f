"""`csr kpi`: an after-sale agent's monthly KPI score, bonus and pay, alone or for a team sheet."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from csr_cli.commands._common import JsonOpt, note, print_json, use_rich
from csr_cli.errors import UsageError

if TYPE_CHECKING:
    from csr_cli.kpi.scoring import KpiPolicy, KpiResult
    from csr_cli.kpi.sheet import TeamResult

OPTIONS = {
    "quality": "--quality",
    "refund_rate": "--refund-rate",
    "disputes": "--disputes",
    "teamwork": "--teamwork",
    "execution": "--execution",
    "late": "--late",
    "leave": "--leave",
    "absent": "--absent",
    "low_reviews": "--low-reviews",
    "complaints": "--complaint",
    "praise": "--praise",
    "outstanding": "--outstanding",
    "level": "--level",
}
ONE = "One agent"


def _option(key: str, metavar: str, text: str) -> Any:
    return typer.Option(OPTIONS[key], metavar=metavar, help=text, rich_help_panel=ONE)


def kpi(
    quality: Annotated[
        str | None, _option("quality", "G", "服务质量 service quality grade.")
    ] = None,
    refund_rate: Annotated[
        str | None, _option("refund_rate", "PCT", "退款率 refund rate: 4.2% or 0.042.")
    ] = None,
    disputes: Annotated[str | None, _option("disputes", "G", "纠纷处理 disputes grade.")] = None,
    teamwork: Annotated[str | None, _option("teamwork", "G", "团队协作 teamwork grade.")] = None,
    execution: Annotated[str | None, _option("execution", "G", "执行力 execution grade.")] = None,
    late: Annotated[
        str | None, _option("late", "N", "迟到 late arrivals this month (occasions).")
    ] = None,
    leave: Annotated[
        str | None,
        _option("leave", "N", "请假 times on leave this month: a 3-day leave is 1 occasion."),
    ] = None,
    absent: Annotated[
        str | None,
        _option("absent", "N", "旷工 times absent without leave: 2 days in a row is 1 occasion."),
    ] = None,
    low_reviews: Annotated[
        str | None, _option("low_reviews", "N", "差评 low-quality reviews caused by after-sale.")
    ] = None,
    complaints: Annotated[
        list[str] | None,
        _option("complaints", "PTS", "投诉 one verified complaint's points (5-20); repeatable."),
    ] = None,
    praise: Annotated[str | None, _option("praise", "N", "表扬 customer praises.")] = None,
    outstanding: Annotated[
        str | None, _option("outstanding", "PTS", "突出表现 outstanding performance (2-5).")
    ] = None,
    level: Annotated[
        str | None,
        _option("level", "LEVEL", "agent, senior or lead, for the base pay (default: agent)."),
    ] = None,
    sheet: Annotated[
        Path | None,
        typer.Option(
            metavar="FILE",
            help="Score a team: a .csv or .xlsx sheet, one agent per row.",
            rich_help_panel="Team sheet",
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE.csv",
            help="With --sheet: also write the results as CSV.",
            rich_help_panel="Team sheet",
        ),
    ] = None,
    policy: Annotated[
        Path | None,
        typer.Option(
            metavar="FILE", help="The shop's KPI scheme (else CSR_KPI_POLICY, else config dir)."
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Write -o FILE even when it is a symbolic link or a special file.",
            rich_help_panel="Team sheet",
        ),
    ] = False,
    from_log: Annotated[
        str | None,
        typer.Option(
            "--from-log",
            metavar="YYYY-MM",
            help="Count the month's refunds in the case log (yours, as config agent) for the "
            "refund rate, instead of --refund-rate; needs --orders.",
        ),
    ] = None,
    orders: Annotated[
        int | None,
        typer.Option(
            "--orders", min=1, metavar="N", help="Orders you handled that month (with --from-log)."
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Score an after-sale agent's monthly KPI review: points, pass or fail, bonus and pay.

    The four grades (--quality, --disputes, --teamwork, --execution: 优/良/中/差, A/B/C/D or
    excellent/good/fair/poor) and --refund-rate are required, so a forgotten grade never turns
    into pay; counts default to 0 and --level to agent. Attendance deducts per occasion, as
    the scheme says (请假一次扣5分): --late, --leave and --absent count occasions in the month,
    not days (at most 31 each). In the default scheme a score below 70% of 130 (under 91)
    fails the review and earns no bonus; otherwise bonus = 1000 × score ÷ 130, rounded
    half-up to the fen. Additions may lift the score above 130, but the bonus
    stops at 1000. The numbers come from the KPI policy (policies/kpi.yaml), which a shop
    overrides with --policy FILE, CSR_KPI_POLICY or kpi.yaml in the config dir.

    --sheet FILE scores a team: row 1 names the columns (姓名/name, 服务质量/quality,
    退款率/refund_rate, 纠纷处理/disputes, 团队协作/teamwork, 执行力/execution, 迟到/late,
    请假/leave, 旷工/absent, 差评/low_reviews, 投诉扣分/complaints as 10;5 or 10、5,
    表扬/praise, 突出表现/outstanding, 级别/level), one agent per row. Bad rows are reported
    on stderr with their row number and skipped; the exit code is then 1.
    """
    from csr_cli.kpi.scheme import load_policy
    from csr_cli.kpi.scoring import compute, parse_input

    fields = {
        "quality": quality,
        "refund_rate": refund_rate,
        "disputes": disputes,
        "teamwork": teamwork,
        "execution": execution,
        "late": late,
        "leave": leave,
        "absent": absent,
        "low_reviews": low_reviews,
        "complaints": ";".join(complaints) if complaints else None,
        "praise": praise,
        "outstanding": outstanding,
        "level": level,
    }
    if from_log is not None or orders is not None:
        fields["refund_rate"] = _rate_from_log(from_log, orders, refund_rate)
    scheme = load_policy(policy)
    if sheet is not None:
        extra = [OPTIONS[key] for key, value in fields.items() if value is not None]
        if extra:
            raise UsageError(f"--sheet reads every value from the sheet; drop {', '.join(extra)}")
        _team(sheet, output, scheme, as_json=as_json, force=force)
        return
    if output is not None:
        raise UsageError("-o writes a team's results; use it with --sheet FILE")
    result = compute(parse_input(fields, policy=scheme, labels=OPTIONS.__getitem__), scheme)
    if as_json:
        print_json(result.to_json())
    else:
        typer.echo(_report(result, scheme))


def _team(
    path: Path, output: Path | None, scheme: KpiPolicy, *, as_json: bool, force: bool
) -> None:
    from csr_cli.fileio import check_output, write_output
    from csr_cli.kpi.sheet import read_sheet, results_csv, score_sheet

    if output is not None and output.resolve() == path.resolve():
        raise UsageError(f"-o {output} would overwrite the sheet; write the results elsewhere")
    if output is not None:
        check_output(output, force=force, option="-o")
    sheet = read_sheet(path)
    if sheet.ignored:
        note(f"note: ignoring column(s) {', '.join(sheet.ignored)}")
    team = score_sheet(sheet, scheme)
    for bad in team.bad_rows:
        note(f"error: {bad}")
    if as_json:
        print_json(team.to_json())
    else:
        typer.echo(_team_table(team))
    if output is not None:
        # The BOM makes Excel read the UTF-8 names instead of showing mojibake.
        write_output(output, ("\ufeff" + results_csv(team)).encode(), force=force, option="-o")
        note(f"✓ wrote {len(team.agents)} results to {output}")
    if team.bad_rows:
        raise typer.Exit(1)


def _rate_from_log(month: str | None, orders: int | None, given: str | None) -> str:
    """The refund rate from the case log: the month's refunds recorded under your name ÷ the
    orders you handled. Said on stderr, so the score shows where its number came from."""
    if month is None or orders is None:
        raise UsageError("--from-log YYYY-MM and --orders N go together (refunds ÷ orders)")
    if given is not None:
        raise UsageError("--refund-rate or --from-log, not both: the rate comes from one of them")
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", month.strip())
    if match is None or not 1 <= int(match[2]) <= 12:
        raise UsageError(f"--from-log takes a month like 2026-11 (got '{month}')")
    from csr_cli.cases import refunds_in_month
    from csr_cli.cases.settings import required_setting

    agent = required_setting("agent", None, "小美")
    refunds = refunds_in_month(agent, date(int(match[1]), int(match[2]), 1))
    rate = Decimal(refunds) / Decimal(orders)
    note(f"refund rate from the case log: {refunds} refund(s) ÷ {orders} orders = {rate:.2%}")
    return str(rate)


def _report(result: KpiResult, scheme: KpiPolicy) -> str:
    def name(label: str, key: str) -> str:
        return f"{label} {key.replace('_', ' ')}"

    rows = [(name(i.label, i.key), i.given, f"{i.points} / {i.max}") for i in result.items]
    rows += [(name(d.label, d.key), d.detail, f"-{d.points}") for d in result.deductions]
    rows += [(name(a.label, a.key), a.detail, f"+{a.points}") for a in result.additions]
    verdict = "PASS" if result.passed else "FAIL"
    full = f"{scheme.full_bonus:f}"
    if not result.passed:
        how = "review failed: no bonus"
    elif result.score > result.total:
        how = f"score above {result.total}: the full {full}"
    else:
        how = f"{full} × {result.score} ÷ {result.total}"
    rows += [
        ("score", f"{verdict} (pass mark {result.pass_score})", f"{result.score} / {result.total}"),
        ("bonus", how, str(result.bonus)),
        ("pay", f"{result.level.value} base {result.base} + bonus {result.bonus}", str(result.pay)),
    ]
    text = "\n".join(_align(rows, right=(2,)))
    if use_rich():
        return text.replace(
            verdict, typer.style(verdict, fg="green" if result.passed else "red", bold=True), 1
        )
    return text


def _team_table(team: TeamResult) -> str:
    header = ("rank", "name", "level", "score", "result", "bonus", "base", "pay")
    rows = [header]
    for agent in team.agents:
        result = agent.result
        rows.append(
            (
                str(agent.rank),
                agent.name,
                result.level.value,
                f"{result.score} / {result.total}",
                "pass" if result.passed else "fail",
                str(result.bonus),
                str(result.base),
                str(result.pay),
            )
        )
    passed = f"{team.passed} of {len(team.agents)} passed"
    money = (
        f"{team.total_of(lambda r: r.bonus)}",
        f"{team.total_of(lambda r: r.base)}",
        f"{team.total_of(lambda r: r.pay)}",
    )
    rows.append(("total", "", "", "", passed, *money))
    return "\n".join(_align(rows, right=(0, 3, 5, 6, 7)))


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _align(rows: Sequence[Sequence[str]], *, right: tuple[int, ...]) -> list[str]:
    """Columns padded to their widest cell, counting Chinese characters as two columns."""
    widths = [max(_width(row[col]) for row in rows) for col in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = []
        for col, cell in enumerate(row):
            pad = " " * (widths[col] - _width(cell))
            cells.append(pad + cell if col in right else cell + pad)
        lines.append("  ".join(cells).rstrip())
    return lines
