"""The state journal: usage and rotation are appended, never renamed per reply; a torn line
costs at most that record; compaction keeps every value."""

from __future__ import annotations

from csr_cli import paths, state
from csr_cli.state import load_state, update_state


def _bump(key: str) -> state.Change:
    return lambda data: data.update({key: data.get(key, 0) + 1})


def test_an_update_appends_one_line_and_leaves_the_state_file_alone() -> None:
    update_state("usage", _bump("bargain"))
    update_state("usage", _bump("bargain"))
    folder = paths.state_dir()
    assert not (folder / "usage.json").exists()  # nothing renamed into place yet
    lines = (folder / "usage.log").read_text(encoding="utf-8").splitlines()
    assert lines == ['{"bargain": 1}', '{"bargain": 2}']
    assert load_state("usage") == {"bargain": 2}


def test_a_torn_last_line_is_skipped_and_the_next_record_is_whole() -> None:
    update_state("usage", _bump("bargain"))
    journal = paths.state_dir() / "usage.log"
    with journal.open("a", encoding="utf-8") as handle:
        handle.write('{"bargain": 9')  # a writer killed mid-line
    assert load_state("usage") == {"bargain": 1}
    update_state("usage", _bump("wait"))
    assert load_state("usage") == {"bargain": 1, "wait": 1}


def test_the_journal_is_compacted_into_the_state_file_without_losing_a_value() -> None:
    for _ in range(state.COMPACT_AFTER + 5):
        update_state("usage", _bump("bargain"))
    folder = paths.state_dir()
    assert load_state("usage") == {"bargain": state.COMPACT_AFTER + 5}
    assert (folder / "usage.json").exists()
    assert len((folder / "usage.log").read_text(encoding="utf-8").splitlines()) < 10
    assert not list(folder.glob("*.tmp"))


def test_a_journal_read_again_after_a_crash_mid_compaction_changes_nothing() -> None:
    for _ in range(3):
        update_state("rotation", lambda data: data.update({"bargain": data.get("bargain", -1) + 1}))
    folder = paths.state_dir()
    # A compaction that wrote the state file and died before removing the journal.
    (folder / "rotation.json").write_text('{"bargain": 2}', encoding="utf-8")
    assert load_state("rotation") == {"bargain": 2}


def test_an_unchanged_state_writes_nothing() -> None:
    update_state("usage", lambda data: None)
    assert not (paths.state_dir() / "usage.log").exists()
