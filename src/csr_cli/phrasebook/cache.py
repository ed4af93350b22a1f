"""A compiled, on-disk cache of the merged phrasebook, so a normal run never parses YAML.

The cache is a SQLite file keyed by the list of layer files; it records each file's size and
mtime and is rebuilt when any of them changes. A build writes a private temporary file and
renames it into place, so two processes that race both end up with a complete cache.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from csr_cli import __version__, paths
from csr_cli.errors import PhrasebookError
from csr_cli.fileio import remove_dead_temps
from csr_cli.phrasebook.fields import FIELDS_VERSION
from csr_cli.phrasebook.schema import LAYERS, Entry, LayerFile, layer_files, load_all

# The layout of the search tables that search/index.py writes; a change rebuilds every cache.
INDEX_VERSION = 3


def _fingerprint(files: list[LayerFile]) -> str:
    parts: list[object] = [__version__, FIELDS_VERSION, INDEX_VERSION]
    search_data = [(paths.lexicon_file(), "lexicon"), (paths.traditional_file(), "traditional")]
    for path, layer in [*((f.path, f.layer) for f in files), *search_data]:
        stat = path.stat()
        # Size and mtime alone miss a same-size rewrite within one mtime tick; csr's own writes
        # rename a new file into place, so the inode (and ctime) changes on every one of them.
        parts.append(
            [str(path), layer, stat.st_mtime_ns, stat.st_size, stat.st_ino, stat.st_ctime_ns]
        )
    return json.dumps(parts, ensure_ascii=False)


def _cache_path(files: list[LayerFile]) -> Path:
    return paths.cache_file("phrasebook", (f.path for f in files), ".sqlite")


class Phrasebook:
    """Read access to the merged phrasebook through the compiled cache."""

    def __init__(self, connection: sqlite3.Connection, files: list[LayerFile]) -> None:
        self.connection = connection
        self.files = files

    def get(self, key: str) -> Entry | None:
        """The entry with this id or alias (aliases match case-insensitively)."""
        row = self.connection.execute("SELECT data FROM entries WHERE id = ?", (key,)).fetchone()
        if row is None:
            row = self.connection.execute(
                "SELECT e.data FROM aliases a JOIN entries e ON e.id = a.entry_id "
                "WHERE a.alias = ?",
                (key.lower(),),
            ).fetchone()
        return Entry.from_dict(json.loads(row[0])) if row else None

    def entry_at(self, pos: int) -> Entry:
        (data,) = self.connection.execute(
            "SELECT data FROM entries WHERE pos = ?", (pos,)
        ).fetchone()
        return Entry.from_dict(json.loads(data))

    def entries(self) -> Iterator[Entry]:
        for (data,) in self.connection.execute("SELECT data FROM entries ORDER BY pos"):
            yield Entry.from_dict(json.loads(data))

    def ids_and_aliases(self) -> list[str]:
        """Every id and alias, for completion and suggestions."""
        rows = self.connection.execute("SELECT id FROM entries UNION SELECT alias FROM aliases")
        return sorted(row[0] for row in rows)

    def count(self) -> int:
        return int(self.connection.execute("SELECT COUNT(*) FROM entries").fetchone()[0])


def open_phrasebook(files: list[LayerFile] | None = None) -> Phrasebook:
    if files is None:
        refuse_folder_at_personal_path()
    files = layer_files() if files is None else files
    fingerprint = _fingerprint(files)
    cache = _cache_path(files)
    connection = _open_if_fresh(cache, fingerprint)
    if connection is None:
        connection = _build(files, fingerprint, cache)
    return Phrasebook(connection, files)


def refuse_folder_at_personal_path() -> None:
    """A folder where the personal phrasebook belongs would silently hide the agent's replies."""
    personal = paths.personal_phrasebook()
    if personal.is_dir():
        raise PhrasebookError(
            f"{personal} is a folder, but csr reads your personal phrasebook from a file of that "
            "name; move the folder away (keep any replies in it) and retry"
        )
    if personal.exists() and not personal.is_file():  # a FIFO: reading it would wait forever
        raise PhrasebookError(
            f"{personal} is not a regular file (a FIFO or device), but csr keeps your personal "
            "phrasebook there; move it away and retry"
        )


def _open_if_fresh(cache: Path, fingerprint: str) -> sqlite3.Connection | None:
    if not cache.is_file():
        return None
    try:
        # csr never writes a cache in place, so a lock is someone else's: do not wait for it.
        connection = sqlite3.connect(f"file:{cache}?mode=ro", uri=True, timeout=0.2)
        row = connection.execute("SELECT value FROM meta WHERE key = 'fingerprint'").fetchone()
    except sqlite3.DatabaseError:
        return None
    if row and row[0] == fingerprint:
        return connection
    connection.close()
    return None


def _build(files: list[LayerFile], fingerprint: str, cache: Path) -> sqlite3.Connection:
    import gc

    # Bulk YAML loading allocates many small objects; the cyclic GC only slows it down.
    gc.disable()
    try:
        entries = load_all(files)
    finally:
        gc.enable()
    tmp = cache.with_name(f".{cache.name}.{os.getpid()}.tmp")
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        remove_dead_temps(cache)
        tmp.unlink(missing_ok=True)
        _write(sqlite3.connect(tmp), entries, fingerprint).close()
        _fsync(tmp)
        os.replace(tmp, cache)
        return sqlite3.connect(f"file:{cache}?mode=ro", uri=True)
    except (OSError, sqlite3.Error):
        # The cache is only a cache: a read-only or full cache folder must not stop the agent,
        # so keep it in memory for this run, and leave no half-written file behind.
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        return _write(sqlite3.connect(":memory:"), entries, fingerprint)


def _fsync(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def _write(db: sqlite3.Connection, entries: list[Entry], fingerprint: str) -> sqlite3.Connection:
    # A private file that is fsynced and renamed when complete needs no journal of its own.
    db.executescript(
        """
        PRAGMA journal_mode = OFF;
        PRAGMA synchronous = OFF;
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
        CREATE TABLE entries (pos INTEGER PRIMARY KEY, id TEXT UNIQUE, role TEXT, data TEXT);
        CREATE TABLE aliases (alias TEXT PRIMARY KEY, entry_id TEXT);
        """
    )
    db.executemany(
        "INSERT INTO entries VALUES (?, ?, ?, ?)",
        (
            (pos, e.id, e.role, json.dumps(e.to_dict(), ensure_ascii=False))
            for pos, e in enumerate(entries)
        ),
    )
    from csr_cli.search.index import write_index  # build time only

    write_index(db, entries)
    # A later layer's alias wins, like a later layer's id.
    by_layer = sorted(entries, key=lambda e: LAYERS.index(e.layer))
    db.executemany(
        "INSERT OR REPLACE INTO aliases VALUES (?, ?)",
        ((alias.lower(), e.id) for e in by_layer for alias in e.aliases),
    )
    db.execute("INSERT INTO meta VALUES ('fingerprint', ?)", (fingerprint,))
    db.commit()
    return db
