"""Exports of a park an officer outlined (issue 21): every format carries the outline's workspace
version, author, date, geometry quality, reason and evidence, and not the bundled note on the
approximate point the outline replaced. A real workspace (GeoPackage) with a saved outline."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import geopandas as gpd
import openpyxl
import pandas as pd
import pytest
from shapely.geometry import box

from geo.export import export_layer
from store import open_workspace
from tests.conftest import TEST_DATA
from ui.exports.park_outlines import OUTLINE_ABOUT, OUTLINE_COLUMNS, outline_origin, outline_origins, with_outline_columns

POINT_PARK = "test-point"  # 清城测试点: an approximate-location point at 113.05 E, 23.70 N
OTHER_PARK = "test-foshan-base"  # keeps its bundled geometry and note
OUTLINE = box(113.046, 23.697, 113.0535, 23.7035)  # ~0.55 km² around the point
POINT_NOTE = "位置为近似点：置于测试站以北，按原文四至未能核对。"
OTHER_NOTE = "文件只给出分期面积，位置为近似。"
EVIDENCE = "hongxian.geojson, feature #1 (清城测试点), sha256 0123456789ab"


@pytest.fixture()
def noted_data(tmp_path, monkeypatch) -> Path:
    """A data folder whose small parks file gives two parks a bundled note (PARKATLAS_DATA_DIR)."""
    import streamlit as st

    folder = tmp_path / "data"
    folder.mkdir()
    parks = json.loads((TEST_DATA / "parks_small.geojson").read_text(encoding="utf-8"))
    for feature in parks["features"]:
        props = feature["properties"]
        props["note"] = {POINT_PARK: POINT_NOTE, OTHER_PARK: OTHER_NOTE}.get(props["id"], props["note"])
    (folder / "parks.geojson").write_text(json.dumps(parks, ensure_ascii=False), encoding="utf-8")
    for name in ("transport_lines.geojson", "transport_nodes.geojson", "facilities.geojson"):
        (folder / name).write_bytes((TEST_DATA / name).read_bytes())
    monkeypatch.setenv("PARKATLAS_DATA_DIR", str(folder))
    st.cache_resource.clear()
    yield folder
    st.cache_resource.clear()


@pytest.fixture()
def outlined(noted_data, own_workspace):
    """The workspace with the point park outlined by 李工 from a 红线 file (version 2)."""
    ws = open_workspace(own_workspace, user="李工", role="admin")
    assert ws.layer("parks").at[POINT_PARK, "note"] == POINT_NOTE
    ws.save_feature("parks", POINT_PARK, OUTLINE, {"geometry_quality": "surveyed"}, reason="控规红线（区规划局）",
                    evidence=EVIDENCE, expected_version=1)
    return ws


def exported_parks(ws) -> gpd.GeoDataFrame:
    """The workspace's parks with the outline columns, as the export panel builds them."""
    parks = ws.layer("parks").drop(columns=["_version"])
    versions = ws.layer("parks")["_version"].to_dict()
    return with_outline_columns(parks, outline_origins(versions, lambda pid: ws.history("parks", pid)))


def read_back(data: bytes, fmt: str, tmp_path: Path) -> pd.DataFrame:
    """The exported rows as written, indexed by id (XLSX: the data sheet; shapefile names mapped back)."""
    if fmt == "xlsx":
        frame = pd.read_excel(io.BytesIO(data), sheet_name="data", dtype=object)
    elif fmt == "csv":
        frame = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype=object, keep_default_na=False)
        frame = frame.replace({"": None})
    elif fmt == "shp":
        folder = tmp_path / "shp"
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            zf.extractall(folder)
            fields = pd.read_csv(io.BytesIO(zf.read("fields.csv")), encoding="utf-8-sig")
        frame = pd.concat([gpd.read_file(p, engine="pyogrio") for p in sorted(folder.glob("*.shp"))])
        frame = frame.rename(columns=dict(zip(fields["field"], fields["column"])))
    else:
        path = tmp_path / f"parks.{fmt}"
        path.write_bytes(data)
        frame = gpd.read_file(path, engine="pyogrio")
    return frame.set_index("id")


@pytest.mark.parametrize("fmt", ["gpkg", "geojson", "shp", "csv", "xlsx"])
def test_an_outlined_park_is_exported_with_its_version_author_evidence_and_no_point_note(outlined, fmt, tmp_path):
    parks = exported_parks(outlined)
    exported = export_layer(parks, fmt, layer_name="parks", about=OUTLINE_ABOUT)
    back = read_back(exported.data, fmt, tmp_path)
    assert set(OUTLINE_COLUMNS) <= set(back.columns)
    row = back.loc[POINT_PARK]
    assert int(row["outline_version"]) == 2
    assert row["outline_author"] == "李工"
    saved = outlined.history("parks", POINT_PARK).iloc[-1]["time"]
    assert f"{pd.Timestamp(row['outline_date']):%Y-%m-%d}" == f"{saved:%Y-%m-%d}"  # GDAL reads GeoJSON's as a date
    assert row["outline_reason"] == "控规红线（区规划局）"
    assert row["outline_evidence"] == EVIDENCE  # file name and SHA-256, as the workspace stores them
    assert row["geometry_quality"] == "surveyed"
    assert pd.isna(row["note"])  # the bundled note on the approximate point is gone
    assert POINT_NOTE not in exported.data.decode("utf-8", "ignore") if fmt in ("geojson", "csv") else True
    other = back.loc[OTHER_PARK]
    assert other["note"] == OTHER_NOTE  # a park with its bundled geometry keeps its note
    assert all(pd.isna(other[c]) for c in OUTLINE_COLUMNS)
    if fmt in ("gpkg", "geojson", "shp"):  # the outline itself (a shapefile turns its ring clockwise)
        assert back.loc[POINT_PARK, "geometry"].normalize().equals_exact(OUTLINE.normalize(), 1e-7)


def test_the_columns_are_said_in_the_files_about(outlined, tmp_path):
    import pyogrio

    path = tmp_path / "parks.gpkg"
    path.write_bytes(export_layer(exported_parks(outlined), "gpkg", layer_name="parks", about=OUTLINE_ABOUT).data)
    assert pyogrio.read_info(path, layer="parks")["layer_metadata"]["outline"] == OUTLINE_ABOUT["outline"]
    book = openpyxl.load_workbook(io.BytesIO(export_layer(exported_parks(outlined), "xlsx", about=OUTLINE_ABOUT).data))
    about = {r[0].value: r[1].value for r in book["about"].iter_rows(min_row=2)}
    assert about["outline"] == OUTLINE_ABOUT["outline"]
    members = json.loads(export_layer(exported_parks(outlined), "geojson", about=OUTLINE_ABOUT).data)
    assert members["outline"] == OUTLINE_ABOUT["outline"] and "crs" not in members


def test_the_outline_version_follows_restores_and_ignores_attribute_changes(outlined):
    ws = outlined

    def origin():
        return outline_origin(ws.history("parks", POINT_PARK))

    ws.save_feature("parks", POINT_PARK, None, {"status": "established"}, reason="已建成")  # v3: the outline kept
    ws.hide_feature("parks", POINT_PARK, reason="核对")  # v4
    ws.unhide_feature("parks", POINT_PARK, reason="核对完毕")  # v5
    assert origin().version == 2 and origin().evidence == EVIDENCE and origin().bundled_note == POINT_NOTE
    ws.restore("parks", POINT_PARK, 1, reason="红线作废")  # v6: the bundled point again
    assert origin() is None
    assert exported_parks(ws).at[POINT_PARK, "note"] == POINT_NOTE  # the point's note is true again
    ws.restore("parks", POINT_PARK, 2, reason="红线恢复")  # v7: the outline of version 2
    assert (origin().version, origin().author, origin().evidence) == (2, "李工", EVIDENCE)
    assert pd.isna(exported_parks(ws).at[POINT_PARK, "note"])


def test_an_officers_own_note_on_an_outlined_park_is_kept(outlined):
    outlined.save_feature("parks", POINT_PARK, None, {"note": "红线经区规划局确认"}, reason="补充说明")
    assert exported_parks(outlined).at[POINT_PARK, "note"] == "红线经区规划局确认"


def test_the_export_panel_builds_parks_with_the_outline_columns(outlined):
    """The Data page's export section (ui.panels.export_panel) reads the versions through the app's
    workspace and history caches."""
    from ui import data
    from ui.panels.export_panel import parks_for_export

    parks = parks_for_export(data.parks())
    assert parks.at[POINT_PARK, "outline_version"] == 2 and parks.at[POINT_PARK, "outline_evidence"] == EVIDENCE
    assert pd.isna(parks.at[POINT_PARK, "note"]) and parks.at[OTHER_PARK, "note"] == OTHER_NOTE
    assert not {"area_m2", "area_km2", "_version"} & set(parks.columns)


def test_the_data_page_exports_the_outlined_park(outlined, monkeypatch, tmp_path):
    """The Data page's export section (AppTest): says how many parks carry an officer's outline,
    and the file it offers has the outline columns and not the point's note."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    offered: list[tuple[str, bytes]] = []
    real = st.download_button

    def download_button(label, data, file_name=None, *args, **kwargs):
        offered.append((file_name, data))
        return real(label, data, file_name, *args, **kwargs)

    monkeypatch.setattr(st, "download_button", download_button)
    at = AppTest.from_string("from ui.pages import data_page\ndata_page.render()\n", default_timeout=60)
    at.query_params["lang"] = "en"
    at.run()
    at.selectbox(key="w_exp_format").set_value("gpkg").run()
    at.button(key="w_exp_build").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(c.value.startswith("1 of these parks have an outline an officer saved") for c in at.caption)
    ((name, data),) = [o for o in offered if o[0].endswith(".gpkg")]
    back = read_back(data, "gpkg", tmp_path)
    assert back.loc[POINT_PARK, "outline_evidence"] == EVIDENCE and int(back.loc[POINT_PARK, "outline_version"]) == 2
    assert pd.isna(back.loc[POINT_PARK, "note"]) and back.loc[OTHER_PARK, "note"] == OTHER_NOTE
