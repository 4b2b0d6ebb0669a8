"""PostgreSQL connections are pinged before use when they sat idle in the pool, not every time."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from engine import Engine
from engine.store import db

pytestmark = pytest.mark.postgres


def _drop_connections(url: str) -> None:
    """End every other session of the database, as a server restart would."""
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        ended = connection.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ).scalar_one()
    admin.dispose()
    assert ended >= 1


def _engine(url: str, tmp_path: Path) -> Engine:
    eng = Engine(database_url=url, data_dir=tmp_path)
    eng.init_db()
    eng.users.add("admin1", "admin")
    return eng


def test_a_connection_idle_past_the_limit_is_pinged_and_replaced(
    postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    eng = _engine(postgres_url, tmp_path)
    monkeypatch.setattr(db, "PING_AFTER_IDLE", 0.0)
    try:
        _drop_connections(postgres_url)
        assert eng.users.get("admin1").role == "admin"  # no error: the dead one was replaced
    finally:
        eng.close()


def test_a_connection_used_just_now_is_not_pinged(
    postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    eng = _engine(postgres_url, tmp_path)
    monkeypatch.setattr(db, "PING_AFTER_IDLE", 3600.0)
    try:
        _drop_connections(postgres_url)
        # not pinged, so the dropped connection fails once; the pool then starts afresh
        with pytest.raises(OperationalError):
            eng.users.get("admin1")
        assert eng.users.get("admin1").role == "admin"
    finally:
        eng.close()
