"""Officers make the park layer true (AppTest): a boundary file matched to parks, confirmed and
saved; the profile then shows computed vs stated area and the history; an old version restored;
the outline editor measures a drawn outline and saves it; a stale save is refused."""

from __future__ import annotations

import geopandas as gpd
from shapely.geometry import Polygon, box
from streamlit.testing.v1 import AppTest

from store import default_location, open_workspace
from tests.conftest import ROOT
from tests.helpers import fake_editor_map

APP = str(ROOT / "streamlit_app.py")
DATA_PAGE = "from ui.pages import data_page\ndata_page.render()\n"

POINT_PARK = "test-point"  # 清城测试点: an approximate-location point at 113.05 E, 23.70 N, stated 0.5 km²
OUTLINE = box(113.046, 23.697, 113.0535, 23.7035)  # ~0.55 km² around it


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def boundary_file() -> bytes:
    """A 红线 file of the kind officers hold: two outlines named as the plan names the parks, one
    feature that is no park, and one with a self-intersecting ring."""
    bow = Polygon([(113.0, 23.0), (113.02, 23.02), (113.02, 23.0), (113.0, 23.02)])
    return gpd.GeoDataFrame(
        {"园区名称": ["清城测试点", "佛山测试基地", "某物流仓库"], "备注": ["红线", "红线（自相交）", "无关"]},
        geometry=[OUTLINE, bow, box(113.5, 23.5, 113.51, 23.51)], crs=4326).to_json().encode()


def import_boundaries(lang: str = "en") -> AppTest:
    at = AppTest.from_string(DATA_PAGE, default_timeout=60)
    at.query_params["lang"] = lang
    ok(at.run())
    at.file_uploader(key="w_upload").upload("hongxian.geojson", boundary_file()).run()
    ok(at.button(key="w_import").click().run())
    ok(at.selectbox(key="w_imp_role").set_value("parks").run())
    ok(at.radio(key="w_imp_parks_use").set_value("match").run())
    ok(at.radio(key="w_bm_method").set_value("name").run())
    assert at.selectbox(key="w_bm_column_name").value == "园区名称"
    return at


def test_a_boundary_file_is_matched_by_name_and_only_confirmed_matches_are_saved(small_data):
    at = import_boundaries()
    (matches,) = [d.value for d in at.dataframe if "confirm" in d.value.columns]  # the data editor
    assert matches["park"].tolist()[:2] == ["Qingcheng Test Point · test-point", "Foshan Test Base · test-foshan-base"]
    assert matches["park"].tolist()[2] == "—"  # the warehouse is no park
    assert matches["confirm"].tolist() == [True, True, False]
    assert "1 invalid geometries repaired" in [e.label for e in at.expander]  # the bow-tie, repaired on import
    ok(at.text_input(key="bm_author").set_value("李工").run())
    ok(at.button(key="bm_author_save").click().run())
    ok(at.selectbox(key="w_bm_quality").set_value("surveyed").run())
    ok(at.text_input(key="w_bm_reason").set_value("控规红线（区规划局）").run())
    ok(at.button(key="w_bm_save").click().run())
    ws = open_workspace(default_location(), seed=False)
    parks = ws.layer("parks")
    assert parks.loc[POINT_PARK].geometry.equals(OUTLINE)
    assert parks.loc[POINT_PARK, "geometry_quality"] == "surveyed"
    assert parks.loc["test-foshan-base"].geometry.is_valid and parks.loc["test-foshan-base", "_version"] == 2
    assert parks.loc["test-square-park", "_version"] == 1  # not in the file: untouched
    hist = ws.history("parks", POINT_PARK)
    assert hist.iloc[-1]["author"] == "李工" and hist.iloc[-1]["reason"] == "控规红线（区规划局）"
    assert hist.iloc[-1]["evidence"].startswith("hongxian.geojson, feature #1 (清城测试点), sha256 ")
    unmatched = [r for r in ws.layers().itertuples() if r.kind == "user"]
    assert len(unmatched) == 1 and unmatched[0].features == 1 and unmatched[0].origin == "hongxian.geojson"


def test_the_profile_follows_the_outline_and_an_old_version_can_be_restored(small_data):
    ws = open_workspace(default_location(), user="李工")
    ws.set_setting("local_author", "李工")  # the name the app asks for once
    ws.save_feature("parks", POINT_PARK, OUTLINE, {"geometry_quality": "surveyed"}, reason="控规红线",
                    evidence="hongxian.geojson", expected_version=1)
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["w_tables"] = True  # the atlas's tables are shown on request
    at.query_params["park"] = POINT_PARK
    at.query_params["lang"] = "en"
    ok(at.run())
    profile = [h.proto.body for h in at.get("html") if "parkatlas-profile" in h.proto.body][0]
    assert "Computed" in profile and "0.5" in profile and "Surveyed" in profile  # computed vs stated, quality
    assert "%" in profile  # the difference from the stated area
    (history,) = [d.value for d in at.dataframe if "Version" in d.value.columns]
    assert history["Version"].tolist() == [2, 1] and history["Author"].tolist()[0] == "李工"
    assert history["Evidence"].tolist()[0] == "hongxian.geojson"
    ok(at.text_input(key=f"restore_reason_{POINT_PARK}").set_value("wrong file").run())  # restore version 1
    ok(at.button(key=f"restore_{POINT_PARK}").click().run())
    assert any("Version 1 restored as version 3" in s.value for s in at.success)
    parks = open_workspace(default_location(), seed=False).layer("parks")
    assert parks.loc[POINT_PARK].geometry.geom_type == "Point" and parks.loc[POINT_PARK, "_version"] == 3


def _editor(monkeypatch, drawings: list[dict] | None) -> AppTest:
    """The atlas with the outline editor open on POINT_PARK, st_folium answering `drawings`."""
    fake_editor_map(monkeypatch, drawings)
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["w_tables"] = True  # the atlas's tables are shown on request
    at.query_params["park"] = POINT_PARK
    at.query_params["lang"] = "en"
    ok(at.run())
    ok(at.button(key="edit_outline").click().run())
    return at


def test_the_editor_measures_a_drawn_outline_and_saves_it_with_a_reason(small_data, monkeypatch):
    drawn = [{"type": "Feature", "properties": {}, "geometry": OUTLINE.__geo_interface__}]
    at = _editor(monkeypatch, drawn)
    text = "\n".join(m.value for m in at.markdown)
    assert "New outline (geodesic):" in text and "km²" in text and "亩" in text and "Stated in the document:" in text
    ok(at.text_input(key="outline_author").set_value("王工").run())
    ok(at.button(key="outline_author_save").click().run())
    assert at.button(key="outline_save").disabled  # a reason first
    ok(at.text_input(key="outline_reason").set_value("digitised from the 控规 map").run())
    ok(at.button(key="outline_save").click().run())
    assert any("Outline saved as version 2" in s.value for s in at.success)
    parks = open_workspace(default_location(), seed=False).layer("parks")
    assert parks.loc[POINT_PARK, "geometry_quality"] == "digitised" and parks.loc[POINT_PARK].geometry.equals(OUTLINE)


def test_a_far_outline_gets_a_warning_and_a_point_is_refused(small_data, monkeypatch):
    far = box(113.3, 23.1, 113.31, 23.11)  # ~70 km from the park
    at = _editor(monkeypatch, [{"type": "Feature", "properties": {}, "geometry": far.__geo_interface__}])
    assert any("km from the park's current position" in w.value for w in at.warning)
    assert any("stated area" in w.value for w in at.warning)  # 1.1 km² against 0.5 km² stated
    at = _editor(monkeypatch, [{"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [113.05, 23.7]}}])
    assert any("must be an area" in w.value for w in at.warning)
    assert "outline_save" not in [b.key for b in at.button]  # nothing to save


def test_a_stale_save_is_refused_and_shows_both_outlines(small_data, monkeypatch):
    drawn = [{"type": "Feature", "properties": {}, "geometry": OUTLINE.__geo_interface__}]
    at = _editor(monkeypatch, drawn)
    other = open_workspace(default_location(), user="另一位同事")  # saves while this editor is open
    other.save_feature("parks", POINT_PARK, box(113.047, 23.698, 113.052, 23.702), {"geometry_quality": "digitised"},
                       reason="their edit", expected_version=1)
    ok(at.text_input(key="outline_author").set_value("王工").run())
    ok(at.button(key="outline_author_save").click().run())
    ok(at.text_input(key="outline_reason").set_value("mine").run())
    ok(at.button(key="outline_save").click().run())
    assert any("另一位同事 saved version 2" in e.value for e in at.error)
    assert "Theirs" in "\n".join(m.value for m in at.markdown)
    assert open_workspace(default_location(), seed=False).feature("parks", POINT_PARK)["version"] == 2  # nothing overwritten
    ok(at.button(key="conflict_reapply").click().run())  # the editor chooses to put theirs on top
    assert open_workspace(default_location(), seed=False).feature("parks", POINT_PARK)["version"] == 3


def test_land_use_is_composed_on_the_outline_with_imported_parcels(small_data):
    ws = open_workspace(default_location(), user="李工")
    ws.save_feature("parks", POINT_PARK, OUTLINE, {"geometry_quality": "surveyed"}, reason="控规红线", expected_version=1)
    west, east = box(113.046, 23.697, 113.050, 23.7035), box(113.050, 23.697, 113.0535, 23.7035)
    parcels = gpd.GeoDataFrame({"id": ["p1", "p2"], "name_zh": ["工业", "绿地"], "code": ["M1", "G1"]},
                               geometry=[west, east], crs=4326)
    ws.add_layer("控规地块", parcels, role="landuse", origin="kongui.gpkg", reason="控规 parcels")
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["w_tables"] = True  # the atlas's tables are shown on request
    at.query_params["park"] = POINT_PARK
    at.query_params["lang"] = "en"
    ok(at.run())
    ok(at.sidebar.toggle(key="w_landuse").set_value(True).run())
    assert not any("illustrative" in c.value.lower() for c in at.caption)  # real parcels, not generated ones
    assert any("Green ratio" in m.value for m in [*at.caption, *at.success, *at.warning])
    from ui import data

    _, comp, illustrative = data.landuse_for_park(POINT_PARK)
    assert not illustrative
    shares = dict(zip(comp["class"], comp["share"]))
    assert set(shares) == {"M1", "G1"} and abs(shares["M1"] - 0.533) < 0.01  # 0.004° of the 0.0075° width


def test_a_refused_workspace_is_reported_and_the_atlas_still_works(small_data, own_workspace):
    own_workspace.parent.mkdir(parents=True, exist_ok=True)
    own_workspace.write_bytes(b"not a geopackage" * 64)
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["w_tables"] = True  # the atlas's tables are shown on request
    at.query_params["lang"] = "en"
    ok(at.run())
    assert any("cannot be used and was not changed" in e.value for e in at.error)
    assert any("damaged or not a GeoPackage" in c.value for c in at.code)
    assert len(at.dataframe[0].value) == 4  # the bundled parks, read-only
    assert own_workspace.read_bytes() == b"not a geopackage" * 64


def test_a_park_saved_by_another_officer_during_matching_is_not_overwritten_unasked(small_data):
    at = import_boundaries()
    ok(at.text_input(key="bm_author").set_value("李工").run())
    ok(at.button(key="bm_author_save").click().run())
    ok(at.text_input(key="w_bm_reason").set_value("控规红线").run())
    other = open_workspace(default_location(), seed=False)  # another officer, while 李工 checks the table
    other.user = "王工"
    other.save_feature("parks", POINT_PARK, box(113.047, 23.698, 113.052, 23.702), reason="王工: surveyed",
                       expected_version=1)
    ok(at.button(key="w_bm_save").click().run())
    assert any("王工 saved version 2 of park test\\-point" in e.value for e in at.error), [e.value for e in at.error]
    assert open_workspace(default_location(), seed=False).layer("parks").loc["test-foshan-base", "_version"] == 1
    ok(at.button(key="w_bm_on_top").click().run())
    ws = open_workspace(default_location(), seed=False)
    hist = ws.history("parks", POINT_PARK)
    assert hist["version"].tolist() == [1, 2, 3] and hist.iloc[1]["author"] == "王工" and hist.iloc[2]["author"] == "李工"
    assert ws.layer("parks").loc[POINT_PARK].geometry.equals(OUTLINE)


def test_a_park_chosen_by_hand_is_checked_like_a_matched_one(small_data):
    import pandas as pd

    from geo.outline import prepare_outline
    from ui import data
    from ui.panels.boundary_match import chosen_checks

    parks = data.parks()
    far = prepare_outline(box(113.5, 23.5, 113.51, 23.51))  # the warehouse, chosen by hand for a park 50 km away
    table = pd.DataFrame({"feature": [1, 2], "park": ["Qingcheng Test Point · test-point", "—"]})
    checks = chosen_checks([(0, POINT_PARK, "清城测试点"), (1, "test-square-park", "某物流仓库")],
                           {0: prepare_outline(OUTLINE), 1: far}, parks, table, "en")
    assert checks["by_hand"].tolist() == [False, True]
    hand = checks.iloc[1]
    assert hand["distance_m"] > 3000 and hand["area_after_km2"] > 0 and hand["warnings"]  # far: warned
