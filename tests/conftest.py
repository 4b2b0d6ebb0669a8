"""Shared fixtures: the clock, engines on SQLite and on a real PostgreSQL.

PostgreSQL: `LTSA_TEST_DATABASE_URL` (a server you run) is used when set;
otherwise a throw-away server is initialised in a temporary directory and
started on a free loopback port for the test session (Debian's `postgresql`
package, installed by `make test`).
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
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from engine import Engine, ManualClock

ROOT = Path(__file__).resolve().parent.parent
TEST_BPMN = ROOT / "tests" / "engine" / "bpmn"
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        pytest.fail(
            f"PostgreSQL's {name} not found: install the Debian package 'postgresql' "
            "(make test does) or set LTSA_TEST_DATABASE_URL"
        )
    return found[-1]


def _as_postgres(args: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return args
    return ["runuser", "-u", "postgres", "--", *args]


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A PostgreSQL server URL (without database name) for the whole session."""
    configured = os.environ.get("LTSA_TEST_DATABASE_URL")
    if configured:
        yield configured.rsplit("/", 1)[0]
        return
    base = Path(tempfile.mkdtemp(prefix="ltsa-pg-"))
    data = base / "data"
    port = _free_port()
    if os.geteuid() == 0:
        pw = pwd.getpwnam("postgres")
        os.chown(base, pw.pw_uid, pw.pw_gid)
    subprocess.run(
        _as_postgres(
            [
                _pg_bin("initdb"),
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
        f"-c listen_addresses=127.0.0.1 -p {port} -k {base} -c fsync=off -c max_connections=200"
    )
    subprocess.run(
        _as_postgres(
            [
                _pg_bin("pg_ctl"),
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
            _as_postgres([_pg_bin("pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
            capture_output=True,
        )
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """A fresh, empty database on the session's PostgreSQL server."""
    name = "ltsa_" + uuid.uuid4().hex[:12]
    admin = create_engine(f"{postgres_server}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{postgres_server}/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


EngineFactory = Callable[..., Engine]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each test using this runs once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'ltsa.db'}"
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
def make_engine(tmp_path: Path, clock: ManualClock) -> Iterator[EngineFactory]:
    """Build engines (closed at the end of the test)."""
    made: list[Engine] = []

    def factory(url: str | None = None, **kwargs: object) -> Engine:
        eng = Engine(
            database_url=url or f"sqlite:///{tmp_path / 'ltsa.db'}",
            data_dir=tmp_path / "data",
            clock=kwargs.pop("clock", clock),
            **kwargs,
        )  # type: ignore[arg-type]
        eng.init_db()
        made.append(eng)
        return eng

    yield factory
    for eng in made:
        eng.close()


@pytest.fixture
def eng(make_engine: EngineFactory, database_url: str) -> Engine:
    """An engine on SQLite and (second run) PostgreSQL, with the test processes deployed."""
    engine = make_engine(database_url)
    engine.deploy([TEST_BPMN], actor="designer")
    return engine
