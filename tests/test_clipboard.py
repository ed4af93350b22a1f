"""Clipboard: the real X clipboard round trip, the OSC 52 fallback, and never crashing."""

from __future__ import annotations

import base64
import io
import os
import subprocess
import time
from collections.abc import Iterator

import pytest
from conftest import have, run_csr

from csr_cli import clipboard
from csr_cli.phrasebook.cache import open_phrasebook

# The autouse fixture replaces clipboard.copy; these tests need the real function.
real_copy = clipboard.copy


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def no_backend(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clipboard, "_backend", lambda: ("none", None))


def test_osc52_fallback_when_no_backend(no_backend: None) -> None:
    terminal = FakeTerminal()
    result = real_copy("亲，您好\n第二行", terminal)
    assert (result.copied, result.method) == (True, "osc52")
    payload = base64.b64encode("亲，您好\n第二行".encode()).decode()
    assert terminal.getvalue() == f"\x1b]52;c;{payload}\x07"


def test_osc52_is_wrapped_for_tmux(no_backend: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TMUX", "/tmp/tmux-0/default,1,0")
    terminal = FakeTerminal()
    real_copy("亲", terminal)
    assert terminal.getvalue().startswith("\x1bPtmux;\x1b\x1b]52;c;")
    assert terminal.getvalue().endswith("\x07\x1b\\")


def test_no_backend_and_no_terminal_is_a_note_not_a_crash(no_backend: None) -> None:
    result = real_copy("亲", None)
    assert not result.copied
    assert result.note.startswith("not copied: no clipboard backend found; ")


@pytest.mark.parametrize(
    ("installed", "display", "advice"),
    [
        ([], None, "install xclip, xsel or wl-clipboard, or run csr in a terminal"),
        (["xclip"], None, "xclip is installed but there is no display; run csr in a terminal"),
        (["xclip"], ":0", "install xclip, xsel or wl-clipboard, or run csr in a terminal"),
    ],
)
def test_advice_fits_the_machine(
    no_backend: None,
    monkeypatch: pytest.MonkeyPatch,
    installed: list[str],
    display: str | None,
    advice: str,
) -> None:
    monkeypatch.setattr(
        "shutil.which", lambda name: f"/usr/bin/{name}" if name in installed else None
    )
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    if display:
        monkeypatch.setenv("DISPLAY", display)
    else:
        monkeypatch.delenv("DISPLAY", raising=False)
    assert real_copy("亲", None).note.endswith(advice)


def test_failing_backend_falls_back(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(_: str) -> None:
        raise RuntimeError("xclip exploded")

    monkeypatch.setattr(clipboard, "_backend", lambda: ("xclip", broken))
    result = real_copy("亲", None)
    assert not result.copied and "xclip exploded" in result.note


def test_hanging_backend_times_out(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clipboard, "TIMEOUT_SECONDS", 0.2)
    monkeypatch.setattr(clipboard, "_backend", lambda: ("xclip", lambda _: time.sleep(5)))
    started = time.monotonic()
    result = real_copy("亲", None)
    assert time.monotonic() - started < 2
    assert not result.copied and "did not answer in time" in result.note


def test_headless_subprocess_exits_0_with_one_note() -> None:
    env = {"DISPLAY": "", "WAYLAND_DISPLAY": ""}
    result = run_csr("reply", "bargain", env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()
    assert result.stderr.startswith("! not copied: no clipboard backend found")
    assert result.stderr.count("\n") == 1


@pytest.fixture
def x_display() -> Iterator[str]:
    if not have("Xvfb", "xclip"):
        pytest.fail("the clipboard test needs Xvfb and xclip: run the suite with scripts/test")
    display = ":87"
    server = subprocess.Popen(
        ["Xvfb", display, "-nolisten", "tcp"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        for _ in range(50):
            ready = subprocess.run(
                ["xclip", "-o", "-selection", "clipboard"],
                env={**os.environ, "DISPLAY": display},
                capture_output=True,
            )
            if b"Can't open display" not in ready.stderr:
                break
            time.sleep(0.1)
        yield display
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_real_x_clipboard_round_trip(x_display: str) -> None:
    entry = open_phrasebook().get("bargain")
    assert entry is not None
    env = {"DISPLAY": x_display, "WAYLAND_DISPLAY": ""}
    result = run_csr("reply", "bargain", "--variant", "2", env=env)
    assert result.returncode == 0, result.stderr
    assert "copied to the clipboard" in result.stderr
    pasted = subprocess.run(
        ["xclip", "-o", "-selection", "clipboard"],
        env={**os.environ, "DISPLAY": x_display},
        capture_output=True,
        text=True,
        timeout=10,
    )
    assert pasted.stdout == entry.variants[1]
