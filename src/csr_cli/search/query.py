"""Reading a buyer's message the way buyers type it, before it becomes search terms.

A message is folded (full-width, case, traditional characters, runs of one repeated
character), rewritten (slang, abbreviations, English words → the phrasebook's words, from
lexicon/lexicon.yaml), and cut into clauses. A clause that asks or requests something carries
more weight than the story around it, and each asking clause is a candidate intent when a
message asks several things. Pinyin typed in Latin letters ("tui huo yao yunfei ma") is cut
into syllables so it meets the pinyin terms of the index. Every table used here is read from
the compiled index, a handful of rows per message: pypinyin is never imported at query time.
"""

from __future__ import annotations

import itertools
import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence, Sized
from typing import Any, NamedTuple

from csr_cli.search.terms import is_han, normalize, runs

# Clause boundaries: sentence punctuation of both widths, line breaks, and a space next to a
# Chinese character (buyers use spaces as commas); a space between Latin words is not one,
# since pinyin syllables are spaced. (Non-ASCII stands for Chinese here: a class of the Chinese
# ranges costs milliseconds to compile on every run.)
CLAUSE_SPLIT_RE = re.compile(
    r"[,，。.!！?？;；~～…、\n\r\t]+|(?<=[^\x00-\x7f])\s+|\s+(?=[^\x00-\x7f])"
)
# What makes a clause an ask: a question word or particle, a request, or a question mark.
ASK_RE = re.compile(
    r"[?？吗么呢]|怎么|什么|多少|多久|几|哪|谁|为何|为什么|如何|能否|是否|可否|"
    r"能不能|可不可以|可以|是不是|有没有|会不会|要不要|行不行|好不好|还是|"
    r"请问|想问|问下|问一下|帮我|帮忙|麻烦|给我|我要|我想|想要|"
    r"(.)不\1|\bma\b|\bne\b"
)
# Chat questions that end in a bare 不 / 没 (包邮不, S还有没) and requests (地址发我, 改一下): they
# ask too, but are told from statements less surely, so only the intent split uses them.
LOOSE_ASK_RE = re.compile(r"[不没]$|没有$|发我|一下$")
# Pleasantries and prefaces: a clause made only of these asks nothing yet ("亲 在吗 我想问一下").
PREFACES = sorted(
    "亲 亲亲 您好 你好 老板 掌柜 客服 在吗 在不在 在嘛 有人吗 有人在吗 请问 想问 我想问 问一下 问下 "
    "一下 我想问一下 打扰了 打扰一下 那个 嗯 哦 哈 啊 呀 吧 hi hello hey".split(),
    key=len,
    reverse=True,
)
MAX_SYLLABLE = 6  # the longest pinyin syllable, zhuang
MAX_REWRITE_WORDS = 3
TYPED_PINYIN = 3.0  # see pinyin_terms
PINYIN_WINDOW = 4  # joined syllables up to this many, to meet a keyword's full pinyin
HOMOPHONE = 0.6  # see pinyin_terms
PAIR_CHOICES = 4  # see transliterate: the commonest keyword pairs a typed pair may be


class Clause(NamedTuple):
    text: str
    asks: bool  # a question or request, not just the story around one
    # The clause in the phrasebook's words (slang and English rewritten); terms come from both,
    # so a keyword written with the buyer's own slang still matches.
    rewritten: str = ""
    preface: bool = False  # only pleasantries (亲 在吗, 我想问一下)


class Message(NamedTuple):
    """A buyer's message, folded and rewritten, and cut into clauses."""

    original: str
    text: str
    clauses: tuple[Clause, ...]


def read_message(db: sqlite3.Connection, message: str) -> Message:
    text = fold(db, message)
    cut = clauses(text)
    rewritten = rewriter(db, text, [clause.text for clause in cut])
    found = [
        Clause(clause.text, clause.asks or _asks(again), again, clause.preface)
        for clause in cut
        for again in [rewritten(clause.text)]
    ]
    return Message(message, text, tuple(found))


def fold(db: sqlite3.Connection, text: str) -> str:
    """Full-width → half-width, lower case, traditional → simplified, 啊啊啊 → 啊."""
    text = normalize(text)
    chars = {char for run in runs(text) if is_han(run) for char in run}
    simplified = dict(lookup(db, "SELECT ch, simp FROM t2s WHERE ch IN ({})", chars))
    if simplified:
        text = text.translate(str.maketrans(simplified))
    return _collapse_repeats(text)


def _collapse_repeats(text: str) -> str:
    """A Chinese character typed three or more times in a row (啊啊啊啊) counts once."""
    kept: list[str] = []
    for char, group in itertools.groupby(text):
        count = len(list(group))
        kept.append(char if count >= 3 and is_han(char) else char * count)
    return "".join(kept)


def is_preface(text: str) -> bool:
    """Whether a clause is only pleasantries: 亲, 在吗, 我想问一下…"""
    rest = text.strip()
    while rest:
        word = next((word for word in PREFACES if rest.startswith(word)), None)
        if word is None:
            return False
        rest = rest[len(word) :].lstrip()
    return bool(text.strip())


def rewriter(db: sqlite3.Connection, text: str, whole: Sequence[str] = ()) -> Callable[[str], str]:
    """What applies the lexicon's rewrites that `text` needs to a piece of it; longer phrases
    first, Latin words only as whole words. A rewrite written `=phrase` applies only to a
    clause that is exactly that phrase (`=在` → 在吗: a lone 在？ asks whether anyone is there),
    `whole` being the clauses."""
    pieces = _pieces(text)
    forms = {piece: english_forms(piece) for piece in pieces if piece.isascii()}
    candidates = (
        pieces | {f"={clause}" for clause in whole} | {f for fs in forms.values() for f in fs}
    )
    known: dict[str, str] = dict(
        lookup(db, "SELECT phrase, replacement FROM rewrites WHERE phrase IN ({})", candidates)
    )
    found = {k: v for k, v in known.items() if k in pieces or k.startswith("=")}
    for piece, options in forms.items():  # refunds, returned, shipping → the lexicon's word
        base = next((form for form in options if form in known), None)
        if piece not in found and base is not None:
            found[piece] = known[base]
    clause_rewrites = {k[1:]: v for k, v in found.items() if k.startswith("=")}
    found = {k: v for k, v in found.items() if not k.startswith("=")}
    if clause_rewrites:
        inner = rewriter_for(found)
        return lambda piece: clause_rewrites.get(piece) or inner(piece)
    return rewriter_for(found)


def rewriter_for(found: dict[str, str]) -> Callable[[str], str]:
    if not found:
        return lambda piece: piece
    alternatives = [
        re.escape(phrase)
        if is_han(phrase.replace(" ", ""))
        else rf"(?<![a-z]){re.escape(phrase)}(?![a-z])"
        for phrase in sorted(found, key=len, reverse=True)
    ]

    def replace(match: re.Match[str]) -> str:
        phrase = match.group(0)
        if phrase.isascii():  # keep the word: ids and English titles still match it
            return f" {phrase} {found[phrase]} "
        return found[phrase]

    pattern = re.compile("|".join(alternatives))
    return lambda piece: pattern.sub(replace, piece)


def _pieces(text: str) -> set[str]:
    """Chinese substrings (1-8 characters) and runs of 1-3 Latin words: rewrite candidates."""
    pieces: set[str] = set()
    for run in runs(text):
        if is_han(run):
            for start in range(len(run)):
                pieces.update(
                    run[start:end] for end in range(start + 1, min(len(run), start + 8) + 1)
                )
    words = re.findall(r"[a-z0-9]+", text)
    for size in range(1, MAX_REWRITE_WORDS + 1):
        pieces.update(" ".join(words[i : i + size]) for i in range(len(words) - size + 1))
    return pieces


def english_forms(phrase: str) -> list[str]:
    """The phrase with its English words in the forms a lexicon row may use, likeliest first:
    plurals and -ed / -ing forms reduced (refunds → refund, damaged → damage, shipping → ship,
    sold → sold). Only its first and last words vary: "items missing", "shipping fees"."""
    words = phrase.split()
    if not words or not all(word.isalpha() for word in words):
        return []
    heads = _word_bases(words[0])
    tails = _word_bases(words[-1]) if len(words) > 1 else [""]
    middle = words[1:-1]
    return [
        " ".join([head, *middle, tail] if tail else [head, *middle])
        for head in heads
        for tail in tails
    ][1:]


def _word_bases(word: str) -> list[str]:
    """An English word and what it may be an inflection of (shipped → shipp, ship)."""
    bases = [word]
    if len(word) < 4:
        return bases
    if word.endswith("ies") or word.endswith("ied"):
        bases.append(word[:-3] + "y")
    for ending in ("s", "es", "ed", "ing"):
        if word.endswith(ending) and not word.endswith("ss"):
            stem = word[: -len(ending)]
            bases += [stem, stem + "e"] if ending != "s" else [stem]
            if len(stem) > 2 and stem[-1] == stem[-2] and stem[-1] not in "aeiou":
                bases.append(stem[:-1])  # shipped, shipping → ship
    return [base for base in dict.fromkeys(bases) if len(base) >= 3 or base == word]


def _asks(text: str, mark: str = "") -> bool:
    return bool(ASK_RE.search(text + mark)) and not is_preface(text)


def clauses(text: str) -> list[Clause]:
    parts = [part.strip() for part in CLAUSE_SPLIT_RE.split(text)]
    # The mark that ended a clause tells whether it asked: keep it with the clause.
    marks = CLAUSE_SPLIT_RE.findall(text)
    found = []
    for part, mark in itertools.zip_longest(parts, marks, fillvalue=""):
        if runs(part):
            preface = is_preface(part)
            found.append(Clause(part, _asks(part, mark.strip()), preface=preface))
    return found


def pinyin_terms(text: str, char_pinyin: dict[str, str], syllables: set[str]) -> dict[str, float]:
    """Pinyin bigrams over the characters and the typed pinyin of a text, and for typed pinyin
    its syllables joined (bao you → baoyou, 退huo → tuihuo), so bao you and baoyou meet 包邮.

    Each term maps to how much it counts. A pinyin bigram the buyer typed is their word, spelled
    exactly, so it counts TYPED_PINYIN times one read off characters, which may be a homophone.
    """
    terms: dict[str, float] = {}
    sequence = _syllables(text, char_pinyin, syllables)
    for window in _windows(sequence):
        if any(typed for _, typed in window):
            weight = 1.0 if all(typed for _, typed in window) else HOMOPHONE
            term = "pf:" + "".join(syllable for syllable, _ in window)
            terms[term] = max(terms.get(term, 0.0), weight)
    for (first, typed_first), (second, typed_second) in itertools.pairwise(sequence):
        if first and second:
            boost = TYPED_PINYIN if typed_first or typed_second else 1.0
            term = f"pb:{first}_{second}"
            terms[term] = max(terms.get(term, 0.0), boost)
    return terms


def _syllables(
    text: str, char_pinyin: dict[str, str], syllables: set[str]
) -> list[tuple[str, bool]]:
    """(syllable, typed in Latin letters) for each character and typed syllable; "" between."""
    sequence: list[tuple[str, bool]] = []
    for run in runs(text):
        if is_han(run):
            sequence.extend((char_pinyin.get(char, ""), False) for char in run)
            continue
        cut = segment(run, syllables) if run.isalpha() else None
        sequence.extend([("", False)] if cut is None else [(py, True) for py in cut])
    return sequence


def typed_pairs(text: str, char_pinyin: dict[str, str], syllables: set[str]) -> set[str]:
    """The pinyin bigrams of a text that have a syllable typed in Latin letters."""
    sequence = _syllables(text, char_pinyin, syllables)
    return {
        f"pb:{first}_{second}"
        for (first, typed_first), (second, typed_second) in itertools.pairwise(sequence)
        if first and second and (typed_first or typed_second)
    }


def transliterate(
    text: str, char_pinyin: dict[str, str], syllables: set[str], pairs: dict[str, list[str]]
) -> str:
    """The text with its typed pinyin written in the phrasebook's characters (tui huo yao
    yunfei → 退货要运费), `pairs` giving for a pinyin bigram the keyword pairs that read so,
    commonest first. The characters chosen make the most keyword pairs with their neighbours
    (you xianhuo: 有现货, not 有限 + 货); a syllable in no keyword pair becomes a gap."""
    tokens: list[tuple[str, str]] = [(" ", "")]  # (character, or "" when typed; syllable)
    for run in runs(text):
        if is_han(run):
            tokens.extend((char, char_pinyin.get(char, "")) for char in run)
        else:
            cut = segment(run, syllables) if run.isalpha() else None
            tokens.extend([(" ", "")] if cut is None else [("", py) for py in cut])
    tokens.append((" ", ""))
    words = [
        pairs.get(f"pb:{first[1]}_{second[1]}", []) for first, second in itertools.pairwise(tokens)
    ]
    # best[c]: (pairs made, -rank of the words used, text) of the best text ending in c
    best: dict[str, tuple[int, int, str]] = {" ": (0, 0, "")}
    for at, (char, _) in enumerate(tokens[1:]):
        options = (
            [char]
            if char
            else [w[1] for w in words[at][:PAIR_CHOICES]]
            + [w[0] for w in words[at + 1][:PAIR_CHOICES]]
        )
        step: dict[str, tuple[int, int, str]] = {}
        for option in [*dict.fromkeys(options), " "]:
            step[option] = max(
                (
                    (made + (rank >= 0), penalty - max(rank, 0), text + option)
                    for last, (made, penalty, text) in best.items()
                    for rank in [_rank(words[at], last + option)]
                ),
                key=lambda found: found[:2],
            )
        best = step
    return re.sub(" +", " ", max(best.values(), key=lambda found: found[:2])[2]).strip()


def _rank(words: list[str], pair: str) -> int:
    return words.index(pair) if pair in words else -1


def _windows(sequence: list[tuple[str, bool]]) -> Iterator[list[tuple[str, bool]]]:
    """Runs of 2..PINYIN_WINDOW syllables with no gap."""
    for start in range(len(sequence)):
        for end in range(start + 2, min(len(sequence), start + PINYIN_WINDOW) + 1):
            window = sequence[start:end]
            if not all(syllable for syllable, _ in window):
                break
            yield window


def segment(word: str, syllables: set[str]) -> list[str] | None:
    """A Latin word cut into pinyin syllables (fewest syllables wins), or None if it is not pinyin."""
    best: list[list[str] | None] = [[]] + [None] * len(word)
    for end in range(1, len(word) + 1):
        for start in range(max(0, end - MAX_SYLLABLE), end):
            before = best[start]
            if before is not None and word[start:end] in syllables:
                candidate = [*before, word[start:end]]
                current = best[end]
                if current is None or len(candidate) < len(current):
                    best[end] = candidate
    return best[-1]


def syllable_candidates(text: str) -> set[str]:
    """Every piece of the Latin words of a text that may be a pinyin syllable."""
    return {
        word[start:end]
        for word in re.findall("[a-z]+", text)
        for start in range(len(word))
        for end in range(start + 1, min(len(word), start + MAX_SYLLABLE) + 1)
    }


def lookup(db: sqlite3.Connection, sql: str, values: Iterable[str]) -> list[Any]:
    """Rows of `sql` whose `{}` becomes one placeholder per value; no values, no query."""
    values = list(values)
    if not values:
        return []
    return db.execute(sql.format(_marks(values)), values).fetchall()


def _marks(values: Sized) -> str:
    return ",".join("?" * len(values))
