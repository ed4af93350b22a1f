"""`--record` on the calculators: the answer goes to the case log, on both backends."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from cases.conftest import AGENT, SHOP, Backend
from csr_cli.cli import app

runner = CliRunner()


def run(*args: str) -> tuple[int, dict[str, object], str]:
    result = runner.invoke(app, [*args, "--json", "--no-copy"])
    data = json.loads(result.stdout) if result.exit_code in (0, 1) and result.stdout else {}
    return result.exit_code, data, result.stderr


def show(case_id: object) -> dict[str, object]:
    result = runner.invoke(app, ["cases", "show", str(case_id), "--json"])
    assert result.exit_code == 0, result.stderr
    data: dict[str, object] = json.loads(result.stdout)
    return data


@pytest.mark.parametrize(
    ("args", "kind", "amount", "state"),
    [
        (["compensate", "250"], "compensation", "12.00", "approved"),
        (["compensate", "250", "--offer", "40"], "compensation", "40.00", "pending-approval"),
        (["refund", "190", "--shipping", "10"], "refund", "180.00", "waiting-parcel"),
        (["exchange", "159", "179", "--shipping", "10"], "exchange-other", "30.00", "waiting-parcel"),
        (["exchange", "159", "179", "--reason", "quality"], "exchange-quality", "20.00", "waiting-parcel"),
        (["return-check", "--signed", "2026-11-01", "--on", "2026-11-05"], "refund", "0.00", "waiting-parcel"),
    ],
)  # fmt: skip
def test_a_calculators_answer_is_recorded(
    backend: Backend, args: list[str], kind: str, amount: str, state: str
) -> None:
    code, data, err = run(*args, "--record", "--buyer", "tb_buyer", "--order", "9001")
    assert code == 0, err
    case = data["case"]
    assert isinstance(case, dict) and case["created"] is True and case["state"] == state
    assert f"✓ recorded: case #{case['id']}, {kind}, {state}" in err
    stored = show(case["id"])
    assert (stored["kind"], stored["amount"], stored["buyer"], stored["order"]) == (
        kind,
        amount,
        "tb_buyer",
        "9001",
    )
    assert (stored["handler"], stored["shop"]) == (AGENT, SHOP)


def test_a_retried_record_is_not_doubled(backend: Backend) -> None:
    args = ["compensate", "250", "--record", "--buyer", "tb_x", "--idempotency-key", "k-1"]
    first = run(*args)[1]["case"]
    second = run(*args)[1]["case"]
    assert isinstance(first, dict) and isinstance(second, dict)
    assert first["id"] == second["id"] and second["created"] is False


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["compensate", "250", "--buyer", "tb_x"], "error: --buyer is for recording the case"),
        (["compensate", "250", "--record"], "error: --record needs --buyer"),
        (
            ["refund", "190", "--reason", "in-transit", "--record", "--buyer", "tb_x"],
            "error: --record: refund-declined-in-transit is not a case",
        ),
    ],
)
def test_recording_needs_its_details(backend: Backend, args: list[str], message: str) -> None:
    result = runner.invoke(app, [*args, "--no-copy"])
    assert result.exit_code == 2
    assert result.stderr.startswith(message)
    assert result.stdout == ""


def test_an_unreachable_log_says_the_case_was_not_recorded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CSR_DATABASE_URL", "postgresql://csr:secret@127.0.0.1:9/none")
    result = runner.invoke(app, ["compensate", "250", "--record", "--buyer", "tb_x", "--no-copy"])
    assert result.exit_code == 2
    assert "NOT recorded" in result.stderr and "secret" not in result.stderr
    assert result.stdout == ""


def test_the_kpi_refund_rate_can_come_from_the_log(backend: Backend) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    for buyer in ("tb_1", "tb_2", "tb_3"):
        assert run("refund", "190", "--shipping", "10", "--record", "--buyer", buyer)[0] == 0
    cancelled = run("refund", "90", "--record", "--buyer", "tb_4")[1]["case"]
    assert isinstance(cancelled, dict)
    assert (
        runner.invoke(app, ["cases", "set-state", str(cancelled["id"]), "cancelled"]).exit_code == 0
    )
    month = datetime.now(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m")
    grades = ["--quality", "A", "--disputes", "A", "--teamwork", "A", "--execution", "A"]
    result = runner.invoke(app, ["kpi", *grades, "--from-log", month, "--orders", "100", "--json"])
    assert result.exit_code == 0, result.stderr
    assert "3 refund(s) ÷ 100 orders = 3.00%" in result.stderr
    refund = next(
        item for item in json.loads(result.stdout)["items"] if item["key"] == "refund_rate"
    )
    assert refund["given"] == "3%"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from-log", "2026-11"], "--from-log YYYY-MM and --orders N go together"),
        (["--from-log", "2026-13", "--orders", "5"], "--from-log takes a month like 2026-11"),
        (["--from-log", "2026-11", "--orders", "5", "--refund-rate", "3%"], "not both"),
    ],
)
def test_the_kpi_from_the_log_needs_a_month_and_the_orders(args: list[str], message: str) -> None:
    grades = ["--quality", "A", "--disputes", "A", "--teamwork", "A", "--execution", "A"]
    result = runner.invoke(app, ["kpi", *grades, *args])
    assert result.exit_code == 2
    assert message in result.stderr
