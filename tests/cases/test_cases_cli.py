"""`csr cases`, `csr due` and `csr handover` through the real CLI, on both backends."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from cases.conftest import AGENT, Backend
from csr_cli.cli import app
from csr_cli.config import set_value

runner = CliRunner()


def csr(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def record(*args: str) -> dict[str, object]:
    code, out, err = csr("cases", "record", *args, "--json")
    assert code == 0, err
    data: dict[str, object] = json.loads(out)
    return data


def test_record_list_show_on_both_backends(backend: Backend) -> None:
    first = record(
        "compensation",
        "--buyer",
        "tb_a",
        "--order",
        "1001",
        "--reason",
        "goodwill",
        "--amount",
        "¥9.99",
        "--cap",
        "9.99",
    )
    assert (first["id"], first["state"], first["amount"], first["created"]) == (
        1,
        "approved",
        "9.99",
        True,
    )
    assert str(first["created_at"]).endswith("+08:00")  # shown in the shop's time zone
    record(
        "refund",
        "--buyer",
        "tb_b",
        "--order",
        "1002",
        "--reason",
        "质量问题",
        "--amount",
        "202",
        "--item",
        "白色T恤 M",
    )
    code, out, _ = csr("cases", "list", "--json", "--buyer", "tb_b")
    assert code == 0
    listed = json.loads(out)
    assert [(c["id"], c["kind"], c["state"], c["item"]) for c in listed] == [
        (2, "refund", "waiting-parcel", "白色T恤 M")
    ]
    code, out, _ = csr("cases", "list")
    assert code == 0
    assert [line.split("\t")[0] for line in out.splitlines()] == ["1", "2"]
    code, out, _ = csr("cases", "show", "2")
    assert code == 0
    assert (
        "case 2: refund" in out and "history:" in out and f"{AGENT}  created waiting-parcel" in out
    )


def test_over_cap_compensation_is_pending_until_a_supervisor_approves(backend: Backend) -> None:
    case = record(
        "compensation", "--buyer", "tb_a", "--reason", "goodwill", "--amount", "15", "--cap", "9.99"
    )
    assert case["state"] == "pending-approval"
    code, out, _ = csr("cases", "list", "--state", "pending-approval", "--json")
    assert [c["id"] for c in json.loads(out)] == [case["id"]]
    set_value("agent", "主管老王")
    code, out, err = csr("cases", "approve", str(case["id"]), "--note", "老客户", "--json")
    assert code == 0, err
    approved = json.loads(out)
    decision = approved["history"][-1]
    assert approved["state"] == "approved"
    assert (decision["action"], decision["actor"], decision["note"]) == (
        "approve",
        "主管老王",
        "老客户",
    )
    assert decision["at"].endswith("+08:00")


def test_reject_and_state_errors_exit_2_with_one_line(backend: Backend) -> None:
    case = record(
        "compensation", "--buyer", "tb_a", "--reason", "goodwill", "--amount", "15", "--cap", "9.99"
    )
    code, _, err = csr("cases", "reject", str(case["id"]))
    assert code == 0 and "rejected by" in err
    code, _, err = csr("cases", "set-state", str(case["id"]), "entered")
    assert code == 2
    assert err.startswith("error: ") and err.count("\n") == 1 and "rejected" in err
    code, _, err = csr("cases", "show", "42")
    assert (code, err) == (2, "error: no case 42; see `csr cases list`\n")


def test_note_due_amend_and_state(backend: Backend) -> None:
    case = record(
        "exchange-other",
        "--buyer",
        "tb_c",
        "--reason",
        "尺码不合适",
        "--item",
        "M",
        "--wanted",
        "L",
        "--postage",
        "10",
        "--postage-due",
    )
    cid = str(case["id"])
    assert csr("cases", "note", cid, "买家已寄回")[0] == 0
    assert csr("cases", "due", cid, "2030-01-02T10:00")[0] == 0
    assert csr("cases", "set-state", cid, "received")[0] == 0
    code, out, err = csr("cases", "amend", cid, "5", "--note", "差价", "--json")
    assert code == 0, err
    shown = json.loads(out)
    assert (shown["amount"], shown["recorded_amount"], shown["due_at"]) == (
        "5.00",
        "0.00",
        "2030-01-02T10:00:00+08:00",
    )
    assert [e["action"] for e in shown["history"]] == ["created", "note", "due", "state", "amount"]
    assert (shown["wanted_item"], shown["postage"], shown["postage_due"]) == ("L", "10.00", True)


def test_retries_through_the_cli_do_not_duplicate(backend: Backend) -> None:
    args = ("refund", "--buyer", "tb_d", "--order", "77", "--reason", "未发货", "--amount", "50")
    first = record(*args)
    second = record(*args)
    keyed = [record(*args[:-1], "51", "--idempotency-key", "k-1") for _ in range(2)]
    assert second["id"] == first["id"] and second["created"] is False
    assert keyed[0]["id"] == keyed[1]["id"] and [k["created"] for k in keyed] == [True, False]
    code, out, _ = csr("cases", "list", "--json")
    assert code == 0 and len(json.loads(out)) == 2


def test_due_and_handover(backend: Backend) -> None:
    record(
        "refund",
        "--buyer",
        "tb_late",
        "--reason",
        "r",
        "--amount",
        "1",
        "--due",
        "2020-01-01T10:00",
    )
    code, out, err = csr(
        "handover", "add", "tb_next", "--note", "等买家发图", "--due", "+1m", "--json"
    )
    assert code == 0, err
    handover = json.loads(out)
    code, out, _ = csr("due")
    lines = out.splitlines()
    assert lines[0].startswith("OVERDUE\t2020-01-01 10:00\tcase 1\ttb_late")
    assert lines[1].startswith("due\t") and "handover" in lines[1]
    code, out, _ = csr("handover", "list")
    assert out.split("\t")[:3] == [str(handover["id"]), "tb_next", "等买家发图"]
    assert csr("handover", "done", str(handover["id"]))[0] == 0
    code, out, err = csr("handover", "list")
    assert (out, err) == ("", "no buyers handed over\n")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["cases", "record", "compensation", "--buyer", "a", "--reason", "r", "--amount", "-1"],
            "--amount must not be negative",
        ),
        (
            [
                "cases",
                "record",
                "refund",
                "--buyer",
                "a",
                "--reason",
                "r",
                "--amount",
                "1",
                "--due",
                "soon",
            ],
            "--due is not a time",
        ),
        (
            ["cases", "record", "refund", "--buyer", "a", "--reason", "r"],
            "a refund case needs --amount",
        ),
        (
            ["cases", "list", "--from", "2026-12-05", "--to", "2026-12-01"],
            "--to 2026-12-01 is before --from",
        ),
        (["cases", "due", "1", "明天99点"], "WHEN is not a time of day"),
    ],
)
def test_bad_input_is_one_line_naming_the_option(
    backend: Backend, args: list[str], message: str
) -> None:
    code, out, err = csr(*args)
    assert code == 2 and out == ""
    assert err.startswith("error: ") and message in err and err.count("\n") == 1


def test_recording_needs_the_agent_and_shop(backend: Backend) -> None:
    from csr_cli.config import unset_value

    unset_value("agent")
    code, _, err = csr(
        "cases", "record", "refund", "--buyer", "a", "--reason", "r", "--amount", "1"
    )
    assert code == 2
    assert (
        err
        == "error: no agent to record the case under: save it with `csr config set agent 小美`\n"
    )


def test_due_on_a_terminal_is_a_table_with_overdue_first(
    backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    from csr_cli.commands import followup

    monkeypatch.setattr(followup, "use_rich", lambda: True)
    record("refund", "--buyer", "tb_soon", "--reason", "r", "--amount", "1", "--due", "+1m")
    record(
        "refund",
        "--buyer",
        "tb_late",
        "--reason",
        "r",
        "--amount",
        "1",
        "--due",
        "2020-01-01T10:00",
    )
    code, out, _ = csr("due")
    assert code == 0
    rows = [line.split() for line in out.splitlines()]
    assert rows[0][:2] == ["due", "what"]
    assert rows[1][0] == "OVERDUE" and "tb_late" in rows[1]
    assert rows[2][0] == "due" and "tb_soon" in rows[2]
