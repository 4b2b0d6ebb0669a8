"""Shared fixtures: the clock, engines on SQLite and on a real PostgreSQL.

PostgreSQL: `LTSA_TEST_DATABASE_URL` (a server you run) is used when set;
otherwise a throw-away server is initialised in a temporary directory and
started on a free loopback port for the test session (Debian's `postgresql`
package, installed by `make test`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from devtools.pgtemp import PostgresMissing, create_database, drop_database, temporary_postgres
from engine import Engine, ManualClock

ROOT = Path(__file__).resolve().parent.parent
TEST_BPMN = ROOT / "tests" / "engine" / "bpmn"
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A PostgreSQL server URL (without database name) for the whole session."""
    configured = os.environ.get("LTSA_TEST_DATABASE_URL")
    if configured:
        yield configured.rsplit("/", 1)[0]
        return
    try:
        with temporary_postgres() as url:
            yield url
    except PostgresMissing as missing:
        pytest.fail(str(missing))


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """A fresh, empty database on the session's PostgreSQL server."""
    url = create_database(postgres_server)
    try:
        yield url
    finally:
        drop_database(url)


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
