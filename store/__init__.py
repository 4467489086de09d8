"""The workspace store: every layer's current state and every version of every feature, in one
GeoPackage file by default, or in a PostGIS database for teams. The only place SQL lives.

    from store import open_workspace, ConflictError, PermissionDenied, WorkspaceError
    ws = open_workspace(path, user="name", role="editor")
    ws.layer("parks")                                   # GeoDataFrame, EPSG:4326, indexed by id
    ws.save_feature("parks", "gz-vip-pazhou", geometry, {"geometry_quality": "surveyed"},
                    reason="…", evidence="…", expected_version=3)   # -> the new version number
    ws.history("parks", "gz-vip-pazhou")                # versions: who, when, why, evidence, area
    ws.restore("parks", "gz-vip-pazhou", 2, reason="…") # -> the new version number
    sha = ws.keep_document("控规.pdf", data, "application/pdf")  # a plan document, kept once
    ws.document(sha)                                    # -> (file name, media type, bytes)

The app uses the workspace named by `PARKATLAS_WORKSPACE` (`default_location()` otherwise).
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from store import _gpkg
from store._engine import create_file, gpkg_engine
from store._errors import (ConflictError, FeatureNotFound, MissingAuthorError, PermissionDenied, StoreError,
                           WorkspaceError)
from store._schema_ops import ddl_statements
from store._tables import SCHEMA_VERSION, ws_layer_events, ws_layers, ws_meta, ws_versions
from store._upgrade import documents_statements, upgrade_file
from store.documents import sha256_of
from store.roles import ROLES
from store.workspace import FeatureChange, Workspace

__all__ = ["open_workspace", "default_location", "Workspace", "FeatureChange", "ConflictError", "PermissionDenied", "WorkspaceError",
           "FeatureNotFound", "MissingAuthorError", "StoreError", "ROLES", "SCHEMA_VERSION", "sha256_of"]

ENV_VAR = "PARKATLAS_WORKSPACE"


def default_location() -> Path:
    """Where the workspace lives: `PARKATLAS_WORKSPACE`, else `workspace.gpkg` in the user's data
    folder (platformdirs: ~/.local/share/parkatlas on Linux, %LOCALAPPDATA%\\parkatlas on
    Windows) — never inside the bundled data/."""
    wanted = os.environ.get(ENV_VAR, "").strip()
    if wanted:
        return Path(wanted).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("parkatlas", appauthor=False)) / "workspace.gpkg"


def open_workspace(location: str | os.PathLike, *, user: str = "", role: str = "editor", create: bool = True,
                   seed: bool = True) -> Workspace:
    """Open (and on first use create) the workspace at `location`, as `user` with `role`.

    location: a GeoPackage path, or a `postgresql+psycopg://` URL of a PostGIS database (the
    schema is created and upgraded with Alembic migrations). create: make the GeoPackage file
    when it does not exist. seed: put the bundled data/ in a new workspace, and take a
    newer release's bundled changes to features nobody has edited (`store.seed`).
    A file an older ParkAtlas wrote is upgraded in place to this version's schema first, in one
    transaction that only adds (`store._upgrade`): every layer, feature and version stays.
    Raises WorkspaceError — and changes nothing — for a file that is not a ParkAtlas workspace,
    is damaged, or was written by a newer ParkAtlas, and for a database that cannot be reached.
    """
    if role not in ROLES:
        raise PermissionDenied(f"unknown role {role!r}; roles are {', '.join(ROLES)}")
    text = os.fspath(location)
    if text.startswith(("postgresql://", "postgresql+psycopg://")):
        from store._postgis import advisory_lock, open_engine

        engine, shown = open_engine(text)
        ws = Workspace(shown, engine, user=user, role=role)
        if seed:
            from store.seed import seed_and_sync

            with advisory_lock(engine):
                seed_and_sync(ws)
        return ws
    if "://" in text:
        raise WorkspaceError(f"{text.split('://')[0]}://…: not a workspace location ParkAtlas knows; use a GeoPackage "
                             "path or a postgresql+psycopg:// URL")
    path = Path(text).expanduser().resolve()
    if not path.exists():
        if not create:
            raise WorkspaceError(f"{path}: no workspace there")
        create_file(path, _new_workspace_statements())
    elif check_file(path) < SCHEMA_VERSION:
        upgrade_file(path)
    ws = Workspace(str(path), gpkg_engine(path), user=user, role=role)
    if seed:
        from store.seed import seed_and_sync

        seed_and_sync(ws)
    return ws


def _new_workspace_statements() -> list[tuple[str, tuple]]:
    from sqlalchemy.dialects import sqlite

    dialect = sqlite.dialect()
    out = _gpkg.init_statements()
    for table in (ws_meta, ws_layers, ws_layer_events, ws_versions):
        out += ddl_statements(table, dialect)
    out += _gpkg.register_attributes("ws_meta", "ParkAtlas workspace settings")
    out += _gpkg.register_attributes("ws_layers", "ParkAtlas workspace: the layers")
    out += _gpkg.register_attributes("ws_layer_events", "ParkAtlas workspace: layers added, hidden, restored")
    out += _gpkg.register_features("ws_versions", "geom", "ParkAtlas workspace: every version of every feature")
    out += documents_statements()
    out += [("INSERT INTO ws_meta (key, value) VALUES (?, ?)", ("schema_version", str(SCHEMA_VERSION))),
            ("INSERT INTO ws_meta (key, value) VALUES (?, ?)", ("application", '"ParkAtlas"'))]
    return out


def check_file(path: Path) -> int:
    """Refuse (WorkspaceError) a file that is not a ParkAtlas workspace this version can read;
    return its workspace schema version (an older one is upgraded by `open_workspace`).
    Opens the file read-only: a refused file is never changed."""
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
    except sqlite3.Error as exc:
        raise WorkspaceError(f"{path}: cannot be opened ({exc}); it was not changed") from None
    try:
        app_id = con.execute("PRAGMA application_id").fetchone()[0]
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        version = None
        if "ws_meta" in tables:
            row = con.execute("SELECT value FROM ws_meta WHERE key='schema_version'").fetchone()
            version = int(row[0].strip('"')) if row and row[0] else None
    except (sqlite3.Error, ValueError) as exc:
        raise WorkspaceError(f"{path}: is damaged or not a GeoPackage ({exc}); it was not changed. Restore it "
                             f"from a backup, or set {ENV_VAR} to a new file.") from None
    finally:
        con.close()
    if app_id != _gpkg.APPLICATION_ID or "ws_meta" not in tables or version is None:
        raise WorkspaceError(f"{path}: is not a ParkAtlas workspace (a GeoPackage with ParkAtlas's ws_meta table); "
                             f"it was not changed. Set {ENV_VAR} to another file name to start a new workspace.")
    if version > SCHEMA_VERSION:
        raise WorkspaceError(f"{path}: was written by a newer ParkAtlas (workspace schema {version}; this version "
                             f"reads up to {SCHEMA_VERSION}); it was not changed. Upgrade ParkAtlas to use it.")
    return version

