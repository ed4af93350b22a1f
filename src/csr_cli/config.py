"""The user's config: placeholder values such as the shop and agent name, in a TOML file."""

from __future__ import annotations

import contextlib
import re
import sys
from pathlib import Path

from csr_cli import paths
from csr_cli.errors import ConfigError, UsageError
from csr_cli.fileio import atomic_write_text

KEY_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def text_problem(value: str) -> str | None:
    """Why a value cannot be a config or --set value (one printable line of UTF-8), or None."""
    for position, char in enumerate(value, 1):
        if "\udc80" <= char <= "\udcff":
            return (
                f"is not UTF-8 text (character {position} is the byte 0x{ord(char) - 0xDC00:02X}); "
                "type it as UTF-8"
            )
        if not char.isprintable():
            return "must be one line of text without control characters"
    return None


def load_config(path: Path | None = None) -> dict[str, str]:
    path = paths.config_file() if path is None else path
    if not path.is_file():
        return {}
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on Python 3.10 only
        import tomli as tomllib
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read config: {exc}; fix or delete the file") from None
    values: dict[str, str] = {}
    for key, value in data.items():
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise ConfigError(f"{path}: key '{key}' must be a text or a number")
        values[key] = str(value)
    return values


def _save(values: dict[str, str], path: Path) -> None:
    import tomli_w

    try:
        atomic_write_text(path, tomli_w.dumps(dict(sorted(values.items()))))
    except OSError as exc:
        raise ConfigError(
            f"{path}: cannot write the config: {exc.strerror or exc}; check CSR_CONFIG_DIR"
        ) from None


def set_value(key: str, value: str, path: Path | None = None) -> None:
    if not KEY_RE.match(key):
        raise UsageError(f"'{key}' is not a valid key: use letters, digits and _ (e.g. shop)")
    if not value.strip():
        raise UsageError(f"'{key}' needs a value; to remove it use `csr config unset {key}`")
    problem = text_problem(value)
    if problem:
        raise UsageError(f"'{key}' {problem}")
    path = paths.config_file() if path is None else path
    with _locked(path):  # two `config set` at once must both land
        values = load_config(path)
        values[key] = value
        _save(values, path)


def unset_value(key: str, path: Path | None = None) -> bool:
    """Remove a key; False when it was not set."""
    path = paths.config_file() if path is None else path
    with _locked(path):
        values = load_config(path)
        if key not in values:
            return False
        del values[key]
        _save(values, path)
    return True


def _locked(path: Path) -> contextlib.AbstractContextManager[None]:
    from csr_cli.fileio import locked

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(
            f"{path}: cannot write the config: {exc.strerror or exc}; check CSR_CONFIG_DIR"
        ) from None
    return locked(path)


def parse_assignments(assignments: list[str]) -> dict[str, str]:
    """`--set key=value` pairs as a dict."""
    values: dict[str, str] = {}
    for assignment in assignments:
        key, sep, value = assignment.partition("=")
        key = key.strip()
        if not sep or not KEY_RE.match(key):
            raise UsageError(
                f"--set expects key=value, e.g. --set shop=小美家 (got '{assignment}')"
            )
        if not value.strip():
            raise UsageError(f"--set {key}= has no value; give one, e.g. --set {key}=…")
        problem = text_problem(value)
        if problem:
            raise UsageError(f"--set {key}= {problem}, as for `csr config set`")
        values[key] = value
    return values
