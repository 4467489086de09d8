"""The Data page (AppTest): upload -> check report -> add as a layer; a failed import changes
nothing; drawn shapes are measured; any layer exports in the chosen format and CRS."""

from __future__ import annotations


import geopandas as gpd
from streamlit.testing.v1 import AppTest

from store import default_location, open_workspace
from tests.conftest import TEST_DATA
from ui.safe_html import md

BAD = TEST_DATA / "bad"
PAGE = "from ui.pages import data_page\ndata_page.render()\n"


def page(lang: str = "en") -> AppTest:
    at = AppTest.from_string(PAGE, default_timeout=60)
    at.query_params["lang"] = lang
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def upload(at: AppTest, name: str, data: bytes) -> AppTest:
    at.file_uploader(key="w_upload").upload(name, data).run()
    at.button(key="w_import").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def user_layers(at: AppTest | None = None) -> dict:
    """The user layers saved in this test's workspace, by name (read from the file itself)."""
    ws = open_workspace(default_location(), seed=False)
    layers = ws.layers()
    return {row.name: ws.layer(row.layer_id) for row in layers.itertuples() if row.kind == "user"}


def give_name(at: AppTest, key: str, name: str = "测试员") -> AppTest:
    """Answer the one-time "your name" question of the workspace (asked before the first save)."""
    at.text_input(key=f"{key}_author").set_value(name).run()
    at.button(key=f"{key}_author_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_upload_report_then_add_as_a_new_layer_never_replacing(small_data):
    at = upload(page(), "script_attrs.geojson", (BAD / "script_attrs.geojson").read_bytes())
    report = "\n".join(m.value for m in at.markdown)
    assert "Features:" in report and "Format: GeoJSON" in report
    assert user_layers(at) == {}  # nothing is added before the user confirms
    give_name(at, "import")
    at.button(key="w_add_layer").click().run()
    assert list(user_layers(at)) == ["script_attrs"]
    # The same file again becomes a second layer with a name of its own.
    upload(at, "script_attrs.geojson", (BAD / "script_attrs.geojson").read_bytes())
    at.button(key="w_add_layer").click().run()
    assert list(user_layers(at)) == ["script_attrs", "script_attrs (2)"]
    layer = user_layers(at)["script_attrs"]
    assert layer.crs.to_epsg() == 4326 and layer["source"].eq("script_attrs.geojson").all()
    # A new session (a reload, another browser) finds both, with their origin, author and time.
    again = page()
    listed = "\n".join(m.value for m in again.markdown)
    assert md("script_attrs (2)") in listed and md("script_attrs.geojson") in listed and "测试员" in listed


def test_a_saved_layer_can_be_hidden_and_stays_in_the_workspace(small_data):
    at = upload(page(), "script_attrs.geojson", (BAD / "script_attrs.geojson").read_bytes())
    give_name(at, "import")
    at.button(key="w_add_layer").click().run()
    (layer_id,) = [r.layer_id for r in open_workspace(default_location(), seed=False).layers().itertuples() if r.kind == "user"]
    at.text_input(key=f"w_hide_reason_{layer_id}").set_value("not needed").run()
    at.button(key=f"w_hide_{layer_id}").click().run()
    assert user_layers() == {}
    ws = open_workspace(default_location(), seed=False)
    assert layer_id in ws.layer_ids(include_hidden=True) and len(ws.layer(layer_id)) > 0


def test_a_failed_import_says_why_and_changes_nothing(small_data):
    at = upload(page(), "ok.geojson", (BAD / "script_attrs.geojson").read_bytes())
    give_name(at, "import")
    at.button(key="w_add_layer").click().run()
    before = {name: len(gdf) for name, gdf in user_layers(at).items()}
    at = upload(at, "truncated.geojson", (BAD / "truncated.geojson").read_bytes())
    assert at.error and md("truncated.geojson") in at.error[0].value
    assert {name: len(gdf) for name, gdf in user_layers(at).items()} == before == {"ok": 2}


def test_a_projected_file_without_crs_asks_for_confirmation(small_data):
    at = upload(page(), "projected_no_prj.zip", (BAD / "projected_no_prj.zip").read_bytes())
    assert any("guess" in w.value for w in at.warning)
    assert at.selectbox(key="w_confirm_crs").value == 4547


def test_landuse_mapping_refuses_unknown_codes_and_adds_nothing(small_data):
    parcels = gpd.GeoDataFrame({"dldm": ["M1", "XX9"]}, geometry=gpd.GeoSeries.from_wkt(
        ["POLYGON((113.3 23.1,113.31 23.1,113.31 23.11,113.3 23.1))", "POLYGON((113.32 23.1,113.33 23.1,113.33 23.11,113.32 23.1))"]),
        crs=4326)
    at = upload(page(), "parcels.geojson", parcels.to_json().encode())
    at.selectbox(key="w_imp_role").set_value("landuse").run()
    at.selectbox(key="w_imp_code_col").set_value("dldm").run()
    give_name(at, "import")
    at.button(key="w_add_layer").click().run()
    assert at.error and "'XX9' is not a land-use code" in at.code[0].value and "feature #2" in at.code[0].value
    assert user_layers(at) == {}


def test_export_a_bundled_layer_as_a_zipped_shapefile_in_4547(small_data):
    at = page()
    at.selectbox(key="w_exp_format").set_value("shp").run()
    at.selectbox(key="w_exp_crs").set_value("cgcs2000-gk-114").run()
    at.button(key="w_exp_build").click().run()
    assert not at.exception
    button = at.get("download_button")[0]
    assert button.proto.label.startswith(f"Download {md('parks-cgcs2000-gk-114')}") and button.proto.label.endswith(md(".zip"))
    assert at.info and "schematic" in at.info[0].value  # the small parks file has schematic outlines


def test_draw_measures_are_geodesic_in_km2_ha_and_mu():
    from geo.drawn import measure_drawn
    from ui.panels.draw_panel import measure_text

    square = {"type": "Polygon", "coordinates": [[[113, 23], [113.01, 23], [113.01, 23.01], [113, 23.01], [113, 23]]]}
    assert measure_text(measure_drawn(square), "zh").startswith("面积（测地）：1.135 km² · 113.")
    line = {"type": "LineString", "coordinates": [[113, 23], [113.01, 23]]}
    assert measure_text(measure_drawn(line), "en").startswith("Length (geodesic): 1.025 km")
