"""The house-tone rules that `csr lint` checks: policies/tone.yaml plus a shop's own files.

Rules files are validated strictly; every error names the file, the rule and the field. Importing
yaml costs ~18 ms, more than the whole lint, so the merged rules are cached as JSON in the cache
folder and rebuilt only when a rules file changes.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from csr_cli import paths
from csr_cli.datafile import cached_json, read_yaml
from csr_cli.errors import PolicyError

CACHE_SCHEMA = "3"  # 3: slang and blame sections; patterns checked for catastrophic backtracking
# section -> the problem code it reports; banned-like sections hold drop-in replacements
REPLACING_SECTIONS = {"banned": "blunt-phrase", "slang": "slang", "blame": "blame-shifting"}
ADVISING_SECTIONS = {"promises": "promise", "review_manipulation": "review-manipulation"}
PHRASE_SECTIONS = (*REPLACING_SECTIONS, *ADVISING_SECTIONS)
# section -> {key in the file: ToneRules field}
SETTING_SECTIONS: dict[str, dict[str, str]] = {
    "refusal": {
        "words": "refusal_words",
        "except": "refusal_except",
        "apology": "apology_words",
        "reason": "reason_words",
    },
    "polite": {
        "words": "polite_words",
        "except": "polite_except",
        "min_chars": "polite_min_chars",
        "greetings": "polite_greetings",
        "opening_tags": "polite_opening_tags",
    },
    "first_person": {"min_chars": "first_person_min_chars", "min_count": "first_person_min_count"},
    "fold": {"ignore": "fold_ignore", "traditional": "fold_traditional"},
}
WORD_LISTS = ("bare", "endings", "allow")


@dataclass(frozen=True)
class PhraseRule:
    text: str  # the phrase, or a regular expression when `regex`
    suggestion: str
    regex: bool = False
    fix: bool = False  # `suggestion` is a drop-in replacement for the phrase
    exceptions: tuple[str, ...] = ()  # longer phrases around a match that make it fine


@dataclass(frozen=True)
class ToneRules:
    banned: tuple[PhraseRule, ...] = ()
    slang: tuple[PhraseRule, ...] = ()
    blame: tuple[PhraseRule, ...] = ()
    promises: tuple[PhraseRule, ...] = ()
    review_manipulation: tuple[PhraseRule, ...] = ()
    bare: tuple[str, ...] = ()
    endings: tuple[str, ...] = ()
    refusal_words: tuple[str, ...] = ()
    refusal_except: tuple[str, ...] = ()
    apology_words: tuple[str, ...] = ()
    reason_words: tuple[str, ...] = ()
    polite_words: tuple[str, ...] = ()
    polite_except: tuple[str, ...] = ()
    polite_min_chars: int = 1
    polite_greetings: tuple[str, ...] = ()
    polite_opening_tags: tuple[str, ...] = ()
    first_person_min_chars: int = 30
    first_person_min_count: int = 3
    fold_ignore: tuple[str, ...] = ()
    fold_traditional: tuple[str, ...] = ()  # pairs: a traditional character, its simplified one
    allow: tuple[str, ...] = ()

    def opens_conversation(self, tags: Sequence[str]) -> bool:
        """Whether a phrase with these tags is sent first in a conversation (a greeting)."""
        return not set(tags).isdisjoint(self.polite_opening_tags)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ToneRules:
        values: dict[str, Any] = {}
        for item in fields(cls):
            value = data[item.name]
            if item.name in PHRASE_SECTIONS:
                value = tuple(
                    PhraseRule(**{**rule, "exceptions": tuple(rule["exceptions"])})
                    for rule in value
                )
            elif isinstance(value, list):
                value = tuple(value)
            values[item.name] = value
        return cls(**values)


def tone_file() -> Path:
    return paths.bundled_policies_dir() / "tone.yaml"


def user_tone_file() -> Path:
    return paths.personal_tone_rules()


def rules_files(extra: Sequence[Path] = ()) -> list[Path]:
    """Bundled rules, then the user's tone.yaml if present, then each `--rules` file."""
    files = [tone_file()]
    if user_tone_file().is_file():
        files.append(user_tone_file())
    for path in extra:
        if not path.is_file():
            raise PolicyError(f"{path}: no such rules file; check the --rules path")
        files.append(path)
    return files


_loaded: dict[str, ToneRules] = {}


def load_rules(extra: Sequence[Path] = ()) -> ToneRules:
    """The merged rules, from memory, the JSON cache, or (when a file changed) the YAML files."""
    files = rules_files(extra)
    key = _stamp(files)
    if key not in _loaded:
        _loaded[key] = cached_json(
            "tone",
            files,
            lambda: parse_files(files),
            encode=asdict,
            decode=ToneRules.from_dict,
            version=CACHE_SCHEMA,
        )
    return _loaded[key]


def _stamp(files: list[Path]) -> str:
    """The files as they are now: a changed file is read again, even in the same process."""
    parts = []
    for path in files:
        with contextlib.suppress(OSError):
            stat = path.stat()
            parts.append(f"{path}:{stat.st_mtime_ns}:{stat.st_size}")
    return "\n".join(parts)


def parse_files(files: Sequence[Path]) -> ToneRules:
    """Validate each file and merge them in order: lists are added together, numbers replaced."""
    merged: dict[str, Any] = {}
    for path in files:
        for name, value in _parse_file(path).items():
            merged[name] = merged.get(name, ()) + value if isinstance(value, tuple) else value
    return ToneRules(**merged)


def _parse_file(path: Path) -> dict[str, Any]:
    data = read_yaml(path, what="tone rules", error=PolicyError)
    if data is None:
        return {}
    known = (*PHRASE_SECTIONS, *SETTING_SECTIONS, *WORD_LISTS)
    if not isinstance(data, dict):
        raise PolicyError(f"{path}: the tone rules must be a mapping with keys {', '.join(known)}")
    unknown = sorted(set(data) - set(known), key=str)
    if unknown:
        raise PolicyError(f"{path}: unknown key '{unknown[0]}'; allowed keys: {', '.join(known)}")
    result: dict[str, Any] = {}
    for section, value in data.items():
        if section in PHRASE_SECTIONS:
            result[section] = _phrase_rules(value, section, path)
        elif section in WORD_LISTS:
            result[section] = _words(value, f"{path}: '{section}'")
        else:
            result.update(_settings(value, section, path))
    return result


def _phrase_rules(raw: object, section: str, path: Path) -> tuple[PhraseRule, ...]:
    if not isinstance(raw, list):
        raise PolicyError(f"{path}: '{section}' must be a list of rules")
    return tuple(
        _phrase_rule(rule, section, f"{path}: {section} #{n}") for n, rule in enumerate(raw, 1)
    )


def _phrase_rule(raw: object, section: str, where: str) -> PhraseRule:
    if not isinstance(raw, dict):
        raise PolicyError(
            f"{where}: each rule must be a mapping, e.g. {{phrase: …, suggestion: …}}"
        )
    banned = section in REPLACING_SECTIONS
    advice = "replacement" if banned else "suggestion"
    allowed = {"phrase", "pattern", advice, "except"} | ({"fix"} if banned else set())
    label = f"{where} ('{raw.get('phrase') or raw.get('pattern')}')"
    unknown = sorted(set(raw) - allowed, key=str)
    if unknown:
        raise PolicyError(
            f"{label}, field '{unknown[0]}': unknown field; allowed: {', '.join(sorted(allowed))}"
        )
    if ("phrase" in raw) == ("pattern" in raw):
        raise PolicyError(f"{label}, field 'phrase': each rule needs either a phrase or a pattern")
    key = "phrase" if "phrase" in raw else "pattern"
    text = _text(raw[key], f"{label}, field '{key}'")
    if key == "pattern":
        problem = pattern_problem(text)
        if problem:
            raise PolicyError(f"{label}, field 'pattern': {problem}")
    fix = raw.get("fix", True) if banned else False
    if not isinstance(fix, bool):
        raise PolicyError(f"{label}, field 'fix': must be true or false")
    return PhraseRule(
        text=text,
        suggestion=_text(raw.get(advice), f"{label}, field '{advice}'"),
        regex=key == "pattern",
        fix=fix,
        exceptions=_words(raw.get("except", []), f"{label}, field 'except'"),
    )


MAX_PATTERN_CHARS = 200
MAX_OPEN_REPEATS = 2  # unbounded repeats (*, +, {n,}) in one pattern


def pattern_problem(text: str) -> str | None:
    """Why a rules file's regular expression is refused, or None.

    A team's rules file is input too: a pattern that can backtrack catastrophically, such as
    `(a+)+$`, would make `csr lint` hang on an ordinary draft. Such patterns have a repeat inside
    a repeat, an alternation under a repeat whose branches can start alike (`(a|ab)*`), or many
    open-ended repeats; they are refused when the file is loaded, with the fix.
    """
    if len(text) > MAX_PATTERN_CHARS:
        return f"longer than {MAX_PATTERN_CHARS} characters; split it into several rules"
    try:
        re.compile(text)
        parsed = _sre_parser().parse(text)
    except (re.error, RecursionError, OverflowError) as exc:
        return f"not a valid regular expression: {exc}"
    except Exception as exc:  # the parser's own limits (too many groups…)
        return f"not a valid regular expression: {exc}"
    problems: list[str] = []
    open_repeats = _walk(list(parsed), inside_repeat=False, problems=problems)
    if problems:
        return problems[0]
    if open_repeats > MAX_OPEN_REPEATS:
        return (
            f"{open_repeats} open-ended repeats (*, +, {{n,}}) make matching slow on long "
            f"texts; use at most {MAX_OPEN_REPEATS}, or bounded ones such as .{{0,10}}"
        )
    return None


def _sre_parser() -> Any:
    try:
        import re._parser as parser
    except ImportError:  # pragma: no cover - Python 3.10
        import sre_parse as parser
    return parser


def _sre_constants() -> Any:
    try:
        from re import _constants  # type: ignore[attr-defined]
    except ImportError:  # pragma: no cover - Python 3.10
        import sre_constants as _constants
    return _constants


def _walk(items: list[Any], *, inside_repeat: bool, problems: list[str]) -> int:
    """Look for catastrophic shapes below `items`; the number of open-ended repeats."""
    c = _sre_constants()
    repeats = {c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", c.MAX_REPEAT)}
    count = 0
    for op, av in items:
        if op in repeats:
            _low, high, body = av
            many = high is c.MAXREPEAT or high > 1
            count += high is c.MAXREPEAT
            if inside_repeat:
                problems.append(
                    "a repeat inside a repeat (as in (a+)+) can make matching take forever; "
                    "rewrite it without the nested repeat, e.g. a+ instead of (a+)+"
                )
                return count
            count += _walk(list(body), inside_repeat=inside_repeat or many, problems=problems)
        elif op is c.SUBPATTERN:
            count += _walk(list(av[-1]), inside_repeat=inside_repeat, problems=problems)
        elif op is c.BRANCH:
            if inside_repeat and not _branches_distinct([list(b) for b in av[1]]):
                problems.append(
                    "a repeated alternation whose branches can start alike (as in (a|ab)*) "
                    "can make matching take forever; make every branch start with a different "
                    "character, or drop the repeat"
                )
                return count
            for branch in av[1]:
                count += _walk(list(branch), inside_repeat=inside_repeat, problems=problems)
        elif op in (c.ASSERT, c.ASSERT_NOT):
            count += _walk(list(av[1]), inside_repeat=inside_repeat, problems=problems)
        elif op is getattr(c, "ATOMIC_GROUP", None):
            count += _walk(list(av), inside_repeat=inside_repeat, problems=problems)
        elif op is c.GROUPREF_EXISTS:
            for branch in av[1:]:
                if branch is not None:
                    count += _walk(list(branch), inside_repeat=inside_repeat, problems=problems)
        if problems:
            break
    return count


def _branches_distinct(branches: list[list[Any]]) -> bool:
    """Whether the branches start with disjoint characters, so the regex engine never has two
    ways to match the same text."""
    seen: set[int] = set()
    for branch in branches:
        first = _first_chars(branch)
        if first is None or first & seen:
            return False
        seen |= first
    return True


def _first_chars(branch: list[Any]) -> set[int] | None:
    c = _sre_constants()

    if not branch:
        return None
    op, av = branch[0]
    if op is c.LITERAL:
        return {av}
    if op is c.IN and all(item_op is c.LITERAL for item_op, _ in av):
        return {value for _, value in av}
    return None


def _settings(raw: object, section: str, path: Path) -> dict[str, Any]:
    keys = SETTING_SECTIONS[section]
    if not isinstance(raw, dict):
        raise PolicyError(f"{path}: '{section}' must be a mapping with keys {', '.join(keys)}")
    result: dict[str, Any] = {}
    for key, value in raw.items():
        where = f"{path}: {section}, field '{key}'"
        if key not in keys:
            raise PolicyError(f"{where}: unknown field; allowed: {', '.join(keys)}")
        if key.startswith("min_"):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise PolicyError(f"{where}: must be a whole number of at least 1")
            result[keys[key]] = value
        elif key == "ignore":
            result[keys[key]] = _characters(value, where, 1, "one character each, e.g. ['·', '-']")
        elif key == "traditional":
            result[keys[key]] = _characters(
                value, where, 2, "pairs of a traditional and its simplified character, e.g. [講讲]"
            )
        else:
            result[keys[key]] = _words(value, where)
    return result


def _characters(raw: object, where: str, size: int, shape: str) -> tuple[str, ...]:
    if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
        raise PolicyError(f"{where}: must be a list of {shape}")
    for item in raw:
        if len(item) != size:
            raise PolicyError(f"{where}: '{item}' is not {shape}")
    return tuple(raw)


def _words(raw: object, where: str) -> tuple[str, ...]:
    if not isinstance(raw, list):
        raise PolicyError(f"{where}: must be a list of phrases, e.g. [不错, 不客气]")
    return tuple(_text(item, where) for item in raw)


def _text(raw: object, where: str) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise PolicyError(f"{where}: must be a non-empty text")
    return raw
