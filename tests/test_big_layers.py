"""layers.big_layers: which layers become vector tiles, and their archive per layer revision."""

from __future__ import annotations

import time

import geopandas as gpd
import pytest
from shapely.geometry import box

from geo.vector_tiles import read_header, read_tile
from layers.big_layers import BIG_LAYER_FEATURES, archive_name, is_big, tile_archive


def parcels(n: int = 400, code: str = "M1") -> gpd.GeoDataFrame:
    """n small squares (about 80 m) near 113.3E 23.1N, in EPSG:4326."""
    side = 0.0008
    cells = [box(113.3 + (i % 20) * side, 23.1 + (i // 20) * side,
                 113.3 + (i % 20 + 0.9) * side, 23.1 + (i // 20 + 0.9) * side) for i in range(n)]
    return gpd.GeoDataFrame({"code": [code] * n}, geometry=cells, crs=4326)


def test_the_threshold_decides_which_layers_are_big():
    assert not is_big(parcels(10))
    big = gpd.GeoDataFrame({"code": ["M1"] * (BIG_LAYER_FEATURES + 1)},
                           geometry=[box(113.3, 23.1, 113.301, 23.101)] * (BIG_LAYER_FEATURES + 1), crs=4326)
    assert is_big(big)


def test_a_revision_is_built_once_and_found_again(tmp_path):
    first = tile_archive(parcels(), layer="地块 parcels", revision="1", folder=tmp_path, properties=["code"])
    assert not first.cached and first.stats is not None and first.path.exists()
    header, _ = read_header(first.path)
    assert (header["min_zoom"], header["max_zoom"]) == (6, 16)
    built_at = first.path.stat().st_mtime_ns
    time.sleep(0.01)
    started = time.perf_counter()
    again = tile_archive(parcels(), layer="地块 parcels", revision="1", folder=tmp_path, properties=["code"])
    assert again.cached and again.path == first.path and again.stats is None
    assert again.path.stat().st_mtime_ns == built_at  # not rebuilt
    assert time.perf_counter() - started < 0.5


def test_a_new_revision_replaces_the_old_archive_and_keeps_the_other_display_system(tmp_path):
    old = tile_archive(parcels(), layer="parcels", revision="1", folder=tmp_path, properties=["code"])
    gaode = tile_archive(parcels(), layer="parcels", revision="1", folder=tmp_path, properties=["code"],
                         variant="gcj02")
    new = tile_archive(parcels(code="R2"), layer="parcels", revision="2", folder=tmp_path, properties=["code"])
    assert not new.cached and new.path != old.path
    assert not old.path.exists() and gaode.path.exists()
    tile = read_tile(new.path, 16, 53_393, 28_443)  # the tile at 113.3005E 23.1005N
    assert tile is not None
    codes = {f["properties"]["code"] for layer in tile.values() for f in layer["features"]}
    assert codes == {"R2"}
    assert not list(tmp_path.glob(".*.part"))  # no half-written archive left behind


def test_file_names_cannot_be_misused_by_a_layer_name(tmp_path):
    name = archive_name("../../etc/passwd 地块", "1", ["code"])
    assert "/" not in name and ".." not in name.split(".", 1)[0]
    assert archive_name("a", "1", ["code"]) != archive_name("b", "1", ["code"])
    assert archive_name("a", "1", ["code"]) != archive_name("a", "2", ["code"])
    with pytest.raises(ValueError, match="display system"):
        archive_name("a", "1", ["code"], variant="bd09")
    built = tile_archive(parcels(), layer="../../evil", revision="1", folder=tmp_path, properties=["code"])
    assert built.path.parent == tmp_path


def test_a_failed_build_leaves_nothing_and_keeps_the_old_archive(tmp_path):
    good = tile_archive(parcels(), layer="parcels", revision="1", folder=tmp_path, properties=["code"])
    with pytest.raises(ValueError):
        tile_archive(parcels().to_crs(3857), layer="parcels", revision="2", folder=tmp_path, properties=["code"])
    assert good.path.exists()
    assert not list(tmp_path.glob(".*.part"))


def test_an_archive_name_says_nothing_of_the_database_url(monkeypatch):
    """The archives are public files: their names carry the layer id and a digest of the
    workspace, never the team database's URL (which may hold a password)."""
    from layers.user_layers import UserLayer
    from ui import big_layers

    layer = UserLayer("parcels", parcels(3), layer_id="user-1")
    monkeypatch.setenv("PARKATLAS_DATABASE_URL", "postgresql+psycopg://li:s3cret@db.example:5432/atlas")
    team = archive_name(big_layers._key(layer), "1", ["code"])
    assert "s3cret" not in team and "example" not in team and team.startswith("user-1")
    monkeypatch.setenv("PARKATLAS_DATABASE_URL", "postgresql+psycopg://li:s3cret@other.example:5432/atlas")
    assert archive_name(big_layers._key(layer), "1", ["code"]) != team  # another workspace, another archive
