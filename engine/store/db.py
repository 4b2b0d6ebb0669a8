"""The database connection: engine creation, sessions and migrations.

SQLite under the data directory is the embedded default; any SQLAlchemy URL
(``postgresql+psycopg://...``) selects another server. The schema is created
and upgraded by Alembic, never by ``create_all``.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session, sessionmaker

__all__ = ["Database", "default_url"]

_MIGRATIONS = Path(__file__).parent / "migrations"
#: A pooled connection idle longer than this is pinged before use (seconds).
PING_AFTER_IDLE = 1.0


def default_url(data_dir: Path) -> str:
    """The embedded SQLite database under the data directory."""
    return f"sqlite:///{(data_dir / 'ltsa.db').resolve()}"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _ping_when_idle(engine: Engine) -> None:
    """Ping a pooled connection before use only if it sat idle, not on every checkout.

    SQLAlchemy's ``pool_pre_ping`` costs a round trip per checkout (two per API
    request: the token lookup and the input). A connection handed back less
    than `PING_AFTER_IDLE` ago was working then; one idle longer (the server
    may have restarted or dropped it) is pinged, and replaced if dead.
    """
    dialect = engine.dialect

    @event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_connection: Any, record: Any) -> None:
        record.info["ltsa_idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.get("ltsa_idle_since")
        if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE:
            return
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as exc:  # the pool replaces the connection
            raise DisconnectionError(f"ping failed: {exc}") from exc


class Database:
    """One database: a SQLAlchemy engine and a session factory."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        options: dict[str, Any] = {"future": True}
        if self.is_sqlite:
            options["connect_args"] = {"check_same_thread": False, "timeout": 10}
        else:
            options.update(pool_size=10, max_overflow=20)
        self.engine: Engine = create_engine(url, **options)
        if self.is_sqlite:
            event.listen(self.engine, "connect", _sqlite_pragmas)
        else:
            _ping_when_idle(self.engine)
        # For one-statement reads (the per-request user lookup, the dashboard): on
        # PostgreSQL without BEGIN and ROLLBACK, two round trips fewer per request.
        self.reads: Engine = (
            self.engine
            if self.is_sqlite
            else self.engine.execution_options(isolation_level="AUTOCOMMIT")
        )
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    def session(self) -> Session:
        """Open a new session (use as a context manager)."""
        return self.sessions()

    @staticmethod
    def session_on(connection: Connection) -> Session:
        """A session for ORM work inside `connection`'s transaction.

        It joins the transaction without ever committing it or closing the
        connection: whoever holds the connection decides the outcome.
        """
        return Session(bind=connection, join_transaction_mode="rollback_only")

    def upgrade(self) -> None:
        """Apply every pending migration."""
        config = Config()
        config.set_main_option("script_location", str(_MIGRATIONS))
        with self.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()
