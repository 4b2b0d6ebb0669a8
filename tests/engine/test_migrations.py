"""The Alembic migrations create exactly the tables the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from engine import Engine
from engine.store.models import Base


def test_migrated_schema_matches_the_models(make_engine, database_url: str) -> None:
    eng: Engine = make_engine(database_url)
    with eng.db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_upgrading_twice_changes_nothing(make_engine, database_url: str) -> None:
    eng: Engine = make_engine(database_url)
    eng.init_db()
    with eng.db.engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == "0010"
