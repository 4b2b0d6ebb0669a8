"""A throw-away PostgreSQL server for tests and benchmarks.

Initialised in a temporary directory from Debian's `postgresql` binaries and
started on a free loopback port; stopped and deleted afterwards. As root the
server runs as the `postgres` user (initdb refuses root).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text

__all__ = [
    "PostgresMissing",
    "create_database",
    "drop_database",
    "pg_binary",
    "temporary_postgres",
]


class PostgresMissing(RuntimeError):
    """PostgreSQL's server binaries are not installed."""


def pg_binary(name: str) -> str:
    """The path of a PostgreSQL server binary (newest installed version)."""
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        raise PostgresMissing(
            f"PostgreSQL's {name} not found: install the Debian package 'postgresql' "
            "(make test does) or set LTSA_TEST_DATABASE_URL"
        )
    return found[-1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_postgres(args: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return args
    return ["runuser", "-u", "postgres", "--", *args]


@contextmanager
def temporary_postgres(max_connections: int = 200, *, fsync: bool = False) -> Iterator[str]:
    """Start a server; yield its URL without a database name (fsync off unless asked)."""
    base = Path(tempfile.mkdtemp(prefix="ltsa-pg-"))
    data = base / "data"
    port = _free_port()
    if os.geteuid() == 0:
        owner = pwd.getpwnam("postgres")
        os.chown(base, owner.pw_uid, owner.pw_gid)
    subprocess.run(
        _as_postgres(
            [
                pg_binary("initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-sync",
            ]
        ),
        check=True,
        capture_output=True,
    )
    options = (
        f"-c listen_addresses=127.0.0.1 -p {port} -k {base} -c fsync={'on' if fsync else 'off'} "
        f"-c max_connections={max_connections}"
    )
    subprocess.run(
        _as_postgres(
            [
                pg_binary("pg_ctl"),
                "-D",
                str(data),
                "-o",
                options,
                "-l",
                str(base / "log"),
                "-w",
                "start",
            ]
        ),
        check=True,
        capture_output=True,
    )
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}"
    finally:
        subprocess.run(
            _as_postgres([pg_binary("pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
            capture_output=True,
        )
        shutil.rmtree(base, ignore_errors=True)


def create_database(server_url: str) -> str:
    """Create a fresh database on the server; return its URL."""
    name = "ltsa_" + uuid.uuid4().hex[:12]
    admin = create_engine(f"{server_url}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return f"{server_url}/{name}"


def drop_database(url: str) -> None:
    """Drop a database made by `create_database`."""
    server_url, name = url.rsplit("/", 1)
    admin = create_engine(f"{server_url}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()
