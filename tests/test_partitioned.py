"""geo.partitioned: Hilbert-partitioned GeoParquet folders and composition over them, in-process
and on a real 2-process distributed.LocalCluster, against geo.overlay.composition."""

from __future__ import annotations

import json
import math
import time

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

import geo.partitioned as gp
from geo.crs import PLANAR, WGS84
from geo.overlay import composition
from geo.partitioned import PartitionIndex, composition_distributed, scheduler_client, write_partitioned
from layers.landuse import illustrative_parcels

BOUNDS = (113.2, 23.0, 113.4, 23.18)  # lon/lat, about 20 km x 20 km around Guangzhou
ROWS = 2_000


@pytest.fixture(scope="module")
def parcels() -> gpd.GeoDataFrame:
    """~20k jittered grid parcels with random land-use codes, EPSG:4326 (generated, not real)."""
    return illustrative_parcels(BOUNDS, 20_000, seed=7)[["code", "geometry"]]


@pytest.fixture(scope="module")
def zones() -> gpd.GeoDataFrame:
    """Spread-out discs (1-3 km across, one over the layer's edge, one far outside), a point and an
    empty polygon (both skipped); EPSG:4326, labelled."""
    centres = [(113.22, 23.02), (113.3, 23.09), (113.38, 23.16), (113.25, 23.15), (113.36, 23.03), (113.2, 23.1),
               (115.0, 25.0)]
    radii = [600, 1500, 900, 700, 1200, 1000, 800]
    planar = gpd.GeoSeries([shapely.Point(c) for c in centres], crs=WGS84).to_crs(PLANAR)
    discs = [g.buffer(r, quad_segs=16) for g, r in zip(planar, radii)]
    geoms = gpd.GeoSeries([*discs, planar.iloc[1], shapely.Polygon()], crs=PLANAR).to_crs(WGS84)
    labels = ["a", "b", "c", "d", "e", "edge", "far", "point", "empty"]
    return gpd.GeoDataFrame(geometry=geoms.values, index=labels, crs=WGS84)


@pytest.fixture(scope="module")
def folder(parcels, tmp_path_factory):
    path = tmp_path_factory.mktemp("partitioned")
    write_partitioned(parcels, path, "code", rows_per_partition=ROWS)
    return path


@pytest.fixture(scope="module")
def cluster():
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as lc:
        with Client(lc) as client:
            yield lc, client


def assert_same(got: pd.DataFrame, want: pd.DataFrame) -> None:
    assert list(got.columns) == ["zone", "class", "area_m2", "share"]
    assert got["zone"].tolist() == want["zone"].tolist()
    assert got["class"].tolist() == want["class"].tolist()
    np.testing.assert_allclose(got["area_m2"], want["area_m2"], rtol=0, atol=1.0)
    np.testing.assert_allclose(got["share"], want["share"], rtol=0, atol=1e-9)


def test_index_lists_hilbert_partitions_with_their_bounds(parcels, folder):
    index = PartitionIndex.read(folder)
    assert len(index.partitions) == math.ceil(len(parcels) / ROWS)
    assert [p.rows for p in index.partitions[:-1]] == [ROWS] * (len(index.partitions) - 1)
    assert sum(p.rows for p in index.partitions) == index.source_rows == len(parcels)
    assert (index.class_col, index.crs, index.skipped_rows) == ("code", "EPSG:4547", 0)
    raw = json.loads((folder / "partitions.json").read_text())
    assert set(raw["partitions"][0]) == {"file", "rows", "minx", "miny", "maxx", "maxy"}
    assert sorted(f.name for f in folder.glob("*.parquet")) == [p.file for p in index.partitions]
    assert not (folder / "_runs").exists()
    read = []
    for part in index.partitions:
        frame = gpd.read_parquet(index.path(part))
        assert frame.crs.equals(PLANAR) and list(frame.columns) == ["code", "geometry"] and len(frame) == part.rows
        minx, miny, maxx, maxy = frame.total_bounds
        assert part.minx <= minx and part.miny <= miny and part.maxx >= maxx and part.maxy >= maxy
        assert index.intersecting((minx, miny, maxx, maxy))[0:1] != []
        read.append(frame)
    everything = pd.concat(read)
    assert sorted(everything["code"]) == sorted(parcels["code"])
    assert everything.area.sum() == pytest.approx(parcels.to_crs(PLANAR).area.sum(), rel=1e-9)
    # Hilbert order makes partitions compact: their boxes add up to little more than the extent.
    extent = shapely.box(*everything.total_bounds).area
    assert sum((p.maxx - p.minx) * (p.maxy - p.miny) for p in index.partitions) < 2 * extent


def test_intersecting_selects_by_bounds(folder):
    index = PartitionIndex.read(folder)
    first = index.partitions[0]
    assert first in index.intersecting((first.minx, first.miny, first.minx + 1, first.miny + 1))
    assert index.intersecting((0, 0, 1, 1)) == []
    assert len(index.intersecting((-1e9, -1e9, 1e9, 1e9))) == len(index.partitions)


def test_empty_and_missing_geometries_are_counted_and_skipped(tmp_path):
    frame = gpd.GeoDataFrame({"code": ["M1", "G1", "R2"]},
                             geometry=[shapely.box(113.3, 23.1, 113.301, 23.101), None, shapely.Polygon()], crs=WGS84)
    index = write_partitioned(frame, tmp_path, "code", rows_per_partition=10)
    assert (index.source_rows, index.skipped_rows, [p.rows for p in index.partitions]) == (3, 2, [1])


@pytest.mark.parametrize("crs", ["wgs84", "planar"])
def test_in_process_equals_composition(parcels, zones, folder, crs):
    if crs == "planar":
        zones, parcels = zones.to_crs(PLANAR), parcels.to_crs(PLANAR)
    want = composition(zones, parcels, "code")
    assert set(want["zone"]) == {"a", "b", "c", "d", "e", "edge"}
    calls = []
    got = composition_distributed(zones, folder, progress=lambda done, total: calls.append((done, total)))
    assert_same(got, want)
    assert calls == [(i, calls[0][1]) for i in range(1, len(calls) + 1)] and calls


def test_local_cluster_equals_composition(parcels, zones, folder, cluster):
    _, client = cluster
    calls = []
    got = composition_distributed(zones, folder, client=client, progress=lambda done, total: calls.append((done, total)))
    assert_same(got, composition(zones, parcels, "code"))
    assert [c[0] for c in calls] == list(range(1, len(calls) + 1)) and {c[1] for c in calls} == {len(calls)}


def test_each_partition_meets_only_nearby_zones(zones, folder, monkeypatch):
    index = PartitionIndex.read(folder)
    sent = []
    real = gp._partition_areas

    def spy(path, class_col, zone_geoms, zone_ids):
        sent.append((path, [labels[i] for i in zone_ids]))
        return real(path, class_col, zone_geoms, zone_ids)

    labels = ["a", "b", "c", "d", "e", "edge", "far", "empty"]  # the polygonal zones, in order
    monkeypatch.setattr(gp, "_partition_areas", spy)
    composition_distributed(zones, folder)
    pairs = [(path, label) for path, sent_labels in sent for label in sent_labels]
    assert 0 < len(pairs) < len(index.partitions) * len(labels) / 2
    planar = zones.to_crs(PLANAR).geometry
    for path, label in pairs:
        assert label not in ("far", "empty")
        assert path in {str(index.path(p)) for p in index.intersecting(planar[label].bounds)}
    # Zone "b" (3 km across) crosses partition boundaries: it goes to every partition it meets.
    assert sorted(path for path, label in pairs if label == "b") == sorted(
        str(index.path(p)) for p in index.intersecting(planar["b"].bounds))
    assert len(index.intersecting(planar["b"].bounds)) >= 2
    assert index.intersecting(planar["far"].bounds) == []


def test_streamed_chunks_give_the_same_composition(parcels, zones, folder, tmp_path):
    shuffled = parcels.sample(frac=1.0, random_state=3)  # chunks spread over the whole area
    chunks = (shuffled.iloc[i:i + 4_500] for i in range(0, len(shuffled), 4_500))
    extent = tuple(parcels.to_crs(PLANAR).total_bounds)
    index = gp.write_partitioned_chunks(chunks, tmp_path / "streamed", "code", extent, rows_per_partition=ROWS)
    assert index.source_rows == sum(p.rows for p in index.partitions) == len(parcels)
    assert [p.rows for p in index.partitions] == [p.rows for p in PartitionIndex.read(folder).partitions]
    assert_same(composition_distributed(zones, tmp_path / "streamed"), composition_distributed(zones, folder))


def test_scheduler_client_from_the_environment(monkeypatch, cluster):
    monkeypatch.delenv(gp.SCHEDULER_ENV, raising=False)
    assert scheduler_client() is None
    monkeypatch.setenv(gp.SCHEDULER_ENV, "  ")
    assert scheduler_client() is None
    monkeypatch.setenv(gp.SCHEDULER_ENV, cluster[0].scheduler_address)
    client = scheduler_client(timeout=10)
    assert client is not None
    with client:
        assert len(client.scheduler_info()["workers"]) == 2


def test_unreachable_scheduler_is_a_clear_error(monkeypatch):
    monkeypatch.setenv(gp.SCHEDULER_ENV, "tcp://127.0.0.1:1")
    t0 = time.perf_counter()
    with pytest.raises(ValueError, match=r"cannot reach the Dask scheduler at tcp://127\.0\.0\.1:1"):
        scheduler_client(timeout=1)
    assert time.perf_counter() - t0 < 20


def test_read_near_returns_the_parcels_meeting_the_bounds_and_opens_only_nearby_files(parcels, folder, monkeypatch):
    from geo.partitioned import read_near

    planar = parcels.to_crs(PLANAR)
    box = shapely.box(*planar.geometry.iloc[0].buffer(800).bounds)
    want = planar[planar.geometry.envelope.intersects(box)]
    opened = []
    real = gpd.read_parquet
    monkeypatch.setattr(gp.gpd, "read_parquet", lambda path, **kw: opened.append(path) or real(path, **kw))
    got = read_near(folder, box.bounds)
    assert got.crs == PLANAR and len(got) == len(want) > 0
    assert sorted(got.geometry.area.round(3)) == sorted(want.geometry.area.round(3))
    assert 0 < len(opened) < len(PartitionIndex.read(folder).partitions)
    far = read_near(folder, (0.0, 0.0, 10.0, 10.0))
    assert far.empty and far.crs == PLANAR
