"""layers.big_layer_job: a big layer's tiles and partitioned GeoParquet, made in a real child
process (`python -m layers.big_layer_job`) that reports progress to a status file."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from geo.chinese_offsets import from_wgs84
from geo.overlay import composition
from geo.partitioned import PartitionIndex, composition_distributed
from geo.vector_tiles import lonlat_to_tile, read_tile, tile_to_lonlat
from layers.big_layer_job import JobSpec, partitions_ready, run_job
from layers.landuse import illustrative_parcels

ROOT = Path(__file__).resolve().parent.parent
BOUNDS = (113.3, 23.1, 113.33, 23.12)


@pytest.fixture()
def source(tmp_path) -> Path:
    parcels = illustrative_parcels(BOUNDS, 600, seed=3)[["code", "label", "geometry"]]
    parcels.insert(0, "id", [f"p{i}" for i in range(len(parcels))])
    path = tmp_path / "source.parquet"
    parcels.to_parquet(path)
    return path


def spec(tmp_path: Path, source: Path, **kw) -> JobSpec:
    values = {"source": str(source), "layer": "地块 parcels@abc", "revision": "4", "tiles_folder": str(tmp_path / "tiles"),
              "properties": ["code", "id", "area_m2"], "status": str(tmp_path / "status.jsonl")} | kw
    return JobSpec(**values)


def statuses(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_the_child_builds_tiles_and_partitions_and_reports_progress(tmp_path, source):
    parcels = gpd.read_parquet(source)
    job = spec(tmp_path, source, partitions=str(tmp_path / "parts" / "layer" / "4"))
    done = subprocess.run([sys.executable, "-m", "layers.big_layer_job", str(job.write(tmp_path / "spec.json"))],
                          cwd=ROOT, capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    lines = statuses(tmp_path / "status.jsonl")
    result = lines[-1]
    assert {"partitions", "tiles"} <= {line.get("phase") for line in lines[:-1]}
    assert [line["done"] for line in lines if line.get("phase") == "tiles"][-1] == lines[-2]["total"]
    assert Path(result["archive"]).exists() and result["tiles"] > 0 and not result["cached"]
    assert not source.exists() and not (tmp_path / "spec.json").exists()  # the child cleans its inputs

    # the partitions hold every parcel, and compose as the in-process overlay does
    folder = Path(job.partitions)
    assert partitions_ready(folder) and result["partitions"] == len(PartitionIndex.read(folder).partitions)
    zone = gpd.GeoDataFrame(geometry=[shapely.box(113.305, 23.105, 113.32, 23.115)], index=["z"], crs=4326)
    ours = composition_distributed(zone, folder).set_index("class")["area_m2"]
    theirs = composition(zone, parcels, "code").set_index("class")["area_m2"]
    pd.testing.assert_series_equal(ours.sort_index(), theirs.sort_index(), rtol=0, atol=1e-6)

    # the tiles carry the attributes and the geodesic area
    features = _features(result["archive"], 14, 113.315, 23.11)
    assert features and {"code", "id", "area_m2"} <= set(next(iter(features.values()))["properties"])


def _features(archive: str, z: int, lon: float, lat: float) -> dict[str, dict]:
    """The features of the archive's tile at z over (lon, lat), by id, with `lonlat` coordinates."""
    x, y = lonlat_to_tile(lon, lat, z)
    (layer,) = (read_tile(Path(archive), z, x, y) or {"": {"features": []}}).values()
    out = {}
    for f in layer["features"]:
        f["lonlat"] = tile_to_lonlat(z, x, y, f["geometry"]["coordinates"][0])
        out[f["properties"]["id"]] = f
    return out


def test_over_gaode_the_tiles_are_shifted_but_the_area_is_not(tmp_path, source):
    parcels = gpd.read_parquet(source)
    plain = run_job(spec(tmp_path, source, keep_source=True, layer="a"))
    shifted = run_job(spec(tmp_path, source, variant="gcj02", layer="a"))
    assert plain["archive"] != shifted["archive"] and ".gcj02." in shifted["archive"]
    i = 300
    wgs = parcels.geometry.iloc[i].centroid
    gcj = from_wgs84(parcels.geometry.iloc[[i]], "gcj02").iloc[0].centroid
    assert 0.003 < gcj.x - wgs.x < 0.007  # GCJ-02 moves Guangzhou about 500 m east
    a = _features(plain["archive"], 16, wgs.x, wgs.y)[f"p{i}"]
    b = _features(shifted["archive"], 16, gcj.x, gcj.y)[f"p{i}"]
    assert abs(a["lonlat"][:, 0].mean() - wgs.x) < 3e-4 and abs(b["lonlat"][:, 0].mean() - gcj.x) < 3e-4
    assert a["properties"]["area_m2"] == b["properties"]["area_m2"] > 0  # measured before the shift


def test_a_broken_source_is_reported_not_raised(tmp_path):
    bad = tmp_path / "source.parquet"
    bad.write_bytes(b"not parquet")
    job = spec(tmp_path, bad)
    done = subprocess.run([sys.executable, "-m", "layers.big_layer_job", str(job.write(tmp_path / "spec.json"))],
                          cwd=ROOT, capture_output=True, timeout=120)
    assert done.returncode == 1
    assert "error" in statuses(tmp_path / "status.jsonl")[-1]
    assert not (tmp_path / "tiles").exists() or not list((tmp_path / "tiles").glob("*.pmtiles"))


def test_a_source_in_another_crs_is_refused(tmp_path, source):
    gpd.read_parquet(source).to_crs(4547).to_parquet(source)
    with pytest.raises(ValueError, match="EPSG:4326"):
        run_job(spec(tmp_path, source))
