"""Connecting to a GeoPackage workspace: one SQLAlchemy engine per file, with the SQLite settings
that make concurrent saves safe, and driver errors turned into our own.

- Every write runs in `BEGIN IMMEDIATE`: the write lock is taken before anything is read, so two
  processes saving at once queue up instead of failing halfway (no lock upgrade deadlock).
- A busy timeout (`BUSY_TIMEOUT_S`) lets a save wait for another process's save; past it the save
  fails with WorkspaceError ("locked") and nothing is written.
- The rollback journal (not WAL) keeps the workspace one file; a process killed in the middle of a
  save leaves a hot journal that SQLite rolls back at the next open (the old version survives).
- Our connections define the ST_* functions the GeoPackage R-tree triggers call.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError

from store import _gpkg
from store._errors import WorkspaceError

BUSY_TIMEOUT_S = 20.0
"""How long a write waits for another process's write before giving up (seconds)."""

CONNECT_TIMEOUT_S = 5
"""How long a connection to a PostgreSQL server may take before the server counts as unreachable."""

_UNREACHABLE = ("could not connect", "connection refused", "server closed the connection", "terminating connection",
                "connection is closed", "the database system is", "no connection to the server", "timeout expired",
                "connection timeout", "consuming input failed", "server conn crashed", "connection failed")
"""Words of psycopg's messages when the server is down, restarting or gone."""


def pg_engine(url: str) -> Engine:
    """A SQLAlchemy engine on a PostgreSQL + PostGIS database (`postgresql+psycopg://…`). Pooled
    connections are checked before use (`pool_pre_ping`), so after the server comes back the app
    reconnects by itself; a connection attempt gives up after `CONNECT_TIMEOUT_S`."""
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10,
                         connect_args={"connect_timeout": CONNECT_TIMEOUT_S})


def gpkg_engine(path: Path) -> Engine:
    """A SQLAlchemy engine on the GeoPackage at `path` (which must exist)."""
    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": BUSY_TIMEOUT_S, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves (see _on_begin)
        _gpkg.install_functions(dbapi_connection)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine


@contextlib.contextmanager
def translated(location: str, doing: str) -> Iterator[None]:
    """Turn driver errors raised inside the block into WorkspaceError naming `location`."""
    try:
        yield
    except IntegrityError:  # a constraint the caller turns into its own error (ConflictError)
        raise
    except (OperationalError, InterfaceError) as exc:
        text = str(exc.orig) if exc.orig is not None else str(exc)
        if any(w in text.lower() for w in _UNREACHABLE) or isinstance(exc, InterfaceError):
            raise WorkspaceError(
                f"{location}: the database cannot be reached while {doing} ({text.strip().splitlines()[0]}); "
                "nothing was saved. ParkAtlas reconnects by itself when the server is back.") from None
        if "locked" in text or "busy" in text:
            raise WorkspaceError(
                f"{location}: the workspace stayed locked by another program for more than "
                f"{BUSY_TIMEOUT_S:.0f} s while {doing}; nothing was saved. Try again, or close the other "
                "program (QGIS editing session, another ParkAtlas) that holds it.") from None
        raise WorkspaceError(f"{location}: cannot use the workspace while {doing}: {text}") from None
    except DBAPIError as exc:
        orig = exc.orig
        if isinstance(orig, sqlite3.DatabaseError):
            raise WorkspaceError(
                f"{location}: the workspace file is damaged or not a GeoPackage ({orig}); it was not "
                "changed. Restore it from a backup, or point PARKATLAS_WORKSPACE at a new file.") from None
        raise


def create_file(path: Path, statements: list[tuple[str, tuple]]) -> None:
    """Create a new GeoPackage at `path` by running `statements` on a temporary file beside it and
    moving it into place: a crash leaves either no workspace or a whole one, never half of one.
    Refuses to replace an existing file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.creating")
    tmp.unlink(missing_ok=True)
    con = sqlite3.connect(tmp, isolation_level=None)
    try:
        _gpkg.install_functions(con)
        con.execute("BEGIN")
        for sql, params in statements:
            con.execute(sql, params)
        con.execute("COMMIT")
    except BaseException:
        con.close()
        tmp.unlink(missing_ok=True)
        raise
    con.close()
    if path.exists():
        tmp.unlink(missing_ok=True)
        raise WorkspaceError(f"{path}: a file appeared there while the workspace was being created; it was not replaced")
    tmp.rename(path)
