"""`csr pick`: the picker model, the prompt_toolkit app on a pipe, and the real thing in tmux."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import RecordingClipboard, csr_executable, run_csr, write_phrasebook
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from prompt_toolkit.utils import get_cwidth
from typer.testing import CliRunner

from csr_cli import paths
from csr_cli.cli import app
from csr_cli.commands import pick as pick_command
from csr_cli.phrasebook.cache import open_phrasebook
from csr_cli.phrasebook.placeholders import fill, names_in
from csr_cli.phrasebook.schema import Entry
from csr_cli.picker import screen
from csr_cli.picker.model import PICK_LIMIT, PickerModel, Segment, segments
from csr_cli.picker.screen import (
    MARK,
    PREFIX_CELLS,
    build_app,
    column_widths,
    fit,
    list_fragments,
    preview_fragments,
)
from csr_cli.policy.model import load_policy
from csr_cli.replies import remember_variant
from csr_cli.search.ranking import search
from csr_cli.search.usage import USAGE_STATE, record_use
from csr_cli.state import load_state

runner = CliRunner()

DOWN, UP, TAB, SHIFT_TAB, ENTER, ESC = "\x1b[B", "\x1b[A", "\t", "\x1b[Z", "\r", "\x1b"
CTRL_N, CTRL_P, CTRL_C, CTRL_T, BACKSPACE = "\x0e", "\x10", "\x03", "\x14", "\x7f"

PERSONAL = """\
entries:
  - id: pick-test-thanks
    title: Thanks for visiting
    title_zh: 感谢光临
    placeholders:
      shop: null
      agent: null
    variants:
      - 亲，感谢光临～
      - 亲，感谢光临{shop}，{agent}为您服务。
"""
FILLED = "亲，感谢光临小美家，小美为您服务。"


@pytest.fixture
def personal() -> Path:
    return write_phrasebook(paths.personal_phrasebook(), PERSONAL)


def model(values: dict[str, str] | None = None) -> PickerModel:
    return PickerModel(open_phrasebook(), values=values or {})


def ids(picker: PickerModel) -> list[str]:
    return [hit.entry.id for hit in picker.hits]


# --- the model -------------------------------------------------------------------------------


def test_a_query_ranks_exactly_as_search_does() -> None:
    picker = model()
    picker.set_query("yj")
    assert ids(picker) == [
        hit.entry.id for hit in search(open_phrasebook(), "yj", limit=PICK_LIMIT)
    ]
    assert len(picker.hits) > 2


def test_an_empty_query_lists_the_most_used_first_then_phrasebook_order() -> None:
    book = open_phrasebook()
    for entry_id in ["wait", "bargain", "wait"]:
        record_use(entry_id)
    listed = ids(model())
    in_order = [entry.id for entry in book.entries() if entry.id not in ("wait", "bargain")]
    assert listed == ["wait", "bargain", *in_order][:PICK_LIMIT]


def test_moving_stops_at_both_ends_and_a_new_query_starts_at_the_top() -> None:
    picker = model()
    picker.set_query("yj")
    picker.move(-1)
    assert picker.selected == 0
    picker.move(2)
    assert picker.selected == 2
    picker.move(10_000)
    assert picker.selected == len(picker.hits) - 1
    picker.set_query("bargain")
    assert picker.selected == 0


def test_variants_start_where_csr_reply_would_and_tab_wraps() -> None:
    entry = open_phrasebook().get("bargain")
    assert entry is not None and len(entry.variants) == 4
    remember_variant(entry, 1)
    picker = model()
    picker.set_query("bargain")
    assert picker.current == entry
    assert picker.variant() == 2
    picker.cycle_variant()
    picker.cycle_variant()
    assert picker.variant() == 0
    picker.cycle_variant(-1)
    assert picker.choices() == [(entry, 3)]


@pytest.mark.parametrize(
    ("text", "values", "expected"),
    [
        ("亲～", {}, [Segment("亲～")]),
        (
            "感谢光临{shop}，{agent}为您服务",
            {"agent": "小美"},
            [
                Segment("感谢光临"),
                Segment("{shop}", "missing"),
                Segment("，"),
                Segment("小美", "filled"),
                Segment("为您服务"),
            ],
        ),
        ("{a}{a}", {"a": "1"}, [Segment("1", "filled"), Segment("1", "filled")]),
    ],
)
def test_preview_segments_fill_known_values_and_keep_missing_names(
    text: str, values: dict[str, str], expected: list[Segment]
) -> None:
    assert segments(text, values) == expected


def test_the_preview_lists_what_enter_will_ask_for(personal: Path) -> None:
    picker = model({"agent": "小美"})
    picker.set_query("pick-test-thanks")
    assert picker.missing() == []
    picker.cycle_variant()
    assert picker.missing() == ["shop"]
    assert (
        "".join(segment.text for segment in picker.preview())
        == "亲，感谢光临{shop}，小美为您服务。"
    )


def test_no_hits_means_nothing_to_choose() -> None:
    picker = model()
    picker.set_query("@@@@")
    assert picker.hits == [] and picker.current is None and picker.choices() == []


# --- marking several replies for one answer --------------------------------------------------

SHOP_VALUES = {"shop": "小美家", "agent": "小美"}


def entry(entry_id: str) -> Entry:
    found = open_phrasebook().get(entry_id)
    assert found is not None
    return found


def mark(picker: PickerModel, entry_id: str) -> None:
    """Search for the reply by its id, then toggle its mark as Ctrl-T does."""
    picker.set_query(entry_id)
    assert picker.current is not None and picker.current.id == entry_id
    picker.toggle_mark()


def test_marking_toggles_the_selected_reply_and_enter_sends_the_marked_ones() -> None:
    picker = model()
    picker.set_query("greet")
    assert picker.choices() == [(entry("greet"), 0)]  # nothing marked: the selected one
    picker.toggle_mark()
    assert picker.marked == [entry("greet")] and picker.is_marked(entry("greet"))
    picker.move(1)
    assert picker.current != entry("greet")
    assert picker.choices() == [(entry("greet"), 0)]  # marked: not the selected row
    picker.move(-1)
    picker.toggle_mark()
    assert picker.marked == [] and not picker.is_marked(entry("greet"))
    assert picker.answer() is None
    picker.set_query("@@@@")
    picker.toggle_mark()  # no row, nothing to mark
    assert picker.marked == []


def test_marks_survive_a_new_query_and_keep_their_variant_and_order() -> None:
    picker = model()
    mark(picker, "wrong-item")
    picker.cycle_variant()
    mark(picker, "greet")
    picker.set_query("包邮吗")  # a query whose list shows neither marked reply
    assert "wrong-item" not in ids(picker) and "greet" not in ids(picker)
    assert picker.marked == [entry("wrong-item"), entry("greet")]
    assert picker.choices() == [(entry("wrong-item"), 1), (entry("greet"), 0)]
    mark(picker, "wrong-item")  # found again and unmarked
    assert picker.choices() == [(entry("greet"), 0)]


def test_the_answer_is_composed_one_greeting_first_apology_before_remedy() -> None:
    picker = model(SHOP_VALUES)
    for entry_id in ["closing", "size-exchange", "wrong-item", "greet", "greet-return"]:
        mark(picker, entry_id)
    picker.set_query("yj")
    answer = picker.answer()
    assert answer is not None and answer.problem is None
    assert answer.ids == ("greet", "wrong-item", "size-exchange", "closing")
    assert answer.left_out == ("greet-return",)
    expected = "\n".join(
        [
            fill(entry("greet").variants[0], SHOP_VALUES),
            entry("wrong-item").variants[0].removeprefix("亲，"),
            entry("size-exchange").variants[0].removeprefix("亲，"),
            fill(entry("closing").variants[0], SHOP_VALUES).removeprefix("亲，"),
        ]
    )
    assert answer.messages == ((Segment(expected),),)
    assert expected.count("欢迎") == 1 and expected.index("抱歉") < expected.index("换码")
    assert picker.missing() == []


def test_the_answer_shows_what_enter_asks_for_and_follows_tab() -> None:
    picker = model({"agent": "小美"})
    mark(picker, "wrong-item")
    mark(picker, "greet")
    answer = picker.answer()
    assert answer is not None
    assert [s for s in answer.messages[0] if s.kind == "missing"] == [Segment("{shop}", "missing")]
    assert picker.missing() == ["shop"]
    picker.cycle_variant()  # greet is selected: its second variant has no {shop}
    answer = picker.answer()
    assert answer is not None and picker.missing() == []
    first_line = "".join(s.text for s in answer.messages[0]).split("\n")[0]
    assert first_line == fill(entry("greet").variants[1], {"agent": "小美"})


def test_an_answer_that_cannot_be_drafted_says_why(tmp_path: Path) -> None:
    shop = tmp_path / "shop.yaml"
    shop.write_text("shipping:\n  free_to_remote: true\n", encoding="utf-8")
    picker = PickerModel(open_phrasebook(), values={}, policy=load_policy(shop))
    mark(picker, "remote-area")
    answer = picker.answer()
    assert answer is not None and answer.messages == ()
    assert answer.problem is not None and "'remote-area' says remote regions go by EMS" in (
        answer.problem
    )


# --- drawing: wide characters ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "cells", "expected"),
    [
        ("议价", 6, "议价  "),
        ("议价：能便宜点吗", 7, "议价：…"),
        ("议价：能便宜点吗", 8, "议价：… "),  # a wide character never straddles the edge
        ("bargain", 4, "bar…"),
        ("", 3, "   "),
    ],
)
def test_fit_cuts_and_pads_to_exact_terminal_cells(text: str, cells: int, expected: str) -> None:
    assert fit(text, cells) == expected
    assert get_cwidth(expected) == cells


@pytest.mark.parametrize("width", [120, 80, 60, 40, 24, 12])
def test_every_list_row_has_the_same_width_and_columns_line_up(width: int) -> None:
    picker = model()
    picker.set_query("能便宜点吗")
    rows = "".join(text for _, text, *_ in list_fragments(picker, width)).split("\n")
    assert len(rows) == len(picker.hits)
    widths = {get_cwidth(row) for row in rows}
    assert len(widths) == 1 and widths.pop() <= width
    id_cells, title_cells, _ = column_widths(picker.hits, width)
    if title_cells:
        starts = set()
        for row, hit in zip(rows, picker.hits, strict=True):
            shown = fit(hit.entry.title_zh, title_cells)
            at = row.index(shown, PREFIX_CELLS + len(fit(hit.entry.id, id_cells)))
            starts.add(get_cwidth(row[:at]))
        assert starts == {PREFIX_CELLS + id_cells + 2}


def test_at_80_columns_rows_fill_the_line() -> None:
    picker = model()
    picker.set_query("yj")
    rows = "".join(text for _, text, *_ in list_fragments(picker, 80)).split("\n")
    assert {get_cwidth(row) for row in rows} == {80}
    assert rows[0].startswith("▸ ") and rows[1].startswith("  ")


def rows_at(picker: PickerModel, width: int) -> list[str]:
    return "".join(text for _, text, *_ in list_fragments(picker, width)).split("\n")


def test_marked_rows_carry_a_bold_mark_and_keep_the_row_width() -> None:
    picker = model()
    picker.set_query("yj")
    picker.move(1)
    picker.toggle_mark()
    picker.move(1)
    rows = rows_at(picker, 80)
    assert {get_cwidth(row) for row in rows} == {80}
    assert [row[:PREFIX_CELLS] for row in rows[:3]] == ["   ", f" {MARK} ", "▸  "]
    assert sum(MARK in row[:PREFIX_CELLS] for row in rows) == 1
    picker.move(-1)
    assert rows_at(picker, 80)[1].startswith(f"▸{MARK} ")
    marked = [style for style, text, *_ in list_fragments(picker, 80) if text == MARK]
    assert marked == ["class:selected class:marked"]  # bold: still seen under NO_COLOR


def preview_text(picker: PickerModel) -> str:
    return "".join(text for _, text, *_ in preview_fragments(picker))


def test_the_preview_shows_the_answer_after_the_selected_reply_not_in_it() -> None:
    picker = model(SHOP_VALUES)
    mark(picker, "wrong-item")
    mark(picker, "greet")
    picker.set_query("closing")  # neither marked reply is listed now
    closing = entry("closing")
    assert preview_text(picker) == "\n".join(
        [
            f"closing · {closing.title_zh} · variant 1/{len(closing.variants)} · ^T adds it",
            fill(closing.variants[0], SHOP_VALUES),
            "",
            "answer: greet + wrong-item",
            fill(entry("greet").variants[0], SHOP_VALUES),
            entry("wrong-item").variants[0].removeprefix("亲，"),
        ]
    )
    picker.toggle_mark()
    assert preview_text(picker).startswith("answer: greet + wrong-item + closing\n亲，您好")


def test_an_answer_longer_than_the_message_limit_is_previewed_as_numbered_messages() -> None:
    paths.config_file().parent.mkdir(parents=True, exist_ok=True)
    paths.config_file().write_text('message_limit = "80"\n', encoding="utf-8")
    picker = model(SHOP_VALUES)
    for entry_id in ["greet", "wrong-item", "closing"]:
        mark(picker, entry_id)
    answer = picker.answer()
    assert answer is not None and len(answer.messages) == 3
    lines = preview_text(picker).split("\n")
    assert lines[0] == "answer: greet + wrong-item + closing · 3 messages"
    assert [line[:6] for line in lines[1:]] == ["[1/3] ", "[2/3] ", "[3/3] "]


# --- the prompt_toolkit application on a pipe ------------------------------------------------


def run_app(keys: str, *, query: str = "", values: dict[str, str] | None = None) -> object:
    picker = model(values)
    with create_pipe_input() as pipe:
        pipe.send_text(keys)
        return build_app(picker, query=query, input=pipe, output=DummyOutput()).run()


def test_typing_pinyin_moving_and_tab_choose_that_variant() -> None:
    second = search(open_phrasebook(), "yj", limit=PICK_LIMIT)[1].entry
    assert run_app("yj" + DOWN + TAB + ENTER) == [(second, 1 % len(second.variants))]


def test_ctrl_n_ctrl_p_and_shift_tab_move_and_cycle_back() -> None:
    hits = search(open_phrasebook(), "yj", limit=PICK_LIMIT)
    third = hits[2].entry
    chosen = run_app(CTRL_N + CTRL_N + CTRL_N + CTRL_P + SHIFT_TAB + ENTER, query="yj")
    assert chosen == [(third, len(third.variants) - 1)]
    assert run_app(DOWN + UP + ENTER, query="yj") == [(hits[0].entry, 0)]


@pytest.mark.parametrize("key", [ESC, CTRL_C])
def test_escape_and_ctrl_c_choose_nothing(key: str) -> None:
    assert run_app("yj" + DOWN + key) is None


def test_enter_with_no_match_does_nothing() -> None:
    assert run_app("@@@@" + ENTER + ESC) is None


def test_ctrl_t_marks_across_queries_and_enter_sends_the_marked_in_marking_order() -> None:
    keys = "fch" + CTRL_T + BACKSPACE * 3 + "greet" + CTRL_T + DOWN + TAB + ENTER
    assert run_app(keys) == [(entry("wrong-item"), 0), (entry("greet"), 0)]


def test_ctrl_t_twice_unmarks_and_enter_sends_the_selected_again() -> None:
    assert run_app("greet" + CTRL_T + CTRL_T + TAB + ENTER) == [(entry("greet"), 1)]


def test_the_query_argument_is_the_starting_query() -> None:
    entry = open_phrasebook().get("free-shipping-request")
    assert run_app(ENTER, query="by") == [(entry, 0)]


# --- the pick command, its screen on a pipe --------------------------------------------------


def test_pick_delivers_the_marked_answer_exactly_as_reply_does(
    monkeypatch: pytest.MonkeyPatch, clip: RecordingClipboard
) -> None:
    def on_a_pipe(picker: PickerModel, *, query: str = "") -> object:
        keys = CTRL_T + BACKSPACE * len(query) + "fch" + CTRL_T + BACKSPACE * 3 + "greet"
        with create_pipe_input() as pipe:
            pipe.send_text(keys + CTRL_T + ENTER)
            return build_app(picker, query=query, input=pipe, output=DummyOutput()).run()

    monkeypatch.setattr(pick_command, "on_terminal", lambda: True)
    monkeypatch.setattr(screen, "run_picker", on_a_pipe)
    shop = ["--set", "shop=小美家", "--set", "agent=小美"]
    picked = runner.invoke(app, ["pick", "closing", *shop])
    assert picked.exit_code == 0, picked.output
    picked_copies = list(clip.copies)
    shutil.rmtree(paths.state_dir())  # forget the pick's rotation, so reply drafts the same
    replied = runner.invoke(app, ["reply", "closing", "wrong-item", "greet", *shop])
    assert replied.exit_code == 0, replied.output
    assert picked.stdout == replied.stdout
    assert picked_copies == clip.copies[1:] == [replied.stdout.rstrip("\n")]
    greeting, apology, closing = picked.stdout.splitlines()
    assert greeting == fill(entry("greet").variants[0], SHOP_VALUES)
    assert apology == entry("wrong-item").variants[0].removeprefix("亲，")
    assert closing == fill(entry("closing").variants[0], SHOP_VALUES).removeprefix("亲，")


# --- refusing without a terminal -------------------------------------------------------------


def test_pick_refuses_without_a_terminal(clip: RecordingClipboard) -> None:
    result = runner.invoke(app, ["pick", "yj"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("error: csr pick needs a terminal")
    assert "csr search QUERY" in result.stderr
    assert clip.copies == []


def test_pick_refuses_in_a_real_pipe_and_bare_csr_prints_help() -> None:
    refused = run_csr("pick")
    assert refused.returncode == 2, refused.stderr
    assert refused.stdout == ""
    assert "csr search" in refused.stderr and "Traceback" not in refused.stderr
    bare = run_csr()
    assert bare.returncode == 0, bare.stderr
    assert "Usage: csr" in bare.stdout and "pick" in bare.stdout


def test_other_commands_do_not_import_prompt_toolkit() -> None:
    code = "import sys; from csr_cli.cli import app; print('prompt_toolkit' in sys.modules)"
    probe = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert probe.stdout.strip() == "False"


# --- the real picker in a real terminal (tmux) -----------------------------------------------

FAKE_WL_COPY = '#!/bin/sh\ncat > "$CSR_TEST_CLIPBOARD"\n'
COLOUR_CODES = {*range(30, 39), *range(40, 49), *range(90, 98), *range(100, 108)}


class Tmux:
    """One detached tmux server of our own, running `csr` in a pane of a fixed size."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.name = f"csr-test-{uuid.uuid4().hex[:12]}"

    def tmux(self, *args: str) -> str:
        command = ["tmux", "-u", "-L", self.name, "-f", "/dev/null", *args]
        done = subprocess.run(command, env=self.env, capture_output=True, text=True, timeout=10)
        assert done.returncode == 0, done.stderr
        return done.stdout

    def start(self, args: str, *, width: int, height: int) -> None:
        csr = shlex.join(csr_executable())
        script = f"{csr} {args}; echo exit=$?; sleep 120"
        self.tmux("new-session", "-d", "-x", str(width), "-y", str(height), script)
        self.tmux("set-option", "-g", "escape-time", "0")

    def keys(self, *keys: str, literal: bool = False) -> None:
        self.tmux("send-keys", *(["-l"] if literal else []), *keys)

    def screen(self, *, escapes: bool = False) -> str:
        return self.tmux("capture-pane", "-p", "-J", *(["-e"] if escapes else []))

    def wait_for(self, ready: Callable[[str], bool], timeout: float = 10.0) -> str:
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen()
            if ready(screen):
                return screen
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out; the screen was:\n{screen}")
            time.sleep(0.03)

    def exit_code(self) -> int:
        screen = self.wait_for(lambda text: "exit=" in text)
        match = re.search(r"exit=(\d+)", screen)
        assert match, screen
        return int(match.group(1))

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.name, "kill-server"], env=self.env, capture_output=True)


@pytest.fixture
def clipboard_file(tmp_path: Path) -> Path:
    return tmp_path / "clipboard.txt"


@pytest.fixture
def terminal(tmp_path: Path, clipboard_file: Path) -> Iterator[Tmux]:
    if shutil.which("tmux") is None:
        pytest.fail("tmux is needed for the terminal tests (apt-get install tmux)")
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    # pyperclip uses wl-copy when WAYLAND_DISPLAY is set and both wl-copy and wl-paste exist,
    # so the real clipboard path runs and its result lands in a file we can read.
    for name, text in (("wl-copy", FAKE_WL_COPY), ("wl-paste", "#!/bin/sh\n")):
        (fake_bin / name).write_text(text)
        (fake_bin / name).chmod(0o755)
    env = {key: value for key, value in os.environ.items() if key not in ("DISPLAY", "TMUX")}
    env.update(
        PATH=f"{fake_bin}{os.pathsep}{env['PATH']}",
        WAYLAND_DISPLAY="wayland-test",
        CSR_TEST_CLIPBOARD=str(clipboard_file),
        LC_ALL="C.UTF-8",
    )
    session = Tmux(env)
    try:
        yield session
    finally:
        session.close()


def sgr_codes(screen: str) -> set[int]:
    return {
        int(code)
        for params in re.findall(r"\x1b\[([0-9;]*)m", screen)
        for code in params.split(";")
        if code
    }


def fill_config(text: str) -> str:
    """Give every placeholder of `text` a value in the config, so no prompt follows Enter;
    returns the text as it will be copied."""
    values = {name: "X" for name in names_in(text)}
    paths.config_file().parent.mkdir(parents=True, exist_ok=True)
    paths.config_file().write_text("".join(f'{name} = "X"\n' for name in values))
    return fill(text, values)


def test_real_terminal_pinyin_down_tab_enter_copies_that_variant(
    terminal: Tmux, clipboard_file: Path
) -> None:
    hits = search(open_phrasebook(), "yj", limit=PICK_LIMIT)
    entry = hits[1].entry
    index = 1 % len(entry.variants)
    expected = fill_config(entry.variants[index])
    terminal.start("pick", width=80, height=24)
    terminal.wait_for(lambda s: s.startswith(">") and "Esc quit" in s)
    terminal.keys("yj")
    terminal.wait_for(lambda s: s.startswith("> yj") and f"1/{len(hits)}" in s)
    terminal.keys("Down")
    terminal.wait_for(lambda s: f"{entry.id} · " in s)
    terminal.keys("Tab")
    terminal.wait_for(lambda s: f"variant {index + 1}/{len(entry.variants)}" in s)
    colours = sgr_codes(terminal.screen(escapes=True))
    terminal.keys("Enter")
    assert terminal.exit_code() == 0
    assert clipboard_file.read_text(encoding="utf-8") == expected
    screen = terminal.screen()
    assert f"{expected}\n✓ copied to the clipboard\nexit=0" in screen  # the reply on stdout
    assert colours & COLOUR_CODES and 7 in colours  # coloured, selection in reverse video
    assert load_state(USAGE_STATE) == {entry.id: 1}


def test_real_terminal_bare_csr_in_a_small_pane_under_no_color_then_esc(
    terminal: Tmux, clipboard_file: Path
) -> None:
    terminal.env["NO_COLOR"] = "1"
    terminal.start("", width=40, height=8)
    screen = terminal.wait_for(lambda s: s.startswith(">") and "─" * 40 in s)
    lines = screen.splitlines()
    assert "▸ " in lines[1] and lines[2].startswith("  ")  # list rows above the rule
    assert "Esc quit" not in screen  # no room for the help line in 8 rows
    assert all(get_cwidth(line) <= 40 for line in lines)
    codes = sgr_codes(terminal.screen(escapes=True))
    assert 7 in codes and not codes & COLOUR_CODES
    terminal.keys("能便宜点吗", literal=True)
    terminal.wait_for(lambda s: s.startswith("> 能便宜点吗") and "bargain · " in s)
    terminal.keys("Escape")
    assert terminal.exit_code() == 130
    assert not clipboard_file.exists()
    assert load_state(USAGE_STATE) == {}


def test_real_terminal_asks_for_a_missing_placeholder_after_enter(
    terminal: Tmux, clipboard_file: Path, personal: Path
) -> None:
    paths.config_file().write_text('agent = "小美"\n', encoding="utf-8")
    open_phrasebook()  # compile the personal layer here, not while the test waits on tmux
    terminal.start("pick pick-test-thanks", width=80, height=24)
    terminal.wait_for(lambda s: "pick-test-thanks · 感谢光临 · variant 1/2" in s)
    terminal.keys("Tab")
    terminal.wait_for(lambda s: "Enter asks for: shop" in s and "小美为您服务" in s)
    terminal.keys("Enter")
    terminal.wait_for(lambda s: "shop (shop name (店铺名)):" in s)
    terminal.keys("小美家", literal=True)
    terminal.keys("Enter")
    assert terminal.exit_code() == 0
    assert clipboard_file.read_text(encoding="utf-8") == FILLED
    assert FILLED in terminal.screen()


def test_real_terminal_marks_two_replies_and_enter_copies_the_composed_answer(
    terminal: Tmux, clipboard_file: Path, tmp_path: Path
) -> None:
    paths.config_file().parent.mkdir(parents=True, exist_ok=True)
    paths.config_file().write_text('agent = "小美"\n', encoding="utf-8")
    replied = run_csr(
        *["reply", "wrong-item", "greet", "--set", "shop=小美家", "--no-copy"],
        env={"CSR_STATE_DIR": str(tmp_path / "reply-state")},
    )
    assert replied.returncode == 0, replied.stderr
    expected = replied.stdout.rstrip("\n")
    assert expected.startswith(fill(entry("greet").variants[0], SHOP_VALUES))
    terminal.start("pick fch", width=80, height=24)
    terminal.wait_for(lambda s: "wrong-item · " in s and "^T mark" in s)
    terminal.keys("C-t")
    terminal.wait_for(
        lambda s: "1 marked" in s and re.search(r"^answer: wrong-item *$", s, re.M) is not None
    )
    terminal.keys("BSpace", "BSpace", "BSpace")
    terminal.keys("greet", literal=True)
    terminal.wait_for(lambda s: "greet · " in s and "^T adds it" in s)
    terminal.keys("C-t")
    screen = terminal.wait_for(lambda s: "answer: greet + wrong-item" in s)
    assert "2 marked" in screen and f"▸{MARK} greet " in screen
    assert "Enter asks for: shop" in screen
    terminal.keys("Enter")
    terminal.wait_for(lambda s: "shop (shop name (店铺名)):" in s)
    terminal.keys("小美家", literal=True)
    terminal.keys("Enter")
    assert terminal.exit_code() == 0
    assert clipboard_file.read_text(encoding="utf-8") == expected
    assert f"{expected}\n✓ copied to the clipboard\nexit=0" in terminal.screen()
    assert set(load_state(USAGE_STATE)) == {"greet", "wrong-item"}
