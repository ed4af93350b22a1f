"""The house-tone word list: phrases a reply must not contain, with their standard rewrite."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from csr_cli import paths
from csr_cli.errors import PolicyError


@dataclass(frozen=True)
class BannedPhrase:
    phrase: str
    replacement: str


def tone_file() -> Path:
    return paths.bundled_policies_dir() / "tone.yaml"


@cache
def banned_phrases(path: Path | None = None) -> tuple[BannedPhrase, ...]:
    import yaml

    path = tone_file() if path is None else path
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise PolicyError(f"{path}: cannot read the tone rules: {exc}") from None
    rules = data.get("banned") if isinstance(data, dict) else None
    if not isinstance(rules, list):
        raise PolicyError(f"{path}: 'banned' must be a list of {{phrase, replacement}} items")
    result = []
    for number, rule in enumerate(rules, start=1):
        if not isinstance(rule, dict) or not all(
            isinstance(rule.get(key), str) and rule[key] for key in ("phrase", "replacement")
        ):
            raise PolicyError(f"{path}: banned rule #{number}: needs a phrase and a replacement")
        result.append(BannedPhrase(rule["phrase"], rule["replacement"]))
    return tuple(result)


def banned_in(text: str) -> list[BannedPhrase]:
    """Banned phrases found in `text`; a bare 哦/嗯 reply counts as one too."""
    found = [rule for rule in banned_phrases() if rule.phrase in text]
    if text.strip(" 。.!！~～") in ("哦", "嗯", "噢", "额"):
        found.append(BannedPhrase(text.strip(), "请用完整的句子回复，例如：好的亲，我明白了"))
    return found
