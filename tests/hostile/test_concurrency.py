"""Concurrent writers, and `kill -9` in the middle of every kind of write csr does: the
phrasebook, the config, the state files, the cache and an export. Afterwards every file is the
old or the new version, whole; nothing of the user's is lost; the next run works and removes
what the killed writer left."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import yaml
from helpers import TALLY, assert_clean, csr_command, leftovers, run

from csr_cli import paths
from csr_cli.state import load_state

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


def personal_ids() -> list[str]:
    data = yaml.safe_load(paths.personal_phrasebook().read_text(encoding="utf-8")) or {}
    return [entry["id"] for entry in data.get("entries") or []]


def start(args: list[str]) -> subprocess.Popen[bytes]:
    TALLY.inputs += 1
    TALLY.subprocesses += 1
    return subprocess.Popen(
        [*csr_command(), *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def kill_at(process: subprocess.Popen[bytes], delay: float) -> bool:
    """SIGKILL the process after `delay` seconds; whether it was still running then."""
    time.sleep(delay)
    running = process.poll() is None
    if running:
        process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    if process.stderr is not None:
        err = process.stderr.read().decode()
        assert "Traceback" not in err, err
        process.stderr.close()
    return running


def test_concurrent_adds_all_land() -> None:
    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(
            pool.map(lambda n: run(["add", f"c-{n}", "--text", f"亲，第{n}条～"]), range(8))
        )
    for outcome in outcomes:
        assert_clean(outcome, codes=(0,))
    assert sorted(personal_ids()) == sorted(f"c-{n}" for n in range(8))
    assert leftovers(paths.config_dir()) == []


def test_concurrent_config_sets_all_land() -> None:
    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(lambda n: run(["config", "set", f"key_{n}", f"值{n}"]), range(10)))
    for outcome in outcomes:
        assert_clean(outcome, codes=(0,))
    config = tomllib.loads(paths.config_file().read_text(encoding="utf-8"))
    assert config == {f"key_{n}": f"值{n}" for n in range(10)}


def test_concurrent_replies_count_every_use() -> None:
    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(lambda n: run(["reply", "bargain", "--no-copy"]), range(10)))
    for outcome in outcomes:
        assert_clean(outcome, codes=(0,))
    usage = load_state("usage")
    assert sum(v if isinstance(v, int) else v.get("count", 0) for v in usage.values()) == 10


def test_concurrent_cache_builds_and_imports(tmp_path: Path) -> None:
    for path in paths.cache_dir().iterdir():
        path.unlink()
    sheets = []
    for n in range(3):
        sheet = tmp_path / f"s{n}.csv"
        sheet.write_text(f"快捷编码,快捷短语,快捷短语分组\nk{n},亲，第{n}张表～,\n", "utf-8")
        sheets.append(sheet)
    jobs = [["list"]] * 2 + [["import", str(sheet)] for sheet in sheets]
    with ThreadPoolExecutor(max_workers=5) as pool:
        outcomes = list(pool.map(run, jobs))
    for outcome in outcomes:
        assert_clean(outcome, codes=(0,))
    assert sorted(personal_ids()) == ["k0", "k1", "k2"]
    assert leftovers(paths.cache_dir()) == []


def test_concurrent_exports_to_one_file_leave_one_whole_file(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    with ThreadPoolExecutor(max_workers=6) as pool:
        outcomes = list(pool.map(lambda _: run(["export", "-o", str(out)]), range(6)))
    for outcome in outcomes:
        assert_clean(outcome, codes=(0,))
    rows = out.read_text(encoding="utf-8-sig").splitlines()
    assert rows[0] == "快捷编码,快捷短语,快捷短语分组" and len(rows) > 300
    assert leftovers(tmp_path) == []


def big_sheet(path: Path, rows: int) -> Path:
    lines = ["快捷编码,快捷短语,快捷短语分组"]
    lines += [f"{'q' + str(n) if n % 2 else ''},亲，这是第{n}条快捷短语～,组" for n in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_kill_9_during_imports_leaves_the_old_or_the_new_phrasebook(tmp_path: Path) -> None:
    assert_clean(run(["add", "keep-me", "--text", "亲，我一直都在～"]), codes=(0,))
    old = paths.personal_phrasebook().read_bytes()
    sheet = big_sheet(tmp_path / "big.csv", 6000)
    killed = 0
    for delay in (0.15, 0.35, 0.6, 0.9, 1.3):
        process = start(["import", str(sheet)])
        killed += kill_at(process, delay)
        now = paths.personal_phrasebook().read_bytes()
        ids = personal_ids()
        assert "keep-me" in ids
        assert now == old or len(ids) > 1000, len(ids)
        if now != old:  # the import landed whole: undo it for the next round
            paths.personal_phrasebook().write_bytes(old)
    assert killed >= 2
    assert_clean(run(["add", "after", "--text", "亲，还在～"]), codes=(0,))
    assert {"keep-me", "after"} <= set(personal_ids())
    assert leftovers(paths.config_dir()) == []


def test_kill_9_during_config_and_state_writes(tmp_path: Path) -> None:
    assert_clean(run(["config", "set", "shop", "小美家"]), codes=(0,))
    for n in range(6):
        process = start(["config", "set", "agent", f"客服{n}"])
        kill_at(process, 0.02 * n + 0.05)
        config = tomllib.loads(paths.config_file().read_text(encoding="utf-8"))
        assert config["shop"] == "小美家"
        process = start(["reply", "bargain", "--no-copy"])
        kill_at(process, 0.02 * n + 0.05)
        for state in paths.state_dir().glob("*.json"):
            json.loads(state.read_text(encoding="utf-8"))
    assert_clean(run(["config", "set", "agent", "小美"]), codes=(0,))
    assert_clean(run(["reply", "bargain", "--no-copy"]), codes=(0,))
    assert leftovers(paths.config_dir()) == []
    assert leftovers(paths.state_dir()) == []


def test_kill_9_during_a_cache_build_leaves_nothing_behind(tmp_path: Path) -> None:
    sheet = big_sheet(tmp_path / "big.csv", 3000)
    assert_clean(run(["import", str(sheet)]), codes=(0,))
    for path in paths.cache_dir().iterdir():
        path.unlink()
    killed = 0
    for delay in (0.3, 0.7):
        process = start(["list"])
        killed += kill_at(process, delay)
    assert killed >= 1
    outcome = run(["reply", "q1", "--no-copy"])
    assert_clean(outcome, codes=(0,))
    assert outcome.stdout == "亲，这是第1条快捷短语～\n"
    assert leftovers(paths.cache_dir()) == []


def test_kill_9_during_an_export_leaves_the_old_file_or_the_new(tmp_path: Path) -> None:
    out = tmp_path / "out.yaml"
    out.write_text("my own notes\n", encoding="utf-8")
    for delay in (0.05, 0.1, 0.15, 0.2, 0.3):
        process = start(["export", "-o", str(out)])
        kill_at(process, delay)
        text = out.read_text(encoding="utf-8")
        assert (
            text == "my own notes\n"
            or text.rstrip().endswith(("]", "'", '"'))
            or (yaml.safe_load(text))
        )
        out.write_text("my own notes\n", encoding="utf-8")
    assert_clean(run(["export", "-o", str(out)]), codes=(0,))
    assert leftovers(tmp_path) == []
    assert os.path.getsize(out) > 1000
