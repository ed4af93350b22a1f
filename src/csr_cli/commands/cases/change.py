"""`csr cases set-state/approve/reject/note/due/amend`: every change is a line of history."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from csr_cli.cases import CaseState, shop_timezone
from csr_cli.commands._caselog import IdArg, actor, case_log, due_time, shown
from csr_cli.commands._common import JsonOpt, note, print_json
from csr_cli.commands._record_options import NoteOpt
from csr_cli.money import fmt, parse_amount

if TYPE_CHECKING:
    from csr_cli.cases import Case


def _changed(case: Case, as_json: bool, message: str) -> None:
    if as_json:
        print_json(case.to_json(shop_timezone()))
    else:
        note(f"✓ case {case.id}: {message}")


def set_state(
    case_id: IdArg,
    state: Annotated[
        CaseState,
        typer.Argument(
            metavar="STATE", help="received, refunded, recharged, entered or cancelled."
        ),
    ],
    text: NoteOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Move a case on: waiting-parcel → received → refunded/recharged → entered, or cancelled."""
    with case_log() as log:
        case = log.set_state(case_id, state, actor=actor(), note=text)
    _changed(case, as_json, f"now {case.state.value}")


def approve(case_id: IdArg, text: NoteOpt = None, as_json: JsonOpt = False) -> None:
    """Approve a compensation above the cap (recorded with your name and the time)."""
    with case_log() as log:
        case = log.approve(case_id, actor=actor(), note=text)
    _changed(case, as_json, f"approved by {actor()}")


def reject(case_id: IdArg, text: NoteOpt = None, as_json: JsonOpt = False) -> None:
    """Reject a compensation above the cap (recorded with your name and the time)."""
    with case_log() as log:
        case = log.reject(case_id, actor=actor(), note=text)
    _changed(case, as_json, f"rejected by {actor()}")


def add_note(
    case_id: IdArg,
    text: Annotated[str, typer.Argument(metavar="TEXT", help="What happened, e.g. 买家已寄回.")],
    as_json: JsonOpt = False,
) -> None:
    """Add a note to a case's history."""
    with case_log() as log:
        case = log.add_note(case_id, text, actor=actor())
    _changed(case, as_json, "note added")


def set_due(
    case_id: IdArg,
    when: Annotated[
        str, typer.Argument(metavar="WHEN", help="明天10点, 今天下午3点, +2h, or an ISO time.")
    ],
    as_json: JsonOpt = False,
) -> None:
    """Promise a follow-up by a time; `csr due` lists what is due."""
    tz = shop_timezone()
    due_at = due_time(when, tz, "WHEN")
    assert due_at is not None
    with case_log() as log:
        case = log.set_due(case_id, due_at, actor=actor())
    _changed(case, as_json, f"due {shown(case.due_at, tz)}")


def amend(
    case_id: IdArg,
    amount: Annotated[str, typer.Argument(metavar="AMOUNT", help="The corrected amount, e.g. 12.")],
    text: Annotated[str, typer.Option("--note", help="Why the amount changed (required).")],
    as_json: JsonOpt = False,
) -> None:
    """Correct a case's amount; the recorded amount stays in the history."""
    with case_log() as log:
        case = log.amend_amount(case_id, parse_amount(amount, "AMOUNT"), actor=actor(), note=text)
    _changed(
        case,
        as_json,
        f"amount now {fmt(case.amount)} (recorded {fmt(case.recorded_amount)}); {case.state.value}",
    )
