"""Alembic environment: runs on the connection the engine hands over."""

from alembic import context
from sqlalchemy import create_engine

from engine.store.models import Base

config = context.config
connection = config.attributes.get("connection")

if connection is None:
    url = config.get_main_option("sqlalchemy.url") or ""
    with create_engine(url).connect() as own_connection:
        context.configure(
            connection=own_connection, target_metadata=Base.metadata, render_as_batch=True
        )
        with context.begin_transaction():
            context.run_migrations()
else:
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
