"""The workspace store, on both backends (a GeoPackage file and a real PostGIS database, the same
tests): round trips, versions, restore, hidden features and layers, conflicts, permissions; and,
for the GeoPackage, refused files and a file GDAL reads as a valid GeoPackage."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
from shapely.geometry import (LineString, MultiLineString, MultiPoint, MultiPolygon, Point, Polygon, box)

from layers._errors import LayerValidationError
from store import (ConflictError, FeatureChange, MissingAuthorError, PermissionDenied, WorkspaceError,
                   open_workspace)
from store.roles import may

SQUARE = box(113.30, 23.10, 113.31, 23.11)


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory):
    """A GeoPackage workspace seeded from the bundled data once; tests copy it."""
    path = tmp_path_factory.mktemp("seeded") / "template.gpkg"
    open_workspace(path, user="seed")
    return path


@pytest.fixture(params=["gpkg", "postgis"])
def backend(request) -> str:
    return request.param


@pytest.fixture()
def new_location(backend, tmp_path, request):
    """A function giving a new, empty workspace location of the backend under test."""
    if backend == "gpkg":
        counter = iter(range(1000))
        return lambda: str(tmp_path / f"ws{next(counter)}.gpkg")
    return request.getfixturevalue("postgis_server").new_database


@pytest.fixture()
def seeded(backend, seeded_template, tmp_path, request):
    """A workspace seeded from the bundled data, opened as the editor 李伟."""
    if backend == "gpkg":
        path = tmp_path / "ws.gpkg"
        shutil.copy(seeded_template, path)
        location = str(path)
    else:
        server = request.getfixturevalue("postgis_server")
        location = server.new_database(template=server.seeded_template())
    ws = open_workspace(location, user="李伟", role="editor")
    ws.reopen_as = lambda **kw: open_workspace(location, **kw)  # another user, the same workspace
    return ws


@pytest.fixture()
def empty(new_location):
    location = new_location()
    ws = open_workspace(location, user="tester", role="editor", seed=False)
    ws.reopen_as = lambda **kw: open_workspace(location, seed=False, **kw)
    return ws


def _all_kinds() -> gpd.GeoDataFrame:
    """Every geometry type (and a missing one) with every attribute kind, including awkward names."""
    geoms = [Point(113.3, 23.1), LineString([(113.3, 23.1), (113.4, 23.2)]), SQUARE,
             Polygon(box(113, 23, 113.1, 23.1).exterior, [box(113.02, 23.02, 113.03, 23.03).exterior.coords[::-1]]),
             MultiPoint([(113.3, 23.1), (113.31, 23.11)]),
             MultiLineString([[(113.3, 23.1), (113.4, 23.2)], [(113.5, 23.1), (113.6, 23.2)]]),
             MultiPolygon([box(113, 23, 113.01, 23.01), box(113.02, 23, 113.03, 23.01)]), None]
    n = len(geoms)
    return gpd.GeoDataFrame({
        "id": [f"f{i}" for i in range(n)],
        "名称": [f"地块{i}" for i in range(n)],
        "Name": ["upper"] * n, "name": ["lower"] * n,  # SQLite column names ignore case
        "fid": list(range(100, 100 + n)),  # one of our own column names
        "area": [1.5, None, 2.25, 3.0, 0.0, -1.0, 1e-9, 1e12],
        "count": list(range(n)),
        "flag": [True, False] * (n // 2),
        "tags": [["a", "b"], [], None, ["中文"], ["x"], ["y"], ["z"], ["w"]],
        "note": ["<b>x</b>", "${alert(1)}", None, "", "line\nbreak", "quote'\"", "tab\t", "emoji 🙂"],
    }, geometry=geoms, crs=4326)


def test_round_trip_every_geometry_and_attribute_kind(empty):
    gdf = _all_kinds()
    layer_id = empty.add_layer("所有类型 test", gdf, role="overlay", origin="kinds.geojson", reason="test import")
    back = empty.layer(layer_id)
    assert list(back.index) == list(gdf["id"])
    for col in ("名称", "Name", "name", "fid", "count", "flag", "note"):
        assert back[col].tolist() == gdf[col].tolist(), col
    assert back["area"].tolist()[0] == 1.5 and pd.isna(back["area"].iloc[1]) and back["area"].iloc[7] == 1e12
    assert back["tags"].tolist() == gdf["tags"].tolist()
    for want, got in zip(gdf.geometry, back.geometry):
        assert (want is None and got is None) or want.equals(got)
    assert back.crs.to_epsg() == 4326


def test_add_layer_needs_reason_author_and_unique_ids(empty):
    gdf = _all_kinds()
    with pytest.raises(ValueError, match="reason"):
        empty.add_layer("x", gdf, role="overlay", origin="x", reason=" ")
    nameless = empty.reopen_as(user="")
    with pytest.raises(MissingAuthorError):
        nameless.add_layer("x", gdf, role="overlay", origin="x", reason="r")
    dup = gdf.assign(id=["same"] * len(gdf))
    with pytest.raises(WorkspaceError, match="unique"):
        empty.add_layer("x", dup, role="overlay", origin="x", reason="r")
    assert empty.layer_ids() == []  # nothing half-written by the failed adds


def test_save_history_restore(seeded):
    v = seeded.save_feature("parks", "gz-vip-pazhou", SQUARE, {"geometry_quality": "surveyed"},
                            reason="红线 from the bureau", evidence="pazhou_hongxian.gpkg", expected_version=1)
    assert v == 2
    park = seeded.layer("parks").loc["gz-vip-pazhou"]
    assert park.geometry.equals(SQUARE) and park["geometry_quality"] == "surveyed" and park["_version"] == 2
    assert park["name_zh"] == "海珠琶洲互联网价值创新园"  # untouched attributes kept
    hist = seeded.history("parks", "gz-vip-pazhou")
    assert hist["version"].tolist() == [1, 2]
    assert hist["op"].tolist() == ["seed", "update"]
    assert hist.iloc[0]["author"] == "ParkAtlas (bundled data)" and "105号" in hist.iloc[0]["evidence"]
    assert hist.iloc[1][["author", "reason", "evidence"]].tolist() == ["李伟", "红线 from the bureau", "pazhou_hongxian.gpkg"]
    assert hist.iloc[1]["area_m2"] == pytest.approx(1_135_000, rel=0.01)  # ~1.135 km² at 23° N
    assert hist.iloc[1]["time"].tzinfo is not None
    v3 = seeded.restore("parks", "gz-vip-pazhou", 1, reason="the file was the wrong park")
    assert v3 == 3
    park = seeded.layer("parks").loc["gz-vip-pazhou"]
    assert park.geometry.geom_type == "Point" and park["geometry_quality"] == "approximate-location"
    hist = seeded.history("parks", "gz-vip-pazhou")
    assert hist["version"].tolist() == [1, 2, 3] and hist.iloc[2]["restored_from"] == 1  # nothing deleted


def test_stale_save_is_refused_and_writes_nothing(seeded):
    seeded.save_feature("parks", "gz-vip-pazhou", SQUARE, {"geometry_quality": "surveyed"}, reason="mine",
                        expected_version=1)
    with pytest.raises(ConflictError, match="version 2 was saved by 李伟") as exc:
        seeded.save_feature("parks", "gz-vip-pazhou", box(113.3, 23.1, 113.32, 23.12), reason="theirs",
                            expected_version=1)
    assert exc.value.current_version == 2 and exc.value.theirs["reason"] == "mine"
    assert exc.value.theirs["geometry"].equals(SQUARE)
    assert seeded.history("parks", "gz-vip-pazhou")["version"].tolist() == [1, 2]


def test_bundled_layer_schema_is_enforced(seeded):
    with pytest.raises(LayerValidationError, match="geometry_quality"):
        seeded.save_feature("parks", "gz-vip-pazhou", SQUARE, {"geometry_quality": "guessed"}, reason="r",
                            expected_version=1)
    with pytest.raises(LayerValidationError, match="LineString is not one of"):
        seeded.save_feature("parks", "gz-vip-pazhou", LineString([(113, 23), (113.1, 23.1)]), reason="r",
                            expected_version=1)
    with pytest.raises(LayerValidationError, match="a Point must be 'approximate-location'"):
        seeded.save_feature("parks", "gz-vip-pazhou", Point(113.34, 23.1), {"geometry_quality": "surveyed"},
                            reason="r", expected_version=1)
    with pytest.raises(ValueError, match="reason"):
        seeded.save_feature("parks", "gz-vip-pazhou", SQUARE, {"geometry_quality": "surveyed"}, reason="",
                            expected_version=1)
    assert seeded.history("parks", "gz-vip-pazhou")["version"].tolist() == [1]


def test_hidden_feature_stays_in_history_and_only_an_admin_shows_it(seeded):
    seeded.hide_feature("parks", "gz-vip-pazhou", reason="duplicate of another record")
    assert "gz-vip-pazhou" not in seeded.layer("parks").index
    hidden = seeded.layer("parks", include_hidden=True)
    assert bool(hidden.loc["gz-vip-pazhou", "_hidden"]) is True
    with pytest.raises(PermissionDenied, match="admin"):
        seeded.unhide_feature("parks", "gz-vip-pazhou", reason="not a duplicate")
    admin = seeded.reopen_as(user="管理员", role="admin")
    admin.unhide_feature("parks", "gz-vip-pazhou", reason="not a duplicate")
    assert "gz-vip-pazhou" in seeded.layer("parks").index
    assert seeded.history("parks", "gz-vip-pazhou")["op"].tolist() == ["seed", "hide", "unhide"]


def test_hidden_user_layer_can_be_restored(empty):
    layer_id = empty.add_layer("drawn", _all_kinds(), role="overlay", origin="drawn on the map", reason="sketch")
    empty.hide_layer(layer_id, reason="not needed")
    assert layer_id not in empty.layer_ids() and layer_id in empty.layer_ids(include_hidden=True)
    assert len(empty.layer(layer_id)) == 8  # its features are all still there
    admin = empty.reopen_as(user="admin", role="admin")
    admin.unhide_layer(layer_id, reason="needed after all")
    assert layer_id in empty.layer_ids()
    assert empty.layer_events(layer_id)["action"].tolist() == ["unhide", "hide", "add"]


def test_viewer_cannot_write_anything(seeded):
    viewer = seeded.reopen_as(user="访客", role="viewer")
    assert len(viewer.layer("parks")) == 54
    calls = [
        lambda: viewer.save_feature("parks", "gz-vip-pazhou", SQUARE, reason="r", expected_version=1),
        lambda: viewer.restore("parks", "gz-vip-pazhou", 1, reason="r"),
        lambda: viewer.hide_feature("parks", "gz-vip-pazhou", reason="r"),
        lambda: viewer.add_layer("x", _all_kinds(), role="overlay", origin="x", reason="r"),
        lambda: viewer.set_setting("local_author", "me"),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
    assert seeded.history("parks", "gz-vip-pazhou")["version"].tolist() == [1]
    assert may("admin", "unhide") and not may("editor", "unhide")


def test_settings_are_remembered(empty):
    assert empty.setting("local_author") is None
    empty.set_setting("local_author", "王芳")
    assert empty.reopen_as().setting("local_author") == "王芳"


def test_new_attribute_adds_a_column(empty):
    layer_id = empty.add_layer("a", _all_kinds(), role="overlay", origin="x", reason="r")
    empty.save_feature(layer_id, "f0", None, {"审批文号": "穗规划〔2024〕1号"}, reason="add approval", expected_version=1)
    back = empty.layer(layer_id)
    assert back.loc["f0", "审批文号"] == "穗规划〔2024〕1号" and pd.isna(back.loc["f1", "审批文号"])
    assert back.loc["f0"].geometry.equals(Point(113.3, 23.1))  # geometry None keeps the current one


def test_a_new_feature_starts_at_version_1(empty):
    layer_id = empty.add_layer("a", _all_kinds(), role="overlay", origin="x", reason="r")
    assert empty.save_feature(layer_id, "new-1", SQUARE, {"名称": "新"}, reason="drawn") == 1
    with pytest.raises(ConflictError):  # the editor thought it was new (0), but it exists now
        empty.save_feature(layer_id, "new-1", SQUARE, {"名称": "again"}, reason="drawn", expected_version=0)
    assert empty.save_feature(layer_id, "new-1", SQUARE, {"名称": "script"}, reason="batch fix") == 2  # None: no check


def test_gdal_reads_every_table_as_a_valid_geopackage(seeded, backend):
    if backend != "gpkg":
        pytest.skip("a GeoPackage check")
    seeded.save_feature("parks", "gz-vip-pazhou", SQUARE, {"geometry_quality": "surveyed"}, reason="r", expected_version=1)
    seeded.add_layer("用地 parcels", _all_kinds(), role="landuse", origin="kinds.geojson", reason="r")
    names = {name for name, _ in pyogrio.list_layers(seeded.location)}
    assert {"parks", "transport_lines", "transport_nodes", "facilities", "ws_versions", "ws_layers"} <= names
    parks = pyogrio.read_dataframe(seeded.location, layer="parks")
    assert len(parks) == 54 and parks.crs.to_epsg() == 4326
    assert parks.set_index("feature_id").loc["gz-vip-pazhou"].geometry.equals(SQUARE)
    versions = pyogrio.read_dataframe(seeded.location, layer="ws_versions")
    assert len(versions) == 54 + 46 + 37 + 62 + 5 + 73 + 3 + 1 + 1 + 8  # bundled layers (rules: 1); ours
    con = sqlite3.connect(seeded.location)
    assert con.execute("PRAGMA application_id").fetchone()[0] == 0x47504B47
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert con.execute("SELECT count(*) FROM rtree_parks_geom").fetchone()[0] == 54
    minx = con.execute("SELECT minx FROM rtree_parks_geom r JOIN parks p ON p.fid = r.id "
                       "WHERE p.feature_id = 'gz-vip-pazhou'").fetchone()[0]
    assert minx == pytest.approx(113.30, abs=1e-4)  # the R-tree (float32 bounds) followed the save
    con.close()
    if shutil.which("ogrinfo") or os.environ.get("CI"):  # `make test` installs gdal-bin
        out = subprocess.run(["ogrinfo", "-al", "-so", "--config", "OGR_GPKG_INTEGRITY_CHECK", "YES", seeded.location],
                             capture_output=True, text=True, check=True)
        assert "warning" not in (out.stdout + out.stderr).lower() and "error" not in out.stderr.lower()


@pytest.mark.parametrize("content, message", [
    (b"this is not a database at all" * 100, "damaged or not a GeoPackage"),
    (b"", "not a ParkAtlas workspace"),
])
def test_a_file_that_is_not_a_workspace_is_refused_and_left_alone(tmp_path, content, message):
    path = tmp_path / "broken.gpkg"
    path.write_bytes(content)
    with pytest.raises(WorkspaceError, match=message):
        open_workspace(path, user="x")
    assert path.read_bytes() == content


def test_someone_elses_geopackage_is_refused(tmp_path):
    path = tmp_path / "qgis.gpkg"
    gpd.GeoDataFrame({"a": [1]}, geometry=[SQUARE], crs=4326).to_file(path, layer="plots", engine="pyogrio")
    before = path.read_bytes()
    with pytest.raises(WorkspaceError, match="not a ParkAtlas workspace"):
        open_workspace(path, user="x")
    assert path.read_bytes() == before


def test_a_newer_schema_is_refused_and_left_alone(tmp_path):
    empty = open_workspace(tmp_path / "ws.gpkg", user="x", seed=False)
    con = sqlite3.connect(empty.location)
    con.execute("UPDATE ws_meta SET value = '99' WHERE key = 'schema_version'")
    con.commit()
    con.close()
    before = open(empty.location, "rb").read()
    with pytest.raises(WorkspaceError, match="newer ParkAtlas"):
        open_workspace(empty.location, user="x")
    assert open(empty.location, "rb").read() == before


def test_a_truncated_workspace_is_refused(seeded_template, tmp_path):
    data = open(seeded_template, "rb").read()
    cut = tmp_path / "cut.gpkg"
    cut.write_bytes(data[: len(data) // 3])
    with pytest.raises(WorkspaceError):
        ws = open_workspace(cut, user="x", seed=False)
        ws.layer("parks")
        ws.history("parks", "gz-vip-pazhou")


def test_a_batch_is_saved_whole_or_not_at_all(seeded):
    good = FeatureChange("gz-vip-pazhou", SQUARE, {"geometry_quality": "surveyed"}, "hongxian.gpkg #1", 1)
    stale = FeatureChange("gz-vip-huadu", box(113.2, 23.4, 113.21, 23.41), {"geometry_quality": "surveyed"},
                          "hongxian.gpkg #2", 7)  # the editor's view is out of date
    with pytest.raises(ConflictError):
        seeded.save_features("parks", [good, stale], reason="控规红线")
    assert seeded.feature("parks", "gz-vip-pazhou")["version"] == 1  # the good one did not land alone
    stale.expected_version = 1
    assert seeded.save_features("parks", [good, stale], reason="控规红线") == {"gz-vip-pazhou": 2, "gz-vip-huadu": 2}
    assert seeded.history("parks", "gz-vip-huadu").iloc[-1]["evidence"] == "hongxian.gpkg #2"


def test_the_audit_log_lists_every_change_and_only_an_admin_gets_it(seeded):
    seeded.save_feature("parks", "gz-vip-pazhou", SQUARE, {"geometry_quality": "surveyed"}, reason="=HYPERLINK(1)",
                        evidence="红线.gpkg", expected_version=1)
    layer_id = seeded.add_layer("草图", _all_kinds(), role="overlay", origin="drawn on the map", reason="sketch")
    seeded.hide_layer(layer_id, reason="not needed")
    with pytest.raises(PermissionDenied):
        seeded.audit_log()  # an editor
    log = seeded.reopen_as(user="管理员", role="admin").audit_log()
    assert len(log) == (54 + 46 + 37 + 62 + 5 + 73 + 3 + 1) + 1 + 8 + 9 + 2  # every version; the 9 bundled layers' adds, ours' add and hide
    mine = log[log["author"] == "李伟"]
    assert mine["action"].tolist() == ["update"] + ["create"] * 8 + ["layer add", "layer hide"]
    assert mine.iloc[0][["layer_id", "feature_id", "version", "evidence"]].tolist() == ["parks", "gz-vip-pazhou", 2, "红线.gpkg"]
    assert log["time"].is_monotonic_increasing

    from ui.exports.downloads import audit_csv

    text = audit_csv(log).decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in text and ",=HYPERLINK" not in text  # a reason cannot run as a formula


def test_a_new_attribute_takes_its_kind_from_its_first_value_not_from_a_null(tmp_path):
    """A release adds `roles` (a list) to bundled features that had none: the first features
    bring null, a later one a list. The null adds no column (its kind cannot be known), so the
    list makes a JSON column and reads back as a list, not as text."""
    import geopandas as gpd
    from shapely.geometry import Point

    from store import open_workspace

    ws = open_workspace(tmp_path / "ws.gpkg", user="officer", seed=False)
    frame = gpd.GeoDataFrame({"id": ["a", "b"], "name": ["A", "B"]}, geometry=[Point(113.3, 23.1)] * 2, crs=4326)
    layer = ws.add_layer("stations", frame, role="transport", origin="test", reason="test")
    ws.save_feature(layer, "a", None, {"roles": None}, reason="a release")
    ws.save_feature(layer, "b", None, {"roles": ["airport"]}, reason="a release")
    got = ws.layer(layer).set_index("id")
    assert got.at["b", "roles"] == ["airport"] and got.at["a", "roles"] is None
    ws.engine.dispose()
