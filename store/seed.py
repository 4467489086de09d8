"""The bundled data/ in the workspace: seeded at first start, kept up to date with later releases.

At first start every bundled layer becomes a workspace layer whose features are version 1, by
"ParkAtlas (bundled data)", with each feature's own `source` (document and section) as evidence.

When a later release changes a bundled feature (a re-placed point, a corrected citation), the
workspace takes the change as a new version ("bundle") — but only where nobody has edited the
feature since the bundled data last set it. A feature a user has changed keeps the user's
version; the skipped updates are listed (`skipped_updates`) so an officer can look at them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import geopandas as gpd
import pandas as pd
from sqlalchemy import func, insert, select, update

from store._bulk import INTERNAL_COLUMNS, insert_layer
from store._tables import ws_layers, ws_meta, ws_versions

if TYPE_CHECKING:
    from store.workspace import Workspace

SEED_REASON = "seeded from the bundled data of this ParkAtlas release"
UPDATE_REASON = "the bundled data of a newer ParkAtlas release changed this feature"


def _bundle_files() -> dict[str, str]:
    """Every bundled layer that data/ has: layer id -> fingerprint (SHA-256) of its file(s)."""
    from layers import registry

    return {layer_id: registry.fingerprint(layer_id)
            for layer_id in registry.workspace_layer_ids() if registry.is_bundled(layer_id)}


def _read_bundled(layer_id: str, problems: dict[str, str]) -> gpd.GeoDataFrame | None:
    """A bundled layer, validated, without computed columns; None (and its problem in
    `problems`) when its file breaks its schema — the workspace then keeps what it had."""
    from layers import registry
    from layers._errors import LayerError

    try:
        return registry.read_validated(layer_id)
    except (LayerError, OSError) as exc:
        problems[layer_id] = str(exc)
        return None


def _hashes(ws: Workspace, gdf: gpd.GeoDataFrame) -> dict[str, str]:
    from store.workspace import feature_hash

    attrs = gdf.drop(columns=[c for c in INTERNAL_COLUMNS if c in gdf.columns] + [gdf.geometry.name])
    return {str(fid): feature_hash(rec, geom) for fid, rec, geom in zip(gdf["id"], attrs.to_dict("records"), gdf.geometry)}


def _set_meta(con, key: str, value) -> None:
    if not con.execute(update(ws_meta).where(ws_meta.c.key == key).values(value=value)).rowcount:
        con.execute(insert(ws_meta).values(key=key, value=value))


def seed_and_sync(ws: Workspace) -> dict[str, int]:
    """Seed bundled layers the workspace does not have yet and take a release's changes to
    untouched features. Returns {layer id: features added or updated}; a bundled file that
    cannot be read is reported in `ws.bundle_problems` instead. A no-op (one read) when the
    bundled files are the ones seen last time."""
    from store.workspace import BUNDLE_AUTHOR

    files = _bundle_files()
    with ws.engine.connect() as con:
        seen = dict(con.execute(select(ws_meta.c.key, ws_meta.c.value).where(ws_meta.c.key.like("bundle:%"))).all())
    changed: dict[str, int] = {}
    for layer_id, fingerprint in files.items():
        if seen.get(f"bundle:{layer_id}") == fingerprint:  # the file seen last time: nothing to read
            continue
        gdf = _read_bundled(layer_id, ws.bundle_problems)
        if gdf is None:
            continue
        with ws._tx(f"seeding {layer_id} from the bundled data") as con:
            exists = con.execute(select(ws_layers.c.fid).where(ws_layers.c.layer_id == layer_id)).first() is not None
            hashes = _hashes(ws, gdf)
            if not exists:
                insert_layer(ws, con, layer_id, gdf, role=layer_id, origin="bundled data/", reason=SEED_REASON,
                             evidence=gdf["source"] if "source" in gdf.columns else "", notes=[], layer_id=layer_id,
                             kind="bundled", author=BUNDLE_AUTHOR, bundle_hashes=hashes)
                changed[layer_id] = len(gdf)
            else:
                changed[layer_id] = _take_updates(ws, con, layer_id, gdf, hashes)
                if changed[layer_id]:
                    ws._touch(con, layer_id)
            _set_meta(con, f"bundle:{layer_id}", fingerprint)
    return changed


def _take_updates(ws: Workspace, con, layer_id: str, gdf: gpd.GeoDataFrame, hashes: dict[str, str]) -> int:
    """Write a "bundle" version of every bundled feature whose content changed, where the
    workspace's current version is still the last one the bundle wrote; list the others."""
    from store.workspace import BUNDLE_AUTHOR

    v = ws_versions.c
    last_bundle = dict(con.execute(
        select(v.feature_id, func.max(v.version)).where(v.layer_id == layer_id, v.bundle_hash.is_not(None))
        .group_by(v.feature_id)).all())
    bundle_hash = {fid: h for fid, h in con.execute(select(v.feature_id, v.bundle_hash).where(
        v.layer_id == layer_id, v.bundle_hash.is_not(None))
        .order_by(v.version)).all()}  # the latest hash per feature wins
    current = dict(con.execute(select(v.feature_id, func.max(v.version)).where(v.layer_id == layer_id)
                               .group_by(v.feature_id)).all())
    skipped = list(ws_setting(con, f"skipped:{layer_id}") or [])
    n = 0
    attrs = gdf.drop(columns=[c for c in INTERNAL_COLUMNS if c in gdf.columns] + [gdf.geometry.name])
    for fid, rec, geom in zip(gdf["id"], attrs.to_dict("records"), gdf.geometry):
        fid = str(fid)
        if bundle_hash.get(fid) == hashes[fid]:
            continue
        if fid in current and current[fid] != last_bundle.get(fid):
            if fid not in skipped:
                skipped.append(fid)
            continue
        ws._save(con, layer_id, fid, geom, rec, op="bundle" if fid in current else "seed", reason=UPDATE_REASON,
                 evidence=str(rec.get("source") or ""), expected_version=None, check_expected=False,
                 replace_attributes=True, keep_geometry_if_none=False, author=BUNDLE_AUTHOR, bundle_hash=hashes[fid])
        n += 1
    _set_meta(con, f"skipped:{layer_id}", skipped)
    return n


def ws_setting(con, key: str):
    """A workspace setting read inside an open transaction."""
    row = con.execute(select(ws_meta.c.value).where(ws_meta.c.key == key)).first()
    return None if row is None else row[0]


def skipped_updates(ws: Workspace) -> pd.DataFrame:
    """Bundled updates not taken because a user had edited the feature: layer_id, feature_id."""
    with ws.engine.connect() as con:
        rows = con.execute(select(ws_meta.c.key, ws_meta.c.value).where(ws_meta.c.key.like("skipped:%"))).all()
    return pd.DataFrame([(k.split(":", 1)[1], fid) for k, ids in rows for fid in (ids or [])],
                        columns=["layer_id", "feature_id"])
