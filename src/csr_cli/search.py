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
from csr_cli.usage import use_counts

PREFIX_EXPANSION = 30  # pinyin prefixes: at most this many completions per word
EXACT_BONUS = 1000.0  # an exact id or alias always comes first
# Postings are impact-ordered; the best 1000 of a term hold every entry that term can lift into
# a top-10, and reading no more keeps a query over 100k entries fast.
POSTINGS_PER_TERM = 1000
MAX_TERMS = 200  # the rarest query terms; SQLite allows 500 parts in one compound SELECT
HIGHLIGHTED = "bukwn"  # kinds of term whose text can be highlighted in a result


@dataclass(frozen=True)
class Hit:
    entry: Entry
    score: float
    matched: tuple[str, ...]  # the pieces of the query that matched, for highlighting


def search(book: Phrasebook, query: str, *, limit: int = 10, role: str | None = None) -> list[Hit]:
    """The best entries for `query`, best first; an empty list when nothing matches."""
    db = book.connection
    terms = _find_terms(db, query_terms(db, query), _pinyin_prefixes(query))
    scores = _scores(db, terms, role, limit)
    exact = _exact_doc(db, query)
    if exact is not None and (role is None or exact[1] == role):
        scores[exact[0]] = scores.get(exact[0], 0.0) + EXACT_BONUS
    if not scores:
        scores = _fuzzy_ids(db, query, role, limit)
    ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
    pieces = {term.partition(":")[2] for term, _ in terms.values() if term[0] in HIGHLIGHTED}
    hits = []
    for doc, score in ranked:
        entry = book.entry_at(doc)
        hits.append(Hit(entry, round(score, 3), _matched_pieces(entry, pieces)))
    # Equal scores go to the reply used more often; the sort is stable, so unused ties keep
    # their order. `scores` holds at most limit + 1 entries, so this costs one file read.
    uses = use_counts()
    hits.sort(key=lambda hit: (-hit.score, -uses.get(hit.entry.id, 0)))
    return hits[:limit]


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


def _find_terms(
    db: sqlite3.Connection, terms: set[str], prefixes: list[str]
) -> dict[int, tuple[str, int]]:
    """term id -> (term, document frequency) for the query terms the index knows."""
    rows = db.execute(
        f"SELECT tid, term, df FROM terms WHERE term IN ({_marks(terms)})", tuple(terms)
    ).fetchall()
    for prefix in prefixes:
        rows += db.execute(
            "SELECT tid, term, df FROM terms WHERE term > ? AND term < ? LIMIT ?",
            (prefix, prefix + "\uffff", PREFIX_EXPANSION),
        ).fetchall()
    return {tid: (term, df) for tid, term, df in rows}


def _scores(
    db: sqlite3.Connection, terms: dict[int, tuple[str, int]], role: str | None, limit: int
) -> dict[int, float]:
    """Sum each entry's stored weights over the query terms, reading only each list's head."""
    if not terms:
        return {}
    rarest = sorted(terms, key=lambda tid: terms[tid][1])[:MAX_TERMS]
    head = "SELECT * FROM (SELECT doc, w FROM postings WHERE tid = ? ORDER BY w DESC LIMIT ?)"
    union = " UNION ALL ".join([head] * len(rarest))
    role_join = "JOIN entries e ON e.pos = s.doc WHERE e.role = ?" if role else ""
    rows = db.execute(
        f"SELECT s.doc, SUM(s.w) AS total FROM ({union}) s {role_join} "
        "GROUP BY s.doc ORDER BY total DESC LIMIT ?",
        (
            *(value for tid in rarest for value in (tid, POSTINGS_PER_TERM)),
            *([role] if role else []),
            limit,
        ),
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


def _matched_pieces(entry: Entry, pieces: set[str]) -> tuple[str, ...]:
    """The query pieces that occur in the entry's words, longest first, for highlighting."""
    haystack = normalize(
        " ".join([*entry.keywords, entry.title_zh, entry.title, entry.id, entry.variants[0]])
    )
    found = {piece for piece in pieces if piece in haystack}
    # A piece inside a longer found piece adds nothing to the highlight.
    kept = [p for p in found if not any(p != other and p in other for other in found)]
    return tuple(sorted(kept, key=len, reverse=True))


def _marks(values: Sized) -> str:
    return ",".join("?" * len(values))
