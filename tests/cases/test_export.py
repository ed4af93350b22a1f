"""`csr cases export`: finance's exact columns, the fuller returns sheet, totals, CSV and xlsx."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cases.conftest import Backend
from csr_cli.cases import CaseKind, CaseState, NewCase, open_case_log
from csr_cli.cli import app

runner = CliRunner()


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


def pay(buyer: str, amount: str, **extra: object) -> NewCase:
    values: dict[str, object] = {
        "kind": CaseKind.compensation,
        "buyer": buyer,
        "reason": "goodwill",
        "amount": Decimal(amount),
        "cap": Decimal("50"),
        **extra,
    }
    return NewCase(**values)  # type: ignore[arg-type]


@pytest.fixture
def december(backend: Backend) -> Backend:
    """A few days of cases; times in UTC, the shop is in Asia/Shanghai (UTC+8)."""
    log = open_case_log(backend.url)
    log.record(pay("tb_a", "9.99"), now=utc("2026-12-01T02:00"))  # 12-01 10:00 local
    log.record(
        pay('=HYPERLINK("x")', "5.00", reason="少件"), now=utc("2026-12-02T15:59")
    )  # 23:59 local
    log.record(pay("tb_late", "7.00"), now=utc("2026-12-02T16:00"))  # 12-03 00:00 local: outside
    log.record(pay("tb_old", "3.00"), now=utc("2026-11-30T15:59"))  # 11-30 23:59 local: outside
    log.record(
        NewCase(
            kind=CaseKind.partial_refund,
            buyer="tb_b",
            reason="少发配件",
            amount=Decimal("20.00"),
            handler="小李",
            shop="二店",
        ),
        now=utc("2026-12-02T01:00"),
    )
    log.record(
        pay("tb_pending", "80.00"), now=utc("2026-12-01T03:00")
    )  # above the cap: not paid yet
    cancelled = log.record(pay("tb_cancel", "4.00"), now=utc("2026-12-01T04:00")).case
    log.set_state(cancelled.id, CaseState.cancelled, actor="小美")
    log.record(
        NewCase(
            kind=CaseKind.refund,
            buyer="tb_r",
            order="88",
            item="白T M",
            reason="质量问题",
            amount=Decimal("202.00"),
        ),
        now=utc("2026-12-01T05:00"),
    )
    log.record(
        NewCase(
            kind=CaseKind.exchange_other,
            buyer="tb_x",
            item="M",
            wanted_item="L",
            reason="尺码",
            amount=Decimal("0"),
            postage=Decimal("10"),
            postage_due=True,
            handler="小李",
            shop="二店",
        ),
        now=utc("2026-12-01T06:00"),
    )
    log.close()
    return backend


def export(*args: str) -> tuple[int, bytes, str]:
    result = runner.invoke(
        app, ["cases", "export", "--from", "2026-12-01", "--to", "2026-12-02", *args]
    )
    return result.exit_code, result.stdout_bytes, result.stderr


PAYOUTS_CSV = (
    "\ufeff店铺,帐号,原因,金额,时间\r\n"
    "小美家,tb_a,goodwill,9.99,2026-12-01 10:00\r\n"
    "二店,tb_b,少发配件,20.00,2026-12-02 09:00\r\n"
    '小美家,"\'=HYPERLINK(""x"")",少件,5.00,2026-12-02 23:59\r\n'
)
TOTALS_CSV = (
    "\ufeff汇总,名称,打款笔数,打款金额,退款笔数,退款金额\r\n"
    "店铺,二店,1,20.00,0,0.00\r\n"
    "店铺,小美家,2,14.99,1,202.00\r\n"
    "处理人,小李,1,20.00,0,0.00\r\n"
    "处理人,小美,2,14.99,1,202.00\r\n"
    "合计,,3,34.99,1,202.00\r\n"
)


def test_payouts_csv_has_exactly_finances_columns_with_a_bom(december: Backend) -> None:
    code, out, err = export()
    assert code == 0, err
    assert out.decode("utf-8") == PAYOUTS_CSV
    assert "3 payout(s) 34.99" in err and "1 payout(s) wait for approval" in err


def test_totals_per_shop_and_agent(december: Backend) -> None:
    code, out, _ = export("--sheet", "totals")
    assert code == 0
    assert out.decode("utf-8") == TOTALS_CSV


def test_returns_sheet_has_the_handbooks_fields(december: Backend) -> None:
    code, out, _ = export("--sheet", "returns")
    assert code == 0
    lines = out.decode("utf-8-sig").splitlines()
    assert lines == [
        "类型,店铺,帐号,订单,款式,需要换的款式,原因,退给客户的金额,邮费金额,是否需要补邮费,是否充值,是否录入,状态,处理人,处理时间",
        "退货退款,小美家,tb_r,88,白T M,,质量问题,202.00,,,否,否,waiting-parcel,小美,2026-12-01 13:00",
        "换货（非质量问题）,二店,tb_x,,M,L,尺码,0.00,10.00,是,否,否,waiting-parcel,小李,2026-12-01 14:00",
    ]


def test_shop_filter_and_json(december: Backend) -> None:
    code, out, _ = export("--shop", "二店", "--json")
    assert code == 0
    data = json.loads(out)
    assert (data["from"], data["to"], data["shop"]) == ("2026-12-01", "2026-12-02", "二店")
    assert data["payouts"] == [
        {
            "店铺": "二店",
            "帐号": "tb_b",
            "原因": "少发配件",
            "金额": "20.00",
            "时间": "2026-12-02 09:00",
        }
    ]
    assert data["totals"][-1] == {
        "汇总": "合计",
        "名称": "",
        "打款笔数": "1",
        "打款金额": "20.00",
        "退款笔数": "0",
        "退款金额": "0.00",
    }


def test_xlsx_has_three_sheets_with_numbers_finance_can_sum(
    december: Backend, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    target = tmp_path / "finance.xlsx"
    code, _, err = export("-o", str(target))
    assert code == 0, err
    book = load_workbook(target)
    assert book.sheetnames == ["打款", "退换货", "汇总"]
    rows = list(book["打款"].iter_rows(values_only=True))
    assert rows[0] == ("店铺", "帐号", "原因", "金额", "时间")
    assert [row[1] for row in rows[1:]] == ["tb_a", "tb_b", '\'=HYPERLINK("x")']
    assert sum(Decimal(str(row[3])) for row in rows[1:]) == Decimal("34.99")
    assert list(book["汇总"].iter_rows(values_only=True))[-1] == ("合计", None, 3, 34.99, 1, 202)


def test_never_overwrites_a_file_csr_did_not_write(december: Backend, tmp_path: Path) -> None:
    theirs = tmp_path / "ledger.csv"
    theirs.write_text("finance's own ledger\n", encoding="utf-8")
    code, _, err = export("-o", str(theirs))
    assert code == 2 and "was not written by `csr cases export`" in err
    assert theirs.read_text(encoding="utf-8") == "finance's own ledger\n"
    ours = tmp_path / "payouts.csv"
    assert export("-o", str(ours))[0] == 0
    assert export("-o", str(ours))[0] == 0  # csr's own export may be refreshed
    assert ours.read_bytes().decode("utf-8") == PAYOUTS_CSV
    code, _, err = export("-o", str(tmp_path / "nowhere" / "x.csv"))
    assert code == 2 and "no folder" in err
