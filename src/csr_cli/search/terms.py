"""Turning Chinese and mixed text into search terms; shared by the index build and the query.

Terms carry a prefix naming their kind, so one postings table holds them all:
  b: a bigram of Chinese characters      u: a single Chinese character
  w: a Latin word (ids, titles, English)  n: a number
  k: a whole keyword                     pb: a pinyin bigram (homophone typos: 包油 ≈ 包邮)
  pf: a keyword's full pinyin (yijia)    pi: a keyword's pinyin initials (yj)
  a: an alias                            i: an entry id
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable

HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
RUN_RE = re.compile(rf"[{HAN}]+|[a-z]+|[0-9]+")
HAN_RE = re.compile(rf"^[{HAN}]+$")
# Particles and fillers buyers add to every message; as single characters they only add noise.
STOP_CHARS = frozenset("的了吗呢吧啊呀哦嘛么是我你他她亲在有个这那就也都还和不要能会可以")

PinyinOf = Callable[[str], str | None]


def normalize(text: str) -> str:
    """Full-width to half-width, lower case (NFKC folds ＡＢＣ１２３ and full-width punctuation)."""
    return unicodedata.normalize("NFKC", text).lower()


def runs(text: str) -> list[str]:
    """Runs of Chinese characters, Latin letters or digits; everything else separates."""
    return RUN_RE.findall(normalize(text))


def is_han(run: str) -> bool:
    return bool(HAN_RE.match(run))


def han_terms(run: str) -> list[str]:
    terms = [f"u:{char}" for char in run if char not in STOP_CHARS]
    terms.extend(f"b:{run[i : i + 2]}" for i in range(len(run) - 1))
    return terms


def pinyin_bigrams(run: str, pinyin_of: PinyinOf) -> list[str]:
    syllables = [pinyin_of(char) for char in run]
    return [
        f"pb:{first}_{second}"
        for first, second in itertools.pairwise(syllables)
        if first and second
    ]


def text_terms(text: str, pinyin_of: PinyinOf | None = None) -> list[str]:
    """Every term of a free text (a buyer message, a title, a keyword)."""
    terms: list[str] = []
    for run in runs(text):
        if is_han(run):
            terms.extend(han_terms(run))
            if pinyin_of is not None:
                terms.extend(pinyin_bigrams(run, pinyin_of))
        elif run.isdigit():
            terms.append(f"n:{run}")
        else:
            terms.append(f"w:{stem(run)}")
    return terms


def stem(word: str) -> str:
    """Just enough English stemming for ids and titles (refunds → refund)."""
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def keyword_key(keyword: str) -> str:
    """A keyword as one term: its normalized characters without spaces or punctuation."""
    return "".join(runs(keyword))


def substrings(text: str, shortest: int = 2, longest: int = 12) -> Iterable[str]:
    """Every substring of the text without separators, to find whole keywords in a message."""
    compact = keyword_key(text)
    for start in range(len(compact)):
        for end in range(start + shortest, min(len(compact), start + longest) + 1):
            yield compact[start:end]
