"""geo.vector_tiles: a PMTiles v3 archive of gzip MVT tiles (cut by tippecanoe) from generated
(ILLUSTRATIVE) parcels near Guangzhou, read back with the pmtiles reader and decoded with
mapbox-vector-tile; the stand-ins' guarantee (each tile's covered area and mix of codes) checked
against the parcels themselves."""

from __future__ import annotations

from collections import Counter, defaultdict

import geopandas as gpd
import numpy as np
import pytest
import shapely
from pmtiles.reader import MmapSource, all_tiles
from pmtiles.tile import Compression, TileType

from geo.crs import transformer
from geo import vector_tiles
from geo.vector_tiles import (BUFFER_PX, EXTENT, TippecanoeError, build_pmtiles, lonlat_to_tile, read_header,
                              read_tile, tile_to_lonlat)
from layers.landuse import illustrative_parcels

BOUNDS = (113.28, 23.08, 113.32, 23.12)  # lon/lat, about 4 km x 4.4 km in Guangzhou
MINZOOM, MAXZOOM = 12, 15
WEB_MERCATOR_WIDTH_M = 2 * 20037508.342789244


def to_3857(lonlat: np.ndarray) -> np.ndarray:
    return np.column_stack(transformer(4326, 3857).transform(lonlat[:, 0], lonlat[:, 1]))


def pixel_m(z: int) -> float:
    """One display pixel (1/256 of a tile) at zoom z, EPSG:3857 metres."""
    return WEB_MERCATOR_WIDTH_M / (256 * 2 ** z)


@pytest.fixture(scope="module")
def parcels() -> gpd.GeoDataFrame:
    """~5k illustrative parcels (about 60 m x 60 m) with a code and a numeric column; EPSG:4326."""
    gdf = illustrative_parcels(BOUNDS, 5_000, seed=3)
    gdf["floor_ratio"] = np.round(np.linspace(0.5, 3.0, len(gdf)), 2)
    gdf["approved"] = np.arange(len(gdf)) % 3 == 0
    return gdf.reset_index(drop=True)


@pytest.fixture(scope="module")
def archive(parcels, tmp_path_factory):
    path = tmp_path_factory.mktemp("tiles") / "landuse.pmtiles"
    calls: list[tuple[int, int]] = []
    stats = build_pmtiles(parcels, path, layer="landuse", properties=["id", "code", "floor_ratio", "approved"],
                          minzoom=MINZOOM, maxzoom=MAXZOOM, progress=lambda done, total: calls.append((done, total)))
    return path, stats, calls


def tiles_of(path) -> list[tuple[int, int, int]]:
    with open(path, "rb") as f:
        return [zxy for zxy, _ in all_tiles(MmapSource(f))]


def test_header_and_metadata(archive, parcels):
    path, stats, calls = archive
    header, metadata = read_header(path)
    assert header["tile_type"] == TileType.MVT and header["tile_compression"] == Compression.GZIP
    assert (header["min_zoom"], header["max_zoom"]) == (MINZOOM, MAXZOOM)
    lon0, lat0, lon1, lat1 = parcels.total_bounds
    got = [header[k] / 1e7 for k in ("min_lon_e7", "min_lat_e7", "max_lon_e7", "max_lat_e7")]
    assert got == pytest.approx([lon0, lat0, lon1, lat1], abs=1e-7)
    assert lon0 < header["center_lon_e7"] / 1e7 < lon1 and lat0 < header["center_lat_e7"] / 1e7 < lat1
    assert MINZOOM <= header["center_zoom"] <= MAXZOOM
    assert header["clustered"] and header["addressed_tiles_count"] == stats.tile_count == len(tiles_of(path))
    assert metadata["vector_layers"] == [{"id": "landuse", "minzoom": MINZOOM, "maxzoom": MAXZOOM, "fields": {
        "id": "String", "code": "String", "floor_ratio": "Number", "approved": "Boolean"}}]
    assert stats.features == len(parcels) and stats.archive_bytes == path.stat().st_size
    assert set(stats.tiles) == set(range(MINZOOM, MAXZOOM + 1)) and all(stats.tiles.values())
    assert all(0 < stats.bytes_max[z] <= stats.bytes_total[z] for z in stats.tiles)
    assert calls and calls[-1][0] == calls[-1][1] and all(a[0] <= b[0] for a, b in zip(calls, calls[1:]))


def decoded_at(path, z: int) -> dict[int, list[tuple[dict, shapely.Geometry]]]:
    """Every feature piece of zoom z: id -> [(properties, geometry in EPSG:3857 metres)]."""
    pieces: dict[int, list[tuple[dict, shapely.Geometry]]] = defaultdict(list)
    for tz, x, y in tiles_of(path):
        if tz != z:
            continue
        layer = read_tile(path, z, x, y)["landuse"]
        assert layer["extent"] == EXTENT
        for feature in layer["features"]:
            assert feature["geometry"]["type"] in ("Polygon", "MultiPolygon")
            local = shapely.geometry.shape(feature["geometry"])
            lonlat = shapely.transform(local, lambda c, x=x, y=y: tile_to_lonlat(z, x, y, c))
            pieces[feature["id"]].append((feature["properties"], shapely.transform(lonlat, to_3857)))
    return pieces


def test_maxzoom_holds_every_feature_with_its_attributes_within_a_pixel(archive, parcels):
    path, stats, _ = archive
    pieces = decoded_at(path, MAXZOOM)
    assert sorted(pieces) == list(range(len(parcels)))  # the feature id is the row position
    assert stats.tiny[MAXZOOM] == 0  # no parcel is a stand-in at the largest zoom
    expected = parcels.to_crs(3857)
    worst = 0.0
    for fid, parts in pieces.items():
        row = parcels.iloc[fid]
        want = {"id": row["id"], "code": row["code"], "floor_ratio": row["floor_ratio"], "approved": row["approved"]}
        assert all(props == want for props, _ in parts)  # "label" and "code_system" are not asked for
        got = shapely.union_all([g for _, g in parts])
        worst = max(worst, shapely.hausdorff_distance(got, expected.geometry.iloc[fid]))
    assert 0 < worst < pixel_m(MAXZOOM) / 2  # one display pixel at z15 is ~4.8 m of EPSG:3857


def test_a_feature_across_a_tile_edge_is_clipped_with_a_buffer(archive, parcels):
    path, _, _ = archive
    z = MAXZOOM
    pieces = decoded_at(path, z)
    crossing = [fid for fid, parts in pieces.items() if len(parts) > 1]
    assert crossing, "the generated parcels should cross tile edges at z15"
    for tz, x, y in tiles_of(path)[:3]:
        for feature in read_tile(path, tz, x, y)["landuse"]["features"]:
            xy = np.array([c for ring in feature["geometry"]["coordinates"] for c in ring]
                          if feature["geometry"]["type"] == "Polygon" else
                          [c for poly in feature["geometry"]["coordinates"] for ring in poly for c in ring])
            # a stand-in square (below MAXZOOM; 2 px a side) is centred on a piece within the buffer
            pad = BUFFER_PX * EXTENT / 256 + (EXTENT / 256 if tz < MAXZOOM else 0)
            assert xy.min() >= -pad and xy.max() <= EXTENT + pad


def covered_by_tile(path, z: int) -> dict[tuple[int, int], Counter]:
    """Each tile's covered area by code at zoom z, display px², from the decoded features (stand-in
    squares and drawn parcels alike) clipped to the tile itself (its buffer left out)."""
    out: dict[tuple[int, int], Counter] = {}
    for tz, x, y in tiles_of(path):
        if tz == z:
            out[(x, y)] = Counter()
            for feature in read_tile(path, z, x, y)["landuse"]["features"]:
                piece = shapely.clip_by_rect(shapely.geometry.shape(feature["geometry"]), 0, 0, EXTENT, EXTENT)
                out[(x, y)][feature["properties"]["code"]] += piece.area / (EXTENT / 256) ** 2
    return out


def truth_by_tile(parcels, z: int, tiles) -> dict[tuple[int, int], Counter]:
    """The parcels' own area by code in each of `tiles` at zoom z, display px² (Web Mercator)."""
    scale = 256 * 2 ** z / WEB_MERCATOR_WIDTH_M
    half = WEB_MERCATOR_WIDTH_M / 2
    px = shapely.transform(np.asarray(parcels.to_crs(3857).geometry.array),
                           lambda c: np.column_stack([(c[:, 0] + half) * scale, (half - c[:, 1]) * scale]))
    out = {}
    for x, y in tiles:
        areas = shapely.area(shapely.clip_by_rect(px, x * 256, y * 256, x * 256 + 256, y * 256 + 256))
        out[(x, y)] = Counter()
        for code, area in zip(parcels["code"], areas):
            out[(x, y)][code] += area
    return out


def assert_stand_ins_keep_area_and_mix(path, parcels, z: int, square_px: float) -> None:
    """In every tile at zoom z: the covered area within two squares and 3 % of the parcels' area,
    and each code's share of it within four standard deviations of sampling that many squares."""
    got, checked = covered_by_tile(path, z), 0
    want = truth_by_tile(parcels, z, got)
    for tile, areas in got.items():
        total, truth = sum(areas.values()), sum(want[tile].values())
        if truth < 10 * square_px:
            continue  # a sliver of the layer at the tile's edge
        checked += 1
        assert abs(total - truth) <= 2 * square_px + 0.03 * truth, (tile, total, truth)
        n = truth / square_px
        for code in set(want[tile]) | set(areas):
            p = want[tile][code] / truth
            assert abs(areas[code] / total - p) <= 4 * np.sqrt(p * (1 - p) / n) + 1 / n, (tile, code)
    assert checked


def test_tiny_parcels_at_low_zoom_are_stand_ins_that_keep_each_tiles_area_and_mix(archive, parcels):
    path, stats, _ = archive
    area_px = parcels.to_crs(3857).area / pixel_m(MINZOOM) ** 2
    tiny = int((area_px < 4.0).sum())
    assert tiny > 0, "the generated parcels should be under 4 px² at z12"
    assert stats.tiny[MINZOOM] >= tiny  # tippecanoe counts per tile: a parcel in two tiles' buffers twice
    squares = [f for x, y in covered_by_tile(path, MINZOOM) for f in read_tile(path, MINZOOM, x, y)["landuse"]["features"]
               if shapely.geometry.shape(f["geometry"]).area == 32 ** 2]  # 4 px²: 2 px = 32 units a side
    assert len(squares) > tiny / 4 / 2  # 3 px² parcels: about one 4 px² square per one and a third parcels
    ids = set(decoded_at(path, MINZOOM))
    assert len(ids) < len(parcels)  # the rest were folded into stand-ins
    assert_stand_ins_keep_area_and_mix(path, parcels, MINZOOM, 4.0)


def test_a_coarser_stand_in_area_at_a_zoom_bounds_its_tiles(parcels, tmp_path):
    """min_area_px by zoom: at zoom 12 with 64 px² squares a tile holds at most ~65536/64 features
    (plus the polygons too big to be tiny), the covered area and mix are kept, and zoom 13 keeps the
    default (no parcel is under 4 px² there: all are drawn)."""
    path = tmp_path / "coarse.pmtiles"
    stats = build_pmtiles(parcels, path, layer="landuse", properties=["code"], minzoom=12, maxzoom=13,
                          min_area_px={12: 64.0})
    assert [run[:3] for run in stats.runs] == [(12, 12, 64.0), (13, 13, 4.0)]  # one tippecanoe run per size
    area_px = parcels.to_crs(3857).area / pixel_m(12) ** 2
    assert (area_px < 64.0).all(), "the generated parcels should all be under 64 px² at z12"
    assert stats.tiny[12] >= len(parcels)
    for (z, x, y) in tiles_of(path):
        if z == 12:
            (layer,) = read_tile(path, z, x, y).values()
            assert len(layer["features"]) <= 65536 / 64 + 64
    assert_stand_ins_keep_area_and_mix(path, parcels, 12, 64.0)
    fine = area_px * 4  # zoom 13: a pixel is half as wide, a parcel four times as many px²
    assert not (fine < 4.0).any() and stats.tiny[13] == 0
    assert stats.tiles[13] > 0 and len(decoded_at(path, 13)) == len(parcels)


def test_a_failed_tippecanoe_run_is_an_error_that_says_so(parcels, tmp_path, monkeypatch):
    monkeypatch.setattr(vector_tiles, "tippecanoe_path", lambda: "/bin/false")
    with pytest.raises(TippecanoeError, match="exit 1"):
        build_pmtiles(parcels.iloc[:10], tmp_path / "x.pmtiles", layer="landuse", properties=["code"])
    assert not list(tmp_path.glob(".tiles-*"))  # its working files are gone


def test_a_layer_not_in_wgs84_is_refused(parcels, tmp_path):
    with pytest.raises(ValueError, match="EPSG:4326"):
        build_pmtiles(parcels.to_crs(3857), tmp_path / "x.pmtiles", layer="landuse", properties=["code"])
    assert not (tmp_path / "x.pmtiles").exists()


def test_unknown_properties_and_zooms_are_refused(parcels, tmp_path):
    with pytest.raises(ValueError, match="nope"):
        build_pmtiles(parcels, tmp_path / "x.pmtiles", layer="landuse", properties=["code", "nope"])
    with pytest.raises(ValueError, match="minzoom"):
        build_pmtiles(parcels, tmp_path / "x.pmtiles", layer="landuse", properties=["code"], minzoom=16, maxzoom=12)


def test_an_empty_layer_gives_a_valid_archive_without_tiles(parcels, tmp_path):
    path = tmp_path / "empty.pmtiles"
    stats = build_pmtiles(parcels.iloc[:0], path, layer="landuse", properties=["code"], minzoom=12, maxzoom=14)
    assert stats.features == 0 and stats.tile_count == 0
    assert stats.tiles == {12: 0, 13: 0, 14: 0} and stats.tiny == {12: 0, 13: 0, 14: 0}
    header, metadata = read_header(path)
    assert (header["min_zoom"], header["max_zoom"], header["tile_entries_count"]) == (12, 14, 0)
    assert metadata["vector_layers"][0]["fields"] == {"code": "String"}
    assert tiles_of(path) == [] and read_tile(path, 12, 3337, 1780) is None


def test_null_and_empty_geometries_are_skipped(parcels, tmp_path):
    gdf = parcels.iloc[:50].copy()
    gdf.loc[gdf.index[:5], "geometry"] = None
    gdf.loc[gdf.index[5:10], "geometry"] = shapely.Polygon()
    stats = build_pmtiles(gdf, tmp_path / "some.pmtiles", layer="landuse", properties=["code"], minzoom=15, maxzoom=15)
    ids = set(decoded_at(tmp_path / "some.pmtiles", 15))
    assert stats.features == 40 and ids == set(range(10, 50))


def test_missing_tile_reads_as_none(archive):
    path, _, _ = archive
    assert read_tile(path, MAXZOOM, 0, 0) is None
    x, ty = lonlat_to_tile(113.30, 23.10, MAXZOOM)
    assert read_tile(path, MAXZOOM, x, ty) is not None


def test_an_invalid_polygon_is_repaired_in_the_tiles_not_in_the_callers_frame(parcels, tmp_path):
    gdf = parcels.iloc[:20].copy()
    x0, y0, x1, y1 = gdf.geometry.iloc[0].bounds
    bow_tie = shapely.Polygon([(x0, y0), (x1, y1), (x1, y0), (x0, y1)])
    gdf.loc[gdf.index[0], "geometry"] = bow_tie
    stats = build_pmtiles(gdf, tmp_path / "fixed.pmtiles", layer="landuse", properties=["code"], minzoom=15,
                          maxzoom=15)
    assert gdf.geometry.iloc[0].equals(bow_tie) and not gdf.geometry.iloc[0].is_valid
    pieces = decoded_at(tmp_path / "fixed.pmtiles", 15)
    assert stats.features == 20 and sorted(pieces) == list(range(20))
    assert all(shapely.is_valid(g) for _, g in pieces[0])
