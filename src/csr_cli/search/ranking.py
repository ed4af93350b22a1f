"""Ranked search over the compiled phrasebook: a buyer's message, an id, an alias or pinyin."""

from __future__ import annotations

import itertools
import re
import sqlite3
from collections.abc import Iterator, Sized
from typing import NamedTuple

from csr_cli.phrasebook.cache import Phrasebook
from csr_cli.phrasebook.schema import Entry
from csr_cli.search.lexicon import candidate_phrases
from csr_cli.search.query import (
    Clause,
    Message,
    lookup,
    pinyin_terms,
    read_message,
    syllable_candidates,
    transliterate,
    typed_pairs,
)
from csr_cli.search.terms import is_han, keyword_key, normalize, runs, stem, substrings, text_terms
from csr_cli.search.usage import use_counts

PREFIX_EXPANSION = 30  # pinyin prefixes: at most this many completions per word
EXACT_BONUS = 1000.0  # an exact id or alias always comes first
TYPO_BONUS = 100.0  # times the similarity: a near-miss of an id beats words matching elsewhere
TYPO_SIMILARITY = 0.8
TYPO_CANDIDATES = 2000
MIN_TYPO_LENGTH = 4
# Postings are impact-ordered; the best 1000 of a term hold every entry that term can lift into
# a top-10, and reading no more keeps a query over 100k entries fast.
POSTINGS_PER_TERM = 1000
MAX_TERMS = 200  # the rarest query terms; SQLite allows 500 parts in one compound SELECT
# English words that say nothing about the scenario ("there's a hole in the sleeve").
ENGLISH_STOP_WORDS = frozenset(
    "the a an in on at of to is are was it its i me my u you your we our they this that "
    "and or but for with be been do does did can could would will there here just so".split()
)
HIGHLIGHTED = "bukwn"  # kinds of term whose text can be highlighted in a result
MAX_QUERY_CHARS = 400
LONG_MESSAGE = 12  # characters; shorter messages weigh every word alike
EARLY_WEIGHT = 0.7  # the weight of a message's first clause; its last clause weighs 1
MAX_TYPO_SPAN = 6  # the longest keyword a corrected pair is looked for in
TYPO_WEIGHT = 0.8  # see _corrections
PINYIN_WRITTEN = 0.8  # see _transliterations
STORY_WEIGHT = 0.9  # a clause that asks nothing, in a message where another clause asks
# See _span_scores: what a term counts when its words lie inside words that already counted for
# the same entry: the pinyin of a matched bigram (pb:xuan_chuan beside b:宣传), a bigram of a
# matched whole keyword (b:月了 in k:一个月了). Single characters keep their full (low) weight.
SPAN_SHARES = {"pb": 0.5, "b": 0.7}
RESCORED = 20  # the entries of the plain sum that are rescored with evidence counted per span


class Hit(NamedTuple):
    entry: Entry
    score: float
    matched: tuple[str, ...]  # the pieces of the query that matched, for highlighting
    # With explain: each matched term and what it added to the score, largest first.
    why: tuple[tuple[str, float], ...] = ()


def search(
    book: Phrasebook,
    query: str,
    *,
    limit: int = 10,
    role: str | None = None,
    explain: bool = False,
) -> list[Hit]:
    """The best entries for `query`, best first; an empty list when nothing matches."""
    # A pasted chat log can be any length; the ask is at its end, and SQLite caps the number of
    # parameters one query may bind.
    query = query[-MAX_QUERY_CHARS:]
    db = book.connection
    message = read_message(db, query)
    weighted, surfaces = query_terms(db, message)
    terms = _find_terms(db, set(weighted), _pinyin_prefixes(query))
    weights = {tid: weighted.get(term, 1.0) for tid, (term, _) in terms.items()}
    twins = _pinyin_twins(terms, surfaces)
    summed = _scores(db, terms, weights, role, max(limit, RESCORED), skip=twins)
    scores, why = _span_scores(db, terms, weights, surfaces, summed, explain, twins)
    ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
    # Entries tied with the last one kept stay: the reply used more often wins a tie.
    last = ranked[limit - 1][1] if 0 < limit <= len(ranked) else None
    kept = ranked[:limit] + [item for item in ranked[limit:] if item[1] == last]
    return _hits(book, query, dict(kept), terms, why, role, limit)


def _hits(
    book: Phrasebook,
    query: str,
    scores: dict[int, float],
    terms: dict[int, tuple[str, int]],
    why: dict[int, list[tuple[str, float]]],
    role: str | None,
    limit: int,
) -> list[Hit]:
    db = book.connection
    exact = _exact_doc(db, query)
    if exact is not None and (role is None or exact[1] == role):
        scores[exact[0]] = scores.get(exact[0], 0.0) + EXACT_BONUS
    for doc, bonus in _typo_matches(db, query, role).items():
        scores[doc] = scores.get(doc, 0.0) + bonus
    ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
    pieces = {term.partition(":")[2] for term, _ in terms.values() if term[0] in HIGHLIGHTED}
    hits = []
    for doc, score in ranked:
        entry = book.entry_at(doc)
        hits.append(
            Hit(entry, round(score, 3), _matched_pieces(entry, pieces), tuple(why.get(doc, ())))
        )
    # Equal scores go to the reply used more often; the sort is stable, so unused ties keep
    # their order. `scores` holds few more than limit entries, so this costs one file read.
    uses = use_counts()
    hits.sort(key=lambda hit: (-hit.score, -uses.get(hit.entry.id, 0)))
    return hits[:limit]


def query_terms(
    db: sqlite3.Connection, message: Message
) -> tuple[dict[str, float], dict[str, str]]:
    """Every search term of a message with how much it counts, and the words of the message
    each Chinese term stands for (u:宣 → 宣, pb:xuan_chuan → 宣传, c:courier → 韵达).

    Buyers wrap the ask in a story ("亲 在吗 我前天买的衬衫… 领子有个洞 咋弄"): when some
    clauses ask and others do not, the story counts STORY_WEIGHT. In a long message later
    clauses count more, since the ask usually comes last.
    """
    text = " ".join([message.text, *(c.rewritten for c in message.clauses)])
    chars = {char for run in runs(text) if is_han(run) for char in run}
    pinyin = dict(lookup(db, "SELECT ch, py FROM char_pinyin WHERE ch IN ({})", chars))
    syllables = {
        py
        for (py,) in lookup(
            db, "SELECT py FROM syllables WHERE py IN ({})", syllable_candidates(text)
        )
    }
    classes = dict(
        lookup(
            db, "SELECT phrase, class FROM lexicon WHERE phrase IN ({})", candidate_phrases(text)
        )
    )
    clauses = message.clauses or (Clause(text, True, text),)
    typos = _corrections(db, [c.text for c in clauses], pinyin)
    written = _transliterations(db, [c.text for c in clauses], pinyin, syllables)
    mixed = any(c.asks for c in clauses) and not all(c.asks for c in clauses)
    # A pleasantry next to a real clause weighs like the story: "亲 在吗" must not outweigh it.
    pleasantries = not all(c.preface for c in clauses)
    compact = keyword_key(message.text)
    long = len(compact) > LONG_MESSAGE
    weighted: dict[str, float] = {}
    surfaces = {f"c:{name}": phrase for phrase, name in classes.items()}
    seen = 0
    for clause in clauses:
        piece = keyword_key(clause.text)
        start = max(compact.find(piece, seen), 0)
        seen = max(seen, start + len(piece))
        story = (mixed and not clause.asks) or (pleasantries and clause.preface)
        factor = STORY_WEIGHT if story else 1.0
        terms = clause_terms(clause.text, pinyin, syllables, classes)
        if clause.rewritten != clause.text:
            for term, boost in clause_terms(clause.rewritten, pinyin, syllables, classes).items():
                terms[term] = max(terms.get(term, 0.0), boost)
        if clause.text in typos:
            for term, boost in clause_terms(typos[clause.text], pinyin, syllables, classes).items():
                terms[term] = max(terms.get(term, 0.0), TYPO_WEIGHT * boost)
        if clause.text in written:
            for term, boost in clause_terms(
                written[clause.text], pinyin, syllables, classes
            ).items():
                terms[term] = max(terms.get(term, 0.0), PINYIN_WRITTEN * boost)
        for term, boost in terms.items():
            position = _position_weight(term, piece, start, len(compact)) if long else 1.0
            weighted[term] = max(weighted.get(term, 0.0), factor * position * boost)
        for text in (
            clause.text,
            clause.rewritten,
            typos.get(clause.text, ""),
            written.get(clause.text, ""),
        ):
            _add_surfaces(surfaces, text, pinyin)
    return weighted, surfaces


def _transliterations(
    db: sqlite3.Connection, texts: list[str], pinyin: dict[str, str], syllables: set[str]
) -> dict[str, str]:
    """Each clause with typed pinyin, with that pinyin written in the phrasebook's characters
    (see transliterate): it then meets keywords as characters do, whole keywords included.
    It counts PINYIN_WRITTEN, as the characters are a guess; their own pinyin adds nothing,
    the typed pinyin counting already."""
    typed = {text: typed_pairs(text, pinyin, syllables) for text in texts}
    pairs: dict[str, list[str]] = {}
    for reading, bigram in lookup(
        db,
        "SELECT pb, bigram FROM readings WHERE pb IN ({}) AND df > 0 ORDER BY pb, df DESC",
        set().union(*typed.values()),
    ):
        pairs.setdefault(reading, []).append(bigram)
    found = {}
    for text, wanted in typed.items():
        if wanted & set(pairs):
            written = transliterate(text, pinyin, syllables, pairs)
            if written != text:
                found[text] = written
    return found


def _add_surfaces(surfaces: dict[str, str], text: str, pinyin: dict[str, str]) -> None:
    """Record which words of the text its pinyin pairs stand for (the other Chinese terms but
    word classes are their words)."""
    for start, term in _pinyin_pairs(text, pinyin):
        surfaces.setdefault(term, text[start : start + 2])


def _corrections(
    db: sqlite3.Connection, texts: list[str], pinyin: dict[str, str]
) -> dict[str, str]:
    """Each clause with its IME typos corrected, for the clauses that have any.

    A pair of characters no keyword uses, read the same as a pair a keyword does use, may be
    that pair mistyped: 快地 is in no keyword, 快递 reads kuai_di too. It is taken for a typo
    when the pair read right makes a whole keyword with the characters around it (色查太大 →
    色差, a keyword) and nothing shows the typed characters right: the pair is no word of the
    phrasebook or of pypinyin's dictionary (以为 stays, not 异味), and a changed character
    makes no phrasebook pair with its other neighbour (的时候 stays: 时候). That neighbour's
    pair is outweighed when the corrected character makes a whole keyword with it (缩睡了 →
    缩水了, a keyword), and is no evidence when the corrected character makes a keyword's pair
    with it too (能不能保邮: 能保 and 能包 both are): then only a whole keyword typed with the
    neighbour (能保价) shows the character right. The corrected clause counts TYPO_WEIGHT beside
    the clause as typed.
    """
    options = _typo_options(db, texts, pinyin)
    asked = {term for found in options.values() for typo in found for term in typo.asks()}
    hits = {term for (term,) in lookup(db, "SELECT term FROM terms WHERE term IN ({})", asked)}
    corrected = {}
    for text, found in options.items():
        chars = list(text)
        for typo in found:
            if typo.holds(hits):
                chars[typo.start : typo.start + 2] = typo.word
        if chars != list(text):
            corrected[text] = "".join(chars)
    return corrected


class _Typo(NamedTuple):
    """A pair of a clause that may be an IME typo."""

    start: int
    word: str  # the keyword pair that reads the same
    makes: set[str]  # the whole keywords (k: terms) the corrected pair would make
    typed: str  # the typed pair, as a bigram term: when the phrasebook has it, it is right
    # For each character the correction changes, what shows it right with its other neighbour
    # (时 of 的时候: 时候 is a phrasebook pair), unless the phrasebook has one of the second set,
    # the whole keywords that hold that neighbour and the corrected pair.
    neighbours: tuple[tuple[set[str], set[str]], ...]

    def asks(self) -> set[str]:
        """The terms whose presence in the phrasebook decides it."""
        return (
            self.makes | {self.typed} | {t for pair in self.neighbours for t in pair[0] | pair[1]}
        )

    def holds(self, known: set[str]) -> bool:
        """Whether it is a typo, given which of its terms the phrasebook has."""
        return (
            bool(self.makes & known)
            and self.typed not in known
            and not any(
                shown & known and not spanning & known for shown, spanning in self.neighbours
            )
        )


def _typo_options(
    db: sqlite3.Connection, texts: list[str], pinyin: dict[str, str]
) -> dict[str, list[_Typo]]:
    """For each clause, its pairs that may be typos."""
    pairs = {text: _pinyin_pairs(text, pinyin) for text in texts}
    readings = {reading for found in pairs.values() for _, reading in found}
    known: dict[str, list[str]] = {}  # a reading -> keyword pairs, commonest first, then words
    keyword_pairs: set[str] = set()
    for reading, bigram, df in lookup(
        db, "SELECT pb, bigram, df FROM readings WHERE pb IN ({}) ORDER BY pb, df DESC", readings
    ):
        known.setdefault(reading, []).append(bigram)
        if df:
            keyword_pairs.add(bigram)
    options: dict[str, list[_Typo]] = {}
    for text, found in pairs.items():
        for start, reading in found:
            words = known.get(reading, [])
            if words and text[start : start + 2] not in words:
                fixed = text[:start] + words[0] + text[start + 2 :]
                typo = _Typo(
                    start,
                    words[0],
                    _keyword_spans(fixed, start, start + 2),
                    f"b:{text[start : start + 2]}",
                    _neighbours(text, fixed, start, keyword_pairs),
                )
                options.setdefault(text, []).append(typo)
    return options


def _neighbours(
    text: str, fixed: str, start: int, keyword_pairs: set[str]
) -> tuple[tuple[set[str], set[str]], ...]:
    """See _Typo.neighbours. When the corrected character makes a keyword's pair with that
    neighbour too (能保 of 能不能保邮 is the phrasebook's, and so is 能包), only a whole keyword
    typed with the neighbour shows the character right."""
    found: list[tuple[set[str], set[str]]] = []
    for at, neighbour in ((start, start - 1), (start + 1, start + 2)):
        if fixed[at] != text[at] and 0 <= neighbour < len(text):
            first, last = min(at, neighbour), max(at, neighbour) + 1
            if fixed[first:last] in keyword_pairs:
                found.append((_keyword_spans(text, first, last), set()))
            else:
                spanning = _keyword_spans(fixed, min(first, start), max(last, start + 2))
                found.append(({f"b:{text[first:last]}"}, spanning))
    return tuple(found)


def _keyword_spans(text: str, start: int, end: int) -> set[str]:
    """The pieces of a text, up to MAX_TYPO_SPAN characters, that hold text[start:end], as
    whole-keyword terms."""
    return {
        f"k:{text[i:j]}"
        for i in range(max(0, end - MAX_TYPO_SPAN), start + 1)
        for j in range(end, min(len(text), i + MAX_TYPO_SPAN) + 1)
    }


def _pinyin_pairs(text: str, pinyin: dict[str, str]) -> list[tuple[int, str]]:
    """(where, pinyin bigram) of each pair of adjacent Chinese characters of a text."""
    return [
        (start, f"pb:{pinyin[first]}_{pinyin[second]}")
        for start, (first, second) in enumerate(itertools.pairwise(text))
        if pinyin.get(first) and pinyin.get(second) and is_han(first + second)
    ]


def _position_weight(term: str, clause: str, start: int, length: int) -> float:
    """Later words weigh more: EARLY_WEIGHT at a long message's start, 1 at its end. A term
    that is not a piece of the text (pinyin, a word class) stands at its clause's middle."""
    kind, _, value = term.partition(":")
    found = clause.find(value) if kind in ("b", "u", "k", "n", "w") else -1
    middle = start + (found + len(value) / 2 if found >= 0 else len(clause) / 2)
    return EARLY_WEIGHT + (1 - EARLY_WEIGHT) * middle / length


def clause_terms(
    text: str, pinyin: dict[str, str], syllables: set[str], classes: dict[str, str]
) -> dict[str, float]:
    """The terms of one clause, each with how much it counts relative to the others."""
    terms = dict.fromkeys(text_terms(text), 1.0)
    if len(text) == 1 and is_han(text):  # "在？" alone: the one word there is, stop word or not
        terms[f"u:{text}"] = 1.0
    terms.update((f"k:{piece}", 1.0) for piece in _keyword_pieces(text))
    terms.update(
        (f"c:{classes[phrase]}", 1.0) for phrase in candidate_phrases(text) if phrase in classes
    )
    for word in (run for run in runs(text) if run.isalpha() and not is_han(run)):
        terms.update(
            dict.fromkeys([f"w:{stem(word)}", f"a:{word}", f"pf:{word}", f"pi:{word}"], 1.0)
        )
    for term, weight in pinyin_terms(text, pinyin, syllables).items():
        terms[term] = max(terms.get(term, 0.0), weight)
    return terms


def _keyword_pieces(text: str) -> Iterator[str]:
    """Substrings that may be a whole keyword; a piece never cuts a Latin word ("shihou" does
    not contain the keyword "hi")."""
    compact = keyword_key(text)
    latin = [(m.start(), m.end()) for m in re.finditer("[a-z]+", compact)]
    inside = {i for start, end in latin for i in range(start + 1, end)}
    for piece in substrings(text):
        for start in _occurrences(compact, piece):
            if start not in inside and start + len(piece) not in inside:
                yield piece
                break


def _occurrences(text: str, piece: str) -> Iterator[int]:
    start = text.find(piece)
    while start >= 0:
        yield start
        start = text.find(piece, start + 1)


def _pinyin_prefixes(query: str) -> list[str]:
    """A shortcut being typed (yij, bao) completes to the pinyin it starts. Only for a query
    of one Latin word: in a typed-pinyin sentence every syllable would complete to dozens of
    keywords and drown the words actually typed."""
    words = runs(query)
    if len(words) != 1 or not (words[0].isascii() and words[0].isalpha()) or len(words[0]) < 2:
        return []
    return [f"{kind}:{words[0]}" for kind in ("pf", "pi")]


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


def _pinyin_twins(terms: dict[int, tuple[str, int]], surfaces: dict[str, str]) -> set[int]:
    """The pinyin pairs of words the index also knows as typed (pb:jiang_zhe beside b:江浙).

    In an entry holding those words a twin counts only its span share, so it barely moves
    which entries lead: the plain sum leaves twins out and the rescoring counts them. A long
    message has dozens of twins, and their long postings lists were a third of its query time
    on a 100k-entry phrasebook.
    """
    typed = {term[2:] for term, _ in terms.values() if term.startswith("b:")}
    return {
        tid
        for tid, (term, _) in terms.items()
        if term.startswith("pb:") and surfaces.get(term) in typed
    }


def _rarest(terms: dict[int, tuple[str, int]]) -> list[int]:
    return sorted(terms, key=lambda tid: terms[tid][1])[:MAX_TERMS]


def _span_scores(
    db: sqlite3.Connection,
    terms: dict[int, tuple[str, int]],
    weights: dict[int, float],
    surfaces: dict[str, str],
    summed: dict[int, float],
    explain: bool,
    twins: set[int],
) -> tuple[dict[int, float], dict[int, list[tuple[str, float]]]]:
    """Each entry's score with the evidence of one stretch of the message counted once, and
    with explain what each term added to it.

    One word the buyer typed matches an entry several ways: 一个月了 as k:一个月了, b:个月,
    b:月了 and pb:yue_le. Summed, a story word that overlaps an entry in every way outweighs the
    one real keyword of the question. So the longest matched words count in full, and a term
    whose words lie inside words already counted for that entry counts its SPAN_SHARES. Only
    the terms that can share or hold a shared one are read again (all of them with explain),
    and the pinyin twins the plain sum left out (see _pinyin_twins); the others keep what the
    plain sum gave them.
    """
    docs = list(summed)
    tids = _rarest(terms)
    if not explain:
        tids = sorted(set(_sharing(tids, terms, surfaces)) | twins)
    found: dict[int, list[tuple[str, float]]] = {doc: [] for doc in docs}
    in_sum = dict.fromkeys(docs, 0.0)  # what the terms read here added to the plain sum
    for tid, doc, weight in _postings(db, tids, terms, docs):
        found[doc].append((terms[tid][0], weight * weights.get(tid, 1.0)))
        if tid not in twins:
            in_sum[doc] += weight * weights.get(tid, 1.0)
    scores = dict(summed)
    why: dict[int, list[tuple[str, float]]] = {}
    for doc, parts in found.items():
        if not explain and len(parts) < 2 and in_sum[doc] == sum(w for _, w in parts):
            continue  # one term the sum counted already: nothing to share
        counted = _per_span(parts, surfaces)
        scores[doc] += sum(weight for _, weight in counted) - in_sum[doc]
        if explain:
            why[doc] = [(term, round(weight, 3)) for term, weight in counted]
            why[doc].sort(key=lambda part: -part[1])
    return scores, why


def _postings(
    db: sqlite3.Connection, tids: list[int], terms: dict[int, tuple[str, int]], docs: list[int]
) -> list[tuple[int, int, float]]:
    """(term, entry, weight) of these terms in these entries, from the head of each list as
    _scores reads it: the whole list when it is no longer than the head."""
    if not docs or not tids:
        return []
    short = [tid for tid in tids if terms[tid][1] <= POSTINGS_PER_TERM]
    rows = db.execute(
        f"SELECT tid, doc, w FROM postings WHERE tid IN ({_marks(short)}) "
        f"AND doc IN ({_marks(docs)})",
        (*short, *docs),
    ).fetchall()
    for tid in (tid for tid in tids if terms[tid][1] > POSTINGS_PER_TERM):
        rows += db.execute(
            "SELECT ?, doc, w FROM (SELECT doc, w FROM postings WHERE tid = ? "
            f"ORDER BY w DESC LIMIT ?) WHERE doc IN ({_marks(docs)})",
            (tid, tid, POSTINGS_PER_TERM, *docs),
        ).fetchall()
    return rows


def _sharing(
    tids: list[int], terms: dict[int, tuple[str, int]], surfaces: dict[str, str]
) -> list[int]:
    """The query terms that may count a share (a kind of SPAN_SHARES inside another query
    term's words) and the terms that may hold them."""
    words = {tid: _surface(terms[tid][0], surfaces) for tid in tids}
    longer = {word for word in words.values() if len(word) > 2}
    counts: dict[str, int] = {}
    for word in words.values():
        counts[word] = counts.get(word, 0) + 1
    shared = {
        word
        for tid, word in words.items()
        if len(word) == 2
        and terms[tid][0].partition(":")[0] in SPAN_SHARES
        and (counts[word] > 1 or any(word in other for other in longer))
    }
    return [
        tid
        for tid, word in words.items()
        if word in shared or (len(word) > 2 and any(pair in word for pair in shared))
    ]


def _surface(term: str, surfaces: dict[str, str]) -> str:
    """The words of the message a term stands for; "" when it stands for none."""
    kind, _, value = term.partition(":")
    return value if kind in ("u", "b", "k") else surfaces.get(term, "")


def _per_span(parts: list[tuple[str, float]], surfaces: dict[str, str]) -> list[tuple[str, float]]:
    """The terms matched in one entry with what each counts: longest words first, a term
    inside words already counted gets its kind's share of SPAN_SHARES."""
    ordered = sorted(parts, key=lambda part: (-len(_surface(part[0], surfaces)), -part[1]))
    counted: list[tuple[str, float]] = []
    spans: list[str] = []
    for term, weight in ordered:
        words = _surface(term, surfaces)
        if words and any(words in span for span in spans):
            weight *= SPAN_SHARES.get(term.partition(":")[0], 1.0)
        elif words:
            spans.append(words)
        counted.append((term, weight))
    return counted


def _scores(
    db: sqlite3.Connection,
    terms: dict[int, tuple[str, int]],
    weights: dict[int, float],
    role: str | None,
    limit: int,
    skip: set[int],
) -> dict[int, float]:
    """Sum each entry's stored weights over the query terms, reading only each list's head."""
    rarest = [tid for tid in _rarest(terms) if tid not in skip]
    if not rarest:
        return {}
    head = (
        "SELECT * FROM (SELECT doc, w * ? AS weighted FROM postings WHERE tid = ? "
        "ORDER BY w DESC LIMIT ?)"
    )
    union = " UNION ALL ".join([head] * len(rarest))
    role_join = "JOIN entries e ON e.pos = s.doc WHERE e.role = ?" if role else ""
    rows = db.execute(
        f"SELECT s.doc, SUM(s.weighted) AS total FROM ({union}) s {role_join} "
        "GROUP BY s.doc ORDER BY total DESC LIMIT ?",
        (
            *(value for tid in rarest for value in (weights.get(tid, 1.0), tid, POSTINGS_PER_TERM)),
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


def _typo_matches(db: sqlite3.Connection, query: str, role: str | None) -> dict[int, float]:
    """Ids and aliases one slip away from an ASCII query (bargian, bargain-bos), by similarity.

    Only names sharing the query's first two letters are compared: typos rarely hit the start
    of a word, and the prefix keeps the comparison cheap in a 100k-entry phrasebook.
    """
    key = normalize(query).strip()
    if not key.isascii() or " " in key or len(key) < MIN_TYPO_LENGTH:
        return {}
    import difflib  # only for an ASCII query: most searches are Chinese and never need it

    prefix = (key[:2], key[:2] + "\uffff")
    rows = db.execute(
        "SELECT id, pos, role FROM entries WHERE id >= ? AND id < ? UNION ALL "
        "SELECT a.alias, e.pos, e.role FROM aliases a JOIN entries e ON e.id = a.entry_id "
        "WHERE a.alias >= ? AND a.alias < ? LIMIT ?",
        (*prefix, *prefix, TYPO_CANDIDATES),
    ).fetchall()
    # As difflib.get_close_matches does: the query is the matcher's second sequence, which it
    # indexes once, and the cheap upper bounds rule most names out before the real ratio.
    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(key)
    scores: dict[int, float] = {}
    for name, pos, entry_role in rows:
        if name == key or role not in (None, entry_role):
            continue
        matcher.set_seq1(name)
        if (
            matcher.real_quick_ratio() >= TYPO_SIMILARITY
            and matcher.quick_ratio() >= TYPO_SIMILARITY
            and (ratio := matcher.ratio()) >= TYPO_SIMILARITY
        ):
            scores[pos] = max(scores.get(pos, 0.0), TYPO_BONUS * ratio)
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
