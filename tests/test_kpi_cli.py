"""`csr kpi` through the real CLI: hand-computed reviews, bad input, team sheets (CSV and xlsx)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from csr_cli.cli import app
from csr_cli.kpi.scheme import POLICY_ENV

runner = CliRunner()

# 优 20 + 4.2% 30 + 中 10 + 中 10 + 中 10 + attendance 20 - 5 (one late) = 95 before adjustments.
BASE_91 = [
    *("--quality", "A", "--refund-rate", "4.2%", "--disputes", "中", "--teamwork", "c"),
    *("--execution", "fair", "--late", "1", "--praise", "1"),
]
ALL_A = ["--quality", "优", "--refund-rate", "0.02", "--disputes", "优", "--teamwork", "优"]
ALL_A += ["--execution", "优"]


@pytest.fixture(autouse=True)
def no_shop_policy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(POLICY_ENV, raising=False)


def kpi(*args: str) -> dict[str, object]:
    result = runner.invoke(app, ["kpi", *args, "--json"])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    data: dict[str, object] = json.loads(result.stdout)
    return data


def squeezed(text: str) -> list[str]:
    """The lines with runs of padding collapsed, for checks that don't depend on widths."""
    return [" ".join(line.split()) for line in text.splitlines()]


def test_exactly_91_points_passes() -> None:
    # 95 - complaint 6 + praise 2 = 91; bonus 1000 × 91 ÷ 130 = 700.00.
    data = kpi(*BASE_91, "--complaint", "6")
    assert data == {
        "items": [
            {"key": "quality", "label": "服务质量", "given": "优", "points": 20, "max": 20},
            {"key": "refund_rate", "label": "退款率", "given": "4.2%", "points": 30, "max": 30},
            {"key": "disputes", "label": "纠纷处理", "given": "中", "points": 10, "max": 20},
            {"key": "teamwork", "label": "团队协作", "given": "中", "points": 10, "max": 20},
            {"key": "execution", "label": "执行力", "given": "中", "points": 10, "max": 20},
            {
                "key": "attendance",
                "label": "考勤",
                "given": "late 1, leave 0, absent 0",
                "points": 15,
                "max": 20,
            },
        ],
        "deductions": [
            {"key": "complaint", "label": "投诉", "detail": "complaint #1", "points": 6}
        ],
        "additions": [{"key": "praise", "label": "表扬", "detail": "1 × 2", "points": 2}],
        "score": 91,
        "total": 130,
        "pass_score": 91,
        "passed": True,
        "level": "agent",
        "bonus": "700.00",
        "base": "2000.00",
        "pay": "2700.00",
    }


def test_90_points_fails_with_no_bonus() -> None:
    data = kpi(*BASE_91, "--complaint", "7", "--level", "资深客服")
    assert (data["score"], data["passed"]) == (90, False)
    assert (data["bonus"], data["base"], data["pay"]) == ("0.00", "2500.00", "2500.00")


def test_the_report_shows_every_item_the_threshold_bonus_and_pay() -> None:
    result = runner.invoke(app, ["kpi", *BASE_91, "--complaint", "6"])
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "服务质量 quality    优                                  20 / 20\n"
        "退款率 refund rate  4.2%                                30 / 30\n"
        "纠纷处理 disputes   中                                  10 / 20\n"
        "团队协作 teamwork   中                                  10 / 20\n"
        "执行力 execution    中                                  10 / 20\n"
        "考勤 attendance     late 1, leave 0, absent 0           15 / 20\n"
        "投诉 complaint      complaint #1                             -6\n"
        "表扬 praise         1 × 2                                    +2\n"
        "score               PASS (pass mark 91)                91 / 130\n"
        "bonus               1000 × 91 ÷ 130                      700.00\n"
        "pay                 agent base 2000.00 + bonus 700.00   2700.00\n"
    )
    failed = runner.invoke(app, ["kpi", *BASE_91, "--complaint", "7"])
    assert squeezed(failed.stdout)[-3:] == [
        "score FAIL (pass mark 91) 90 / 130",
        "bonus review failed: no bonus 0.00",
        "pay agent base 2000.00 + bonus 0.00 2000.00",
    ]


def test_attendance_is_floored_at_zero() -> None:
    # 20 - 3×5 late - 1×5 leave - 1×10 absent = -10 → 0; 100 + 0 + 2% 30 … = 110 → 846.15.
    data = kpi(*ALL_A, "--late", "3", "--leave", "1", "--absent", "1", "--level", "lead")
    items = data["items"]
    assert isinstance(items, list)
    assert items[-1]["points"] == 0
    assert (data["score"], data["bonus"], data["pay"]) == (110, "846.15", "3846.15")


@pytest.mark.parametrize(
    ("args", "attendance"),
    [
        (["--leave", "1"], 15),  # one leave of any length: 请假一次扣5分
        (["--leave", "2"], 10),  # two separate leaves
        (["--late", "1", "--leave", "1"], 10),
        (["--absent", "1"], 10),  # one absence, however many days
        (["--late", "2", "--absent", "1"], 0),
        (["--leave", "31"], 0),  # the most a month can hold
    ],
)
def test_attendance_deducts_per_occasion(args: list[str], attendance: int) -> None:
    data = kpi(*ALL_A, *args)
    items = data["items"]
    assert isinstance(items, list)
    assert items[-1]["key"] == "attendance"
    assert items[-1]["points"] == attendance
    assert data["score"] == 110 + attendance


def test_help_says_attendance_counts_occasions_not_days() -> None:
    result = runner.invoke(app, ["kpi", "--help"], terminal_width=200)
    assert result.exit_code == 0
    text = " ".join(result.stdout.split())
    assert "请假 times on leave this month: a 3-day leave is 1 occasion." in text
    assert "旷工 times absent without leave: 2 days in a row is 1 occasion." in text
    assert "days of leave" not in text


def test_a_score_above_130_is_kept_but_the_bonus_stops_at_1000() -> None:
    # 130 + 3 praise × 2 + outstanding 5 - 1 low review × 5 = 136.
    args = [*ALL_A, "--praise", "3", "--outstanding", "5", "--low-reviews", "1"]
    data = kpi(*args, "--level", "senior")
    assert (data["score"], data["total"], data["passed"]) == (136, 130, True)
    assert (data["bonus"], data["pay"]) == ("1000.00", "3500.00")
    text = runner.invoke(app, ["kpi", *args]).stdout
    assert squeezed(text)[-3:] == [
        "score PASS (pass mark 91) 136 / 130",
        "bonus score above 130: the full 1000 1000.00",
        "pay agent base 2000.00 + bonus 1000.00 3000.00",
    ]


def test_several_complaints_each_deduct_their_points() -> None:
    data = kpi(*ALL_A, "--complaint", "5", "--complaint", "20", "--low-reviews", "2")
    assert data["deductions"] == [
        {"key": "low_reviews", "label": "差评", "detail": "2 × 5", "points": 10},
        {"key": "complaint", "label": "投诉", "detail": "complaint #1", "points": 5},
        {"key": "complaint", "label": "投诉", "detail": "complaint #2", "points": 20},
    ]
    assert (data["score"], data["bonus"]) == (95, "730.77")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--quality", "甲"],
            "--quality: '甲' is not a grade; use 优/良/中/差, A/B/C/D or excellent/good/fair/poor",
        ),
        (
            ["--teamwork", "E"],
            "--teamwork: 'E' is not a grade; use 优/良/中/差, A/B/C/D or excellent/good/fair/poor",
        ),
        (["--late", "-1"], "--late: '-1' is not a count; use a whole number, 0 or more"),
        (["--absent", "1.5"], "--absent: '1.5' is not a count; use a whole number, 0 or more"),
        (
            ["--leave", "32"],
            "--leave: '32' occasions is more than a month can hold (at most 31); count each "
            "occasion once however many days it lasted (a 3-day leave is 1 occasion)",
        ),
        (
            ["--late", "100"],
            "--late: '100' occasions is more than a month can hold (at most 31); count each "
            "occasion once however many days it lasted (a 3-day leave is 1 occasion)",
        ),
        (
            ["--absent", "45"],
            "--absent: '45' occasions is more than a month can hold (at most 31); count each "
            "occasion once however many days it lasted (a 3-day leave is 1 occasion)",
        ),
        (["--complaint", "4"], "--complaint: '4' is not 5-20 points"),
        (["--complaint", "10", "--complaint", "21"], "--complaint: '21' is not 5-20 points"),
        (["--outstanding", "6"], "--outstanding: '6' is not 2-5 points"),
        (["--outstanding", "1"], "--outstanding: '1' is not 2-5 points"),
        (["--level", "boss"], "--level: 'boss' is not a level; use agent, senior or lead"),
        (
            ["--refund-rate", "101%"],
            "--refund-rate: '101%' is not between 0 and 100%; write 4.2% or 0.042",
        ),
        (
            ["--refund-rate", "5"],
            "--refund-rate: '5' without % is ambiguous (did you mean 5%?); write 4.2% or 0.042",
        ),
        (
            ["--refund-rate", "1"],
            "--refund-rate: '1' without % is ambiguous (did you mean 1%?); write 4.2% or 0.042",
        ),
    ],
)
def test_out_of_range_input_is_a_usage_error(args: list[str], message: str) -> None:
    result = runner.invoke(app, ["kpi", *ALL_A, *args])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == f"error: {message}\n"


def test_every_grade_and_the_refund_rate_are_required() -> None:
    result = runner.invoke(app, ["kpi", "--quality", "A", "--teamwork", "B"])
    assert result.exit_code == 2
    assert result.stderr == (
        "error: missing --refund-rate, --disputes, --execution: every review needs the four "
        "grades (优/良/中/差, A/B/C/D or excellent/good/fair/poor) and the refund rate\n"
    )


def test_sheet_and_output_options_are_checked(tmp_path: Path) -> None:
    mixed = runner.invoke(app, ["kpi", "--sheet", str(tmp_path / "t.csv"), "--quality", "A"])
    assert mixed.exit_code == 2
    assert mixed.stderr == "error: --sheet reads every value from the sheet; drop --quality\n"
    alone = runner.invoke(app, ["kpi", *ALL_A, "-o", str(tmp_path / "out.csv")])
    assert alone.exit_code == 2
    assert alone.stderr == "error: -o writes a team's results; use it with --sheet FILE\n"


def test_a_shop_policy_from_option_env_or_config_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from csr_cli.kpi.scheme import user_file

    user_file().parent.mkdir(parents=True, exist_ok=True)
    user_file().write_text("base_pay: {agent: 2200}\n", encoding="utf-8")
    assert kpi(*ALL_A)["pay"] == "3200.00"
    env_file = tmp_path / "env.yaml"
    env_file.write_text("bonus: {full: 2000}\n", encoding="utf-8")
    monkeypatch.setenv(POLICY_ENV, str(env_file))
    assert kpi(*ALL_A)["pay"] == "4000.00"
    option_file = tmp_path / "shop.yaml"
    option_file.write_text("refund_rate: {above: 5}\npass_ratio: 50%\n", encoding="utf-8")
    data = kpi(*ALL_A, "--refund-rate", "30%", "--policy", str(option_file))
    assert (data["score"], data["pass_score"], data["bonus"]) == (105, 65, "807.69")


def test_a_bad_policy_file_is_one_line_naming_file_and_field(tmp_path: Path) -> None:
    shop = tmp_path / "shop.yaml"
    shop.write_text("attendance: {per_late: five}\n", encoding="utf-8")
    result = runner.invoke(app, ["kpi", *ALL_A, "--policy", str(shop)])
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {shop}: attendance.per_late: must be a whole number of points, 0 or more "
        "(got 'five')\n"
    )


# --- team sheets ---

SHEET_CSV = """\
姓名,级别,服务质量,退款率,纠纷处理,团队协作,执行力,迟到,请假,旷工,差评,投诉扣分,表扬,突出表现,备注
李四,客服,A,4.2%,中,C,fair,1,0,0,0,6,1,0,
张三,资深客服,优,2%,优,优,优,0,0,0,1,,3,5,
王五,agent,优,0.042,中,中,中,1,,,,7,1,,
赵六,组长,甲,3%,优,优,优,0,0,0,0,,0,0,typo
,,,,,,,,,,,,,,
钱七,lead,良,9%,良,良,良,3,1,1,0,10、5,0,0,
"""
TEAM_TABLE = """\
 rank  name  level       score  result           bonus     base       pay
    1  张三  senior  136 / 130  pass           1000.00  2500.00   3500.00
    2  李四  agent    91 / 130  pass            700.00  2000.00   2700.00
    3  王五  agent    90 / 130  fail              0.00  2000.00   2000.00
    4  钱七  lead     55 / 130  fail              0.00  3000.00   3000.00
total                           2 of 4 passed  1700.00  9500.00  11200.00
"""
BAD_PROBLEM = "服务质量: '甲' is not a grade; use 优/良/中/差, A/B/C/D or excellent/good/fair/poor"
BAD_ROW = f"error: row 5 (赵六): {BAD_PROBLEM}\n"


def test_a_csv_sheet_is_ranked_and_a_bad_row_is_skipped(tmp_path: Path) -> None:
    sheet = tmp_path / "team.csv"
    sheet.write_text(SHEET_CSV, encoding="utf-8")
    out = tmp_path / "results.csv"
    result = runner.invoke(app, ["kpi", "--sheet", str(sheet), "-o", str(out)])
    assert result.exit_code == 1
    assert result.stdout == TEAM_TABLE
    assert result.stderr == (
        f"note: ignoring column(s) 备注\n{BAD_ROW}✓ wrote 4 results to {out}\n"
    )
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # a BOM, so Excel reads UTF-8
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["name"] for row in rows] == ["张三", "李四", "王五", "钱七"]
    assert rows[3] == {
        **dict(rank="4", name="钱七", level="lead", quality="15", refund_rate="10"),
        **dict(disputes="15", teamwork="15", execution="15", attendance="0", deductions="15"),
        **dict(additions="0", score="55", total="130", result="fail", bonus="0.00"),
        **dict(base="3000.00", pay="3000.00"),
    }


def test_a_gbk_csv_from_excel_and_json_output(tmp_path: Path) -> None:
    sheet = tmp_path / "team.csv"
    sheet.write_bytes(SHEET_CSV.encode("gbk"))
    result = runner.invoke(app, ["kpi", "--sheet", str(sheet), "--json"])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert [(a["rank"], a["row"], a["name"], a["score"]) for a in data["agents"]] == [
        (1, 3, "张三", 136),
        (2, 2, "李四", 91),
        (3, 4, "王五", 90),
        (4, 7, "钱七", 55),
    ]
    assert data["bad_rows"] == [{"row": 5, "name": "赵六", "problem": BAD_PROBLEM}]
    assert data["totals"] == {
        **{"agents": 4, "passed": 2, "bonus": "1700.00", "base": "9500.00", "pay": "11200.00"}
    }


def test_an_xlsx_sheet_with_english_headers_and_a_bad_row(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    page = book.active
    assert page is not None
    page.append(["Name", "Quality", "Refund rate", "Disputes", "Teamwork", "Execution"])
    page["G1"], page["H1"], page["I1"] = "Late", "Complaints", "Level"
    page.append(["Ann", "A", 0.05000000000000001, "A", "B", "A", 0, "10;5", "lead"])
    page.append(["Bob", "good", "6%", "good", "good", "good", -1, None, "agent"])
    page.append(["Cai", "B", 0.042, "B", "B", "B", 2.0, None, None])
    page.append([None] * 9)
    page.append(["Dee", "C", 0.2, "D", "A", "A", 0, 20, "senior"])
    sheet = tmp_path / "team.xlsx"
    book.save(sheet)
    result = runner.invoke(app, ["kpi", "--sheet", str(sheet)])
    assert result.exit_code == 1
    assert result.stderr == (
        "error: row 3 (Bob): Late: '-1' is not a count; use a whole number, 0 or more\n"
    )
    # Ann 20+30+20+15+20+20 - 15 = 110 (5% exactly, despite float noise); Cai 15+30+15×3+10 = 100;
    # Dee 10+0+0+20+20+20 - 20 = 50.
    assert result.stdout == (
        " rank  name  level       score  result           bonus     base      pay\n"
        "    1  Ann   lead    110 / 130  pass            846.15  3000.00  3846.15\n"
        "    2  Cai   agent   100 / 130  pass            769.23  2000.00  2769.23\n"
        "    3  Dee   senior   50 / 130  fail              0.00  2500.00  2500.00\n"
        "total                           2 of 3 passed  1615.38  7500.00  9115.38\n"
    )


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("team.xls", "", "use a .csv or .xlsx sheet (save an .xls file as .xlsx)"),
        ("none.csv", None, "no such file"),
        ("empty.csv", "", "the sheet is empty; row 1 must name the columns"),
        (
            "cols.csv",
            "name,quality,disputes\nAnn,A,A\n",
            "missing column(s) 退款率/refund_rate, 团队协作/teamwork, 执行力/execution; "
            "row 1 must name them",
        ),
        ("twice.csv", "姓名,name\n", "two columns mean name; keep one"),
        (
            "days.csv",
            "姓名,服务质量,退款率,纠纷处理,团队协作,执行力,请假天数\n",
            "column 请假天数 counts days, but the scheme deducts per occasion (a 3-day leave "
            "is 1); name it 请假/leave and give occasions",
        ),
        ("broken.xlsx", "not a zip", "cannot read the workbook"),
    ],
)
def test_a_sheet_that_cannot_be_used_at_all_is_a_usage_error(
    tmp_path: Path, name: str, content: str | None, problem: str
) -> None:
    sheet = tmp_path / name
    if content is not None:
        sheet.write_text(content, encoding="utf-8")
    result = runner.invoke(app, ["kpi", "--sheet", str(sheet)])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"error: {sheet}: {problem}")
    assert result.stderr.count("\n") == 1


def test_a_sheet_counts_attendance_occasions_and_refuses_absurd_counts(tmp_path: Path) -> None:
    sheet = tmp_path / "team.csv"
    sheet.write_text(
        "姓名,服务质量,退款率,纠纷处理,团队协作,执行力,迟到次数,请假次数,旷工次数\n"
        "Ann,A,1%,A,A,A,0,1,0\nBob,A,1%,A,A,A,0,40,0\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["kpi", "--sheet", str(sheet), "--json"])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert [(a["name"], a["score"]) for a in data["agents"]] == [("Ann", 125)]
    assert data["bad_rows"] == [
        {
            "row": 3,
            "name": "Bob",
            "problem": "请假次数: '40' occasions is more than a month can hold (at most 31); "
            "count each occasion once however many days it lasted (a 3-day leave is 1 occasion)",
        }
    ]


def test_a_clean_sheet_exits_0(tmp_path: Path) -> None:
    sheet = tmp_path / "team.csv"
    sheet.write_text(
        "name,quality,refund_rate,disputes,teamwork,execution\nAnn,A,1%,A,A,A\n", encoding="utf-8"
    )
    result = runner.invoke(app, ["kpi", "--sheet", str(sheet)])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert "    1  Ann   agent  130 / 130  pass" in result.stdout


def test_output_must_not_overwrite_the_sheet_and_must_be_writable(tmp_path: Path) -> None:
    sheet = tmp_path / "team.csv"
    sheet.write_text(SHEET_CSV, encoding="utf-8")
    same = runner.invoke(app, ["kpi", "--sheet", str(sheet), "-o", str(sheet)])
    assert same.exit_code == 2
    assert (
        same.stderr == f"error: -o {sheet} would overwrite the sheet; write the results elsewhere\n"
    )
    assert sheet.read_text(encoding="utf-8") == SHEET_CSV
    folder = tmp_path / "a-folder"
    folder.mkdir()
    blocked = runner.invoke(app, ["kpi", "--sheet", str(sheet), "-o", str(folder)])
    assert blocked.exit_code == 2
    assert blocked.stderr == f"error: -o {folder} is a folder; name a file inside it\n"


def test_a_bare_1_in_a_sheet_is_a_bad_row_but_100_percent_and_fractions_score(
    tmp_path: Path,
) -> None:
    sheet = tmp_path / "team.csv"
    sheet.write_text(
        "name,quality,refund_rate,disputes,teamwork,execution\n"
        "Ann,A,1,A,A,A\nBob,A,100%,A,A,A\nCai,A,0.042,A,A,A\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["kpi", "--sheet", str(sheet), "--json"])
    assert result.exit_code == 1
    assert result.stderr == (
        "error: row 2 (Ann): refund_rate: '1' without % is ambiguous (did you mean 1%?); "
        "write 4.2% or 0.042\n"
    )
    data = json.loads(result.stdout)
    rates = [(a["row"], a["name"], a["items"][1]["given"]) for a in data["agents"]]
    assert rates == [(4, "Cai", "4.2%"), (3, "Bob", "100%")]


def test_xlsx_percentage_cells_read_as_the_percent_they_show(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    page = book.active
    assert page is not None
    page.append(["name", "quality", "refund_rate", "disputes", "teamwork", "execution"])
    for name, rate, shown in [
        ("Ann", 0.01, "0%"),  # shows 1%
        ("Bob", 1, "0%"),  # shows 100%
        ("Cai", 0.042, "0.0%"),  # shows 4.2%
        ("Dee", 1, "General"),  # a bare 1: ambiguous
        ("Eve", 0.042, "General"),  # a bare fraction
    ]:
        page.append([name, "A", rate, "A", "A", "A"])
        page.cell(row=page.max_row, column=3).number_format = shown
    sheet = tmp_path / "team.xlsx"
    book.save(sheet)
    result = runner.invoke(app, ["kpi", "--sheet", str(sheet), "--json"])
    assert result.exit_code == 1
    assert result.stderr == (
        "error: row 5 (Dee): refund_rate: '1' without % is ambiguous (did you mean 1%?); "
        "write 4.2% or 0.042\n"
    )
    data = json.loads(result.stdout)
    rates = [(a["name"], a["items"][1]["given"], a["items"][1]["points"]) for a in data["agents"]]
    assert rates == [
        ("Ann", "1%", 30),
        ("Cai", "4.2%", 30),
        ("Eve", "4.2%", 30),
        ("Bob", "100%", 0),
    ]


def test_output_escapes_names_a_spreadsheet_would_run_as_formulas(tmp_path: Path) -> None:
    sheet = tmp_path / "team.csv"
    sheet.write_text(
        "name,quality,refund_rate,disputes,teamwork,execution\n"
        '"=HYPERLINK(""x"")",A,4%,A,A,A\n+cmd,A,4%,A,A,A\n-1,A,4%,A,A,A\n@y,A,4%,A,A,A\n'
        "'=z,A,4%,A,A,A\nAnn,A,4%,A,A,A\n",
        encoding="utf-8",
    )
    out = tmp_path / "results.csv"
    result = runner.invoke(app, ["kpi", "--sheet", str(sheet), "-o", str(out)])
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8-sig", newline="") as handle:
        names = [row["name"] for row in csv.DictReader(handle)]
    assert names == ['\'=HYPERLINK("x")', "'+cmd", "'-1", "'@y", "''=z", "Ann"]


def test_output_into_a_missing_folder_is_refused_before_anything_runs(tmp_path: Path) -> None:
    sheet = tmp_path / "team.csv"
    sheet.write_text(SHEET_CSV, encoding="utf-8")
    out = tmp_path / "no" / "such" / "results.csv"
    result = runner.invoke(app, ["kpi", "--sheet", str(sheet), "-o", str(out)])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"error: -o {out}: the folder {out.parent} does not exist; create it first "
        f"(mkdir -p {out.parent}) or fix the path\n"
    )
    assert not (tmp_path / "no").exists()
