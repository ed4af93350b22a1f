"""The `csr pick` screen, drawn with prompt_toolkit over a `PickerModel`.

Only `csr pick` (and a bare `csr` on a terminal) imports this module, so prompt_toolkit never
slows down any other command. Layout, top to bottom: the query line, the ranked list, a rule,
the preview of the selected reply (and of the answer composed from the marked ones), and a key
help line when the pane is tall enough.
"""

from __future__ import annotations

import os

from prompt_toolkit.application import Application, get_app
from prompt_toolkit.buffer import Buffer
from prompt_toolkit.data_structures import Point
from prompt_toolkit.document import Document
from prompt_toolkit.filters import Condition
from prompt_toolkit.formatted_text import StyleAndTextTuples
from prompt_toolkit.input import Input
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent
from prompt_toolkit.layout import ConditionalContainer, HSplit, Layout, VSplit, Window
from prompt_toolkit.layout.controls import BufferControl, FormattedTextControl
from prompt_toolkit.layout.dimension import Dimension
from prompt_toolkit.layout.processors import BeforeInput
from prompt_toolkit.output import ColorDepth, Output
from prompt_toolkit.styles import Style
from prompt_toolkit.utils import get_cwidth

from csr_cli.phrasebook.schema import Entry
from csr_cli.picker.model import Answer, PickerModel
from csr_cli.search.ranking import Hit

Choices = list[tuple[Entry, int]]

# Ctrl-T marks, not Space or Ctrl-Space: Space belongs to the query, and Ctrl-Space is what
# fcitx and ibus switch the Chinese input method with, so the picker would never see it.
MARK_KEY = "c-t"
HELP = "↑↓ ^N ^P move · Tab variant · ^T mark · Enter copy · Esc quit"
MARK = "✓"
PREFIX_CELLS = 3  # "▸✓ ": the selection, the mark and a space before the id
HELP_MIN_ROWS = 12  # a shorter split pane keeps its rows for replies
ID_CELLS = 24  # widest id column; longer ids are cut with …
TITLE_CELLS = 20  # widest Chinese title column
MIN_COLUMN = 4  # a column narrower than this says nothing, so it is dropped
ESCAPE_FLUSH_SECONDS = 0.05  # how long a lone Esc waits to prove it is not an arrow key

# Everything that must be seen (selection, missing values) is an attribute, not a colour, so
# the screen still works under NO_COLOR, where prompt_toolkit drops colours.
STYLE = Style.from_dict(
    {
        "prompt": "bold",
        "count": "fg:ansibrightblack",
        "id": "fg:ansicyan",
        "dim": "fg:ansibrightblack",
        "selected": "reverse",
        "marked": "bold",
        "match": "bold fg:ansiyellow",
        "header": "bold",
        "filled": "fg:ansigreen",
        "missing": "underline bold fg:ansimagenta",
        "rule": "fg:ansibrightblack",
        "help": "fg:ansibrightblack",
    }
)


def run_picker(model: PickerModel, *, query: str = "") -> Choices | None:
    """Show the picker; the chosen entries, each with its 0-based variant (the marked ones in
    the order they were marked, else the selected one), or None when the agent quit."""
    return build_app(model, query=query).run()


def build_app(
    model: PickerModel,
    *,
    query: str = "",
    input: Input | None = None,
    output: Output | None = None,
) -> Application[Choices | None]:
    buffer = Buffer(
        document=Document(query, len(query)),
        multiline=False,
        on_text_changed=lambda buf: model.set_query(buf.text),
    )
    model.set_query(query)
    app: Application[Choices | None] = Application(
        layout=Layout(_container(model, buffer), focused_element=buffer),
        key_bindings=_key_bindings(model),
        style=STYLE,
        full_screen=True,
        color_depth=ColorDepth.DEPTH_1_BIT if os.environ.get("NO_COLOR") else None,
        input=input,
        output=output,
    )
    app.ttimeoutlen = ESCAPE_FLUSH_SECONDS
    return app


def _container(model: PickerModel, buffer: Buffer) -> HSplit:
    query_line = VSplit(
        [
            Window(
                BufferControl(buffer, input_processors=[BeforeInput("> ", style="class:prompt")]),
                height=1,
            ),
            Window(
                FormattedTextControl(lambda: [("class:count", _counter(model))]),
                dont_extend_width=True,
                height=1,
            ),
        ]
    )
    rows = FormattedTextControl(
        lambda: list_fragments(model, _columns()),
        get_cursor_position=lambda: Point(0, model.selected),  # keeps the selection in view
    )
    return HSplit(
        [
            query_line,
            Window(rows, height=lambda: _list_height(model), wrap_lines=False),
            Window(char="─", height=1, style="class:rule"),
            Window(
                FormattedTextControl(lambda: preview_fragments(model)),
                height=Dimension(min=1),
                wrap_lines=True,
            ),
            ConditionalContainer(
                Window(FormattedTextControl([("class:help", HELP)]), height=1),
                filter=Condition(lambda: get_app().output.get_size().rows >= HELP_MIN_ROWS),
            ),
        ]
    )


def _key_bindings(model: PickerModel) -> KeyBindings:
    bindings = KeyBindings()

    for key, delta in (("down", 1), ("c-n", 1), ("up", -1), ("c-p", -1)):
        bindings.add(key)(lambda event, delta=delta: model.move(delta))
    for key, delta in (("tab", 1), ("s-tab", -1)):
        bindings.add(key)(lambda event, delta=delta: model.cycle_variant(delta))
    bindings.add(MARK_KEY)(lambda event: model.toggle_mark())

    @bindings.add("enter")
    def accept(event: KeyPressEvent) -> None:
        chosen = model.choices()
        if chosen:
            event.app.exit(result=chosen)

    @bindings.add("escape", eager=True)  # eager: do not wait for an Alt-key chord
    @bindings.add("c-c")
    @bindings.add("c-g")
    def cancel(event: KeyPressEvent) -> None:
        event.app.exit(result=None)

    return bindings


def _columns() -> int:
    return get_app().output.get_size().columns


def _counter(model: PickerModel) -> str:
    marked = f"· {len(model.marked)} marked " if model.marked else ""
    return f" {model.selected + 1 if model.hits else 0}/{len(model.hits)} {marked}"


def _list_height(model: PickerModel) -> Dimension:
    # Never taller than the hits, so a short list leaves the rest of the pane to the preview.
    rows = max(1, len(model.hits))
    return Dimension(min=1, max=rows, preferred=rows)


def list_fragments(model: PickerModel, width: int) -> StyleAndTextTuples:
    """One row per hit: selection and mark, id, Chinese title and the start of the reply, in
    aligned cells."""
    if not model.hits:
        return [("class:dim", "  no matching reply; try other words, pinyin initials or an id")]
    id_cells, title_cells, text_cells = column_widths(model.hits, width)
    fragments: StyleAndTextTuples = []
    for row, hit in enumerate(model.hits):
        selected = row == model.selected
        base = "class:selected " if selected else ""
        fragments.append((base, "▸" if selected else " "))
        if model.is_marked(hit.entry):
            fragments.append((base + "class:marked", MARK))
            base += "class:marked "
        else:
            fragments.append((base, " "))
        fragments.append((base, " "))
        fragments.append((base + "class:id", fit(hit.entry.id, id_cells)))
        for cells, text in ((title_cells, _title(hit)), (text_cells, _first_line(hit))):
            if cells:
                fragments.append((base, "  "))
                fragments.extend(_highlighted(fit(text, cells), hit.matched, base))
        fragments.append(("", "\n"))
    return fragments[:-1]


def column_widths(hits: list[Hit], width: int) -> tuple[int, int, int]:
    """Cells for the id, title and text columns so that a row is exactly `width` cells with its
    selection and mark; the id is sized first, then the title, and the text takes the rest."""
    room = max(0, width - PREFIX_CELLS)
    # Half the row at most, so a narrow split pane still shows the Chinese title.
    id_cells = min(room // 2, ID_CELLS, max(get_cwidth(hit.entry.id) for hit in hits))
    room -= id_cells
    title_cells = min(TITLE_CELLS, max(get_cwidth(_title(hit)) for hit in hits), room - 2)
    if title_cells < MIN_COLUMN:
        title_cells = 0
    room -= title_cells + 2 if title_cells else 0
    text_cells = room - 2 if room - 2 >= MIN_COLUMN else 0
    return id_cells, title_cells, text_cells


def fit(text: str, cells: int) -> str:
    """`text` cut with … and padded with spaces to exactly `cells` terminal cells."""
    if get_cwidth(text) <= cells:
        return text + " " * (cells - get_cwidth(text))
    kept, used = [], 0
    for char in text:
        width = get_cwidth(char)
        if used + width > cells - 1:
            break
        kept.append(char)
        used += width
    return "".join(kept) + "…" + " " * (cells - 1 - used)


def _title(hit: Hit) -> str:
    # A team or personal entry may have only an English title.
    return hit.entry.title_zh or hit.entry.title


def _first_line(hit: Hit) -> str:
    return " ".join(hit.entry.variants[0].split())


def _highlighted(text: str, pieces: tuple[str, ...], base: str) -> StyleAndTextTuples:
    """Split `text` so the matched query pieces get the match style."""
    fragments: StyleAndTextTuples = []
    lowered = text.lower()
    start = 0
    while pieces:
        found = [(lowered.find(piece, start), piece) for piece in pieces if piece]
        found = [(at, piece) for at, piece in found if at >= 0]
        if not found:
            break
        at, piece = min(found, key=lambda item: (item[0], -len(item[1])))
        fragments.append((base, text[start:at]))
        fragments.append((base + "class:match", text[at : at + len(piece)]))
        start = at + len(piece)
    fragments.append((base, text[start:]))
    return [fragment for fragment in fragments if fragment[1]]


def preview_fragments(model: PickerModel) -> StyleAndTextTuples:
    """The selected reply; with replies marked, the answer Enter sends, after the selected
    reply when it is not part of it."""
    answer = model.answer()
    entry = model.current
    fragments: StyleAndTextTuples = []
    if entry is not None and not (answer and model.is_marked(entry)):
        header = f"{entry.id} · {entry.title_zh} · variant {model.variant() + 1}"
        header += f"/{len(entry.variants)}" + (" · ^T adds it" if answer else "")
        fragments += [("class:header" if answer is None else "class:dim", header), ("", "\n")]
        fragments.extend((f"class:{segment.kind}", segment.text) for segment in model.preview())
        fragments.append(("", "\n\n" if answer else ""))
    if answer is not None:
        fragments.extend(_answer_fragments(answer))
    missing = model.missing()
    if missing:
        fragments.append(("class:dim", f"\nEnter asks for: {', '.join(missing)}"))
    return [fragment for fragment in fragments if fragment[1]]


def _answer_fragments(answer: Answer) -> StyleAndTextTuples:
    count = len(answer.messages)
    header = f"answer: {' + '.join(answer.ids)}" + (f" · {count} messages" if count > 1 else "")
    fragments: StyleAndTextTuples = [("class:header", header)]
    if answer.left_out:
        fragments.append(("class:dim", f" · one greeting, so not {', '.join(answer.left_out)}"))
    if answer.problem:
        fragments.append(("class:missing", f"\n{answer.problem}"))
    for number, message in enumerate(answer.messages, start=1):
        fragments.append(("class:dim", f"\n[{number}/{count}] " if count > 1 else "\n"))
        fragments.extend((f"class:{segment.kind}", segment.text) for segment in message)
    return fragments
