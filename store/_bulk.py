"""Saving a whole layer at once (an import, a drawing, the bundled data at first start): its table
and version 1 of every feature, inside the caller's transaction."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import geopandas as gpd
import pandas as pd
from sqlalchemy import Connection, func, insert, select

from geo.measure import geodesic_area_m2
from store._columns import attributes_of, columns_for, to_sql_value
from store._errors import WorkspaceError
from store._schema_ops import create_layer_table
from store._tables import feature_table, geometry_or_none, now, ws_layer_events, ws_layers, ws_versions

if TYPE_CHECKING:
    from store.workspace import Workspace

INTERNAL_COLUMNS = ("id", "_version", "_hidden")
"""Columns of a frame from `Workspace.layer` that are ours, not the layer's attributes."""

_BATCH = 5_000


def new_layer_id(con: Connection, name: str) -> str:
    """A fresh id (= table name) for a user layer: `u<n>_<name as a slug>`.

    The number makes it unique; the slug keeps the table recognisable in QGIS."""
    n = (con.execute(select(func.max(ws_layers.c.fid))).scalar() or 0) + 1
    slug = re.sub(r"[^\w]+", "_", name, flags=re.UNICODE).strip("_").lower()[:40] or "layer"
    return f"u{n:03d}_{slug}"


def feature_ids(gdf: gpd.GeoDataFrame) -> list[str]:
    """The feature ids of a frame to save: its `id` column, else its index (as text). Raises
    WorkspaceError when an id is missing or used twice."""
    ids = [str(v) for v in (gdf["id"] if "id" in gdf.columns else gdf.index)]
    missing = [i for i, v in enumerate(ids) if v in ("", "None", "nan", "<NA>")]
    dup = sorted(pd.Series(ids)[pd.Series(ids).duplicated()].unique())
    if missing or dup:
        raise WorkspaceError(f"feature ids must be present and unique: missing at rows {missing[:5]}, repeated {dup[:5]}")
    return ids


def insert_layer(ws: Workspace, con: Connection, name: str, gdf: gpd.GeoDataFrame, *, role: str, origin: str,
                 reason: str, evidence: str | pd.Series, notes: list[str], layer_id: str | None, kind: str,
                 author: str | None = None, bundle_hashes: dict[str, str] | None = None) -> str:
    """Create the layer's table and write version 1 of every feature (op "seed" for the bundled
    data, else "create"). Returns the layer id."""
    reason = (reason or "").strip()
    if not reason:
        raise ValueError("a reason is required for every change")
    if gdf.crs is None or gdf.crs.to_epsg() != 4326:
        raise WorkspaceError(f"{name}: layers are saved in EPSG:4326; this frame is in {gdf.crs}")
    layer_id = layer_id or new_layer_id(con, name)
    if con.execute(select(ws_layers.c.fid).where(ws_layers.c.layer_id == layer_id)).first() is not None:
        raise WorkspaceError(f"{ws.location}: a layer {layer_id!r} already exists")
    ids = feature_ids(gdf)
    attrs_frame = gdf.drop(columns=[c for c in INTERNAL_COLUMNS if c in gdf.columns])
    columns = columns_for(attrs_frame, skip=())
    table = feature_table(layer_id, columns)
    create_layer_table(con, table, f"{name} ({origin})" if origin else name)
    when, who = now(), author or ws.user
    con.execute(insert(ws_layers).values(
        layer_id=layer_id, table_name=layer_id, name=name, kind=kind, role=role, origin=origin, created_at=when,
        created_by=who, hidden=False, revision=1, columns=columns, notes=notes))
    con.execute(insert(ws_layer_events).values(layer_id=layer_id, action="add", author=who, time=when, reason=reason))
    areas = geodesic_area_m2(gdf.geometry.set_crs(4326, allow_override=True)).tolist()
    records = attrs_frame.drop(columns=attrs_frame.geometry.name).to_dict("records")
    geoms = [geometry_or_none(g) for g in gdf.geometry]
    op = "seed" if kind == "bundled" else "create"
    for start in range(0, len(ids), _BATCH):
        versions, current = [], []
        for i in range(start, min(start + _BATCH, len(ids))):
            fid, geom = ids[i], geoms[i]
            attrs = attributes_of(records[i], columns)
            ev = evidence.get(fid, "") if isinstance(evidence, pd.Series) else evidence
            versions.append({"layer_id": layer_id, "feature_id": fid, "version": 1, "op": op, "attributes": attrs,
                             "author": who, "time": when, "reason": reason, "evidence": str(ev or ""),
                             "area_m2": areas[i] if geom is not None else None, "restored_from": None,
                             "bundle_hash": (bundle_hashes or {}).get(fid), "geom": geom})
            row = {c["column"]: to_sql_value(attrs.get(c["name"]), c["kind"]) for c in columns}
            current.append({"feature_id": fid, "version": 1, "hidden": False, "geom": geom, **row})
        if versions:
            con.execute(insert(ws_versions), versions)
            con.execute(insert(table), current)
    return layer_id
