"""Reading a layer's current-state table and a feature's versions into frames."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
from sqlalchemy import Connection, Table, select

from store._tables import decode_geometries, geometry_wkb, ws_versions

HISTORY_COLUMNS = ["version", "op", "author", "time", "reason", "evidence", "area_m2", "restored_from", "attributes"]


def layer_frame(con: Connection, table: Table, columns: list[dict], include_hidden: bool) -> gpd.GeoDataFrame:
    """The current state of a layer: a GeoDataFrame in EPSG:4326 indexed by feature id, with `id`,
    every attribute under its original name (in the layer's column order), `_version` (the
    feature's current version) and, with include_hidden, `_hidden`; geometry last."""
    cols = [table.c.feature_id, table.c.version, table.c.hidden] + [table.c[c["column"]] for c in columns]
    dialect = con.dialect.name
    stmt = select(*cols, geometry_wkb(table.c.geom, dialect).label("geom")).order_by(table.c.fid)
    if not include_hidden:
        stmt = stmt.where(table.c.hidden.is_(False))
    rows = con.execute(stmt).all()
    ids = [r[0] for r in rows]
    data: dict[str, object] = {"id": ids}
    for i, c in enumerate(columns, start=3):
        values = [r[i] for r in rows]
        if c["kind"] == "int":
            data[c["name"]] = pd.array(values, dtype="Int64")
        elif c["kind"] == "float":
            data[c["name"]] = np.array([np.nan if v is None else v for v in values], dtype=float)
        else:
            data[c["name"]] = values  # object column: lists stay lists
    data["_version"] = [r[1] for r in rows]
    if include_hidden:
        data["_hidden"] = [bool(r[2]) for r in rows]
    frame = pd.DataFrame(data, index=pd.Index(ids, dtype=object))
    geometry = decode_geometries([r[-1] for r in rows], dialect)
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geometry, index=ids, crs=4326), crs=4326)


def history_frame(con: Connection, layer_id: str, feature_id: str) -> gpd.GeoDataFrame:
    """Every version of one feature, oldest first: version, op, author, time (UTC), reason,
    evidence, area_m2 (geodesic), restored_from, attributes (dict) and geometry (EPSG:4326)."""
    v = ws_versions.c
    rows = con.execute(
        select(v.version, v.op, v.author, v.time, v.reason, v.evidence, v.area_m2, v.restored_from, v.attributes,
               geometry_wkb(v.geom, con.dialect.name).label("geom"))
        .where(v.layer_id == layer_id, v.feature_id == feature_id).order_by(v.version)).all()
    frame = pd.DataFrame([r[:-1] for r in rows], columns=HISTORY_COLUMNS)
    frame["restored_from"] = pd.array(frame["restored_from"].tolist(), dtype="Int64")
    frame["area_m2"] = pd.to_numeric(frame["area_m2"], errors="coerce")
    geometry = gpd.GeoSeries(decode_geometries([r[-1] for r in rows], con.dialect.name), index=frame.index, crs=4326)
    return gpd.GeoDataFrame(frame, geometry=geometry, crs=4326)
