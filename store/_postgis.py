"""A workspace in PostgreSQL + PostGIS (for teams): connect, bring the schema to this version with
Alembic (store/migrations), refuse a database written by a newer ParkAtlas.

Several app instances may start at once: the migration and the seeding run under a PostgreSQL
advisory lock, one instance after another.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Connection, Engine, text
from sqlalchemy.engine import make_url

from store._engine import pg_engine, translated
from store._errors import WorkspaceError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_LOCK_KEY = 0x5041524B  # "PARK": the advisory lock of migrations and seeding


def safe_location(url: str) -> str:
    """The URL as messages and logs may show it: the password hidden.

    >>> safe_location("postgresql+psycopg://atlas:secret@db:5432/parkatlas")
    'postgresql+psycopg://atlas:***@db:5432/parkatlas'
    """
    return make_url(url).render_as_string(hide_password=True)


def _alembic_config(con: Connection):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = con
    return cfg


def migrate(con: Connection, location: str) -> None:
    """Bring the schema to the newest migration; refuse a database a newer ParkAtlas wrote."""
    from alembic import command
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    cfg = _alembic_config(con)
    known = {rev.revision for rev in ScriptDirectory.from_config(cfg).walk_revisions()}
    current = MigrationContext.configure(con).get_current_revision()
    if current is not None and current not in known:
        raise WorkspaceError(f"{location}: was written by a newer ParkAtlas (schema revision {current}; this version "
                             f"knows {', '.join(sorted(known))}); it was not changed. Upgrade ParkAtlas to use it.")
    con.execute(text("CREATE EXTENSION IF NOT EXISTS postgis"))
    command.upgrade(cfg, "head")


@contextlib.contextmanager
def advisory_lock(engine: Engine) -> Iterator[None]:
    """Hold ParkAtlas's advisory lock (one migrating or seeding instance at a time)."""
    with engine.connect() as con:
        con.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _LOCK_KEY})
        con.commit()
        try:
            yield
        finally:
            con.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _LOCK_KEY})
            con.commit()


def open_engine(url: str) -> tuple[Engine, str]:
    """(engine, location for messages) of a migrated PostGIS workspace. Raises WorkspaceError when
    the server cannot be reached or the schema is newer than this ParkAtlas."""
    location = safe_location(url)
    engine = pg_engine(url)
    with translated(location, "opening the workspace"):
        with advisory_lock(engine), engine.begin() as con:
            migrate(con, location)
    return engine, location
