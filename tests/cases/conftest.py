"""Case-log fixtures: every case-log test runs on SQLite and on a real PostgreSQL server.

The server is started once per session in a temp directory (see pgserver.py) and each test
gets a database of its own, so tests never see each other's cases.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from cases.pgserver import Server, running_server
from csr_cli.config import set_value

AGENT = "小美"
SHOP = "小美家"
_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[Server]:
    with running_server() as server:
        yield server


@dataclass(frozen=True)
class Backend:
    name: str  # "sqlite" or "postgresql"
    url: str  # what CSR_DATABASE_URL holds (sqlite: the file's URL)
    env: dict[str, str]  # for subprocesses: the environment that points csr at this database


def _sqlite(tmp_path: Path) -> Backend:
    path = tmp_path / "data" / "cases.sqlite3"
    return Backend("sqlite", f"sqlite:///{path}", {})


def _postgresql(server: Server, monkeypatch: pytest.MonkeyPatch) -> Backend:
    url = server.create_database(f"csr_test_{next(_numbers)}")
    monkeypatch.setenv("CSR_DATABASE_URL", url)
    return Backend("postgresql", url, {"CSR_DATABASE_URL": url})


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Backend:
    """The case log for one test, on each backend; the agent and shop are configured."""
    set_value("agent", AGENT)
    set_value("shop", SHOP)
    if request.param == "sqlite":
        return _sqlite(tmp_path)
    return _postgresql(request.getfixturevalue("pg_server"), monkeypatch)
