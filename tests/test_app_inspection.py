"""Inspection in the app (AppTest): a constraint layer imported with its kind, rule and tolerance;
the profile's Inspection section (verdict, geodesic area); the atlas's Inspection view and its
CSV; Sites' "no conflict"; the hatched conflict on the map."""

from __future__ import annotations

import io

import geopandas as gpd
import pandas as pd
import pytest
from pyproj import Geod
from shapely.geometry import Polygon, box
from streamlit.testing.v1 import AppTest

from layers.constraint_layers import mark, spec
from layers.user_layers import AttributeMapping, apply_mapping
from store import default_location, open_workspace
from tests.helpers import run_page

GEOD = Geod(ellps="WGS84")
STRIP = box(113.36, 23.09, 113.365, 23.10)  # the west half of test-square-park, 3/4 of test-square-phase
FAR = box(112.99, 22.99, 112.995, 22.995)  # widens the layer's extent over test-foshan-base (which it misses)
LAYER_NAME = "farmland <script>x</script>"


def truth_m2(poly: Polygon) -> float:
    lon, lat = poly.exterior.coords.xy
    return abs(GEOD.polygon_area_perimeter(lon, lat)[0])


@pytest.fixture()
def small_data(small_data_with_targets):
    return small_data_with_targets


@pytest.fixture()
def farmland(small_data):
    """A 永久基本农田 layer (avoid, tolerance 100 m²) saved in the test's workspace."""
    ws = open_workspace(default_location(), user="测试员", role="admin")
    gdf = gpd.GeoDataFrame({"name": ["west strip", "far patch"]}, geometry=[STRIP, FAR], crs=4326)
    mapped = mark(apply_mapping(gdf, AttributeMapping(name="name"), "constraint", "farmland.geojson"),
                  spec("permanent-basic-farmland"))
    ws.add_layer(LAYER_NAME, mapped, role="constraint", origin="farmland.geojson", reason="test")
    return ws


def inspection_html(at: AppTest) -> str:
    bodies = [h.proto.body for h in at.get("html") if "parkatlas-inspection" in h.proto.body]
    assert bodies, "no inspection section"
    return bodies[0]


def test_import_a_constraint_layer_with_its_kind_rule_and_tolerance(small_data):
    from tests.test_app_data import give_name, page, upload, user_layers

    gdf = gpd.GeoDataFrame({"mc": ["红线 A"]}, geometry=[STRIP], crs=4326)
    at = upload(page(), "redline.geojson", gdf.to_json().encode())
    at.selectbox(key="w_imp_role").set_value("constraint").run()
    at.selectbox(key="w_imp_c_kind").set_value("ecological-redline").run()
    assert at.radio(key="w_imp_c_rule").value == "avoid"  # the kind's default rule
    at.radio(key="w_imp_c_rule").set_value("within").run()
    at.number_input(key="w_imp_c_tol").set_value(25.0).run()
    assert at.radio(key="w_imp_c_cov").value == "envelope"  # the data covers its bounding box unless said
    at.radio(key="w_imp_c_cov").set_value("union").run()
    assert any("never a conflict" in w.value for w in at.warning)  # "within" and the union: said plainly
    give_name(at, "import")
    at.button(key="w_add_layer").click().run()
    assert not at.exception and not at.error
    saved = user_layers()["redline"]
    assert set(saved["constraint_kind"]) == {"ecological-redline"} and set(saved["constraint_name"]) == {"生态保护红线"}
    assert set(saved["constraint_rule"]) == {"within"} and set(saved["constraint_tolerance_m2"]) == {25.0}
    assert set(saved["constraint_coverage"]) == {"union"}
    ws = open_workspace(default_location(), seed=False)
    assert ws.layers().set_index("name").at["redline", "role"] == "constraint"


def test_an_officer_named_constraint_kind(small_data):
    from tests.test_app_data import give_name, page, upload, user_layers

    gdf = gpd.GeoDataFrame({"mc": ["风险区"]}, geometry=[STRIP], crs=4326)
    at = upload(page(), "risk.geojson", gdf.to_json().encode())
    at.selectbox(key="w_imp_role").set_value("constraint").run()
    at.selectbox(key="w_imp_c_kind").set_value("other").run()
    assert "w_add_layer" not in [b.key for b in at.button]  # a name first
    at.text_input(key="w_imp_c_name").set_value("地质灾害风险区").run()
    give_name(at, "import")
    at.button(key="w_add_layer").click().run()
    saved = user_layers()["risk"]
    assert set(saved["constraint_kind"]) == {"officer-地质灾害风险区"} and set(saved["constraint_rule"]) == {"avoid"}


def test_profile_inspection_section_gives_the_verdict_and_geodesic_area(farmland):
    at = run_page({"park": "test-square-park", "lang": "en"})
    body = inspection_html(at)
    area = truth_m2(STRIP)
    assert "Permanent basic farmland" in body and "must not overlap" in body and "conflict" in body
    assert f"{area:,.0f} m²" in body and f"{area / 1e4:,.2f} ha" in body and f"{area * 15 / 1e4:,.1f} 亩" in body
    assert "50.0 %" in body  # a meridian strip of half the square
    assert "geodesic area on the WGS84 ellipsoid" in body and "version 1" in body
    assert "<script>x" not in body and "&lt;script&gt;x" in body  # the layer's name, escaped
    assert "No real land-use parcels yet" in body
    point = inspection_html(run_page({"park": "test-point", "lang": "zh"}))
    assert "无边界" in point


def test_inspection_view_lists_every_park_and_check_and_its_csv(farmland):
    from ui.exports.downloads import table_csv
    from ui.inspection import display_table, inspection
    from ui import data

    at = run_page({"lang": "en"})
    tables = [d.value for d in at.dataframe if "Verdict" in d.value.columns]
    assert tables, "no inspection table"
    table = tables[0]
    verdicts = dict(zip(table.index, table["Verdict"]))
    assert verdicts == {"test-square-park": "conflict", "test-square-phase": "conflict",
                        "test-foshan-base": "clear", "test-point": "no outline"}
    assert table.loc["test-square-park", "Area (m²)"] == pytest.approx(truth_m2(STRIP), rel=1e-3)
    assert table.loc["test-square-phase", "Share of the park (%)"] == pytest.approx(75.0, rel=1e-3)
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Download inspection CSV" in labels and "Download inspection XLSX" in labels
    csv = table_csv(display_table(inspection().rows, data.parks(), "en")).decode("utf-8-sig")
    read = pd.read_csv(io.StringIO(csv), index_col=0)
    assert list(read.columns) == ["Park", "Check", "Rule", "Area (m²)", "Area (ha)", "Area (亩)",
                                  "Share of the park (%)", "Verdict", "Method"]
    assert read.loc["test-square-park", "Verdict"] == "conflict"


def test_sites_no_conflict_removes_conflicts_and_marks_the_unchecked(farmland):
    at = run_page({"lang": "en"}, script="from ui.pages import sites\nsites.render()\n")
    assert len(at.dataframe[0].value) == 4
    at.checkbox(key="ws_no_conflict").check().run()
    assert not at.exception
    table = at.dataframe[0].value
    assert set(table.index) == {"test-foshan-base", "test-point"}
    assert "no outline: constraints not checked" in table.loc["test-point", "Why this rank"]
    assert table.loc["test-foshan-base", "Inspection"] == "clear"
    assert at.query_params["nc"] in ("1", ["1"])  # a shared link keeps it
    again = run_page({"lang": "en", "nc": "1"}, script="from ui.pages import sites\nsites.render()\n")
    assert again.checkbox(key="ws_no_conflict").value and set(again.dataframe[0].value.index) == set(table.index)
    at.checkbox(key="ws_no_conflict").uncheck().run()
    at.multiselect(key="ws_cmp").set_value(["test-square-park", "test-foshan-base"]).run()
    comparison = at.dataframe[1].value
    row = comparison.loc["Inspection (constraints)"]
    assert row.iloc[0].startswith("Permanent basic farmland: conflict") and row.iloc[1] == "Permanent basic farmland: clear"


def test_the_conflict_is_drawn_hatched_without_any_cdn(farmland, monkeypatch):
    import ui.pages.atlas as atlas

    sent: list = []
    monkeypatch.setattr(atlas.cached, "show", lambda prep, **kwargs: sent.append(prep) or {})
    run_page({"park": "test-square-park", "lang": "en"})
    script = sent[-1].feature_group
    assert "parkatlas-hatch-e6c229" in script and "url(#parkatlas-hatch-e6c229)" in script  # 永久基本农田's colour
    assert "createElementNS" in script and "<script>x" not in script
    assert "\\u0026lt;script\\u0026gt;x" in script  # the constraint layer's tooltips: its name escaped (in JSON)
    assert not any("cdn" in link or "unpkg" in link for link in sent[-1].js_links)


def test_land_use_indicators_against_the_plans_rule(farmland):
    """Parcels over test-square-park: G1 on a quarter (meridian strip), M1 on half: the green ratio
    meets 105号's ≥ 20 % (the park is a value-innovation park), industrial share shown without a rule."""
    parcels = gpd.GeoDataFrame({"dldm": ["G1", "M1"]}, geometry=[box(113.36, 23.09, 113.3625, 23.10),
                                                                 box(113.3625, 23.09, 113.3675, 23.10)], crs=4326)
    mapped = apply_mapping(parcels, AttributeMapping(code="dldm"), "landuse", "parcels.geojson")
    farmland.add_layer("parcels", mapped, role="landuse", origin="parcels.geojson", reason="test")
    body = inspection_html(run_page({"park": "test-square-park", "lang": "en"}))
    assert "Green ratio" in body and "25.0 %" in body and "'>met</b>" in body and "105号" in body
    assert "Industrial share (M / M0)" in body and "50.0 %" in body and "no rule" in body
    assert "parcels of the workspace" in body  # the method names the parcels it clipped
    zh = inspection_html(run_page({"park": "test-square-park", "lang": "zh"}))
    assert "绿地率" in zh and "'>达标</b>" in zh and "未达标" not in zh


def test_a_big_constraint_layer_is_tiled_in_its_kind_colour(monkeypatch):
    from pathlib import Path

    import ui.big_layers as big_layers
    from layers.user_layers import UserLayer

    monkeypatch.setattr(big_layers, "tiles_url", lambda path: f"/tiles/{path.name}")
    gdf = mark(apply_mapping(gpd.GeoDataFrame(geometry=[STRIP], crs=4326), AttributeMapping(), "constraint", "eco.gpkg"),
               spec("生态保护红线"))
    tiled = big_layers.map_layer(UserLayer("eco <b>", gdf, role="constraint"), Path("eco-1.wgs84.abc.pmtiles"), "en")
    assert '"defaultFill": "#d7191c"' in tiled.config and '"colours": {}' in tiled.config
    assert tiled.layer_name == "eco &lt;b&gt; · Ecological protection red line"


def test_no_conflict_round_trips_through_the_url():
    from ui.urlstate import decode, encode, query_state, site_query

    state = decode({"nc": "1", "metro": "800"})
    query = site_query(state)
    assert query.no_conflict and encode(query_state(query))["nc"] == "1"
    assert not site_query(decode({})).no_conflict and "nc" not in encode(query_state(site_query(decode({}))))
    assert decode({"nc": "yes"})["_problems"]


def test_floor_area_mapped_at_import_gives_the_far_in_the_profile(small_data):
    """A land-use GeoJSON with 建筑面积 and 基底面积 over test-square-park, imported on the Data page:
    both columns are suggested, the officer adds the layer, and the profile's inspection shows
    FAR 1.80 and building coverage 35.0 %, each with how it was computed."""
    import json

    from tests.test_app_data import give_name, page, upload, user_layers

    park = box(113.36, 23.09, 113.37, 23.10)
    area = truth_m2(park)
    gdf = gpd.GeoDataFrame({"dldm": ["M1"], "建筑面积": [round(1.8 * area, 1)], "基底面积": [round(0.35 * area, 1)]},
                           geometry=[park], crs=4326)
    at = upload(page(), "parcels.geojson", gdf.to_json(ensure_ascii=False).encode())
    at.selectbox(key="w_imp_role").set_value("landuse").run()
    assert at.selectbox(key="w_imp_code_col").value == "dldm"
    assert at.selectbox(key="w_imp_floor_col").value == "建筑面积"  # suggested from its name
    assert at.selectbox(key="w_imp_footprint_col").value == "基底面积"
    assert any("suggested as the floor area" in c.value for c in at.caption)
    give_name(at, "import")
    at.button(key="w_add_layer").click().run()
    assert not at.exception and not at.error
    saved = user_layers()["parcels"]
    assert saved["floor_area_m2"].iloc[0] == pytest.approx(1.8 * area, abs=0.1) and "建筑面积" not in saved.columns
    ws = open_workspace(default_location(), seed=False)
    notes = ws.layers().set_index("name").at["parcels", "notes"]
    assert "'建筑面积', kept as floor_area_m2" in json.dumps(list(notes), ensure_ascii=False)
    body = inspection_html(run_page({"park": "test-square-park", "lang": "en"}))
    assert "Floor-area ratio" in body and ">1.80</td>" in body
    assert "Building coverage" in body and "35.0 %" in body
    assert "column floor_area_m2" in body and "weighted by the share of its area inside the outline" in body
    zh = inspection_html(run_page({"park": "test-square-park", "lang": "zh"}))
    assert "容积率" in zh and ">1.80</td>" in zh and "建筑密度" in zh


def test_a_bad_floor_area_is_refused_at_import_naming_the_feature(small_data):
    from tests.test_app_data import give_name, page, upload, user_layers

    gdf = gpd.GeoDataFrame({"dldm": ["M1", "B1"], "JZMJ": [1000, -20]},
                           geometry=[box(113.36, 23.09, 113.365, 23.10), box(113.365, 23.09, 113.37, 23.10)], crs=4326)
    at = upload(page(), "bad.geojson", gdf.to_json().encode())
    at.selectbox(key="w_imp_role").set_value("landuse").run()
    assert at.selectbox(key="w_imp_floor_col").value == "JZMJ"
    give_name(at, "import")
    at.button(key="w_add_layer").click().run()
    assert not at.exception and at.error
    assert "feature #2: field 'JZMJ' (floor area, m²): -20 is negative" in at.code[0].value
    assert user_layers() == {}


# --- changing a constraint layer's settings on the Data page; the method in Chinese --------------

VIEWER_PAGE = """
from ui import workspace
_current = workspace.current
workspace.current = lambda: _current().as_user("visitor", "viewer")
try:
    from ui.pages import data_page
    data_page.render()
finally:
    workspace.current = _current
"""


def farmland_id() -> str:
    ws = open_workspace(default_location(), seed=False)
    return ws.layers().set_index("name").at[LAYER_NAME, "layer_id"]


def test_an_editor_changes_the_constraint_as_a_new_version_and_the_inspection_follows(farmland):
    from tests.test_app_data import give_name, page, user_layers

    at = page()
    prefix = f"w_cedit_{farmland_id()}"
    assert any("Used as: Permanent basic farmland · must not overlap · tolerance 100 m² · covers: its bounding box"
               in c.value.replace("\\", "") for c in at.caption)
    at.selectbox(key=f"{prefix}_kind").set_value("ecological-redline").run()
    at.number_input(key=f"{prefix}_tol").set_value(50.0).run()
    at.radio(key=f"{prefix}_cov").set_value("union").run()  # the data speaks only where it has polygons
    give_name(at, prefix)
    assert at.button(key=f"{prefix}_save").disabled  # a reason first
    at.text_input(key=f"{prefix}_reason").set_value("红线调整 2026").run()
    at.button(key=f"{prefix}_save").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any("The constraint was saved (a new version of 2 features)" in s.value for s in at.success)
    saved = user_layers()[LAYER_NAME]
    assert set(saved["constraint_kind"]) == {"ecological-redline"} and set(saved["constraint_tolerance_m2"]) == {50.0}
    assert set(saved["constraint_coverage"]) == {"union"} and set(saved["_version"]) == {2}
    ws = open_workspace(default_location(), seed=False)
    last = ws.history(farmland_id(), saved.index[0]).iloc[-1]
    assert (last["version"], last["reason"], last["author"]) == (2, "红线调整 2026", "测试员")
    table = next(d.value for d in run_page({"lang": "en"}).dataframe if "Verdict" in d.value.columns)
    verdicts = dict(zip(table.index, table["Verdict"]))
    assert verdicts["test-square-park"] == "conflict" and verdicts["test-point"] == "no outline"
    # Inside the old bounding box but outside the union of the two patches: no longer "clear".
    assert verdicts["test-foshan-base"] == "not covered (no constraint data over the park)"
    assert set(table["Check"]) == {"Ecological protection red line"}
    assert "union of the features" in table.loc["test-foshan-base", "Method"]
    assert "version" in table.loc["test-foshan-base", "Method"]


def test_a_stale_save_of_the_constraint_is_refused(farmland):
    from tests.test_app_data import give_name, page, user_layers

    at = page()
    layer_id = farmland_id()
    prefix = f"w_cedit_{layer_id}"
    give_name(at, prefix)
    at.number_input(key=f"{prefix}_tol").set_value(30.0).run()
    at.text_input(key=f"{prefix}_reason").set_value("tighter").run()
    other = open_workspace(default_location(), user="王工", role="editor")
    first = other.layer(layer_id).index[0]
    other.save_feature(layer_id, first, None, {"constraint_tolerance_m2": 10.0}, reason="in between")
    at.button(key=f"{prefix}_save").click().run()
    assert not at.exception
    assert any("Not saved: 王工 saved this layer" in e.value for e in at.error)
    saved = user_layers()[LAYER_NAME]
    assert saved["constraint_tolerance_m2"].tolist() == [10.0, 100.0]  # nothing of ours was written
    assert at.number_input(key=f"{prefix}_tol").value == 30.0  # the input stays
    at.button(key=f"{prefix}_reload").click().run()
    at.button(key=f"{prefix}_save").click().run()
    assert not at.error and set(user_layers()[LAYER_NAME]["constraint_tolerance_m2"]) == {30.0}


def test_a_viewer_sees_the_constraint_read_only(farmland):
    at = AppTest.from_string(VIEWER_PAGE, default_timeout=60)
    at.query_params["lang"] = "en"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    prefix = f"w_cedit_{farmland_id()}"
    assert any("Used as: Permanent basic farmland" in c.value.replace("\\", "") for c in at.caption)
    assert at.selectbox(key=f"{prefix}_kind").disabled and at.number_input(key=f"{prefix}_tol").disabled
    assert any("Only an editor may change the constraint" in i.value for i in at.info)
    assert f"{prefix}_save" not in [b.key for b in at.button]


def test_the_method_reads_chinese_on_a_chinese_profile(farmland):
    zh = inspection_html(run_page({"park": "test-square-park", "lang": "zh"}))
    assert "WGS84 椭球面上的大地面积（pyproj.Geod）" in zh and "，版本 1" in zh
    assert "数据覆盖范围：要素外包矩形" in zh and "规则：不得重叠，容差 100 m²" in zh
    assert "geodesic" not in zh and "tolerance" not in zh and "features" not in zh
