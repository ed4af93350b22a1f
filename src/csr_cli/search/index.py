"""Building the search index into the compiled phrasebook cache (build time only).

Ranking is BM25F over the terms of search/terms.py: each entry is one document whose fields
(keywords, Chinese title, English id/title/tags, reply texts) count with different weights.
The per-(term, entry) BM25 weight is computed here, so a query only sums stored weights, which
SQLite does in C over an index: query cost stays flat as the phrasebook grows. Pinyin comes from
pypinyin, which is slow to import (~200 ms), so it runs only here and its results are stored.
"""

from __future__ import annotations

import math
import re
import sqlite3
from collections import defaultdict
from collections.abc import Iterator

from csr_cli.phrasebook.fields import SEARCH_WEIGHTS
from csr_cli.phrasebook.schema import Entry
from csr_cli.search.lexicon import Lexicon, classes_in, load_traditional, load_vocabulary
from csr_cli.search.terms import is_han, keyword_key, runs, stem, text_terms

K1 = 1.2
B = 0.75
# How much a match of each kind of term is worth, relative to a Chinese bigram.
KIND_WEIGHTS = {
    "u": 0.6,
    "b": 1.0,
    "pb": 0.4,
    "k": 1.5,
    "pf": 1.5,
    "pi": 1.5,
    "w": 1.0,
    "n": 1.0,
    "a": 3.0,
    "i": 3.0,
    "c": 1.0,
}
HAN_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF))


def char_pinyin_table() -> dict[str, str]:
    """The toneless pinyin of every Chinese character pypinyin knows (its first reading)."""
    from pypinyin.pinyin_dict import pinyin_dict

    return {
        chr(code): _toneless(readings.split(",")[0])
        for code, readings in pinyin_dict.items()
        if any(low <= code <= high for low, high in HAN_RANGES)
    }


def keyword_pinyin(keyword: str, pinyin: dict[str, str]) -> tuple[str, str]:
    """(full pinyin, initials) of the Chinese part of a keyword.

    A word in pypinyin's phrase dictionary gets its reading in context (还价 → huanjia); other
    words go character by character, which is fast enough for 100k entries.
    """
    from pypinyin.phrases_dict import phrases_dict

    han = "".join(run for run in runs(keyword) if is_han(run))
    if not han:
        return "", ""
    phrase = phrases_dict.get(han)
    if phrase:
        syllables = [_toneless(readings[0]) for readings in phrase]
    else:
        syllables = [pinyin.get(char, "") for char in han]
    return "".join(syllables), "".join(syllable[:1] for syllable in syllables)


def _toneless(syllable: str) -> str:
    import unicodedata

    # Pinyin keyboards type ü as v (lv = 绿), so keep it apart before dropping the tone marks.
    syllable = re.sub("[üǖǘǚǜ]", "v", syllable)
    decomposed = unicodedata.normalize("NFKD", syllable)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def entry_fields(entry: Entry, pinyin: dict[str, str], lexicon: Lexicon) -> dict[str, list[str]]:
    pinyin_of = pinyin.get
    keywords: list[str] = classes_in(entry.keywords, lexicon)
    for phrase in (*entry.keywords, *_han_runs(entry.title_zh)):
        keywords.extend(text_terms(phrase, pinyin_of))
        key = keyword_key(phrase)
        if len(key) >= 2:
            keywords.append(f"k:{key}")
        full, initials = keyword_pinyin(phrase, pinyin)
        if full:
            keywords.extend([f"pf:{full}", f"pi:{initials}"])
    return {
        "id": [f"i:{entry.id}", *_latin_terms(entry.id.replace("-", " "))],
        "title": _latin_terms(entry.title),
        "title_zh": text_terms(entry.title_zh, pinyin_of),
        "tags": [term for tag in entry.tags for term in _latin_terms(tag)],
        "aliases": [f"a:{alias.lower()}" for alias in entry.aliases],
        "keywords": keywords,
        "variants": [
            term for text in entry.variants for term in text_terms(text) if term[0] == "b"
        ],
    }


def _han_runs(text: str) -> list[str]:
    return [run for run in runs(text) if is_han(run) and len(run) >= 2]


def _latin_terms(text: str) -> list[str]:
    """English words, stemmed: an entry's id, title and tags answer English queries."""
    return [f"w:{stem(run)}" for run in runs(text) if run.isalpha() and not is_han(run)]


def write_index(db: sqlite3.Connection, entries: list[Entry]) -> None:
    """Write the terms, the BM25F postings and the character-pinyin table into `db`.

    Raw term frequencies stream into a temporary table and SQLite computes the weights, so a
    100k-entry build needs memory for the vocabulary only, not for every posting.
    """
    pinyin = char_pinyin_table()
    search_words = load_vocabulary()
    lexicon = search_words.classes
    db.executescript(
        """
        CREATE TABLE terms (term TEXT PRIMARY KEY, tid INTEGER, df INTEGER) WITHOUT ROWID;
        CREATE TABLE postings (tid INTEGER, w REAL, doc INTEGER, PRIMARY KEY (tid, w DESC, doc))
            WITHOUT ROWID;
        CREATE TABLE char_pinyin (ch TEXT PRIMARY KEY, py TEXT) WITHOUT ROWID;
        CREATE TABLE lexicon (phrase TEXT PRIMARY KEY, class TEXT) WITHOUT ROWID;
        CREATE TABLE rewrites (phrase TEXT PRIMARY KEY, replacement TEXT) WITHOUT ROWID;
        CREATE TABLE t2s (ch TEXT PRIMARY KEY, simp TEXT) WITHOUT ROWID;
        CREATE TABLE syllables (py TEXT PRIMARY KEY) WITHOUT ROWID;
        CREATE TABLE readings (pb TEXT, df INTEGER, bigram TEXT, PRIMARY KEY (pb, df DESC, bigram))
            WITHOUT ROWID;
        CREATE TEMP TABLE raw (tid INTEGER, doc INTEGER, tf REAL);
        CREATE TEMP TABLE doc_norm (doc INTEGER PRIMARY KEY, norm REAL);
        CREATE TEMP TABLE term_weight (tid INTEGER PRIMARY KEY, w REAL);
        """
    )
    vocabulary: dict[str, int] = {}
    df: list[int] = []
    lengths: list[float] = []
    keyword_bigrams: set[str] = set()

    def raw_rows() -> Iterator[tuple[int, int, float]]:
        for doc, entry in enumerate(entries):
            fields = entry_fields(entry, pinyin, lexicon)
            keyword_bigrams.update(
                term
                for field in ("keywords", "title_zh")
                for term in fields[field]
                if term[0] == "b"
            )
            tf, length = _weighted_tf(fields)
            lengths.append(length)
            for term, freq in tf.items():
                tid = vocabulary.setdefault(term, len(vocabulary))
                if tid == len(df):
                    df.append(0)
                df[tid] += 1
                yield tid, doc, freq

    db.executemany("INSERT INTO raw VALUES (?, ?, ?)", raw_rows())
    count = len(entries)
    average = sum(lengths) / count if count else 1.0
    db.executemany(
        "INSERT INTO doc_norm VALUES (?, ?)",
        ((doc, K1 * (1 - B + B * length / average)) for doc, length in enumerate(lengths)),
    )
    db.executemany(
        "INSERT INTO term_weight VALUES (?, ?)",
        (
            (tid, KIND_WEIGHTS[term.split(":", 1)[0]] * _idf(df[tid], count))
            for term, tid in vocabulary.items()
        ),
    )
    # Postings are stored best first within each term, so a query can read just the head of a
    # very common term's list (an impact-ordered index).
    db.execute(
        "INSERT INTO postings SELECT r.tid, t.w * r.tf * ? / (r.tf + d.norm) AS w, r.doc "
        "FROM raw r JOIN term_weight t ON t.tid = r.tid JOIN doc_norm d ON d.doc = r.doc "
        "ORDER BY r.tid, w DESC, r.doc",
        (K1 + 1,),
    )
    db.executescript("DROP TABLE raw; DROP TABLE doc_norm; DROP TABLE term_weight;")
    db.executemany(
        "INSERT INTO terms VALUES (?, ?, ?)",
        ((term, tid, df[tid]) for term, tid in vocabulary.items()),
    )
    db.executemany("INSERT INTO char_pinyin VALUES (?, ?)", pinyin.items())
    db.executemany(
        "INSERT INTO readings VALUES (?, ?, ?)", _readings(vocabulary, df, pinyin, keyword_bigrams)
    )
    db.executemany("INSERT INTO lexicon VALUES (?, ?)", lexicon.items())
    db.executemany("INSERT INTO rewrites VALUES (?, ?)", search_words.rewrites.items())
    db.executemany("INSERT INTO t2s VALUES (?, ?)", load_traditional().items())
    # Syllables a typed-pinyin word is cut into; those without a vowel (ng, hm) only mislead.
    syllables = {py for py in pinyin.values() if py and any(vowel in py for vowel in "aeiouv")}
    db.executemany("INSERT INTO syllables VALUES (?)", ((py,) for py in sorted(syllables)))


def _readings(
    vocabulary: dict[str, int], df: list[int], pinyin: dict[str, str], keyword_bigrams: set[str]
) -> Iterator[tuple[str, int, str]]:
    """(pinyin bigram, document frequency, bigram) for each Chinese bigram of the entries'
    keywords and titles, and with frequency 0 each two-character word of pypinyin's dictionary
    that reads the same: a query corrects an IME typo (快地) to the keyword's pair that reads
    the same (快递), but not a word of its own (以为, not 异味). Reply texts are left out: their
    pairs (个冬 of 一个冬天) are no words."""
    from pypinyin.phrases_dict import phrases_dict

    def reading(pair: str) -> str | None:
        first, second = (pinyin.get(char) for char in pair)
        return f"pb:{first}_{second}" if first and second else None

    keyword_readings: set[str] = set()
    for term in keyword_bigrams:
        found = reading(term[2:])
        if found:
            keyword_readings.add(found)
            yield found, df[vocabulary[term]], term[2:]
    for word in phrases_dict:
        if len(word) == 2 and f"b:{word}" not in keyword_bigrams:
            found = reading(word) if all(char in pinyin for char in word) else None
            if found in keyword_readings:
                yield found, 0, word


def _weighted_tf(fields: dict[str, list[str]]) -> tuple[dict[str, float], float]:
    tf: defaultdict[str, float] = defaultdict(float)
    length = 0.0
    for field, terms in fields.items():
        weight = SEARCH_WEIGHTS[field]
        length += weight * len(terms)
        for term in terms:
            tf[term] += weight
    return tf, length


def _idf(df: int, count: int) -> float:
    return math.log(1 + (count - df + 0.5) / (df + 0.5))
