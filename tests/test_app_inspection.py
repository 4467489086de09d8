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
    give_name(at, "import")
    at.button(key="w_add_layer").click().run()
    assert not at.exception and not at.error
    saved = user_layers()["redline"]
    assert set(saved["constraint_kind"]) == {"ecological-redline"} and set(saved["constraint_name"]) == {"生态保护红线"}
    assert set(saved["constraint_rule"]) == {"within"} and set(saved["constraint_tolerance_m2"]) == {25.0}
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
