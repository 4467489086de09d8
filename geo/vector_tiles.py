"""Vector tiles for big layers (issue 13): a GeoDataFrame -> gzip MVT tiles -> one PMTiles v3 archive.

Units and CRS: input lon/lat in EPSG:4326 (or CGCS2000 EPSG:4490, equal at map scale). Tiles are the
Web-Mercator (EPSG:3857) XYZ grid that Leaflet uses (x east, y south, 2^z x 2^z tiles at zoom z),
drawn at 256 display pixels per tile; inside a tile, coordinates are MVT units, EXTENT = 4096 per
tile side (16 units per display pixel), y down, with BUFFER_PX display pixels of overlap around
each tile. Geometry work runs in "world units": EPSG:3857 scaled to [0, 1] across the world.

At each zoom z (a display pixel is 40075 km / (256 * 2^z) of Mercator metres: 2.4 m at z16, 153 m
at z10, times cos(latitude) on the ground):
 1. Simplification: Douglas-Peucker (topology-preserving) with `tolerance_px` display pixels.
 2. Tiny polygons (the tippecanoe rule): a polygon whose area is below `min_area_px` px² is not
    drawn itself. In each tile, tiny polygons (by centroid, in 8-px scan bands) add up their areas;
    each time the sum passes another `min_area_px`, a square of `min_area_px` px² is drawn at the
    polygon that passed it, with that polygon's id and properties (a "stand-in"). The covered area
    and the mix of properties survive; a tile holds at most ~65536 / min_area_px non-overlapping
    polygons (16k at the default 4 px²), which bounds its size. `min_area_px` may differ by zoom
    (coarser at the zooms that show a whole city, so a view there draws thousands of squares, not
    hundreds of thousands).
    `TileStats.dropped[z]` counts tiny polygons without a stand-in, `stand_ins[z]` those with one.
 3. The rest: clipped to the buffered tile, snapped to the integer MVT grid (valid output),
    exterior rings clockwise on screen, encoded with mapbox-vector-tile, tile gzip-compressed.
Tiles are found with a shapely STRtree, children only under non-empty parents; empty tiles are not
written. The MVT feature id is the feature's 0-based row position in `gdf` (the same at every zoom).
Above `maxzoom` the map client overzooms the maxzoom tiles. protomaps-leaflet needs levelDiff: 0
and maxDataZoom: maxzoom for these 256-px tiles (its defaults, 1 and 15, are for 512-px basemaps).
"""

from __future__ import annotations

import gzip
import json
import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

import geopandas as gpd
import mapbox_vector_tile  # type: ignore[import-untyped]
import numpy as np
import pandas as pd
import shapely
from pmtiles.reader import MmapSource, Reader
from pmtiles.tile import (Compression, HeaderDict, TileType, deserialize_header, serialize_directory, serialize_header,
                          zxy_to_tileid)
from pmtiles.writer import Writer

from geo.crs import require_wgs84
from geo.generalize import zoom_for_bounds

EXTENT = 4096
"""MVT units per tile side (16 per display pixel of a 256-px tile)."""
BUFFER_PX = 4
"""Display pixels of geometry kept past each tile edge, so strokes do not show the tile seams."""
MAX_LAT = 85.0511287798066
"""Web-Mercator's latitude limit, degrees."""
_UNITS_PER_PX = EXTENT // 256
DEFAULT_MIN_AREA_PX = 4.0
"""The tiny-polygon area (display px²) where a zoom has no value of its own (tippecanoe's)."""
_BAND_PX = 8  # height of the scan bands that order tiny polygons within a tile, display px
_ENCODE = {"extents": EXTENT, "y_coord_down": True, "check_winding_order": False}  # we orient and snap
_DECODE = {"y_coord_down": True}


@dataclass
class TileStats:
    """What `build_pmtiles` wrote. Per-zoom dicts have every zoom of minzoom..maxzoom as a key;
    bytes are gzip-compressed tile bytes; `seconds` is the whole build's wall-clock time,
    `seconds_by_zoom` each zoom's geometry work and encoding (not the tile search)."""

    features: int = 0
    tiles: dict[int, int] = field(default_factory=dict)
    bytes_total: dict[int, int] = field(default_factory=dict)
    bytes_max: dict[int, int] = field(default_factory=dict)
    dropped: dict[int, int] = field(default_factory=dict)
    stand_ins: dict[int, int] = field(default_factory=dict)
    seconds_by_zoom: dict[int, float] = field(default_factory=dict)
    archive_bytes: int = 0
    seconds: float = 0.0

    @property
    def tile_count(self) -> int:
        """Tiles written, all zooms."""
        return sum(self.tiles.values())


def _to_world(geoms: np.ndarray) -> np.ndarray:
    """lon/lat (degrees) -> world units: EPSG:3857 scaled to [0, 1], x east, y south."""
    def fn(c: np.ndarray) -> np.ndarray:
        s = np.sin(np.radians(np.clip(c[:, 1], -MAX_LAT, MAX_LAT)))
        return np.column_stack([c[:, 0] / 360.0 + 0.5, 0.5 - np.log((1 + s) / (1 - s)) / (4 * math.pi)])
    return shapely.transform(geoms, fn)


def lonlat_to_tile(lon: float, lat: float, z: int) -> tuple[int, int]:
    """The XYZ tile (x, y) at zoom z that holds the lon/lat point (degrees, EPSG:4326; Web-Mercator
    grid, y south).

    >>> lonlat_to_tile(113.3, 23.1, 10)
    (834, 444)
    """
    n = 2 ** z
    y = (1 - math.asinh(math.tan(math.radians(max(min(lat, MAX_LAT), -MAX_LAT)))) / math.pi) / 2 * n
    return min(int((lon + 180.0) / 360.0 * n), n - 1), min(int(y), n - 1)


def tile_to_lonlat(z: int, x: int, y: int, coords: np.ndarray) -> np.ndarray:
    """MVT units (EXTENT per side, y down) of tile z/x/y -> lon/lat degrees, an (n, 2) array."""
    n = 2.0 ** z
    wx = (x + np.asarray(coords, dtype=float)[:, 0] / EXTENT) / n
    wy = (y + np.asarray(coords, dtype=float)[:, 1] / EXTENT) / n
    return np.column_stack([wx * 360.0 - 180.0, np.degrees(np.arctan(np.sinh(math.pi * (1 - 2 * wy))))])


def _property_columns(gdf: gpd.GeoDataFrame, properties: Sequence[str]) -> tuple[list[dict], dict[str, str]]:
    """One dict per row with the non-null values as MVT can hold them (str, bool, int, float), and the
    fields' kinds for the metadata (String, Number, Boolean)."""
    columns: list[list[object]] = []
    kinds: dict[str, str] = {}
    for name in properties:
        values: list[object]
        s = gdf[name]
        if pd.api.types.is_bool_dtype(s):
            kinds[name], values = "Boolean", [None if pd.isna(v) else bool(v) for v in s.tolist()]
        elif pd.api.types.is_numeric_dtype(s):
            kinds[name], values = "Number", [None if pd.isna(v) else v for v in s.tolist()]
        elif pd.api.types.is_datetime64_any_dtype(s):
            kinds[name], values = "String", [None if pd.isna(v) else v.isoformat() for v in s.tolist()]
        else:
            kinds[name], values = "String", [None if not isinstance(v, str) and pd.isna(v) else str(v)
                                             for v in s.tolist()]
        columns.append(values)
    rows = [{k: v for k, v in zip(properties, row) if v is not None} for row in zip(*columns)] if columns else []
    return rows or [{} for _ in range(len(gdf))], kinds


def _same_dimension(geoms: np.ndarray, dims: np.ndarray) -> np.ndarray:
    """Pieces reduced to their parts of dimension `dims` (clipping or snapping a polygon can leave a
    collection, or a line along the clip edge); empty when none is left."""
    out = geoms.copy()
    for i in np.flatnonzero((shapely.get_type_id(geoms) == 7) | (shapely.get_dimensions(geoms) != dims)):
        parts = [p for p in shapely.get_parts(geoms[i]) if shapely.get_dimensions(p) == dims[i]]
        out[i] = shapely.union_all(parts) if parts else shapely.Polygon()
    return out


def _pieces(world: np.ndarray, bounds: np.ndarray, z: int, tx: np.ndarray, ty: np.ndarray,
            feat: np.ndarray) -> np.ndarray:
    """The geometries `world[feat]` in their tiles' MVT units (tile `tx`, `ty` each), clipped to the
    buffered tile, snapped to the integer grid, oriented for MVT; empty where nothing is left."""
    n = 2.0 ** z
    off = np.column_stack([tx, ty]).astype(float)
    counts = shapely.get_num_coordinates(world[feat])
    row = np.repeat(np.arange(len(feat)), counts)
    local = shapely.transform(world[feat], lambda c: (c * n - off[row]) * EXTENT)
    lo, hi = -BUFFER_PX * _UNITS_PER_PX, EXTENT + BUFFER_PX * _UNITS_PER_PX
    b = (bounds[feat] * n - np.column_stack([off, off])) * EXTENT
    cross = (b[:, 0] < lo) | (b[:, 1] < lo) | (b[:, 2] > hi) | (b[:, 3] > hi)
    local[cross] = shapely.clip_by_rect(local[cross], lo, lo, hi, hi)
    snapped = shapely.transform(local, np.round)  # the integer MVT grid; GEOS' set_precision only where invalid:
    bad = np.flatnonzero(~shapely.is_valid(snapped))  # 10x faster than on every piece
    snapped[bad] = shapely.set_precision(shapely.make_valid(snapped[bad]), 1.0)
    snapped = _same_dimension(snapped, shapely.get_dimensions(world[feat]))
    return shapely.orient_polygons(snapped)  # exterior ring counter-clockwise in y-down maths: clockwise on screen


def _stand_ins(world: np.ndarray, area_px: np.ndarray, tiny: np.ndarray, z: int,
               min_area_px: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Tiny polygons -> (tile x, tile y, feature, square in MVT units), one per `min_area_px` of area
    accumulated per tile (module docstring, rule 2)."""
    if not tiny.any():
        return np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, object)
    n = 2.0 ** z
    c = shapely.get_coordinates(shapely.centroid(world[tiny])) * n
    t = np.floor(c).astype(np.int64)
    local = (c - t) * EXTENT
    key = t[:, 0] * (1 << 32) + t[:, 1]
    order = np.lexsort((local[:, 0], np.floor(local[:, 1] / (_BAND_PX * _UNITS_PER_PX)), key))
    share, key = area_px[tiny][order] / min_area_px, key[order]
    cum = np.cumsum(share)
    first = np.r_[True, key[1:] != key[:-1]]
    before = np.maximum.accumulate(np.where(first, np.r_[0.0, cum[:-1]], 0.0))  # sum before this tile
    acc = cum - before
    hit = np.floor(acc) > np.floor(acc - share)
    i = order[hit]
    half = math.sqrt(min_area_px) * _UNITS_PER_PX / 2
    xy = np.round(local[i])
    squares = shapely.orient_polygons(shapely.box(xy[:, 0] - half, xy[:, 1] - half, xy[:, 0] + half,
                                                  xy[:, 1] + half))
    return t[i, 0], t[i, 1], np.flatnonzero(tiny)[i], squares


def build_pmtiles(gdf: gpd.GeoDataFrame, path: Path, *, layer: str, properties: Sequence[str],
                  minzoom: int = 10, maxzoom: int = 16, tolerance_px: float = 0.25,
                  min_area_px: float | Mapping[int, float] = DEFAULT_MIN_AREA_PX,
                  attribution: str = "", progress: Callable[[int, int], None] | None = None) -> TileStats:
    """Write `gdf` (EPSG:4326) as one PMTiles v3 archive of gzip MVT tiles at zooms minzoom..maxzoom,
    one layer `layer` holding the columns `properties` and the row position as feature id. Rules:
    module docstring. tolerance_px: simplification, min_area_px: the tiny-polygon area, both in
    display pixels (256 per tile) at each zoom (min_area_px: one value, or {zoom: px²} with
    DEFAULT_MIN_AREA_PX for zooms it leaves out). progress(done, total) is called as candidate tiles
    are done. Raises ValueError (CRSError) unless EPSG:4326, ValueError for unknown columns or zooms.
    An empty layer (no non-empty geometry) writes a valid archive with no tiles."""
    start = time.perf_counter()
    require_wgs84(gdf, "the layer's geometries")
    missing = [p for p in properties if p not in gdf.columns or p == gdf.geometry.name]
    if missing:
        raise ValueError(f"properties not among the layer's columns: {missing}")
    if not (0 <= minzoom <= maxzoom <= 24) or not layer:
        raise ValueError(f"need a layer name and 0 <= minzoom <= maxzoom <= 24 (got {minzoom}..{maxzoom})")
    geoms = np.array(gdf.geometry.array, dtype=object, copy=True)  # the caller's frame stays as it was
    keep = np.flatnonzero(~(shapely.is_missing(geoms) | shapely.is_empty(geoms)))
    bad = keep[~shapely.is_valid(geoms[keep])]
    geoms[bad] = shapely.make_valid(geoms[bad])
    world = np.full(len(geoms), None, dtype=object)
    world[keep] = _to_world(geoms[keep])
    rows, kinds = _property_columns(gdf, properties)
    zooms = range(minzoom, maxzoom + 1)
    stats = TileStats(len(keep))
    for per_zoom in (stats.tiles, stats.bytes_total, stats.bytes_max, stats.dropped, stats.stand_ins,
                     stats.seconds_by_zoom):
        per_zoom.update(dict.fromkeys(zooms, 0))
    bounds_world = shapely.bounds(world)
    polygonal, area_world = shapely.get_dimensions(world) == 2, shapely.area(world)  # NaN where missing
    tree = shapely.STRtree(world[keep])
    # Pass 1: candidate (tile, feature) pairs per zoom, children only under tiles that met a feature.
    plans: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
    pad = BUFFER_PX / 256  # in tiles
    b = np.floor(bounds_world[keep] * 2 ** minzoom + [-pad, -pad, pad, pad]).astype(np.int64).clip(0, 2 ** minzoom - 1)
    w, count = b[:, 2] - b[:, 0] + 1, (b[:, 2] - b[:, 0] + 1) * (b[:, 3] - b[:, 1] + 1)
    row = np.repeat(np.arange(len(b)), count)  # every tile of every feature's bounds at minzoom, then unique
    k = np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)
    tiles_xy = np.unique(np.column_stack([b[row, 0] + k % w[row], b[row, 1] + k // w[row]]).reshape(-1, 2), axis=0)
    for z in zooms:
        n = 2.0 ** z
        boxes = shapely.box((tiles_xy[:, 0] - pad) / n, (tiles_xy[:, 1] - pad) / n, (tiles_xy[:, 0] + 1 + pad) / n,
                            (tiles_xy[:, 1] + 1 + pad) / n)
        tile_i, feat_i = tree.query(boxes) if len(boxes) else (np.empty(0, np.int64),) * 2
        plans[z] = (tiles_xy, tile_i, keep[feat_i])
        met = tiles_xy[np.unique(tile_i)]
        tiles_xy = (met[:, None, :] * 2 + np.array([[0, 0], [1, 0], [0, 1], [1, 1]])).reshape(-1, 2)
    total, done = sum(len(p[0]) for p in plans.values()), 0
    # Pass 2: per zoom, tiny polygons -> stand-ins, the rest -> clipped pieces; encode per tile in tile-id order.
    with open(path, "w+b") as f:
        writer = Writer(f)
        for z in zooms:
            zoom_start, (cand, tile_i, feat) = time.perf_counter(), plans[z]
            area_px = area_world * (256 * 2.0 ** z) ** 2
            tiny_px = min_area_px.get(z, DEFAULT_MIN_AREA_PX) if isinstance(min_area_px, Mapping) else min_area_px
            tiny = polygonal & (area_px < tiny_px)
            big = ~tiny[feat]
            simple, todo = world.copy(), np.unique(feat[big])
            if tolerance_px > 0 and len(todo):
                simple[todo] = shapely.simplify(world[todo], tolerance_px / (256 * 2.0 ** z), preserve_topology=True)
            tx, ty, fi = cand[tile_i[big], 0], cand[tile_i[big], 1], feat[big]
            geo = _pieces(simple, bounds_world, z, tx, ty, fi)
            sx, sy, sf, sg = _stand_ins(world, area_px, tiny, z, tiny_px)
            stats.stand_ins[z], stats.dropped[z] = len(sf), int(tiny.sum()) - len(sf)
            tx, ty, fi, geo = np.r_[tx, sx], np.r_[ty, sy], np.r_[fi, sf], np.r_[geo, sg]
            ok = ~shapely.is_empty(geo)
            unique, inverse = np.unique(tx[ok] * (1 << 32) + ty[ok], return_inverse=True)
            tid = np.array([zxy_to_tileid(z, int(k) >> 32, int(k) & 0xFFFFFFFF) for k in unique], np.int64)[inverse]
            order = np.lexsort((fi[ok], tid))
            tid, fi, geo = tid[order], fi[ok][order], geo[ok][order]
            starts = np.flatnonzero(np.r_[True, tid[1:] != tid[:-1]]) if len(tid) else np.empty(0, np.int64)
            for k, (a, b) in enumerate(zip(starts, np.r_[starts[1:], len(tid)])):
                feats = [{"geometry": geo[i], "properties": rows[fi[i]], "id": int(fi[i])} for i in range(a, b)]
                data = gzip.compress(mapbox_vector_tile.encode({"name": layer, "features": feats},
                                                               default_options=_ENCODE), compresslevel=6, mtime=0)
                writer.write_tile(int(tid[a]), data)
                stats.tiles[z] += 1
                stats.bytes_total[z] += len(data)
                stats.bytes_max[z] = max(stats.bytes_max[z], len(data))
                if progress is not None and k % 64 == 63:
                    progress(done + len(cand) * (k + 1) // len(starts), total)
            done += len(cand)
            stats.seconds_by_zoom[z] = time.perf_counter() - zoom_start
            if progress is not None:
                progress(done, total)
        _finish(writer, f, gdf, keep, layer, kinds, minzoom, maxzoom, attribution)
    stats.archive_bytes = path.stat().st_size
    stats.seconds = time.perf_counter() - start
    return stats


def _finish(writer: Writer, f, gdf: gpd.GeoDataFrame, keep: np.ndarray, layer: str, kinds: dict[str, str],
            minzoom: int, maxzoom: int, attribution: str) -> None:
    """Header (bounds, center, the requested zoom range, MVT, gzip) and metadata (vector_layers)."""
    lon0, lat0, lon1, lat1 = (shapely.total_bounds(np.asarray(gdf.geometry.array)[keep]).tolist()
                              if len(keep) else [0.0, 0.0, 0.0, 0.0])
    centre_zoom = max(minzoom, min(maxzoom, zoom_for_bounds((lon0, lat0, lon1, lat1)))) if len(keep) else minzoom
    e7 = {"min_lon_e7": lon0, "min_lat_e7": lat0, "max_lon_e7": lon1, "max_lat_e7": lat1,
          "center_lon_e7": (lon0 + lon1) / 2, "center_lat_e7": (lat0 + lat1) / 2}
    header: dict = {"tile_type": TileType.MVT, "tile_compression": Compression.GZIP, "center_zoom": centre_zoom,
                    **{k: int(round(v * 1e7)) for k, v in e7.items()}}
    metadata = {"name": layer, "format": "pbf", "type": "overlay", "attribution": attribution,
                "generator": "parkatlas geo.vector_tiles (mapbox-vector-tile)",
                "vector_layers": [{"id": layer, "fields": kinds, "minzoom": minzoom, "maxzoom": maxzoom}]}
    if writer.tile_entries:
        writer.finalize(header, metadata)
        f.seek(0)  # the library takes the zoom range from the tiles written; state the requested one
        h = deserialize_header(f.read(127))
        h["min_zoom"], h["max_zoom"] = minzoom, maxzoom
        f.seek(0)
        f.write(serialize_header(h))
        return
    root, meta = serialize_directory([]), gzip.compress(json.dumps(metadata).encode(), mtime=0)
    header.update(root_offset=127, root_length=len(root), metadata_offset=127 + len(root), metadata_length=len(meta),
                  leaf_directory_offset=127 + len(root) + len(meta), leaf_directory_length=0,
                  tile_data_offset=127 + len(root) + len(meta), tile_data_length=0, clustered=True,
                  internal_compression=Compression.GZIP, min_zoom=minzoom, max_zoom=maxzoom)
    f.write(serialize_header(cast(HeaderDict, header)) + root + meta)


def read_header(path: Path) -> tuple[dict, dict]:
    """The archive's header (pmtiles' dict: zooms, bounds as *_e7 integers, tile type, ...) and metadata."""
    with open(path, "rb") as f:
        reader = Reader(MmapSource(f))
        return dict(reader.header()), reader.metadata()


def read_tile(path: Path, z: int, x: int, y: int) -> dict | None:
    """Tile z/x/y of the archive decoded with mapbox-vector-tile: {layer: {"extent", "features": [GeoJSON-like
    features in MVT units, y down, with "id" and "properties"]}}; None when the archive has no such tile."""
    with open(path, "rb") as f:
        reader = Reader(MmapSource(f))
        data = reader.get(z, x, y)
        if data is None:
            return None
        if reader.header()["tile_compression"] == Compression.GZIP:
            data = gzip.decompress(data)
    return mapbox_vector_tile.decode(data, default_options=_DECODE)
