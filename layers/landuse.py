"""The `landuse` layer: parcels with a land-use code, the code table (names zh/en, planning
colours), the green-ratio check, and a generator of ILLUSTRATIVE parcels for demos and benchmarks.

Codes follow GB 50137-2011 (城市用地分类与规划建设用地标准), plus M0 (新型产业用地, the new
industrial land of Guangdong's policies, named in the Foshan action plan). Colours follow the
conventions of Chinese planning maps (industrial brown, residential yellow, commercial red, green
space green, ...). The bundled data has no real parcels: anything made by `illustrative_parcels`
carries ILLUSTRATIVE_LABEL on the map, in the legend and in every export.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.crs import PLANAR, WGS84
from geo.measure import geodesic_area_m2
from geo.overlay import composition
from geo.partitioned import composition_distributed, partitions_near
from layers.base import GEOMETRY_QUALITIES, Column, LayerSchema, read_geojson, validate

if TYPE_CHECKING:
    from distributed import Client

ILLUSTRATIVE_LABEL = "illustrative — not an official plan / 示意数据，非官方规划"


@dataclass(frozen=True)
class LandUseCode:
    """One land-use class: code, names, and its map colour."""

    code: str
    name_zh: str
    name_en: str
    colour: str
    green: bool = False


CODES: dict[str, LandUseCode] = {c.code: c for c in (
    LandUseCode("R1", "一类居住用地", "Residential, class 1", "#fff27a"),
    LandUseCode("R2", "二类居住用地", "Residential, class 2", "#ffe23b"),
    LandUseCode("R3", "三类居住用地", "Residential, class 3", "#f2c200"),
    LandUseCode("A1", "行政办公用地", "Administration", "#ff7fbf"),
    LandUseCode("A3", "教育科研用地", "Education and research", "#ff9fcf"),
    LandUseCode("A5", "医疗卫生用地", "Health care", "#ff5f9f"),
    LandUseCode("B1", "商业用地", "Commercial", "#ff3f3f"),
    LandUseCode("B2", "商务用地", "Business offices", "#e0262b"),
    LandUseCode("M0", "新型产业用地", "New industrial land (M0)", "#d1a36b"),
    LandUseCode("M1", "一类工业用地", "Industrial, class 1", "#bb9674"),
    LandUseCode("M2", "二类工业用地", "Industrial, class 2", "#9c6b45"),
    LandUseCode("M3", "三类工业用地", "Industrial, class 3", "#7a4a26"),
    LandUseCode("W1", "一类物流仓储用地", "Logistics and storage", "#b39ddb"),
    LandUseCode("S1", "城市道路用地", "Roads", "#c8c8c8"),
    LandUseCode("S3", "交通枢纽用地", "Transport hubs", "#a0a0a0"),
    LandUseCode("S4", "交通场站用地", "Transport stations and depots", "#b4b4b4"),
    LandUseCode("U1", "供应设施用地", "Utilities", "#4f9fd1"),
    LandUseCode("G1", "公园绿地", "Parks", "#3fae49", green=True),
    LandUseCode("G2", "防护绿地", "Buffer green", "#2d8a3e", green=True),
    LandUseCode("G3", "广场用地", "Squares", "#9fd9a4", green=True),
    LandUseCode("E1", "水域", "Water", "#8fc9f0"),
)}
"""GB 50137-2011 codes (and M0) with names and conventional planning colours."""

CODE_SYSTEMS = ("GB 50137-2011", "国土空间调查、规划、用途管制用地用海分类")

SCHEMA = LayerSchema(
    layer_id="landuse",
    columns=(
        Column("id"), Column("code", allowed=tuple(CODES)), Column("code_system", allowed=CODE_SYSTEMS),
        Column("source"), Column("geometry_quality", allowed=GEOMETRY_QUALITIES), Column("as_of", kind="date"),
    ),
    geometry_types=frozenset({"Polygon", "MultiPolygon"}),
)
"""Real parcels (data/landuse.geojson, when there is one): no names, a code and its system."""


def load(path) -> gpd.GeoDataFrame:
    """Read and validate real land-use parcels; adds `area_m2` (geodesic, WGS84 ellipsoid)."""
    gdf = validate(read_geojson(path), SCHEMA, origin=str(path))
    return finish(gdf.set_index("id", drop=False).rename_axis(None))


def finish(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Parcels as the app uses them: with `area_m2` (geodesic, WGS84 ellipsoid), a new frame."""
    out = gdf.copy()
    out["area_m2"] = geodesic_area_m2(out.geometry)
    return out


GREEN_TARGET = 0.20
"""Every value-innovation park's green ratio target (绿地率达到20%, 穗府办函〔2018〕105号 一(二)5)."""


def unknown_codes(codes: pd.Series) -> list[str]:
    """Codes in `codes` that the table does not know (sorted, unique)."""
    return sorted(set(codes.dropna().astype(str)) - set(CODES))


def park_composition(parks: gpd.GeoDataFrame, parcels: gpd.GeoDataFrame) -> pd.DataFrame:
    """Land-use composition of each park: `zone` (park id), `class` (code), `area_m2`
    (geodesic-scaled), `share` of the park's area. parks, parcels: EPSG:4326 (or both 4547)."""
    polygons = parks[parks.geom_type.isin(["Polygon", "MultiPolygon"])]
    return composition(polygons, parcels, "code")


def parks_composition(parks: gpd.GeoDataFrame, parcels: gpd.GeoDataFrame | None = None,
                      partitioned: Sequence[Path] = (), client: Client | None = None,
                      progress: Callable[[int, int], None] | None = None) -> pd.DataFrame:
    """Land-use composition of every park with an outline, from parcels held in memory
    (`parcels`, EPSG:4326) and from big layers kept as partitioned GeoParquet (`partitioned`
    folders, `geo.partitioned`: each partition meets only the parks near it, on the Dask `client`
    when given, else in this process). Columns as `park_composition`: `zone` (park id), `class`,
    `area_m2` (geodesic-scaled m²), `share` of the park's area; areas of the same park and code
    from different layers are added (parcels overlapping across layers count twice).
    progress(done, total) counts partitions near a park, over all folders."""
    polygons = parks[parks.geom_type.isin(["Polygon", "MultiPolygon"])]
    parts = [composition(polygons, parcels, "code")] if parcels is not None and not parcels.empty else []
    if polygons.empty:
        partitioned = ()
    near = [partitions_near(polygons, Path(f)) for f in partitioned]
    total, offset = sum(near), 0
    for folder, count in zip(partitioned, near):
        step = (lambda d, _t, base=offset: progress(base + d, total)) if progress else None
        parts.append(composition_distributed(polygons, Path(folder), client=client, progress=step))
        offset += count
    parts = [p for p in parts if not p.empty]
    if not parts:
        return pd.DataFrame({"zone": pd.Series(dtype=object), "class": pd.Series(dtype=object),
                             "area_m2": pd.Series(dtype=float), "share": pd.Series(dtype=float)})
    summed = pd.concat(parts, ignore_index=True).groupby(["zone", "class"], sort=False)[["area_m2", "share"]].sum()
    return summed.reset_index().sort_values(["zone", "area_m2"], ascending=[True, False], ignore_index=True)


def green_ratio(comp: pd.DataFrame) -> pd.Series:
    """Share of each park's area in green codes (G1, G2, G3), from `park_composition`."""
    green = comp[comp["class"].map(lambda c: CODES[c].green if c in CODES else False)]
    return green.groupby("zone")["share"].sum()


# Weights of the illustrative mix: industrial parks, so mostly M-class land with the rest.
_MIX = {"M1": 0.22, "M0": 0.14, "M2": 0.08, "W1": 0.05, "B2": 0.07, "B1": 0.05, "R2": 0.12, "A3": 0.04,
        "A5": 0.01, "S1": 0.08, "U1": 0.02, "G1": 0.07, "G2": 0.03, "E1": 0.02}


def illustrative_parcels(bounds: tuple[float, float, float, float], n: int, seed: int = 0,
                         crs: str = "wgs84") -> gpd.GeoDataFrame:
    """About `n` ILLUSTRATIVE parcels tiling lon/lat `bounds` (minx, miny, maxx, maxy), with
    random codes from an industrial-park mix. NOT real data: every row's `label` says so.

    The tiling is a grid of blocks in EPSG:4547 with jittered inner edges (so parcels are not all
    equal); crs "wgs84" returns EPSG:4326 (as a layer is stored), "planar" EPSG:4547 (for benchmarks
    that want to time the overlay alone).
    """
    rng = np.random.default_rng(seed)
    # The planar envelope of the (densified) lon/lat box, so the tiling covers all of it.
    outline = gpd.GeoSeries([shapely.box(*bounds)], crs=WGS84).segmentize(0.001).to_crs(PLANAR)
    x0, y0, x1, y1 = outline.total_bounds
    width, height = x1 - x0, y1 - y0
    cols = max(1, int(round(np.sqrt(n * width / height))))
    rows = max(1, int(round(n / cols)))
    dx, dy = width / cols, height / rows
    grid_x, grid_y = np.meshgrid(np.arange(cols), np.arange(rows))
    ix, iy = grid_x.ravel(), grid_y.ravel()
    # Jitter each cell's inner boundaries by up to 20 % of a cell, keeping the tiling gap-free.
    jx = rng.uniform(-0.2, 0.2, cols + 1) * dx
    jy = rng.uniform(-0.2, 0.2, rows + 1) * dy
    jx[[0, -1]] = 0
    jy[[0, -1]] = 0
    xs = x0 + np.arange(cols + 1) * dx + jx
    ys = y0 + np.arange(rows + 1) * dy + jy
    boxes = shapely.box(xs[ix], ys[iy], xs[ix + 1], ys[iy + 1])
    codes = rng.choice(list(_MIX), size=len(boxes), p=np.array(list(_MIX.values())) / sum(_MIX.values()))
    gdf = gpd.GeoDataFrame(
        {"id": [f"illustrative-{i}" for i in range(len(boxes))], "code": codes, "code_system": "GB 50137-2011",
         "label": ILLUSTRATIVE_LABEL},
        geometry=boxes, crs=PLANAR,
    )
    return gdf.to_crs(WGS84) if crs == "wgs84" else gdf


def illustrative_for_park(park_id: str, geometry, cell_km2: float = 0.03, max_parcels: int = 20_000) -> gpd.GeoDataFrame:
    """ILLUSTRATIVE parcels tiling one park's bounding box (cells of about `cell_km2`), seeded by the
    park id so a park always gets the same demo parcels. EPSG:4326, labelled as illustrative."""
    import zlib

    bounds = tuple(geometry.bounds)
    planar = gpd.GeoSeries([shapely.box(*bounds)], crs=WGS84).to_crs(PLANAR).iloc[0]
    n = int(min(max_parcels, max(16, planar.area / 1e6 / cell_km2)))
    return illustrative_parcels(bounds, n, seed=zlib.crc32(park_id.encode("utf-8")))


def clip_to(parcels: gpd.GeoDataFrame, geometry) -> gpd.GeoDataFrame:
    """The parts of `parcels` inside `geometry` (both EPSG:4326), for display."""
    return gpd.clip(parcels, geometry, keep_geom_type=True)


def corridor_polygons(lines: gpd.GeoDataFrame, width_m: pd.Series) -> gpd.GeoSeries:
    """Document-derived green corridors and belts as polygons: each line buffered by half its stated
    width, planar in EPSG:4547 (flat ends), back in EPSG:4326. Schematic by construction."""
    planar = lines.geometry.to_crs(PLANAR)
    buffered = [g.buffer(w / 2.0, cap_style="flat") for g, w in zip(planar, width_m)]
    return gpd.GeoSeries(buffered, index=lines.index, crs=PLANAR).to_crs(WGS84)
