"""Copy a whole workspace — every layer, every version of every feature, the layer log, the kept
documents and the settings — from one location to another: a local GeoPackage into the team's PostGIS database,
or the database back into a GeoPackage file (a portable snapshot that QGIS opens).

    python -m store.copy ~/.local/share/parkatlas/workspace.gpkg postgresql+psycopg://atlas@db/parkatlas
    python -m store.copy postgresql+psycopg://atlas@db/parkatlas snapshot-2026-12-01.gpkg

The destination must be empty (a new file, or a database without layers); it is written in one
transaction and the row counts are compared afterwards. Nothing is merged: a copy is a copy.
"""

from __future__ import annotations

import argparse
import sys

from sqlalchemy import Connection, func, insert, inspect, select, update

from store import Workspace, WorkspaceError, open_workspace
from store._schema_ops import create_layer_table
from store._tables import feature_table, ws_documents, ws_layer_events, ws_layers, ws_meta, ws_versions

_BATCH = 2_000
_OWN_META = ("schema_version", "application")


def _rows(con: Connection, table) -> list[dict]:
    return [dict(r._mapping) for r in con.execute(select(table).order_by(table.c.fid))]


def _insert(con: Connection, table, rows: list[dict]) -> None:
    for start in range(0, len(rows), _BATCH):
        con.execute(insert(table), [{k: v for k, v in r.items() if k != "fid"} for r in rows[start:start + _BATCH]])


def _has_documents(con: Connection) -> bool:
    """Whether the workspace has the documents table (schema 2; a schema-1 file has not)."""
    return inspect(con).has_table(ws_documents.name)


def _copy_documents(src: Connection, dst: Connection) -> None:
    """Copy the kept documents one at a time (each may be up to 50 MB)."""
    if not _has_documents(src):
        return
    fids: list[int] = list(src.execute(select(ws_documents.c.fid).order_by(ws_documents.c.fid)).scalars())
    for fid in fids:
        row = dict(src.execute(select(ws_documents).where(ws_documents.c.fid == fid)).one()._mapping)
        dst.execute(insert(ws_documents).values({k: v for k, v in row.items() if k != "fid"}))


def counts(ws: Workspace) -> dict[str, int]:
    """Rows per table of a workspace: its own tables and every layer's (hidden layers included)."""
    out = {}
    with ws.engine.connect() as con:
        tables = (ws_layers, ws_layer_events, ws_versions) + ((ws_documents,) if _has_documents(con) else ())
        for table in tables:
            out[table.name] = con.execute(select(func.count()).select_from(table)).scalar_one()
        for row in con.execute(select(ws_layers.c.table_name, ws_layers.c.columns)).all():
            table = feature_table(row.table_name, row.columns)
            out[row.table_name] = con.execute(select(func.count()).select_from(table)).scalar_one()
    return out


def copy_workspace(source: Workspace, target: Workspace) -> dict[str, int]:
    """Copy everything of `source` into the empty `target` (one transaction); return the row
    counts, which both sides then hold. Raises WorkspaceError when the target has layers."""
    if target.layer_ids(include_hidden=True):
        raise WorkspaceError(f"{target.location}: already holds layers; copy into an empty workspace")
    with source.engine.connect() as src, target._tx(f"copying {source.location}") as dst:
        for row in _rows(src, ws_meta):
            if row["key"] in _OWN_META:
                continue
            if not dst.execute(update(ws_meta).where(ws_meta.c.key == row["key"]).values(value=row["value"])).rowcount:
                dst.execute(insert(ws_meta).values(key=row["key"], value=row["value"]))
        layers = _rows(src, ws_layers)
        for layer in layers:
            table = feature_table(layer["table_name"], layer["columns"])
            create_layer_table(dst, table, f"{layer['name']} ({layer['origin']})")
            _insert(dst, table, _rows(src, table))
        _insert(dst, ws_layers, layers)
        _insert(dst, ws_layer_events, _rows(src, ws_layer_events))
        _insert(dst, ws_versions, _rows(src, ws_versions))
        _copy_documents(src, dst)
    copied, original = counts(target), counts(source)
    if copied != original:
        raise WorkspaceError(f"the copy differs from {source.location}: {copied} rows against {original}")
    return copied


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m store.copy", description=__doc__.split("\n\n")[0])
    parser.add_argument("source", help="a GeoPackage path or a postgresql+psycopg:// URL")
    parser.add_argument("target", help="a new GeoPackage path or the URL of a database without layers")
    args = parser.parse_args(argv)
    try:
        source = open_workspace(args.source, user="copy", role="admin", create=False, seed=False)
        target = open_workspace(args.target, user="copy", role="admin", seed=False)
        copied = copy_workspace(source, target)
    except WorkspaceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"copied {source.location} -> {target.location}")
    for name, n in copied.items():
        print(f"  {name}: {n} rows")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
