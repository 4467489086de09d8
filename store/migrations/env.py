"""Alembic environment of the workspace's PostGIS schema (store/migrations).

The store runs the migrations itself when it opens a database (`store.open_workspace`), on its own
connection (`config.attributes["connection"]`). By hand, from the repository root:

    PARKATLAS_DATABASE_URL=postgresql+psycopg://… alembic -c store/migrations/alembic.ini upgrade head
"""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy import create_engine

from store._tables import metadata

target_metadata = metadata


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(os.environ["PARKATLAS_DATABASE_URL"])
    with engine.begin() as connection:
        context.configure(connection=connection, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
