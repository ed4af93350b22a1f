"""Ranked search over the compiled phrasebook: a buyer's message, an id, an alias or pinyin."""

from __future__ import annotations

import difflib
import sqlite3
from collections.abc import Sized
from dataclasses import dataclass

from csr_cli.lexicon import candidate_phrases
from csr_cli.phrasebook import Entry
from csr_cli.store import Phrasebook
from csr_cli.textterms import is_han, normalize, runs, stem, substrings, text_terms

PREFIX_EXPANSION = 30  # pinyin prefixes: at most this many completions per word
EXACT_BONUS = 1000.0  # an exact id or alias always comes first


@dataclass(frozen=True)
class Hit:
    entry: Entry
    score: float
    matched: tuple[str, ...]  # the pieces of the query that matched, for highlighting


def search(book: Phrasebook, query: str, *, limit: int = 10, role: str | None = None) -> list[Hit]:
    """The best entries for `query`, best first; an empty list when nothing matches."""
    db = book.connection
    tids = _term_ids(db, query_terms(db, query), _pinyin_prefixes(query))
    exact = _exact_doc(db, query)
    scores = _scores(db, list(tids), role, limit)
    if exact is not None and (role is None or exact[1] == role):
        scores[exact[0]] = scores.get(exact[0], 0.0) + EXACT_BONUS
    if not scores:
        scores = _fuzzy_ids(db, query, role, limit)
    ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:limit]
    matched = _matched_pieces(db, [doc for doc, _ in ranked], tids)
    return [
        Hit(book.entry_at(doc), round(score, 3), tuple(matched.get(doc, ())))
        for doc, score in ranked
    ]


def query_terms(db: sqlite3.Connection, query: str) -> set[str]:
    chars = {char for run in runs(query) if is_han(run) for char in run}
    pinyin = dict(
        db.execute(
            f"SELECT ch, py FROM char_pinyin WHERE ch IN ({_marks(chars)})", tuple(chars)
        ).fetchall()
    )
    terms = set(text_terms(query, pinyin.get))
    terms.update(f"k:{piece}" for piece in substrings(query))
    phrases = candidate_phrases(query)
    terms.update(
        f"c:{name}"
        for (name,) in db.execute(
            f"SELECT class FROM lexicon WHERE phrase IN ({_marks(phrases)})", tuple(phrases)
        )
    )
    for word in (run for run in runs(query) if run.isalpha() and not is_han(run)):
        terms.update({f"w:{stem(word)}", f"a:{word}", f"pf:{word}", f"pi:{word}"})
    return terms


def _pinyin_prefixes(query: str) -> list[str]:
    words = [run for run in runs(query) if run.isascii() and run.isalpha()]
    return [f"{kind}:{word}" for word in words if len(word) >= 2 for kind in ("pf", "pi")]


def _term_ids(db: sqlite3.Connection, terms: set[str], prefixes: list[str]) -> dict[int, str]:
    found = dict(
        db.execute(
            f"SELECT tid, term FROM terms WHERE term IN ({_marks(terms)})", tuple(terms)
        ).fetchall()
    )
    for prefix in prefixes:
        rows = db.execute(
            "SELECT tid, term FROM terms WHERE term > ? AND term < ? LIMIT ?",
            (prefix, prefix + "\uffff", PREFIX_EXPANSION),
        )
        found.update(rows.fetchall())
    return found


def _scores(
    db: sqlite3.Connection, tids: list[int], role: str | None, limit: int
) -> dict[int, float]:
    if not tids:
        return {}
    role_filter = "AND e.role = ?" if role else ""
    rows = db.execute(
        f"SELECT p.doc, SUM(p.w) AS s FROM postings p JOIN entries e ON e.pos = p.doc "
        f"WHERE p.tid IN ({_marks(tids)}) {role_filter} GROUP BY p.doc ORDER BY s DESC LIMIT ?",
        (*tids, *([role] if role else []), limit),
    )
    return dict(rows.fetchall())


def _exact_doc(db: sqlite3.Connection, query: str) -> tuple[int, str] | None:
    key = normalize(query).strip()
    row = db.execute("SELECT pos, role FROM entries WHERE id = ?", (key,)).fetchone()
    if row is None:
        row = db.execute(
            "SELECT e.pos, e.role FROM aliases a JOIN entries e ON e.id = a.entry_id "
            "WHERE a.alias = ?",
            (key,),
        ).fetchone()
    return (int(row[0]), str(row[1])) if row else None


def _fuzzy_ids(
    db: sqlite3.Connection, query: str, role: str | None, limit: int
) -> dict[int, float]:
    """Typos in an id or alias (bargian → bargain), when nothing else matched."""
    key = normalize(query).strip()
    if not key.isascii():
        return {}
    rows = db.execute(
        "SELECT id, pos, role FROM entries UNION ALL "
        "SELECT a.alias, e.pos, e.role FROM aliases a JOIN entries e ON e.id = a.entry_id"
    ).fetchall()
    names = {name: (pos, entry_role) for name, pos, entry_role in rows}
    close = difflib.get_close_matches(key, list(names), n=limit, cutoff=0.6)
    scores: dict[int, float] = {}
    for name in close:
        pos, entry_role = names[name]
        if role is None or entry_role == role:
            ratio = difflib.SequenceMatcher(None, key, name).ratio()
            scores[pos] = max(scores.get(pos, 0.0), ratio)
    return scores


def _matched_pieces(
    db: sqlite3.Connection, docs: list[int], tids: dict[int, str]
) -> dict[int, list[str]]:
    if not docs or not tids:
        return {}
    rows = db.execute(
        f"SELECT doc, tid FROM postings WHERE doc IN ({_marks(docs)}) AND tid IN ({_marks(tids)})",
        (*docs, *tids),
    )
    matched: dict[int, list[str]] = {}
    for doc, tid in rows:
        kind, _, value = tids[tid].partition(":")
        if kind in ("b", "u", "k", "w", "n"):
            matched.setdefault(doc, []).append(value)
    return {doc: sorted(set(pieces), key=len, reverse=True) for doc, pieces in matched.items()}


def _marks(values: Sized) -> str:
    return ",".join("?" * len(values))
