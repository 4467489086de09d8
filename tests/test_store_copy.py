"""A workspace copied from a GeoPackage into PostGIS and back, with every version: the layers,
histories and layer log are the same on every side, and GDAL reads the round-tripped file."""

from __future__ import annotations

import geopandas as gpd
import pyogrio
import pytest
from shapely.geometry import box

from store import WorkspaceError, open_workspace
from store.copy import copy_workspace, counts, main


def _edited(path):
    ws = open_workspace(path, user="李伟", role="admin")
    ws.save_feature("parks", "gz-vip-pazhou", box(113.33, 23.09, 113.345, 23.105), {"geometry_quality": "surveyed"},
                    reason="控规红线", evidence="红线.gpkg", expected_version=1)
    ws.restore("parks", "gz-vip-pazhou", 1, reason="wrong file")
    parcels = gpd.GeoDataFrame({"id": ["p1", "p2"], "code": ["M1", "G1"], "面积": [1.5, None]},
                               geometry=[box(113.3, 23.1, 113.31, 23.11), box(113.31, 23.1, 113.32, 23.11)], crs=4326)
    layer_id = ws.add_layer("控规地块", parcels, role="landuse", origin="kongui.gpkg", reason="imported")
    ws.hide_layer(layer_id, reason="superseded")
    ws.set_setting("local_author", "李伟")
    return ws, layer_id


def _same(a, b, layer_id):
    assert counts(a) == counts(b)
    for layer in ("parks", "transport_lines", layer_id):
        left, right = a.layer(layer, include_hidden=True), b.layer(layer, include_hidden=True)
        assert list(left.index) == list(right.index)
        assert left.drop(columns="geometry").equals(right.drop(columns="geometry"))
        assert all((x is None and y is None) or x.equals(y) for x, y in zip(left.geometry, right.geometry))
    ha, hb = a.history("parks", "gz-vip-pazhou"), b.history("parks", "gz-vip-pazhou")
    assert ha.drop(columns="geometry").equals(hb.drop(columns="geometry"))
    assert [g.wkt for g in ha.geometry] == [g.wkt for g in hb.geometry]
    assert a.layer_events().equals(b.layer_events())
    assert b.setting("local_author") == "李伟"


def test_a_geopackage_goes_into_postgis_and_back_with_every_version(tmp_path, postgis_server):
    source, layer_id = _edited(tmp_path / "local.gpkg")
    url = postgis_server.new_database()
    assert main([str(source.location), url]) == 0
    team = open_workspace(url, user="copy", role="admin", seed=False)
    _same(source, team, layer_id)
    back = tmp_path / "snapshot.gpkg"
    assert main([url, str(back)]) == 0
    snapshot = open_workspace(back, user="x", seed=False)
    _same(source, snapshot, layer_id)
    assert len(pyogrio.read_dataframe(back, layer="ws_versions")) == counts(source)["ws_versions"]


def test_a_copy_never_goes_into_a_workspace_that_has_layers(tmp_path):
    source, _ = _edited(tmp_path / "a.gpkg")
    target = open_workspace(tmp_path / "b.gpkg", user="x", role="admin")  # seeded: it has layers
    before = counts(target)
    with pytest.raises(WorkspaceError, match="already holds layers"):
        copy_workspace(source, target)
    assert counts(target) == before
