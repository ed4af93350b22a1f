"""A throwaway PostgreSQL server for the tests: initdb into a temp dir, start, stop, delete.

PostgreSQL refuses to run as root, so as root the server runs as the `postgres` OS user (the
Debian/Ubuntu package creates it). The server listens on 127.0.0.1 on a free port and requires
a password over TCP, so the tests also see how csr handles a URL with a password in it.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import signal
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

USER = "csr_agent"
PASSWORD = "s3cret-Pw-9x"  # the tests check that this never appears in any output
DATABASE = "csr_cases"


@dataclass(frozen=True)
class Server:
    host: str
    port: int
    admin_socket_dir: Path

    def url(self, database: str = DATABASE, password: str = PASSWORD) -> str:
        return f"postgresql://{USER}:{password}@{self.host}:{self.port}/{database}"

    def create_database(self, name: str, owner: str = USER) -> str:
        _psql(self, f'CREATE DATABASE "{name}" OWNER {owner}')
        return self.url(name)


def _bin_dir() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    path = shutil.which("initdb")
    if found:
        return Path(found[-1]).parent
    if path:
        return Path(path).parent
    raise RuntimeError(
        "PostgreSQL is not installed, and the case-log tests need a real server: "
        "apt-get install -y postgresql (`.ci/run` does this)"
    )


def _as_server_user(argv: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return argv
    return ["runuser", "-u", "postgres", "--", *argv]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _run(argv: list[str]) -> None:
    done = subprocess.run(_as_server_user(argv), capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed:\n{done.stdout}\n{done.stderr}")


def _psql(server: Server, sql: str) -> None:
    psql = _bin_dir() / "psql"
    if not psql.exists():
        psql = Path(shutil.which("psql") or "psql")
    _run(
        [
            str(psql),
            "-h",
            str(server.admin_socket_dir),
            "-p",
            str(server.port),
            "-U",
            "postgres",
            "-d",
            "postgres",
            "-v",
            "ON_ERROR_STOP=1",
            "-q",
            "-c",
            sql,
        ]
    )


@contextlib.contextmanager
def running_server() -> Iterator[Server]:
    bin_dir = _bin_dir()
    # Not under pytest's tmp dir: that is private to root, and the server user must reach it.
    root = Path(tempfile.mkdtemp(prefix="csr-pg-"))
    data, sockets = root / "data", root / "sockets"
    try:
        sockets.mkdir()
        if os.geteuid() == 0:
            _hand_to_server_user(root, sockets)
        port = _free_port()
        _run(
            [
                str(bin_dir / "initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "--auth-local=trust",
                "--auth-host=scram-sha-256",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ]
        )
        options = f"-c listen_addresses=127.0.0.1 -p {port} -k {sockets} -c fsync=off -c max_connections=100"
        _run(
            [
                str(bin_dir / "pg_ctl"),
                "-D",
                str(data),
                "-o",
                options,
                "-w",
                "-t",
                "60",
                "-l",
                str(root / "server.log"),
                "start",
            ]
        )
        try:
            server = Server("127.0.0.1", port, sockets)
            _psql(server, f"CREATE ROLE {USER} LOGIN PASSWORD '{PASSWORD}'")
            _psql(server, f"CREATE DATABASE {DATABASE} OWNER {USER}")
            yield server
        finally:
            _stop(bin_dir, data)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _hand_to_server_user(*folders: Path) -> None:
    try:
        for folder in folders:
            shutil.chown(folder, "postgres")
    except LookupError:
        raise RuntimeError(
            "PostgreSQL refuses to run as root and there is no `postgres` user to run it as; "
            "the postgresql package creates it (apt-get install --reinstall postgresql-common)"
        ) from None


def _stop(bin_dir: Path, data: Path) -> None:
    """Stop the server; if pg_ctl cannot, signal the postmaster so no server outlives the tests."""
    try:
        _run([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"])
    except RuntimeError:
        with contextlib.suppress(OSError, ValueError, IndexError):
            pid = int((data / "postmaster.pid").read_text().splitlines()[0])
            os.kill(pid, signal.SIGQUIT)  # immediate shutdown
        raise
