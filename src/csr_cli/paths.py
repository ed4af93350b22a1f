"""Where csr keeps its files; every location has an environment override for tests and shops."""

from __future__ import annotations

import os
import zlib
from collections.abc import Iterable
from pathlib import Path

APP_NAME = "csr"
PHRASEBOOK_PATH_ENV = "CSR_PHRASEBOOK_PATH"


def _user_dir(env_var: str, kind: str) -> Path:
    override = os.environ.get(env_var)
    if override:
        return Path(override)
    # platformdirs costs a few ms to import; only pay it when no override is set.
    import platformdirs

    getter = getattr(platformdirs, f"user_{kind}_dir")
    return Path(getter(APP_NAME, appauthor=False))


def config_dir() -> Path:
    return _user_dir("CSR_CONFIG_DIR", "config")


def state_dir() -> Path:
    return _user_dir("CSR_STATE_DIR", "state")


def cache_dir() -> Path:
    return _user_dir("CSR_CACHE_DIR", "cache")


def data_dir() -> Path:
    """Data csr must keep (the case log), unlike the cache, which is safe to delete."""
    return _user_dir("CSR_DATA_DIR", "data")


def case_db() -> Path:
    """The embedded case log used when no CSR_DATABASE_URL / database_url names a server."""
    return data_dir() / "cases.sqlite3"


def cache_file(kind: str, sources: Iterable[object], suffix: str) -> Path:
    """The cache file for data compiled from `sources` (paths): one file per set of sources."""
    # crc32, not hashlib: OpenSSL's start-up alone would cost more than the rest of a lookup.
    key = zlib.crc32("\n".join(str(source) for source in sources).encode())
    return cache_dir() / f"{kind}-{key:08x}{suffix}"


def config_file() -> Path:
    return config_dir() / "config.toml"


def personal_phrasebook() -> Path:
    return config_dir() / "phrasebook.yaml"


def personal_kpi_policy() -> Path:
    """The shop's KPI scheme used when neither --policy nor CSR_KPI_POLICY names one."""
    return config_dir() / "kpi.yaml"


def personal_tone_rules() -> Path:
    """The shop's own house-tone rules, read after the bundled ones."""
    return config_dir() / "tone.yaml"


def personal_policy() -> Path:
    """The shop policy used when neither --policy nor CSR_POLICY names one."""
    return config_dir() / "policy.yaml"


def _bundled(name: str) -> Path:
    installed = Path(__file__).parent / "data" / name
    if installed.is_dir():
        return installed
    # A source checkout or editable install: the data sits at the repository root.
    return Path(__file__).resolve().parents[2] / name


def bundled_phrasebook_dir() -> Path:
    return _bundled("phrasebook")


def bundled_policies_dir() -> Path:
    return _bundled("policies")


def lexicon_file() -> Path:
    return _bundled("lexicon") / "lexicon.yaml"


def traditional_file() -> Path:
    """Traditional -> simplified character pairs, read when the search index is built."""
    return _bundled("lexicon") / "traditional.txt"


def team_phrasebook_paths() -> list[Path]:
    """Team files from CSR_PHRASEBOOK_PATH (os.pathsep-separated files or folders of *.yaml)."""
    raw = os.environ.get(PHRASEBOOK_PATH_ENV, "")
    paths: list[Path] = []
    for part in raw.split(os.pathsep):
        if not part.strip():
            continue
        path = Path(part).expanduser()
        if path.is_dir():
            paths.extend(sorted(path.glob("*.yaml")) + sorted(path.glob("*.yml")))
        else:
            paths.append(path)
    return paths
