"""`csr add`, `csr edit` and `csr rm`: change your own and your team's replies."""

from __future__ import annotations

import os
import shlex
import subprocess
from pathlib import Path
from typing import Annotated

import typer

from csr_cli import paths
from csr_cli.commands._common import JsonOpt, interactive, note, print_json, read_stdin_text
from csr_cli.commands.reply import IdArg, Role
from csr_cli.errors import CsrError, PhrasebookError, UsageError
from csr_cli.phrasebook import editing

TeamOpt = Annotated[
    Path | None,
    typer.Option(
        "--team", metavar="FILE", help="Change this team file instead of your personal phrasebook."
    ),
]
EDITOR_HEADER = "# csr:"


def add(
    entry_id: Annotated[
        str | None,
        typer.Argument(help="Id of the reply, e.g. my-greeting; an existing id gets new variants."),
    ] = None,
    texts: Annotated[
        list[str] | None,
        typer.Option("--text", help="A reply text; repeat for several variants (default: stdin)."),
    ] = None,
    title: Annotated[str, typer.Option("--title", help="English title.")] = "",
    title_zh: Annotated[str, typer.Option("--title-zh", help="Chinese title, e.g. 议价.")] = "",
    role: Annotated[Role | None, typer.Option("--role", "-r", help="Role (new entries).")] = None,
    aliases: Annotated[
        list[str] | None, typer.Option("--alias", "-a", help="A shortcut code, e.g. yj.")
    ] = None,
    keywords: Annotated[
        list[str] | None, typer.Option("--keyword", "-k", help="A word buyers type.")
    ] = None,
    tags: Annotated[list[str] | None, typer.Option("--tag", help="A tag.")] = None,
    team: TeamOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Add a reply, or more variants of one, to your personal or a team phrasebook."""
    target = editing.target_file(team)
    lower = editing.entries_below(target)
    if not texts and interactive():
        entry_id, title_zh, texts, aliases = _ask(entry_id, title_zh, aliases)
    elif not texts:
        texts = [_read_stdin()]
    request = editing.AddRequest(
        entry_id=entry_id or "",
        texts=tuple(texts),
        title=title,
        title_zh=title_zh,
        role=role.value if role else "",
        tags=tuple(tags or ()),
        aliases=tuple(aliases or ()),
        keywords=tuple(keywords or ()),
    )
    result = editing.add(request, target, lower)
    if as_json:
        print_json(result.to_json())
    else:
        note(_added_message(result))
        for line in result.notes:
            note(f"  note: {line}")
    if not target.is_read():
        note(f"note: csr does not read {target.path} yet; add it to {paths.PHRASEBOOK_PATH_ENV}")


def _ask(
    entry_id: str | None, title_zh: str, aliases: list[str] | None
) -> tuple[str, str, list[str], list[str]]:
    def ask(question: str) -> str:
        return str(typer.prompt(question, default="", show_default=False, err=True)).strip()

    if entry_id is None:
        entry_id = ask("id, e.g. my-greeting (empty: an automatic one)")
    if not title_zh:
        title_zh = ask("中文标题 / Chinese title (optional)")
    texts: list[str] = []
    while True:
        text = ask(f"reply text {len(texts) + 1} (type \\n for a line break; empty to finish)")
        if not text:
            break
        texts.append(text.replace("\\n", "\n"))
    if not texts:
        raise UsageError("no reply text given; nothing was added")
    if not aliases:
        aliases = ask("shortcut codes, separated by spaces (optional)").split()
    return entry_id, title_zh, texts, aliases


def _read_stdin() -> str:
    text = read_stdin_text("reply text")
    if not text.strip():
        raise UsageError("no reply text: pass --text '…' or pipe the text in")
    return text


def _added_message(result: editing.AddResult) -> str:
    where = f"{result.file} ({result.layer})"
    count = f"now {result.variants} variant(s)"
    if result.added_variants == 0 and result.action == "extended":
        return f"nothing new for '{result.id}' in {where}; {count}"
    if result.action == "added":
        return f"✓ added '{result.id}' to {where}, {result.variants} variant(s)"
    if result.action == "copied":
        return (
            f"✓ copied the {result.copied_from} '{result.id}' into {where} with "
            f"{result.added_variants} more variant(s), {count}; your copy replaces it"
        )
    return f"✓ added {result.added_variants} variant(s) to '{result.id}' in {where}, {count}"


def edit(entry_id: IdArg, team: TeamOpt = None) -> None:
    """Edit one of your replies in $VISUAL or $EDITOR; it is validated before it is saved."""
    target, entry = editing.locate(entry_id, team)
    original = editing.current_block(target, entry.id)
    draft = _draft_path(entry.id)
    start = original
    if draft.is_file():
        start = _blank_header(_read_draft(draft)).lstrip("\n")
        note(f"resuming your unsaved edit from {draft} (delete that file to start over)")
    while True:
        # The header line is blanked, not removed, so error line numbers match the draft.
        edited = _run_editor(draft, start, target, entry.id)
        if not edited.strip():
            draft.unlink(missing_ok=True)
            note("the entry was left empty; nothing changed")
            return
        if edited.lstrip("\n") == original:
            draft.unlink(missing_ok=True)
            note(f"no changes to '{entry.id}'")
            return
        try:
            saved = editing.save_block(
                target, entry.id, original=original, edited=edited, source=str(draft)
            )
        except PhrasebookError as exc:
            if interactive() and typer.confirm(f"{exc}\nedit again?", default=True, err=True):
                start = edited.lstrip("\n")
                continue
            raise PhrasebookError(
                f"{exc}; {target.path} is unchanged and your edit is kept in {draft}: fix it "
                f"with `csr edit {entry.id}` (it reopens the edit) or delete it to start over"
            ) from None
        draft.unlink(missing_ok=True)
        note(f"✓ saved '{saved.id}' in {target.path} ({target.layer})")
        return


def _draft_path(entry_id: str) -> Path:
    # Named after the id so a failed edit can be resumed; in the state folder, not /tmp.
    return paths.state_dir() / "drafts" / f"{entry_id}.yaml"


def _run_editor(draft: Path, text: str, target: editing.Target, entry_id: str) -> str:
    header = (
        f"{EDITOR_HEADER} editing '{entry_id}' from {target.path}. Save and close the editor "
        "to apply; delete everything to cancel.\n"
    )
    try:
        draft.parent.mkdir(parents=True, exist_ok=True)
        draft.write_text(header + text, encoding="utf-8")
    except OSError as exc:
        raise CsrError(f"cannot write the draft {draft}: {exc}") from None
    command = os.environ.get("VISUAL") or os.environ.get("EDITOR") or _default_editor()
    try:
        finished = subprocess.run([*shlex.split(command), str(draft)], check=False)
    except OSError as exc:
        raise CsrError(f"cannot start the editor '{command}' ({exc}); set $EDITOR") from None
    if finished.returncode != 0:
        raise CsrError(
            f"the editor '{command}' exited with code {finished.returncode}; nothing was "
            f"saved (your edit is in {draft})"
        )
    return _blank_header(_read_draft(draft))


# Editors that do not save UTF-8 mark other Unicode encodings with a byte-order mark.
_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


def _read_draft(draft: Path) -> str:
    """The draft as the editor saved it: UTF-8, UTF-16/32 with a BOM, or GBK (GB18030), the
    encoding of Chinese Windows editors."""
    try:
        data = draft.read_bytes()
    except OSError as exc:
        raise CsrError(f"cannot read the draft {draft}: {exc.strerror or exc}") from None
    encoding = next((name for bom, name in _BOMS if data.startswith(bom)), "utf-8")
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            raise PhrasebookError(
                f"{draft}: the editor saved the draft in an encoding csr cannot read (not UTF-8, "
                "UTF-16 or GBK); set the editor to save UTF-8 and run `csr edit` again (your edit "
                "is kept in that file)"
            ) from None
        note(f"note: the editor saved {draft} as GBK/GB18030, not UTF-8; csr read it as GBK")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _default_editor() -> str:
    return "notepad" if os.name == "nt" else "vi"


def _blank_header(text: str) -> str:
    lines = text.splitlines(keepends=True)
    return "".join("\n" if line.startswith(EDITOR_HEADER) else line for line in lines)


def rm(
    entry_id: IdArg,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    team: TeamOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Remove one of your replies from your personal or a team phrasebook."""
    target, entry = editing.locate(entry_id, team)
    if not yes:
        if not interactive():
            raise UsageError(
                f"removing '{entry.id}' from {target.path} needs confirmation: pass --yes"
            )
        question = f"remove '{entry.id}' ({len(entry.variants)} variant(s)) from {target.path}?"
        if not typer.confirm(question, default=False, err=True):
            note("nothing removed")
            raise typer.Exit(1)
    removed = editing.remove(target, entry.id)
    below = [e for e in editing.entries_below(target) if e.id == removed.id]
    if as_json:
        print_json({"removed": removed.id, "file": str(target.path), "layer": target.layer})
        return
    note(f"✓ removed '{removed.id}' from {target.path} (the previous file is kept as .bak)")
    if below:
        note(f"  note: the {below[-1].layer} '{removed.id}' is used again")
