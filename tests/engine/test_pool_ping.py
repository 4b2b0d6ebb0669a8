"""PostgreSQL connections are pinged before use when they sat idle in the pool, not every time."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from engine import Engine
from engine.store import db

pytestmark = pytest.mark.postgres


@pytest.fixture
def dropped(postgres_url: str, tmp_path: Path) -> Iterator[Engine]:
    """An engine whose pooled connection the server has just ended (as a restart would)."""
    eng = Engine(database_url=postgres_url, data_dir=tmp_path)
    eng.init_db()
    eng.users.add("admin1", "admin")
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        ended = connection.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ).scalar_one()
    admin.dispose()
    assert ended >= 1
    yield eng
    eng.close()


def test_a_connection_idle_past_the_limit_is_pinged_and_replaced(
    dropped: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db, "PING_AFTER_IDLE", 0.0)
    assert dropped.users.get("admin1").role == "admin"  # no error: the dead one was replaced


def test_a_connection_used_just_now_is_not_pinged(
    dropped: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db, "PING_AFTER_IDLE", 3600.0)
    # not pinged, so the dropped connection fails once; the pool then starts afresh
    with pytest.raises(OperationalError):
        dropped.users.get("admin1")
    assert dropped.users.get("admin1").role == "admin"
