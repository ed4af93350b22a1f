"""The fast path (commands/_fast/) must be invisible: each command line below runs as a real
process through it and through Typer (CSR_NO_FASTPATH=1), from the same state, and both give
the same stdout, stderr, exit code and state files. Ctrl-C and a closed pipe too."""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import REPO, csr_executable

from csr_cli import cli, paths
from csr_cli.commands._fast import compile as fast_compile
from csr_cli.commands._fast import parse as fast_parse
from csr_cli.commands._fast import table as fast_table
from csr_cli.state import load_state

POLICY = REPO / "policies" / "default.yaml"

# (command line, which path takes it): "fast" lines are parsed by the table; "typer" lines are
# what the fast path must hand over (help, bad options and values Typer reports, other commands).
CASES: list[tuple[str, str]] = [
    ("reply bargain", "fast"),
    ("reply bargain --no-copy", "fast"),
    ("reply bargain --json", "fast"),
    ("reply --json bargain", "fast"),
    ("reply bargain -v 2", "fast"),
    ("reply bargain -v2", "fast"),
    ("reply bargain --variant=3", "fast"),
    ("reply bargain --variant 9", "fast"),
    ("reply bargain -v 0", "fast"),
    ("reply bargain -v -1", "fast"),
    ("reply bargain -v ' 2 '", "fast"),
    ("reply bargain -s shop=小美家", "fast"),
    ("reply bargain --set=shop=小美家 --set agent=阿美", "fast"),
    ("reply bargain --set shop", "fast"),
    ("reply bargain --set =x", "fast"),
    ("reply bargain --no-copy --no-copy --json", "fast"),
    ("reply nosuch", "fast"),
    ("reply 便宜", "fast"),
    ("reply -", "fast"),
    ("reply ''", "fast"),
    ("reply free-shipping-request", "fast"),
    ("reply free-shipping-request --set threshold=1", "fast"),
    ("reply compensation-keep-damaged", "fast"),
    ("reply compensation-keep-damaged -s amount=20 --json", "fast"),
    (f"reply bargain --policy {POLICY}", "fast"),
    ("reply bargain --policy /nonexistent/policy.yaml", "fast"),
    ("reply bargain -v x", "typer"),
    ("reply bargain -v", "typer"),
    ("reply bargain -v=2", "typer"),
    ("reply", "typer"),
    ("reply bargain wait", "fast"),  # several ids compose one answer
    ("reply bargain --help", "typer"),
    ("reply -h", "typer"),
    ("reply bargain --bogus", "typer"),
    ("reply bargain --json=1", "typer"),
    ("reply -- bargain", "typer"),
    ("reply bargain -s", "typer"),
    ("reply bargain -xv 2", "typer"),
    ("search 能便宜点吗", "fast"),
    ("search 能 便宜 点", "fast"),
    ("search yj -n 3", "fast"),
    ("search 退款 --limit=2 --json", "fast"),
    ("search 退款 -r aftersale", "fast"),
    ("search 能便宜点吗 -c", "fast"),
    ("search 能便宜点吗 --copy --no-copy --set shop=小美家", "fast"),
    ("search zzzzqqqq", "fast"),
    ("search -n 1000 快递", "fast"),
    ("search 退款 -n 0", "typer"),
    ("search 退款 -n 1001", "typer"),
    ("search 退款 --role nosuch", "typer"),
    ("search 退款 -r Aftersale", "typer"),
    ("search", "typer"),
    ("search 退款 -cn 2", "typer"),
    ("search -- -x", "typer"),
    ("search 退款 -n", "typer"),
    ("refund 190", "fast"),
    ("refund 190 --shipping 10", "fast"),
    ("refund 190 --shipping=10 -r color", "fast"),
    ("refund 190 -r defect --return-shipping 12 --json", "fast"),
    ("refund ¥190 --shipping 10 --items 120,80 --returning 80", "fast"),
    ("refund 190 --items 120,80", "fast"),
    ("refund abc", "fast"),
    ("refund 190 --shipping abc", "fast"),
    ("refund 190 --shipping -5", "fast"),
    ("refund 190 --set shop=小美家 --no-copy", "fast"),
    ("refund 190 --policy /nonexistent/policy.yaml", "fast"),
    ("refund -5", "typer"),
    ("refund 190 -r nosuch", "typer"),
    ("refund", "typer"),
    ("compensate 250", "fast"),
    ("compensate 250 --offer 30", "fast"),
    ("compensate 250 -r minor-defect --shipping 8", "fast"),
    ("compensate 250 --shipping 300 -r minor-defect", "fast"),
    ("compensate 250 -r nosuch", "typer"),
    ("return-check --signed 2026-11-01 --on 2026-11-05", "fast"),
    ("return-check --signed 2026-11-01 --on 2026-11-20", "fast"),
    ("return-check --signed 2026-11-01 --on 2026-11-05 -k worn -k tried", "fast"),
    ("return-check --signed=2026-11-01 -c custom --on 2026-11-03 --json", "fast"),
    ("return-check --signed 2026-11-01 --on 2026-11-05 --quality --gift-missing", "fast"),
    ("return-check --signed nodate", "fast"),
    ("return-check --on 2026-11-05", "typer"),
    ("return-check --signed 2026-11-01 -k soggy", "typer"),
    ("shipping --to 杭州", "fast"),
    ("shipping --to 杭州 --amount 60", "fast"),
    ("shipping --to 喀什 --courier ems --json", "fast"),
    ("shipping --to 火星", "fast"),
    ("shipping --courier nosuch --to 杭州", "typer"),
    ("shipping", "typer"),
    ("exchange 159 179", "fast"),
    ("exchange 159 179 --shipping 8 -r colour --json", "fast"),
    ("exchange ¥200 150 -r quality", "fast"),
    ("exchange 159 abc", "fast"),
    ("exchange 159", "typer"),
    ("exchange 159 179 -r nosuch", "typer"),
    ("show bargain", "typer"),
    ("list --role presale", "typer"),
    ("stats", "typer"),
    ("--version", "fast"),
    ("--version reply", "typer"),
    ("nosuchcommand", "typer"),
    ("--help", "typer"),
    ("-h", "typer"),
    ("", "typer"),
]

# atexit reports which path ran: the real Typer is loaded only on the Typer path.
PROBE = (
    "import atexit, os, sys\n"
    "atexit.register(lambda: open(os.environ['CSR_TEST_PROBE'], 'w').write("
    "'typer' if 'typer.main' in sys.modules else 'fast'))\n"
    "sys.argv[0] = 'csr'\n"
    "from csr_cli.__main__ import main\n"
    "main()\n"
)
SEED = {"rotation.json": '{"bargain": 0}', "usage.json": '{"bargain": 2, "wait": 1}'}


@pytest.fixture
def table(isolated: Path) -> Path:
    """The compiled table in this test's cache dir, and a config with the agent's name."""
    fast_table.save_table(fast_compile.compile_table())
    paths.config_file().parent.mkdir(parents=True, exist_ok=True)
    paths.config_file().write_text('agent = "阿美"\n', encoding="utf-8")
    return Path(fast_table.table_path())


def seeded_state(folder: Path) -> Path:
    folder.mkdir(parents=True)
    for name, text in SEED.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def state_of(folder: Path) -> dict[str, str]:
    return {path.name: path.read_text(encoding="utf-8") for path in sorted(folder.iterdir())}


def run_line(line: str, folder: Path, *, fast: bool) -> dict[str, object]:
    state = seeded_state(folder / "state")
    probe = folder / "probe"
    env = {**os.environ, "CSR_STATE_DIR": str(state), "CSR_NO_COPY": "1"}
    env["CSR_TEST_PROBE"] = str(probe)
    if not fast:
        env["CSR_NO_FASTPATH"] = "1"
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *shlex.split(line)],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )
    return {
        "stdout": done.stdout,
        "stderr": done.stderr,
        "exit": done.returncode,
        "state": {k: v for k, v in state_of(state).items() if not k.endswith(".lock")},
        "path": probe.read_text(encoding="utf-8"),
    }


def test_both_paths_agree_on_every_command_line(table: Path, tmp_path: Path) -> None:
    def both(index: int) -> tuple[dict[str, object], dict[str, object]]:
        line = CASES[index][0]
        fast = run_line(line, tmp_path / f"{index}-fast", fast=True)
        typer = run_line(line, tmp_path / f"{index}-typer", fast=False)
        return fast, typer

    with ThreadPoolExecutor(max_workers=3) as pool:
        results = list(pool.map(both, range(len(CASES))))
    assert len(CASES) >= 60
    for (line, expected_path), (fast, typer) in zip(CASES, results, strict=True):
        assert typer["path"] == "typer", line
        assert fast["path"] == expected_path, line
        for key in ("stdout", "stderr", "exit", "state"):
            assert fast[key] == typer[key], f"csr {line}: {key} differs"
    # The lines exercise successes, domain errors (exit 2) and refusals (exit 1) on the fast path.
    fast_codes = {
        fast["exit"] for (_, path), (fast, _) in zip(CASES, results, strict=True) if path == "fast"
    }
    assert fast_codes == {0, 1, 2}


def test_ctrl_c_inside_the_command_exits_130_on_both_paths(table: Path, tmp_path: Path) -> None:
    """The test holds the rotation lock, so csr prints the reply and then waits to record it;
    SIGINT arrives there."""
    import fcntl

    outcomes = []
    for fast in (True, False):
        state = seeded_state(tmp_path / f"state-{fast}")
        env = {**os.environ, "CSR_STATE_DIR": str(state), "CSR_NO_COPY": "1"}
        if not fast:
            env["CSR_NO_FASTPATH"] = "1"
        lock = os.open(state / "rotation.lock", os.O_RDWR | os.O_CREAT, 0o644)
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            process = subprocess.Popen(
                [*csr_executable(), "reply", "bargain"],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                stdin=subprocess.DEVNULL,
                env=env,
            )
            assert process.stdout is not None
            first_line = process.stdout.readline()  # the reply is out; now it waits for the lock
            time.sleep(0.3)
            process.send_signal(signal.SIGINT)
            out, err = process.communicate(timeout=60)
        finally:
            os.close(lock)
        outcomes.append((process.returncode, first_line + out, err, state_of(state)))
    assert outcomes[0] == outcomes[1]
    assert outcomes[0][0] == 130
    assert outcomes[0][1].strip()
    assert b"Traceback" not in outcomes[0][2]


@pytest.mark.parametrize(
    "line", ["reply bargain --no-copy", "search 退款 -n 20", "refund 190 --shipping 10"]
)
def test_a_closed_stdout_behaves_the_same_on_both_paths(
    table: Path, tmp_path: Path, line: str
) -> None:
    outcomes = []
    for fast in (True, False):
        state = seeded_state(tmp_path / f"state-{fast}")
        env = {**os.environ, "CSR_STATE_DIR": str(state), "CSR_NO_COPY": "1"}
        if not fast:
            env["CSR_NO_FASTPATH"] = "1"
        read_end, write_end = os.pipe()
        os.close(read_end)  # the reader is gone before csr writes a byte
        try:
            done = subprocess.run(
                [*csr_executable(), *shlex.split(line)],
                stdout=write_end,
                stderr=subprocess.PIPE,
                stdin=subprocess.DEVNULL,
                env=env,
                timeout=60,
            )
        finally:
            os.close(write_end)
        outcomes.append((done.returncode, done.stderr, state_of(state)))
    assert outcomes[0] == outcomes[1]
    assert outcomes[0][0] == 1
    assert b"Traceback" not in outcomes[0][1]


def test_a_pipe_closed_early_behaves_the_same_on_both_paths(table: Path, tmp_path: Path) -> None:
    """`csr search … | head -c1` with more output than a pipe holds: the reader takes one byte
    and goes away while csr is still writing."""
    book = paths.personal_phrasebook()
    book.write_text(
        "entries:\n  - id: long-reply\n    keywords: [超长回复]\n    variants:\n      - "
        + "亲" * 40000
        + "\n",
        encoding="utf-8",
    )
    outcomes = []
    for fast in (True, False):
        env = {**os.environ, "CSR_NO_COPY": "1", **({} if fast else {"CSR_NO_FASTPATH": "1"})}
        process = subprocess.Popen(
            [*csr_executable(), "search", "超长回复", "--json"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            env=env,
        )
        assert process.stdout is not None and process.stderr is not None
        first = process.stdout.read(1)
        process.stdout.close()
        err = process.stderr.read()
        outcomes.append((process.wait(timeout=120), first, err))
    assert outcomes[0] == outcomes[1]
    assert outcomes[0][1] == b"["
    assert b"Traceback" not in outcomes[0][2]


def test_thirty_parallel_fast_replies_count_thirty(table: Path, isolated: Path) -> None:
    processes = [
        subprocess.Popen(
            [*csr_executable(), "reply", "bargain", "--no-copy"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
        )
        for _ in range(30)
    ]
    assert all(process.wait(timeout=120) == 0 for process in processes)
    state = isolated / "state"
    assert load_state("usage") == {"bargain": 30}  # the state file and its journal together
    assert load_state("rotation")["bargain"] in range(4)
    assert not list(state.glob("*.tmp"))


def test_a_stale_or_damaged_table_falls_back_to_typer_and_is_rebuilt(table: Path) -> None:
    table.write_text("{not json", encoding="utf-8")
    done = subprocess.run(
        [*csr_executable(), "reply", "bargain", "--no-copy"],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert fast_table.load_table() is not None


def test_the_table_is_keyed_on_the_command_sources(table: Path) -> None:
    loaded = fast_table.load_table()
    assert loaded is not None and loaded["key"] == fast_table.table_key()
    assert set(loaded["commands"]) == set(fast_table.HOT_COMMANDS)
    assert set(loaded["help"]) == set(cli.COMMANDS)


SPEC = {
    "params": [
        {"name": "entry_id", "kind": "argument", "opts": ["entry_id"], "type": "str"},
        {"name": "variant", "kind": "option", "opts": ["--variant", "-v"], "type": "int"},
        {"name": "given", "kind": "option", "opts": ["--set", "-s"], "type": "str"},
        {"name": "as_json", "kind": "option", "opts": ["--json"], "type": "flag"},
    ]
}
for _param in SPEC["params"]:
    _param.update(multiple=_param["name"] == "given", nargs=1, default=None, label="")
    _param["required"] = _param["name"] == "entry_id"


@pytest.mark.parametrize(
    ("args", "raw"),
    [
        (["a"], {"entry_id": "a"}),
        (["-v2", "a"], {"entry_id": "a", "variant": "2"}),
        (["a", "--variant=-3"], {"entry_id": "a", "variant": "-3"}),
        (["a", "-s", "x=1", "--set=y=2"], {"entry_id": "a", "given": ["x=1", "y=2"]}),
        (["a", "-s", "--json"], {"entry_id": "a", "given": ["--json"]}),
        (["--json", "a", "--json"], {"entry_id": "a", "as_json": True}),
        (["-"], {"entry_id": "-"}),
        (["a", "--", "b"], None),
        (["a", "b"], None),
        ([], None),
        (["a", "-v"], None),
        (["a", "-v=2"], None),
        (["a", "--json=yes"], None),
        (["a", "-h"], None),
        (["a", "--varia", "2"], None),
    ],
)
def test_parse_mirrors_click_or_declines(args: list[str], raw: dict[str, object] | None) -> None:
    if raw is None:
        with pytest.raises(fast_parse.Unplain):
            fast_parse.parse(SPEC, args)
    else:
        assert fast_parse.parse(SPEC, args) == raw


@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_the_root_help_is_printed_again_exactly(table: Path, tmp_path: Path, flag: str) -> None:
    """The first `csr --help` is Typer's and is kept; the next is printed by the fast path.
    Another terminal width is a different help, rendered (and kept) anew."""
    runs = [
        run_line(flag, tmp_path / "first", fast=True),
        run_line(flag, tmp_path / "again", fast=True),
        run_line(flag, tmp_path / "typer", fast=False),
    ]
    assert [run["path"] for run in runs] == ["typer", "fast", "typer"]
    assert runs[0] == {**runs[1], "path": "typer"} == runs[2]
    assert "reply" in str(runs[1]["stdout"]) and runs[1]["exit"] == 0
    os.environ["COLUMNS"] = "60"  # the autouse fixture restores it
    narrow = run_line(flag, tmp_path / "narrow", fast=True)
    assert narrow["path"] == "typer"
    assert narrow["stdout"] != runs[0]["stdout"]


def on_a_terminal(env: dict[str, str], *, interrupt: bool) -> tuple[int, bytes]:
    """`csr reply` of an entry that needs a value, in a pseudo-terminal: answer the prompt with
    20, or press Ctrl-C at it. The exit code and everything the terminal showed."""
    import pty
    import select

    pid, fd = pty.fork()
    if pid == 0:  # the child: exec csr, whatever happens
        try:
            os.environ.update(env)
            command = csr_executable()
            os.execv(command[0], [*command, "reply", "compensation-keep-damaged", "--no-copy"])
        finally:
            os._exit(127)
    shown, answered = b"", False
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if select.select([fd], [], [], 0.1)[0]:
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # the child has closed the terminal
                break
            if not chunk:
                break
            shown += chunk
        if not answered and b"amount (" in shown:
            time.sleep(0.2)
            if interrupt:
                os.kill(pid, signal.SIGINT)
            else:
                os.write(fd, b"20\n")
            answered = True
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), shown


@pytest.mark.parametrize("interrupt", [False, True], ids=["answer", "ctrl-c"])
def test_a_prompt_on_a_terminal_is_the_same_on_both_paths(
    table: Path, tmp_path: Path, interrupt: bool
) -> None:
    outcomes = []
    for fast in (True, False):
        env = {"CSR_STATE_DIR": str(seeded_state(tmp_path / f"state-{fast}")), "CSR_NO_COPY": "1"}
        if not fast:
            env["CSR_NO_FASTPATH"] = "1"
        outcomes.append(on_a_terminal(env, interrupt=interrupt))
    assert outcomes[0] == outcomes[1]
    assert outcomes[0][0] == (130 if interrupt else 0)
    assert b"amount (" in outcomes[0][1]
    if not interrupt:
        assert "20元".encode() in outcomes[0][1]


def test_an_unwritable_cache_dir_costs_no_table_compilation(isolated: Path) -> None:
    """Without a place to keep the table, every run would compile it; Typer just runs."""
    blocker = isolated / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    os.environ["CSR_CACHE_DIR"] = str(blocker / "cache")  # the autouse fixture restores it
    assert not fast_table.needs_table(["reply", "bargain"])
    done = subprocess.run(
        [*csr_executable(), "reply", "bargain", "--no-copy"],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
