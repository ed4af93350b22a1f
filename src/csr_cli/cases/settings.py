"""Which database, which time zone, who is recording: read from the environment and config.

No SQLAlchemy here: `csr config show` and `csr doctor` mask the database URL without paying
for the database libraries.
"""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING

from csr_cli import paths
from csr_cli.config import load_config
from csr_cli.errors import CaseLogError, ConfigError

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

DATABASE_URL_ENV = "CSR_DATABASE_URL"
DATABASE_URL_KEY = "database_url"
DEFAULT_TIMEZONE = "Asia/Shanghai"

# scheme://user:PASSWORD@host — and libpq-style `password=…` in a query string or DSN.
_USERINFO_RE = re.compile(r"(?P<head>[A-Za-z][A-Za-z0-9+.\-]*://[^:/@?#]*):(?P<pw>[^@/?#]*)@")
_PARAM_RE = re.compile(r"(?P<head>(?:^|[?&\s])password=)(?P<pw>[^&\s]*)", re.IGNORECASE)


def mask_url(url: str) -> str:
    """The URL with any password replaced by ***, safe to print, log or put in an error."""
    masked = _USERINFO_RE.sub(lambda m: f"{m['head']}:***@", url)
    return _PARAM_RE.sub(lambda m: f"{m['head']}***", masked)


def secrets_in(url: str) -> list[str]:
    """The password(s) in `url`, so an error text from a driver can be scrubbed of them."""
    found = [m["pw"] for m in _USERINFO_RE.finditer(url)] + [
        m["pw"] for m in _PARAM_RE.finditer(url)
    ]
    return [secret for secret in found if secret]


def scrub(text: str, url: str) -> str:
    for secret in secrets_in(url):
        text = text.replace(secret, "***")
    return text


def configured_url() -> str | None:
    """CSR_DATABASE_URL, else the config's database_url, else None (the embedded SQLite file)."""
    url = os.environ.get(DATABASE_URL_ENV, "").strip()
    if url:
        return url
    return load_config().get(DATABASE_URL_KEY) or None


def database_url(url: str | None = None) -> str:
    """The SQLAlchemy URL to open: the one given, the configured one, or the SQLite file."""
    chosen = url or configured_url()
    if chosen is None:
        return f"sqlite:///{paths.case_db()}"
    # postgresql:// would pick psycopg2, which csr does not install; psycopg 3 it is.
    for prefix in ("postgresql://", "postgres://"):
        if chosen.startswith(prefix):
            return "postgresql+psycopg://" + chosen[len(prefix) :]
    return chosen


def describe_database(url: str | None = None) -> str:
    """Where the case log lives, for `csr config path` and `csr doctor`, password masked."""
    return mask_url(url or configured_url() or database_url())


def shop_timezone() -> ZoneInfo:
    """The shop's time zone (config `timezone`, default Asia/Shanghai): times are shown in it."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    name = load_config().get("timezone", DEFAULT_TIMEZONE)
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"config 'timezone' is not a time zone (got '{name}'); use e.g. Asia/Shanghai "
            "(`csr config set timezone Asia/Shanghai`)"
        ) from None


def required_setting(key: str, given: str | None, example: str) -> str:
    """`given`, else the config's `key`; a case without a handler or shop helps nobody."""
    value = (given or load_config().get(key) or "").strip()
    if not value:
        raise CaseLogError(
            f"no {key} to record the case under: save it with `csr config set {key} {example}`"
        )
    return value
