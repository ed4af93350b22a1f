"""Full and read-only folders (a real tiny tmpfs where this process may mount one, else a
file-size limit), closed and full standard streams. Whatever fails is said in one line, and
nothing that was there before is lost or replaced."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import assert_clean, assert_error, leftovers, mounted_tmpfs, run, snapshot

PERSONAL = "entries:\n  - id: mine\n    variants: [亲，在的～]\n"


def can_mount() -> bool:
    return os.geteuid() == 0


@pytest.fixture
def full_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A config folder on a full disk, holding a personal phrasebook and a config file."""
    folder = tmp_path / "full-config"
    with mounted_tmpfs(folder, "256k") as mounted:
        if not mounted:
            pytest.fail("cannot mount a tmpfs here; run the hostile suite as root (as CI does)")
        (folder / "phrasebook.yaml").write_text(PERSONAL, encoding="utf-8")
        (folder / "config.toml").write_text('shop = "小美家"\n', encoding="utf-8")
        fill_up(folder / "filler")
        monkeypatch.setenv("CSR_CONFIG_DIR", str(folder))
        yield folder


def fill_up(path: Path) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT)
    try:
        while True:
            os.write(fd, b"x" * 4096)
    except OSError:
        pass
    finally:
        os.close(fd)


@pytest.fixture
def read_only_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "ro-config"
    with mounted_tmpfs(folder, "256k") as mounted:
        if not mounted:
            pytest.fail("cannot mount a tmpfs here; run the hostile suite as root (as CI does)")
        (folder / "phrasebook.yaml").write_text(PERSONAL, encoding="utf-8")
        (folder / "config.toml").write_text('shop = "小美家"\n', encoding="utf-8")
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True, timeout=10)
        monkeypatch.setenv("CSR_CONFIG_DIR", str(folder))
        yield folder


WRITES = [
    ["add", "mine", "--text", "亲，还有什么可以帮您？"],
    ["add", "new-one", "--text", "亲，新的回复～"],
    ["rm", "mine", "--yes"],
    ["config", "set", "agent", "小美"],
    ["config", "unset", "shop"],
    ["import", "{sheet}"],
]


def fill(args: list[str], tmp: Path) -> list[str]:
    sheet = tmp / "s.csv"
    sheet.write_text("快捷编码,快捷短语,快捷短语分组\nhy,亲，在的～,\nfh,亲，已发货～,\n", "utf-8")
    return [str(sheet) if a == "{sheet}" else a for a in args]


# (`config unset` of the last key writes an empty file, which fits even on a full disk.)
@pytest.mark.parametrize(
    "args", [w for w in WRITES if w[1] != "unset"], ids=lambda a: " ".join(a[:2])
)
def test_writes_on_a_full_disk_change_nothing(
    args: list[str], full_config: Path, tmp_path: Path
) -> None:
    before = snapshot(full_config)
    outcome = run(fill(args, tmp_path))
    assert_error(outcome, str(full_config))
    assert snapshot(full_config) == before
    assert leftovers(full_config) == []


@pytest.mark.parametrize("args", WRITES, ids=lambda a: " ".join(a[:2]))
def test_writes_to_a_read_only_folder_change_nothing(
    args: list[str], read_only_config: Path, tmp_path: Path
) -> None:
    before = snapshot(read_only_config)
    outcome = run(fill(args, tmp_path))
    assert_error(outcome, str(read_only_config))
    assert snapshot(read_only_config) == before


@pytest.mark.parametrize(
    "args",
    [["reply", "mine", "--no-copy"], ["search", "在的"], ["config", "show"]],
)
def test_reading_works_from_full_and_read_only_folders(
    args: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for kind in ("full", "ro"):
        folder = tmp_path / kind
        with mounted_tmpfs(folder, "256k") as mounted:
            assert mounted or not can_mount()
            if not mounted:
                return
            (folder / "phrasebook.yaml").write_text(PERSONAL, encoding="utf-8")
            remount = "remount,ro" if kind == "ro" else "remount,size=8k"
            subprocess.run(["mount", "-o", remount, str(folder)], timeout=10, check=False)
            for name in ("CONFIG", "STATE", "CACHE"):
                monkeypatch.setenv(f"CSR_{name}_DIR", str(folder))
            outcome = run(args)
            assert_clean(outcome, codes=(0,))
            assert leftovers(folder) == []


def test_export_and_kpi_output_to_a_full_disk(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    with mounted_tmpfs(folder, "16k") as mounted:
        if not mounted:
            pytest.fail("cannot mount a tmpfs here; run the hostile suite as root (as CI does)")
        old = folder / "phrases.csv"
        old.write_text("my earlier export\n", encoding="utf-8")
        assert_error(run(["export", "-o", str(old)]), str(old), "nothing was replaced")
        assert old.read_text(encoding="utf-8") == "my earlier export\n"
        assert leftovers(folder) == []
        sheet = tmp_path / "team.csv"
        rows = ["name,quality,refund_rate,disputes,teamwork,execution"]
        rows += [f"agent{n},A,2%,A,A,A" for n in range(300)]
        sheet.write_text("\n".join(rows) + "\n", encoding="utf-8")
        outcome = run(["kpi", "--sheet", str(sheet), "-o", str(old)])
        assert_clean(outcome, codes=(2,))
        assert outcome.stderr.startswith(f"error: -o {old}: cannot write it")
        assert old.read_text(encoding="utf-8") == "my earlier export\n"
        assert leftovers(folder) == []


def test_a_full_state_folder_never_costs_the_reply(tmp_path: Path) -> None:
    folder = tmp_path / "state"
    with mounted_tmpfs(folder, "4k") as mounted:
        if not mounted:
            pytest.fail("cannot mount a tmpfs here; run the hostile suite as root (as CI does)")
        fill_up(folder / "filler")
        outcome = run(["reply", "bargain", "--no-copy"], env={"CSR_STATE_DIR": str(folder)})
        assert_clean(outcome, codes=(0,))
        assert outcome.stdout.startswith("亲")
        assert leftovers(folder) == []


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["lint"], 2),
        (["add", "x"], 2),
        (["reply", "bargain", "--no-copy"], 0),
        (["import", "/dev/stdin"], 2),
        (["pick"], 2),
    ],
)
def test_closed_stdin(args: list[str], code: int) -> None:
    outcome = run_with_closed(args, fd=0)
    assert_clean(outcome, codes=(code,))


@pytest.mark.parametrize(
    ("args", "code"), [(["reply", "bargain", "--no-copy"], 0), (["reply", "nope"], 2)]
)
def test_closed_stderr_keeps_the_exit_code(args: list[str], code: int) -> None:
    outcome = run_with_closed(args, fd=2)
    assert outcome.code == code


def run_with_closed(args: list[str], *, fd: int) -> subprocess.CompletedProcess[bytes]:
    from helpers import TALLY, csr_command

    TALLY.inputs += 1
    TALLY.subprocesses += 1
    done = subprocess.run(
        [*csr_command(), *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=30,
        preexec_fn=lambda: os.close(fd),
    )
    err = done.stderr.decode("utf-8", "replace")
    return type("Done", (), {"code": done.returncode, "stdout": "", "stderr": err})()  # type: ignore[return-value]
