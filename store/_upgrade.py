"""Upgrading a GeoPackage workspace written by an older ParkAtlas to this version's schema, in place.

Each step adds what its schema version brought; `upgrade_file` runs every step the file still
needs in ONE transaction (BEGIN IMMEDIATE: the write lock first), and the step's last statement
sets `ws_meta.schema_version`. A failure anywhere rolls everything back: the file keeps its old
schema, and every table, layer, feature and version it had. Nothing that exists is rewritten:
steps only add tables and registrations.

Steps (the PostGIS schema takes the same ones as Alembic migrations, store/migrations):
- 1 -> 2: `ws_documents`, the plan documents kept in the workspace, registered as a GeoPackage
  attributes table.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from store import _gpkg
from store._engine import BUSY_TIMEOUT_S
from store._errors import WorkspaceError
from store._schema_ops import ddl_statements
from store._tables import SCHEMA_VERSION, ws_documents

Statements = list[tuple[str, tuple]]


def documents_statements() -> Statements:
    """CREATE TABLE ws_documents and its registration as a GeoPackage attributes table."""
    from sqlalchemy.dialects import sqlite

    return (ddl_statements(ws_documents, sqlite.dialect())
            + _gpkg.register_attributes("ws_documents", "ParkAtlas workspace: plan documents, each kept once"))


STEPS: dict[int, Callable[[], Statements]] = {2: documents_statements}
"""Schema version -> the statements that bring a file at the version before it up to it."""


def _schema_version(con: sqlite3.Connection) -> int:
    row = con.execute("SELECT value FROM ws_meta WHERE key = 'schema_version'").fetchone()
    return int(str(row[0]).strip('"'))


def upgrade_file(path: Path) -> int:
    """Bring the workspace file at `path` (already checked by `store.check_file`: a ParkAtlas
    workspace of this schema or an older one) to SCHEMA_VERSION, in one transaction. Returns the
    schema version the file had; a file already at SCHEMA_VERSION is not written to at all.
    Raises WorkspaceError, and leaves the file as it was, when the upgrade cannot be done."""
    con = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_S)
    try:
        _gpkg.install_functions(con)
        if _schema_version(con) >= SCHEMA_VERSION:  # read without a lock: the common case writes nothing
            return SCHEMA_VERSION
        con.execute("BEGIN IMMEDIATE")
        try:
            old = _schema_version(con)  # again under the lock: another process may have upgraded it meanwhile
            for version in range(old + 1, SCHEMA_VERSION + 1):
                for sql, params in STEPS[version]():
                    con.execute(sql, params)
                con.execute("UPDATE ws_meta SET value = ? WHERE key = 'schema_version'", (str(version),))
            con.execute("COMMIT")
        except BaseException:
            if con.in_transaction:  # SQLite ends the transaction itself on some errors (disk full)
                con.execute("ROLLBACK")
            raise
        return old
    except (sqlite3.Error, ValueError, TypeError, KeyError) as exc:
        raise WorkspaceError(f"{path}: could not be upgraded to workspace schema {SCHEMA_VERSION} ({exc}); it was "
                             "not changed. Close other programs that have it open and try again.") from None
    finally:
        con.close()
