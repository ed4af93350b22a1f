"""Nothing lost, nothing doubled, nothing leaked: real processes against both backends."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from conftest import csr_executable, run_csr

from cases.conftest import Backend
from cases.pgserver import PASSWORD, Server
from csr_cli.cases import open_case_log

WRITERS = 20


def _env(backend: Backend) -> dict[str, str]:
    return {**os.environ, **backend.env}


def test_twenty_parallel_writers_lose_no_case(backend: Backend) -> None:
    """Twenty agents record at once into a database nobody has opened yet (so they also race
    to create the schema); every case is there exactly once, with its history."""
    processes = [
        subprocess.Popen(
            [
                *csr_executable(),
                "cases",
                "record",
                "refund",
                "--buyer",
                f"tb_{n}",
                "--order",
                f"o{n}",
                "--reason",
                "质量问题",
                "--amount",
                f"{n}.01",
            ],
            env=_env(backend),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(WRITERS)
    ]
    results = [(p.wait(timeout=120), p.stdout.read(), p.stderr.read()) for p in processes]  # type: ignore[union-attr]
    assert [code for code, _, _ in results] == [0] * WRITERS, [err for _, _, err in results if err]
    log = open_case_log(backend.url)
    cases = log.find()
    log.close()
    assert sorted(c.buyer for c in cases) == sorted(f"tb_{n}" for n in range(WRITERS))
    assert len({c.id for c in cases}) == WRITERS
    assert all([e.action for e in c.history] == ["created"] for c in cases)
    assert {c.buyer: str(c.amount) for c in cases}["tb_7"] == "7.01"


KILLED_WRITER = textwrap.dedent(
    """
    import sys, time
    from decimal import Decimal
    from pathlib import Path
    from csr_cli.cases import CaseKind, NewCase, open_case_log, store

    marker = Path(sys.argv[1])

    def stop_here(case_id: int) -> None:
        marker.write_text(str(case_id))
        time.sleep(60)  # the test kills us here: the case row is written, its history is not

    log = open_case_log()
    store.after_case_insert = stop_here
    log.record(NewCase(kind=CaseKind.compensation, buyer="tb_killed", reason="goodwill",
                       amount=Decimal("5.00"), cap=Decimal("9.99")))
    """
)


def test_kill_9_in_the_middle_of_a_write_leaves_no_half_case(
    backend: Backend, tmp_path: Path
) -> None:
    open_case_log(backend.url).close()  # the schema exists; the kill hits the case itself
    marker = tmp_path / "inserted"
    writer = subprocess.Popen(
        [sys.executable, "-c", KILLED_WRITER, str(marker)],
        env=_env(backend),
        stdin=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert writer.poll() is None, "the writer died before reaching the insert"
        assert time.monotonic() < deadline
        time.sleep(0.05)
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait(timeout=30)
    done = run_csr(
        "cases",
        "record",
        "refund",
        "--buyer",
        "tb_after",
        "--reason",
        "r",
        "--amount",
        "1",
        "--json",
        env=backend.env,
    )
    assert done.returncode == 0, done.stderr
    log = open_case_log(backend.url)
    cases = log.find()
    log.close()
    assert [c.buyer for c in cases] == ["tb_after"]  # the killed case is wholly absent
    assert all(c.history and c.history[0].action == "created" for c in cases)


def test_killing_real_cli_writers_at_random_never_leaves_a_case_without_history(
    backend: Backend,
) -> None:
    open_case_log(backend.url).close()
    for n, delay in enumerate((0.15, 0.3, 0.45, 0.6, 0.75, 0.9)):
        process = subprocess.Popen(
            [
                *csr_executable(),
                "cases",
                "record",
                "compensation",
                "--buyer",
                f"k{n}",
                "--reason",
                "goodwill",
                "--amount",
                "20",
                "--cap",
                "9.99",
            ],
            env=_env(backend),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    log = open_case_log(backend.url)
    for case in log.find():
        assert [e.action for e in case.history] == ["created", "needs-approval"], case
    log.close()


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # closed again when the block ends: nobody listens


def _assert_not_recorded(done: subprocess.CompletedProcess[str], secret: str) -> None:
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("error: cannot reach the case database postgresql")
    assert "the case was NOT recorded" in lines[0]
    assert secret not in done.stderr and "***" in lines[0]


def test_unreachable_database_is_one_line_exit_2_not_recorded_no_password(tmp_path: Path) -> None:
    url = f"postgresql://csr_agent:{PASSWORD}@127.0.0.1:{_closed_port()}/csr_cases"
    env = {"CSR_DATABASE_URL": url}
    run_csr("config", "set", "agent", "小美")
    run_csr("config", "set", "shop", "小美家")
    done = run_csr(
        "cases", "record", "refund", "--buyer", "b", "--reason", "r", "--amount", "1", env=env
    )
    _assert_not_recorded(done, PASSWORD)
    assert "Connection refused" in done.stderr or "connection" in done.stderr.lower()


def test_a_wrong_password_is_not_shown_either(pg_server: Server) -> None:
    wrong = "Wr0ng-Secret-77"
    env = {"CSR_DATABASE_URL": pg_server.url(password=wrong)}
    run_csr("config", "set", "agent", "小美")
    run_csr("config", "set", "shop", "小美家")
    done = run_csr(
        "cases", "record", "refund", "--buyer", "b", "--reason", "r", "--amount", "1", env=env
    )
    _assert_not_recorded(done, wrong)
    assert "password authentication failed" in done.stderr


def test_config_doctor_and_path_never_show_the_password(pg_server: Server) -> None:
    assert run_csr("config", "set", "database_url", pg_server.url()).returncode == 0
    outputs = [run_csr("config", "set", "database_url", pg_server.url())]
    outputs += [
        run_csr(*args)
        for args in (
            ["config", "show"],
            ["config", "show", "--json"],
            ["config", "path"],
            ["doctor"],
            ["doctor", "--json"],
        )
    ]
    for done in outputs:
        assert PASSWORD not in done.stdout + done.stderr, done.args
    assert "csr_agent:***@" in outputs[1].stdout
    assert "cases: postgresql://csr_agent:***@" in outputs[3].stdout


@pytest.mark.parametrize("command", [["cases", "list"], ["due"], ["handover", "list"]])
def test_reading_from_an_unreachable_database_exits_2(command: list[str]) -> None:
    url = f"postgresql://csr_agent:{PASSWORD}@127.0.0.1:{_closed_port()}/x"
    done = run_csr(*command, env={"CSR_DATABASE_URL": url})
    assert done.returncode == 2 and len(done.stderr.splitlines()) == 1
    assert PASSWORD not in done.stderr and "nothing was recorded or changed" in done.stderr


def test_an_unusable_sqlite_folder_is_one_line_not_recorded(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    run_csr("config", "set", "agent", "小美")
    run_csr("config", "set", "shop", "小美家")
    env = {"CSR_DATA_DIR": str(blocker / "data")}
    done = run_csr(
        "cases", "record", "refund", "--buyer", "b", "--reason", "r", "--amount", "1", env=env
    )
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1
    assert "the case was NOT recorded" in done.stderr and "CSR_DATA_DIR" in done.stderr


def test_the_same_case_recorded_by_racing_retries_is_stored_once(backend: Backend) -> None:
    """A double-clicked --record: several processes store the same case at the same moment."""
    open_case_log(backend.url).close()
    args = [
        "cases",
        "record",
        "compensation",
        "--buyer",
        "tb_race",
        "--order",
        "9",
        "--reason",
        "goodwill",
        "--amount",
        "5",
        "--cap",
        "9.99",
        "--json",
    ]
    processes = [
        subprocess.Popen(
            [*csr_executable(), *args],
            env=_env(backend),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(8)
    ]
    outputs = [p.communicate(timeout=120) for p in processes]
    assert [p.returncode for p in processes] == [0] * 8, [err for _, err in outputs]
    stored = [json.loads(out) for out, _ in outputs]
    assert len({case["id"] for case in stored}) == 1
    assert sorted(case["created"] for case in stored) == [False] * 7 + [True]
    log = open_case_log(backend.url)
    assert len(log.find()) == 1
    log.close()


def test_a_database_the_agent_may_not_change_is_one_line_not_recorded(pg_server: Server) -> None:
    """The team lead's database, before the agents were granted rights: csr cannot create its
    tables, says so in one line, and records nothing."""
    url = pg_server.create_database("csr_not_granted", owner="postgres")
    run_csr("config", "set", "agent", "小美")
    run_csr("config", "set", "shop", "小美家")
    done = run_csr(
        "cases",
        "record",
        "refund",
        "--buyer",
        "b",
        "--reason",
        "r",
        "--amount",
        "1",
        env={"CSR_DATABASE_URL": url},
    )
    assert done.returncode == 2 and done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: cannot use the case database postgresql")
    assert "permission denied" in lines[0] and "the case was NOT recorded" in lines[0]
    assert PASSWORD not in done.stderr
